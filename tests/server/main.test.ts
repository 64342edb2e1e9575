/** `npm start`'s entry point in a child process: migrate + seed, print URL and logins, healthz, SIGTERM (on PostgreSQL too under npm run test:pg: DATABASE_URL). */
import { spawn, type ChildProcess } from 'child_process';
import { existsSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import { waitUntil } from '../wait';
import { TEST_ENGINE, testDatabaseEnv } from './helpers';
import { makeTestDir } from '../temp-dirs';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(TSX, [join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolveUrl(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, output: () => out, url };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => child.on('exit', (code) => resolveExit(code)));
}

// Each case starts and stops real server processes (tsx compiles on start; on PostgreSQL each start also migrates a schema): a loaded machine needs more than jest's 60 s.
jest.setTimeout(180_000);

describe('server/main.ts', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTestDir('main-test').dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the database, seeds the demo, prints URL and demo logins, stops on SIGTERM; restart is idempotent', async () => {
    const db = join(dir, 'nested', 'ledger.sqlite');
    for (let run = 0; run < 2; run++) {
      const server = start({ ...testDatabaseEnv(db), NODE_ENV: 'development' });
      // The URL is printed once the server listens, in the same write as the demo logins.
      const url = await server.url;
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'demo-admin', password: 'demo1234' }),
      });
      expect(login.status).toBe(200);
      await waitUntil('the demo logins on stdout', () => server.output().includes('demo1234'));
      expect(server.output()).toContain('demo-village');
      expect(server.output()).toContain('演示');
      expect(server.output()).toContain('demo1234');
      // the two pages staff open first are named with their addresses, and answer there
      expect(server.output()).toContain(`网页版（未装加载项：WPS、手机）/ Web page (no add-in): ${url}/web/`);
      expect(server.output()).toContain(`/ Browser preview (demo workbook and panes): ${url}/preview`);
      expect([200, 503]).toContain((await fetch(`${url}/web/`)).status); // 503 names npm run build:web when it is not built
      expect((await fetch(`${url}/preview`, { redirect: 'manual' })).headers.get('location')).toBe('/addin/preview.html');
      // the index links the preview without a pane count of its own (it said 四个 beside six panes)
      expect(await (await fetch(`${url}/`)).text()).not.toMatch(/[一二三四五六七八九十]个任务窗格|(three|four|five) panes/);
      const exited = exitCode(server.child);
      server.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    // the SQLite file, or (npm run test:pg) the PostgreSQL schema standing for it
    if (TEST_ENGINE === 'sqlite') expect(existsSync(db)).toBe(true);
  });

  it('NODE_ENV=production: no demo accounts', async () => {
    const server = start({ ...testDatabaseEnv(join(dir, 'prod.sqlite')), NODE_ENV: 'production' });
    const url = await server.url;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo-admin', password: 'demo1234' }),
    });
    expect(login.status).toBe(401);
    expect(server.output()).not.toContain('demo1234');
    const exited = exitCode(server.child);
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a production start on a demo database disables demo-admin; a demo start after it is refused (exit 1, with the fix)', async () => {
    const db = join(dir, 'demo-then-prod.sqlite');
    const demo = start({ ...testDatabaseEnv(db), NODE_ENV: 'development' });
    await demo.url;
    let exited = exitCode(demo.child);
    demo.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const prod = start({ ...testDatabaseEnv(db), NODE_ENV: 'production' });
    const url = await prod.url;
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo-admin', password: 'demo1234' }),
    });
    expect(login.status).toBe(401);
    expect(prod.output()).toMatch(/已停用此前演示模式留下的 8 个演示账号/);
    exited = exitCode(prod.child);
    prod.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const again = start({ ...testDatabaseEnv(db), NODE_ENV: 'development' });
    again.url.catch(() => undefined);
    expect(await exitCode(again.child)).toBe(1);
    expect(again.output()).toMatch(/拒绝以演示模式启动/);
    expect(again.output()).toMatch(/NODE_ENV=production/);
  });
});
