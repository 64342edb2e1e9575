/**
 * A sign-in's one transaction on SQLite (server/auth/routes.ts) issues the token, its audit entry and
 * the attempt taken back together: during a burst each round trip to the database thread waits for a
 * busy event loop, and the sign-in holds the writer meanwhile. Seen here as statements in flight at
 * once inside the sign-in's transaction.
 */
import type { SqlDatabase } from '../../server/db/database';
import { describeSqliteOnly, startTestServer, type TestServer } from './helpers';

type Statement = 'run' | 'get' | 'all';

/** A transaction handle that counts the statements running at once (the most seen is kept). */
function counting(tx: SqlDatabase, seen: { now: number; most: number }): SqlDatabase {
  const wrap =
    (method: Statement) =>
    async (sql: string, params?: unknown) => {
      seen.now++;
      seen.most = Math.max(seen.most, seen.now);
      try {
        return await (tx[method] as (sql: string, params?: unknown) => Promise<unknown>)(sql, params);
      } finally {
        seen.now--;
      }
    };
  return new Proxy(tx, {
    get(target, key, receiver) {
      if (key === 'run' || key === 'get' || key === 'all') return wrap(key);
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describeSqliteOnly('the one-transaction sign-in is SQLite’s (PostgreSQL makes two short visits)')('sign-in round trips', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seed: 'platform' });
  });
  afterAll(() => server.close());

  it('issues the token, its audit entry and the attempt taken back together', async () => {
    const db = server.deps.db;
    const original = db.transaction.bind(db);
    const seen = { now: 0, most: 0 };
    db.transaction = ((fn: (tx: SqlDatabase) => Promise<unknown>, options?: Parameters<SqlDatabase['transaction']>[1]) =>
      original((tx) => fn(counting(tx, seen)), options)) as SqlDatabase['transaction'];
    try {
      const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234' } });
      expect(res.status).toBe(200);
    } finally {
      db.transaction = original;
    }
    expect(seen.most).toBeGreaterThanOrEqual(3);
  });
});
