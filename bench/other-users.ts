/**
 * Other users during the sync-load bench's burst: one person who signs in and pushes a 1-row change,
 * in turn, until told to stop — on a worker thread with its own event loop, as on their own computer.
 * Measured on the burst clients' thread, their timings would also hold the time the answers wait
 * behind a hundred other clients' callbacks (the client busy, not the server).
 *
 * This file is the worker's whole program and loads no native addon: node-sqlite3 aborts the process
 * when a worker thread that loaded it is stopped.
 */
import { randomUUID } from 'crypto';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { createRng, fabricateLedgerValues } from '../server/seed/fabricate';
import { nowMs } from './harness';

export interface OtherUsersOutcome {
  login: number[];
  push: number[];
  errors: number;
}

export interface OtherUser {
  url: string;
  /** A token of the village user whose 1-row pushes are timed. */
  token: string;
  villageCode: string;
  /** The account whose sign-ins are timed. */
  username: string;
  password: string;
}

/** A login and a 1-row push, one after the other, until `stop()` says so. */
async function otherUsers(user: OtherUser, stop: () => boolean): Promise<OtherUsersOutcome> {
  const out: OtherUsersOutcome = { login: [], push: [], errors: 0 };
  const rng = createRng(7);
  while (!stop()) {
    let start = nowMs();
    try {
      const res = await fetch(`${user.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      await res.arrayBuffer();
      out.login.push(nowMs() - start);
      if (res.status !== 200) out.errors++;
    } catch {
      out.errors++;
    }
    const values = fabricateLedgerValues(rng, { region: '532301', township: '鹿城镇' }) as Record<string, unknown>;
    delete values.seq;
    start = nowMs();
    try {
      const res = await fetch(`${user.url}/api/v1/ledgers/${user.villageCode}/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ clientId: 'bench-other', requestId: randomUUID(), cursor: 1 << 30, changes: [{ rowId: randomUUID(), baseVersion: 0, values }] }),
      });
      await res.arrayBuffer();
      out.push.push(nowMs() - start);
      if (res.status !== 200) out.errors++;
    } catch {
      out.errors++;
    }
  }
  return out;
}

type FromWorker = 'ready' | OtherUsersOutcome;

/** Starts the other user on a thread of its own; resolves after its unmeasured warm-up round. */
export async function otherUsersOnTheirOwnThread(user: OtherUser): Promise<{ stop: () => Promise<OtherUsersOutcome> }> {
  const fromSource = __filename.endsWith('.ts'); // run by tsx rather than from dist/
  const worker = new Worker(__filename, { workerData: user, execArgv: fromSource ? ['--import', 'tsx'] : undefined });
  const waiting: Array<(message: FromWorker) => void> = [];
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the other users' thread exited with code ${code} before reporting`)));
  });
  failed.catch(() => undefined);
  worker.on('message', (message: FromWorker) => waiting.shift()?.(message));
  const next = () => Promise.race([new Promise<FromWorker>((resolve) => waiting.push(resolve)), failed]);
  // a first fetch on a new thread sets up its HTTP client: that round is not measured
  if ((await next()) !== 'ready') throw new Error("the other users' thread reported before its warm-up");
  return {
    stop: async () => {
      const outcome = next();
      worker.postMessage('stop');
      const result = await outcome;
      if (result === 'ready') throw new Error("the other users' thread said ready twice");
      return result; // the thread ends by itself once it has reported
    },
  };
}

/** On the other users' thread: warm up, say ready, sign in and push until told to stop, report. */
if (!isMainThread && parentPort) {
  const port = parentPort;
  const user = workerData as OtherUser;
  let stopped = false;
  port.on('message', () => {
    stopped = true;
  });
  void (async () => {
    let rounds = 0;
    await otherUsers(user, () => rounds++ > 0);
    port.postMessage('ready');
    port.postMessage(await otherUsers(user, () => stopped));
    port.close();
  })();
}
