/**
 * startTestServer(): a real server on 127.0.0.1:<random port> over a real SQLite file in a fresh
 * temp dir, migrated and demo-seeded. Log output is captured (logText()) so tests can grep it.
 * close() always removes the server's temp dir: a test that restarts a server on the same database
 * keeps that database in a directory of its own (makeTestDir) and passes it as `dbFile`.
 *
 *   const server = await startTestServer();
 *   const token = await server.login('demo-village');
 *   const res = await server.request('POST', '/api/v1/ledgers/532301101201/sync', { token, body });
 *   await server.close();
 */
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { rmSync } from 'fs';
import { join } from 'path';
import type { AppDeps, ServerConfig } from '../../server/app-deps';
import { createApp } from '../../server/app';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../server/config';
import { buildDeps, openDatabase } from '../../server/build-deps';
import type { Engine, SqlDatabase } from '../../server/db/database';
import { createHash } from 'crypto';
import { closeValidationPool } from '../../server/ledger/validation-pool';
import { migrate } from '../../server/db/migrate';
import type { z, ZodType } from 'zod';
import { ApiErrorBodySchema } from '../../ledger/api/errors';
import { API_PREFIX } from '../../server/http/mount';
import { applyConnectionTimeouts } from '../../server/http/connection-timeouts';
import type { RouteSpec } from '../../server/http/route-table';
import { createLogger } from '../../server/logger';
import { DEMO_PASSWORD } from '../../server/seed/demo-units';
import { runDemoSeed, runPlatformSeed } from '../../server/seed';
import { makeTestDir } from '../temp-dirs';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface TestServer {
  baseUrl: string;
  deps: AppDeps;
  /** The server's own temp dir (its database unless `dbFile` was given): removed by close(). */
  dir: string;
  dbFile: string;
  /** Signs in with the demo password; returns the bearer token. */
  login(username: string, password?: string): Promise<string>;
  /**
   * fetch wrapper: JSON body in, parsed JSON out (body is the raw text when not JSON). Every JSON
   * answer is checked against its contract (throws otherwise): a 2xx body against the route's
   * `response` schema, fields the schema does not declare included; an error against ApiErrorBodySchema.
   */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /** request(), then the body parsed with `schema` (e.g. a ledger/api response schema): typed, never `any`. */
  json<S extends ZodType>(schema: S, method: string, path: string, options?: RequestOptions): Promise<{ status: number; body: z.output<S> }>;
  /** Every log line written so far. */
  logText(): string;
  /** Stops the server, closes the database and removes the server's temp dir (`dir`). */
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** false: do not check the answer against its contract (only for a test of a route that breaks it on purpose). */
  contract?: false;
}

