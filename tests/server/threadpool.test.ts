/**
 * libuv's threadpool of the server process (server/threadpool.ts): node-sqlite3's statements wait in
 * pool threads for their connection, so with libuv's default four threads a burst of pushes can
 * hold the whole pool and a sign-in's password check (scrypt, also on the pool) waits behind it.
 * Loading the server's entry must size the pool before anything uses it. The entry is bundled with
 * esbuild and loaded by plain node, as `npm start` runs dist/: under tsx the loader itself uses the
 * pool before the entry's first import runs.
 */
import { execFileSync, spawn } from 'child_process';
import { build } from 'esbuild';
import { closeSync, constants, openSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { SERVER_THREADPOOL_SIZE, threadpoolSizeFor } from '../../server/threadpool';
import { waitUntil } from '../wait';
import { makeTestDir } from '../temp-dirs';

const ROOT = resolve(__dirname, '..', '..');
/** libuv's default pool size: this many waiting tasks fill the pool when nothing sizes it. */
const LIBUV_DEFAULT_THREADS = 4;

describe('threadpoolSizeFor', () => {
  it('is SERVER_THREADPOOL_SIZE when the operator sets nothing or something libuv would misread', () => {
    expect(SERVER_THREADPOOL_SIZE).toBeGreaterThan(LIBUV_DEFAULT_THREADS);
    for (const configured of [undefined, '', 'many', '0', '-3', '2.5']) expect(threadpoolSizeFor(configured)).toBe(SERVER_THREADPOOL_SIZE);
  });

  it("keeps the operator's positive integer (libuv's ceiling of 1024 applies)", () => {
    expect(threadpoolSizeFor('2')).toBe(2);
    expect(threadpoolSizeFor(' 64 ')).toBe(64);
    expect(threadpoolSizeFor('5000')).toBe(1024);
  });
});

// FIFOs (mkfifo) make pool tasks that wait until the test lets them go: POSIX only.
const posixOnly = process.platform === 'win32' ? describe.skip : describe;

posixOnly('loading server/main.ts', () => {
  jest.setTimeout(120_000);

  it("runs a password check while more pool tasks than libuv's default four threads are waiting", async () => {
    const dir = makeTestDir('threadpool').dir;
    const fifos = Array.from({ length: LIBUV_DEFAULT_THREADS + 2 }, (_, i) => join(dir, `wait-${i}`));
    const release = () => {
      for (const fifo of fifos) {
        try {
          // non-blocking: fails (ENXIO) instead of hanging when nobody is waiting to read
          closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          /* that task was not waiting (any more) */
        }
      }
    };
    try {
      execFileSync('mkfifo', fifos);
      const entry = join(dir, 'main.js');
      await build({
        entryPoints: [join(ROOT, 'server', 'main.ts')],
        outfile: entry,
        bundle: true,
        packages: 'external',
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        logLevel: 'error',
      });
      // The child loads the entry (not running it: require.main is the script), then fills the
      // pool with opens of FIFOs nobody writes to — each holds a pool thread, as a statement waiting
      // for its connection does — and checks a password.
      const script = join(dir, 'child.cjs');
      writeFileSync(
        script,
        `require(${JSON.stringify(entry)});
const fs = require('fs');
const { scrypt } = require('crypto');
for (const fifo of ${JSON.stringify(fifos)}) fs.open(fifo, 'r', (err, fd) => { if (!err) fs.close(fd, () => {}); });
scrypt('a password', 'a salt', 32, { N: 16384, r: 8, p: 1 }, (err) => process.stdout.write(err ? 'failed\\n' : 'checked\\n'));
`,
      );
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
      delete env.UV_THREADPOOL_SIZE; // this process's own (set when the test imported server/threadpool)
      const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      try {
        await waitUntil(`the password check while ${fifos.length} pool tasks wait`, () => out.includes('checked') || out.includes('failed'), {
          timeoutMs: 90_000,
        });
        expect(out.trim()).toBe('checked');
      } finally {
        release();
        child.kill();
        await exited;
      }
    } finally {
      release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
