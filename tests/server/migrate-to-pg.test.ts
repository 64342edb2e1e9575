/**
 * npm run migrate-to-pg: a SQLite database (demo data, a sync push, audit entries) copied to an empty
 * PostgreSQL schema — every table's count and checksum verified, a non-empty target refused, and a
 * server started on the copy serves the same data and goes on writing (ids continue after the
 * copied ones). Needs the cluster of npm run test:pg; the SQLite run reports it skipped with the reason.
 */
import { randomUUID } from 'crypto';
import { runMigrateToPg } from '../../server/cli/migrate-to-pg';
import { describePostgresOnly, startTestServer, TEST_DATABASE_URL } from './helpers';
import { makeTestDir, type TestDir } from '../temp-dirs';


const VILLAGE = '532301101201';

describePostgresOnly('npm run migrate-to-pg', () => {
  // the source file outlives its server (the migration reads it): it lives in the suite's directory
  let data: TestDir;
  beforeAll(() => {
    data = makeTestDir('migrate-to-pg');
  });
  afterAll(() => data.remove());

  it('copies every table, verifies counts and checksums, refuses a non-empty target; the copy serves and keeps writing', async () => {
    const source = await startTestServer({ engine: 'sqlite', dbFile: data.path('source.sqlite') });
    const token = await source.login('demo-village');
    const push = await source.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token,
      body: { clientId: 'migrate', requestId: randomUUID(), cursor: 0, changes: [{ rowId: randomUUID(), baseVersion: 0, values: { name: '迁移测试', foundOn: '2026-10-01' } }] },
    });
    expect(push.status).toBe(200);
    const tables = ['users', 'tokens', 'audit_log', 'ledger_rows', 'ledger_row_versions', 'leads', 'ledger_month_counts_township'];
    const counts = async (db: typeof source.deps.db) =>
      Object.fromEntries(await Promise.all(tables.map(async (t) => [t, (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))!.n])));
    // An upload kept in the database while it was read (a read interrupted by the shutdown before the move):
    // binary bytes, SQLite's BLOB to PostgreSQL's BYTEA, every byte value.
    const chunk = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await source.deps.db.run('INSERT INTO import_upload_chunks (import_id, seq, bytes, created_at) VALUES (?, ?, ?, ?)', ['imp-moved', 0, chunk, '2026-11-01T00:00:00.000Z']);
    const before = await counts(source.deps.db);
    expect(before.ledger_row_versions).toBeGreaterThan(0);
    await source.close();

    const schema = `t_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const out: string[] = [];
    const err: string[] = [];
    const args = ['--from', source.dbFile, '--to', TEST_DATABASE_URL ?? '', '--schema', schema];
    expect(await runMigrateToPg(args, (t) => void out.push(t), (t) => void err.push(t))).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^ok +ledger_row_versions: \d+ rows, sha256 [0-9a-f]{16}$/m);
    expect(text).toMatch(/counts and checksums match/);
    expect(text).not.toMatch(/^DIFF/m);
    expect(err).toEqual([]);

    // a second run into the same (now non-empty) schema writes nothing
    await expect(runMigrateToPg(args, () => undefined, () => undefined)).rejects.toThrow(/not empty.*nothing was written/s);

    // the configured schema is what it serves (its own SQLite path goes unused)
    const copy = await startTestServer({ config: { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }, seed: false });
    try {
      expect(await counts(copy.deps.db)).toEqual(before);
      const moved = await copy.deps.db.get<{ bytes: Buffer }>('SELECT bytes FROM import_upload_chunks WHERE import_id = ? AND seq = 0', ['imp-moved']);
      expect(Buffer.compare(Buffer.from(moved?.bytes ?? []), chunk)).toBe(0);
      const again = await copy.login('demo-village'); // the copied account and password hash
      const rows = await copy.request('GET', `/api/v1/ledgers/${VILLAGE}/rows`, { token: again });
      expect(rows.status).toBe(200);
      const next = await copy.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
        token: again,
        body: { clientId: 'migrate', requestId: randomUUID(), cursor: 0, changes: [{ rowId: randomUUID(), baseVersion: 0, values: { name: '迁移之后', foundOn: '2026-11-01' } }] },
      });
      expect(next.status).toBe(200);
      const ids = await copy.deps.db.all<{ id: number }>('SELECT id FROM audit_log ORDER BY id');
      expect(new Set(ids.map((row) => row.id)).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThan(before.audit_log);
    } finally {
      await copy.close();
    }
  });

  it('refuses a source not at the current migrations, and bad arguments, with the fix', async () => {
    const err: string[] = [];
    expect(await runMigrateToPg(['--from', '/nonexistent/ledger.sqlite', '--to', TEST_DATABASE_URL ?? ''], () => undefined, (t) => void err.push(t))).toBe(1);
    expect(await runMigrateToPg(['--from', 'x.sqlite', '--to', 'mysql://x'], () => undefined, (t) => void err.push(t))).toBe(2);
    expect(await runMigrateToPg([], () => undefined, (t) => void err.push(t))).toBe(2);
    expect(err.join('')).toMatch(/source database not found[\s\S]*postgres:\/\/ URL[\s\S]*usage/);
  });
});