/** The route a request goes to (the most specific pattern first), for its response schema. */
export function routeFor(routes: readonly RouteSpec[], method: string, path: string): RouteSpec | undefined {
  const pathname = path.split('?')[0];
  const candidates = routes
    .filter((spec) => spec.method === method.toLowerCase())
    .map((spec) => ({ spec, params: (spec.path.match(/:/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);
  for (const { spec } of candidates) {
    const pattern = new RegExp(`^${API_PREFIX}${spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
    if (pattern.test(pathname)) return spec;
  }
  return undefined;
}

/** Paths of fields in `sent` that `parsed` (the schema's output) dropped: fields the contract does not declare. */
export function undeclaredFields(sent: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) return sent.flatMap((item, i) => undeclaredFields(item, parsed[i], `${path}[${i}]`));
  if (!isRecord(sent) || !isRecord(parsed)) return [];
  return Object.keys(sent).flatMap((key) =>
    key in parsed ? undeclaredFields(sent[key], parsed[key], path ? `${path}.${key}` : key) : [path ? `${path}.${key}` : key],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws when a JSON answer breaks its contract (see TestServer.request). */
export function checkContract(routes: readonly RouteSpec[], method: string, path: string, status: number, body: unknown): void {
  if (body === undefined || typeof body === 'string') return;
  const where = `${method} ${path} → ${status}`;
  if (status >= 400) {
    const check = ApiErrorBodySchema.safeParse(body);
    if (!check.success) throw new Error(`${where}: error body breaks ApiErrorBodySchema: ${check.error.message}`);
    return;
  }
  const schema = routeFor(routes, method, path)?.response;
  if (!schema) return;
  const check = schema.safeParse(body);
  if (!check.success) throw new Error(`${where}: body breaks the route's response schema: ${check.error.message}`);
  const extra = undeclaredFields(body, check.data);
  if (extra.length > 0) throw new Error(`${where}: fields not in the route's response schema: ${extra.join(', ')}`);
}

/**
 * `npm run test:pg` sets LEDGER_TEST_DATABASE_URL (a throwaway PostgreSQL cluster): every test
 * database file then stands for a PostgreSQL schema of its own, named after the file's path, so a
 * test that stops a server and starts another on the same file gets the same data back.
 */
export const TEST_DATABASE_URL: string | undefined = process.env.LEDGER_TEST_DATABASE_URL || undefined;

/** The engine this run tests (SQLite unless npm run test:pg). */
export const TEST_ENGINE: Engine = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export function testDatabase(dbFile: string): Pick<ServerConfig, 'databaseUrl' | 'databaseSchema'> {
  if (!TEST_DATABASE_URL) return {};
  return { databaseUrl: TEST_DATABASE_URL, databaseSchema: `t_${createHash('sha256').update(dbFile).digest('hex').slice(0, 24)}` };
}

/** The environment that points a CLI or a child server at the test database standing for `dbFile`. */
export function testDatabaseEnv(dbFile: string): Record<string, string> {
  const { databaseUrl, databaseSchema } = testDatabase(dbFile);
  return { LEDGER_DB: dbFile, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...(databaseSchema ? { DATABASE_SCHEMA: databaseSchema } : {}) };
}

/** Opens the test database standing for `dbFile` (not migrated): the file itself, or its PostgreSQL schema under npm run test:pg. */
export function openTestDatabase(dbFile: string): Promise<SqlDatabase> {
  return openDatabase({ dbFile, ...testDatabase(dbFile) });
}

/**
 * A migrated test database of its own for the enclosing `describe`: opened (in a test directory of
 * its own) before its tests, handed to `use`, closed and removed after them.
 */
export function useMigratedTestDatabase(name: string, use: (db: SqlDatabase) => void): void {
  let dir: string | undefined;
  let db: SqlDatabase | undefined;
  beforeAll(async () => {
    dir = makeTestDir(name).dir;
    db = await openTestDatabase(join(dir, 'ledger.sqlite'));
    await migrate(db);
    use(db);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * `describe` for a suite about SQLite itself (its file, its errors): under npm run test:pg it is
 * reported as skipped with the reason in its name, never silently left out.
 */
export function describeSqliteOnly(reason: string): jest.Describe {
  if (TEST_ENGINE === 'sqlite') return describe;
  return ((name: string, fn: jest.EmptyFunction) => describe.skip(`${name} [SQLite only: ${reason}]`, fn)) as unknown as jest.Describe;
}

/**
 * `describe` for a suite about PostgreSQL (its cluster, pg_dump, several instances): under npm test
 * (SQLite) it is reported as skipped with the reason in its name; npm run test:pg, which .ci/run
 * calls, runs it.
 */
export const describePostgresOnly: jest.Describe = TEST_DATABASE_URL
  ? describe
  : (((name: string, fn: jest.EmptyFunction) => describe.skip(`${name} [PostgreSQL only: runs in npm run test:pg]`, fn)) as unknown as jest.Describe);

export interface TestServerOptions {
  /** Default: ALL_ROUTES. */
  routes?: readonly RouteSpec[];
  config?: Partial<ServerConfig>;
  now?: () => Date;
  /** Existing database file to open instead of a fresh one. */
  dbFile?: string;
  /** 'all' (default): runDemoSeed with every feature seeder; 'platform': demo units and accounts only; false: none. */
  seed?: 'all' | 'platform' | false;
  /** 'sqlite': a SQLite file even under npm run test:pg (e.g. the source of a migration to PostgreSQL). */
  engine?: 'sqlite';
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { dir, remove: removeDir } = makeTestDir('server');
  const dbFile = options.dbFile ?? join(dir, 'ledger.sqlite');
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    dbFile,
    ...(options.engine === 'sqlite' ? {} : testDatabase(dbFile)),
    demo: true,
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    tokenTtlHours: 12,
    ...options.config,
  };
  // a start that fails (a refused database, a failing seed) leaves no directory behind either
  const deps = await buildDeps(config, { logger, now: options.now }).catch((error: unknown) => {
    removeDir();
    throw error;
  });
  const seed = options.seed ?? 'all';
  try {
    if (seed === 'all') await runDemoSeed(deps);
    else if (seed === 'platform') await runPlatformSeed(deps);
  } catch (error) {
    await deps.db.close();
    removeDir();
    throw error;
  }
  // ALL_ROUTES is loaded lazily so a test passing `routes` does not depend on every feature module.
  const routes = options.routes ?? (require('../../server/routes') as typeof import('../../server/routes')).ALL_ROUTES;
  const app = createApp(deps, routes);
  const server: Server = await new Promise((resolve) => {
    const s = applyConnectionTimeouts(app.listen(0, '127.0.0.1', () => resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
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
    if (path.startsWith(API_PREFIX) && opts.contract !== false) checkContract(routes, method, path, res.status, parsed);
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  async function json<S extends ZodType>(schema: S, method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: z.output<S> }> {
    const res = await request<unknown>(method, path, opts);
    return { status: res.status, body: schema.parse(res.body) };
  }

  async function login(username: string, password = DEMO_PASSWORD): Promise<string> {
    const res = await request<{ token: string }>('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
    return res.body.token;
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.db.close();
      await closeValidationPool();
    } finally {
      removeDir();
    }
  }

  return { baseUrl, deps, dir, dbFile, login, request, json, logText: () => lines.join(''), close };
}
