/**
 * startTestServer(): a real server on 127.0.0.1:<random port> over a real SQLite file in a fresh
 * temp dir, migrated and demo-seeded. Log output is captured (logText()) so tests can grep it.
 *
 *   const server = await startTestServer();
 *   const token = await server.login('demo-village');
 *   const res = await server.request('POST', '/api/v1/ledgers/532301101201/sync', { token, body });
 *   await server.close();
 */
import { mkdtempSync, rmSync } from 'fs';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AppDeps, ServerConfig } from '../../server/app-deps';
import { createApp } from '../../server/app';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../server/config';
import { buildDeps } from '../../server/deps';
import type { RouteSpec } from '../../server/http/route-table';
import { createLogger } from '../../server/logger';
import { DEMO_PASSWORD } from '../../server/seed/demo-units';
import { runDemoSeed, runPlatformSeed } from '../../server/seed';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface TestServer {
  baseUrl: string;
  deps: AppDeps;
  dir: string;
  dbFile: string;
  /** Signs in with the demo password; returns the bearer token. */
  login(username: string, password?: string): Promise<string>;
  /** fetch wrapper: JSON body in, parsed JSON out (body is the raw text when not JSON). */
  request<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }): Promise<TestResponse<T>>;
  /** Every log line written so far. */
  logText(): string;
  /** Stops the server and closes the database; keeps the temp dir when keepDir is set. */
  close(options?: { keepDir?: boolean }): Promise<void>;
}

export interface TestServerOptions {
  /** Default: ALL_ROUTES. */
  routes?: readonly RouteSpec[];
  config?: Partial<ServerConfig>;
  now?: () => Date;
  /** Existing database file to open instead of a fresh one. */
  dbFile?: string;
  /** 'all' (default): runDemoSeed with every feature seeder; 'platform': demo units and accounts only; false: none. */
  seed?: 'all' | 'platform' | false;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  const dbFile = options.dbFile ?? join(dir, 'ledger.sqlite');
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    dbFile,
    demo: true,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    tokenTtlHours: 12,
    ...options.config,
  };
  const deps = await buildDeps(config, { logger, now: options.now });
  const seed = options.seed ?? 'all';
  if (seed === 'all') await runDemoSeed(deps);
  else if (seed === 'platform') await runPlatformSeed(deps);
  // ALL_ROUTES is loaded lazily so a test passing `routes` does not depend on every feature module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const routes = options.routes ?? (require('../../server/routes') as typeof import('../../server/routes')).ALL_ROUTES;
  const app = createApp(deps, routes);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request<T>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined = opts.rawBody;
    if (opts.body !== undefined && body === undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body: body as BodyInit | undefined });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const res = await request<{ token: string }>('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
    return res.body.token;
  }

  let closed = false;
  async function close(closeOptions: { keepDir?: boolean } = {}): Promise<void> {
    if (closed) return;
    closed = true;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deps.db.close();
    if (!closeOptions.keepDir) rmSync(dir, { recursive: true, force: true });
  }

  return { baseUrl, deps, dir, dbFile, login, request, logText: () => lines.join(''), close };
}
