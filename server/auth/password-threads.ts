/**
 * scrypt on threads of its own, not on libuv's pool.
 *
 * Why: `crypto.scrypt` runs on libuv's threadpool, which the server shares with every SQLite
 * statement (node-sqlite3 hands each one to the pool, threadpool.ts) and all file work. During a
 * burst of sync pushes a sign-in's 40 ms of scrypt queued and competed there with the burst's
 * statements: measured in `npm run bench` (sync-load), sign-ins during the burst answered in
 * p99 300–420 ms with the pool, 210–270 ms on these threads.
 *
 * The worker's code is a few lines of plain JavaScript evaluated by the Worker itself (`eval`), so
 * it needs no build step and no TypeScript loader, from dist/ and from source alike. A thread is
 * started on first use, kept for the next sign-in (a new thread costs tens of milliseconds) and
 * unreferenced while it has nothing to do, so it never keeps the process alive.
 */
import { availableParallelism } from 'os';
import { Worker } from 'worker_threads';
import { leastBusy } from '../least-busy';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Threads: two sign-ins at once on a two-core server; more would only share the same cores. */
const THREADS = Math.max(1, Math.min(2, availableParallelism()));

/** Ample for N = 16384, r = 8 (16 MiB) and any cost an operator may choose below it. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort } = require('worker_threads');
const { scryptSync } = require('crypto');
parentPort.on('message', ({ id, password, salt, keylen, params, maxmem }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, { ...params, maxmem });
    parentPort.postMessage({ id, key: Uint8Array.from(key) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Reply {
  id: number;
  key?: Uint8Array;
  error?: string;
}

interface Pending {
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

/** One thread and the tasks sent to it that have not been answered. */
class PasswordThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  dead = false;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`password thread exited (${code})`)));
  }

  get load(): number {
    return this.pending.size;
  }

  run(id: number, password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref(); // a sign-in in progress keeps the process up
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, password, salt: Uint8Array.from(salt), keylen, params, maxmem: MAX_MEMORY_BYTES });
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.key) waiting.resolve(Buffer.from(reply.key));
    else waiting.reject(new Error(reply.error ?? 'scrypt failed'));
  }

  private fail(error: Error): void {
    this.dead = true;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

let threads: PasswordThread[] = [];
let nextId = 0;

/** scrypt(password, salt) on the least busy password thread (started when fewer than THREADS run). */
export function scryptOnThread(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
  threads = threads.filter((thread) => !thread.dead);
  const thread = leastBusy(threads, (candidate) => candidate.load, THREADS, () => new PasswordThread());
  return thread.run(++nextId, password, salt, keylen, params);
}

/** Stops the password threads (tests; the next sign-in starts new ones). */
export async function closePasswordThreads(): Promise<void> {
  const stopping = threads;
  threads = [];
  await Promise.all(stopping.map((thread) => thread.terminate()));
}
