/**
 * A request with a token that names a unit has the unit looked up while its token is checked
 * (server/http/mount.ts): two reads at once, one wait. The answers are still used in their order
 * (401, 403, 404), and a request without a token looks nothing up.
 */
import type { SqlDatabase } from '../../server/db/database';
import { startTestServer, type TestServer } from './helpers';

const TOKEN_QUERY = /FROM tokens t JOIN users/;
const UNIT_QUERY = /FROM units\s+WHERE code/;

describe('the unit named by a request is looked up beside its token', () => {
  let server: TestServer;
  let original: SqlDatabase['get'];
  /** The two look-ups running now, how often the unit was looked up, and whether the two ever ran at once. */
  const seen = { token: 0, unit: 0, unitLookups: 0, together: 0 };

  beforeAll(async () => {
    server = await startTestServer({ seed: 'platform' });
    const db = server.deps.db;
    original = db.get.bind(db);
    db.get = (async (sql: string, params?: Parameters<SqlDatabase['get']>[1]) => {
      const kind = TOKEN_QUERY.test(sql) ? 'token' : UNIT_QUERY.test(sql) ? 'unit' : undefined;
      if (!kind) return original(sql, params);
      if (kind === 'unit') seen.unitLookups++;
      seen[kind]++;
      if (seen.token > 0 && seen.unit > 0) seen.together++;
      try {
        return await original(sql, params);
      } finally {
        seen[kind]--;
      }
    }) as SqlDatabase['get'];
  });
  afterAll(async () => {
    server.deps.db.get = original;
    await server.close();
  });
  beforeEach(() => Object.assign(seen, { token: 0, unit: 0, unitLookups: 0, together: 0 }));

  it('looks the village up while the token is checked, and answers as before', async () => {
    const token = await server.login('demo-village');
    Object.assign(seen, { unitLookups: 0, together: 0 });
    const res = await server.request('GET', '/api/v1/ledgers/532301101201/rows', { token });
    expect(res.status).toBe(200);
    expect(seen.unitLookups).toBe(1);
    expect(seen.together).toBe(1);
  });

  it('keeps the order of refusals: 401 without a token (nothing looked up), 403 outside the subtree, 404 for an unknown unit inside it', async () => {
    expect((await server.request('GET', '/api/v1/ledgers/532301101201/rows')).status).toBe(401);
    expect(seen.unitLookups).toBe(0);
    const token = await server.login('demo-village');
    expect((await server.request('GET', '/api/v1/ledgers/532301101202/rows', { token })).status).toBe(403);
    const township = await server.login('demo-township');
    const unknown = await server.request('GET', '/api/v1/ledgers/532301101299/rows', { token: township });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unit_not_found');
  });
});
