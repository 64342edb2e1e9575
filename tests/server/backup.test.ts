/**
 * Backup and restore round trip: a live server takes writes, `VACUUM INTO` copies it while it
 * runs, the copy is "restored" (copied over a fresh LEDGER_DB path) and a server started on it has
 * every table row for row — units, users, tokens, audit entries, and ledger rows and versions
 * whenever the feature migrations define them.
 */
import { randomUUID } from 'crypto';
import { copyFileSync, existsSync, rmSync } from 'fs';
import { join } from 'path';
import { backupDatabase, runBackup, verifyBackup } from '../../server/cli/backup';
import type { SqlDatabase } from '../../server/db/database';
import { ALL_ROUTES } from '../../server/routes';
import { describeSqliteOnly, startTestServer, type TestServer } from './helpers';
import { makeTestDir } from '../temp-dirs';

async function dump(db: SqlDatabase): Promise<Record<string, unknown[]>> {
  const tables = await db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const out: Record<string, unknown[]> = {};
  // ORDER BY 1, 2, …: every column, so WITHOUT ROWID tables (no rowid to order by) compare too
  for (const { name } of tables) {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const columns = await db.all<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [name]);
    out[name] = await db.all(`SELECT * FROM ${quoted} ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`);
  }
  return out;
}

describeSqliteOnly('VACUUM INTO copies of the SQLite file')('backup and restore', () => {
  let server: TestServer;
  let work: string;

  beforeAll(async () => {
    server = await startTestServer();
    work = makeTestDir('backup-test').dir;
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('round trip: every row, version and audit entry comes back', async () => {
    const token = await server.login('demo-village');
    await server.login('demo-county');
    const hasSync = ALL_ROUTES.some((r) => r.path === '/ledgers/:villageCode/sync');
    if (hasSync) {
      const rowId = randomUUID();
      const push = (baseVersion: number, notes: string) =>
        server.request('POST', '/api/v1/ledgers/532301101201/sync', {
          token,
          body: { clientId: 'backup-test', requestId: randomUUID(), changes: [{ rowId, baseVersion, values: { notes } }] },
        });
      expect((await push(0, 'v1')).status).toBe(200);
      expect((await push(1, 'v2')).status).toBe(200);
    }
    await server.deps.audit.record({ user: null, action: 'test.backup', target: 'unit:532301', requestId: 'backup-1', detail: { rows: 2 } });

    const file = join(work, 'copy.sqlite');
    // a write racing the backup: either in the copy or not, never half
    const racing = server.deps.audit.record({ user: null, action: 'test.race', target: 'x', requestId: 'r' });
    await backupDatabase(server.deps.db, file);
    await racing;
    await verifyBackup(file);
    const live = await dump(server.deps.db);
    expect(live.audit_log.length).toBeGreaterThan(2);

    // restore: copy the backup over a fresh LEDGER_DB and start a server on it
    const restoredFile = join(work, 'restored', 'ledger.sqlite');
    require('fs').mkdirSync(join(work, 'restored'));
    copyFileSync(file, restoredFile);
    const restored = await startTestServer({ dbFile: restoredFile, seed: false });
    try {
      const back = await dump(restored.deps.db);
      expect(Object.keys(back)).toEqual(Object.keys(live));
      for (const table of Object.keys(live)) expect({ table, rows: back[table] }).toEqual({ table, rows: live[table] });
      // and it works: the old session token and a fresh login are both accepted
      expect((await restored.request('GET', '/api/v1/me', { token })).status).toBe(200);
      await restored.login('demo-township');
      if (hasSync) {
        const rows = await restored.request('GET', '/api/v1/ledgers/532301101201/rows', { token });
        expect(rows.status).toBe(200);
      }
    } finally {
      await restored.close();
    }
  });

  it('the CLI (npm run backup -- FILE) copies LEDGER_DB and refuses to overwrite', async () => {
    const target = join(work, 'cli', 'cli-copy.sqlite');
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const spyErr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runBackup([target], { LEDGER_DB: server.dbFile })).toBe(0);
      expect(existsSync(target)).toBe(true);
      await expect(runBackup([target], { LEDGER_DB: server.dbFile })).rejects.toThrow(/already exists/);
      expect(await runBackup([], { LEDGER_DB: server.dbFile })).toBe(2);
      expect(await runBackup([join(work, 'x.sqlite')], { LEDGER_DB: join(work, 'missing.sqlite') })).toBe(1);
    } finally {
      spy.mockRestore();
      spyErr.mockRestore();
    }
    expect(writes.join('')).toContain('cli-copy.sqlite');
    await verifyBackup(target);
  });
});
