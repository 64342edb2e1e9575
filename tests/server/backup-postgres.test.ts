/**
 * npm run backup on PostgreSQL (DATABASE_URL): pg_dump of the live schema while a write races it,
 * restored with pg_restore into a new, empty database; a server started there has every table row
 * for row and accepts the old session. Needs the cluster of npm run test:pg (the SQLite run reports
 * it skipped with the reason; the SQLite backup is tests/server/backup.test.ts).
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { existsSync, rmSync } from 'fs';
import { join } from 'path';
import pg from 'pg';
import { postgresProgram, runBackup } from '../../server/cli/backup';
import type { SqlDatabase } from '../../server/db/database';
import { describePostgresOnly, startTestServer, TEST_DATABASE_URL, testDatabaseEnv } from './helpers';
import { makeTestDir } from '../temp-dirs';


async function dump(db: SqlDatabase): Promise<Record<string, unknown[]>> {
  const tables = await db.all<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name: name } of tables) out[name] = await db.all(`SELECT * FROM "${name}" ORDER BY 1, 2`);
  return out;
}

describePostgresOnly('backup and restore on PostgreSQL (pg_dump / pg_restore)', () => {
  it('backs up the live schema, refuses to overwrite, and the restore serves every row', async () => {
    const work = makeTestDir('backup-pg').dir;
    const server = await startTestServer();
    const database = `restore_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const token = await server.login('demo-village');
      const env = { ...testDatabaseEnv(server.dbFile), NODE_ENV: 'production' };
      const file = join(work, 'ledger.dump');
      const writes: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        writes.push(String(chunk));
        return true;
      });
      try {
        const racing = server.deps.audit.record({ user: null, action: 'test.race', target: 'x', requestId: 'r' });
        expect(await runBackup([file], env)).toBe(0);
        await racing;
        await expect(runBackup([file], env)).rejects.toThrow(/already exists/);
      } finally {
        spy.mockRestore();
      }
      expect(writes.join('')).toMatch(/backed up: PostgreSQL \(schema t_[0-9a-f]+\)/);
      expect(existsSync(file)).toBe(true);
      const live = await dump(server.deps.db);
      expect(live.audit_log.length).toBeGreaterThan(0);

      // restore into a new, empty database
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(TEST_DATABASE_URL ?? '');
      url.pathname = `/${database}`;
      execFileSync(postgresProgram('pg_restore'), ['--no-owner', `--dbname=${url.toString()}`, file]);
      const restored = await startTestServer({ config: { databaseUrl: url.toString(), databaseSchema: testDatabaseEnv(server.dbFile).DATABASE_SCHEMA }, seed: false });
      try {
        const back = await dump(restored.deps.db);
        expect(Object.keys(back)).toEqual(Object.keys(live));
        // the racing entry is in the copy or not (never half): without it, the rest is the same
        const raced = back.audit_log.length < live.audit_log.length;
        for (const table of Object.keys(live)) {
          const rows = raced && table === 'audit_log' ? live[table].filter((row) => (row as { action: string }).action !== 'test.race') : live[table];
          expect({ table, rows: back[table] }).toEqual({ table, rows });
        }
        expect((await restored.request('GET', '/api/v1/me', { token })).status).toBe(200);
        const rows = await restored.request('GET', '/api/v1/ledgers/532301101201/rows', { token });
        expect(rows.status).toBe(200);
      } finally {
        await restored.close();
      }
    } finally {
      await server.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
