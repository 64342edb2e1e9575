/**
 * Sync requests under group commit: requests arriving together share one database transaction
 * (one SAVEPOINT each). One that fails after writing its rows leaves nothing — no row, version,
 * sequence number, stored answer or audit entry — while the others in the same group apply whole,
 * and every answer is given only once the group is committed. A retry of the failed request then
 * applies it once.
 */
import { randomUUID } from 'crypto';
import { rmSync } from 'fs';
import { join } from 'path';
import type { SyncRequest } from '../../ledger/api/sync';
import type { AuditEntry, AuditLog } from '../../server/app-deps';
import { SqlAuditLog } from '../../server/audit/audit-log';
import type { SqlDatabase } from '../../server/db/database';
import { migrate } from '../../server/db/migrate';
import { SqliteDatabase } from '../../server/db/sqlite';
import { createSqliteLedgerStore } from '../../server/ledger/sqlite-store';
import { syncLedger } from '../../server/ledger/sync';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { describeSqliteOnly } from './helpers';
import { makeTestDir } from '../temp-dirs';

const VILLAGE_A = '532301101201';
const VILLAGE_B = '532301101202';
const VILLAGE_C = '532301101203';

/** The real audit log, except that the audit of one village's sync fails (after its rows were written). */
class AuditFailingFor implements AuditLog {
  constructor(
    private readonly inner: SqlAuditLog,
    private readonly village: string,
  ) {}
  async record(entry: AuditEntry, tx?: SqlDatabase): Promise<void> {
    if (entry.target === this.village) throw new Error('audit write failed (simulated)');
    return this.inner.record(entry, tx);
  }
}

describeSqliteOnly('group commit is how the SQLite engine batches transactions; PostgreSQL runs them in parallel (tests/server/db/postgres.test.ts)')('sync requests sharing a group commit', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;
  const now = () => new Date('2026-11-20T02:00:00Z');
  const rng = createRng('sync-group-commit');

  beforeAll(async () => {
    dir = makeTestDir('group').dir;
    file = join(dir, 'ledger.sqlite');
    db = await SqliteDatabase.open(file);
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function push(rows: number): SyncRequest {
    const changes = Array.from({ length: rows }, () => {
      const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, never>;
      delete (values as Record<string, unknown>).seq;
      return { rowId: randomUUID(), baseVersion: 0, values };
    });
    return { clientId: 'c', requestId: randomUUID(), changes };
  }

  const count = async (sql: string, params: unknown[]) => (await db.get<{ n: number }>(sql, params))!.n;

  async function stored(village: string) {
    return {
      rows: await count('SELECT COUNT(*) AS n FROM ledger_rows WHERE village_code = ?', [village]),
      versions: await count('SELECT COUNT(*) AS n FROM ledger_row_versions WHERE village_code = ?', [village]),
      answers: await count('SELECT COUNT(*) AS n FROM ledger_sync_requests WHERE village_code = ?', [village]),
      audits: await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ledger.sync' AND target = ?", [village]),
      lastSeq: (await db.get<{ s: number }>('SELECT last_seq AS s FROM ledger_villages WHERE village_code = ?', [village]))?.s ?? 0,
    };
  }

  it('one failing request of a group applies nothing; the others apply whole, answered after the commit', async () => {
    const audit = new AuditFailingFor(new SqlAuditLog(db, now), VILLAGE_B);
    const env = { store: createSqliteLedgerStore(db), audit, now };
    const caller = { user: null, httpRequestId: 'h' };
    const [a, b, c] = [push(40), push(40), push(40)];

    // Hold the connection so that the three requests queue up and form one group.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = db.transaction(async () => {
      holding();
      await released;
    });
    await held;

    const other = await SqliteDatabase.open(file, { readOnly: true });
    try {
      const seenByOther = new Map<string, number>();
      const answered = (village: string) => async () => {
        // Answered only once committed: a separate connection already sees the rows.
        seenByOther.set(village, (await other.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows WHERE village_code = ?', [village]))!.n);
      };
      const runA = syncLedger(env, VILLAGE_A, a, caller);
      const runB = syncLedger(env, VILLAGE_B, b, caller);
      const runC = syncLedger(env, VILLAGE_C, c, caller);
      // Checked the moment each answer arrives; awaited below instead of sleeping.
      const checkedA = runA.then(answered(VILLAGE_A), () => undefined);
      const checkedC = runC.then(answered(VILLAGE_C), () => undefined);
      release();
      await holder;

      const outA = await runA;
      await expect(runB).rejects.toThrow('audit write failed');
      const outC = await runC;
      expect(outA.response.applied).toHaveLength(40);
      expect(outC.response.applied).toHaveLength(40);
      // the rows just written were stored as sent: the answer settles them by `applied` alone and
      // its cursor moves past them
      expect(outA.response.changes).toEqual([]);
      expect(outA.response.cursor).toBe(40);
      expect(outC.response.cursor).toBe(40);
      await Promise.all([checkedA, checkedC]);
      expect(seenByOther.get(VILLAGE_A)).toBe(40);
      expect(seenByOther.get(VILLAGE_C)).toBe(40);
    } finally {
      await other.close();
    }

    expect(await stored(VILLAGE_A)).toEqual({ rows: 40, versions: 40, answers: 1, audits: 1, lastSeq: 40 });
    expect(await stored(VILLAGE_C)).toEqual({ rows: 40, versions: 40, answers: 1, audits: 1, lastSeq: 40 });
    expect(await stored(VILLAGE_B)).toEqual({ rows: 0, versions: 0, answers: 0, audits: 0, lastSeq: 0 });

    // The failed request retried (same requestId) once the fault is gone: applied once.
    const healthy = { store: createSqliteLedgerStore(db), audit: new SqlAuditLog(db, now), now };
    const retry = await syncLedger(healthy, VILLAGE_B, b, caller);
    expect(retry.replayed).toBe(false);
    expect(retry.response.applied).toHaveLength(40);
    const again = await syncLedger(healthy, VILLAGE_B, b, caller);
    expect(again.replayed).toBe(true);
    expect(await stored(VILLAGE_B)).toEqual({ rows: 40, versions: 40, answers: 1, audits: 1, lastSeq: 40 });
  });

  it('the pull page of a push keeps older changes after the cursor and replaces rewritten rows', async () => {
    const env = { store: createSqliteLedgerStore(db), audit: new SqlAuditLog(db, now), now };
    const caller = { user: null, httpRequestId: 'h' };
    const village = '532301101204';
    const first = push(5);
    await syncLedger(env, village, first, caller);
    // another client edits row 2 (one field sent) and adds one row, from cursor 0: its page holds
    // rows 1, 3, 4, 5 (older versions, unchanged), then row 2 whole at its new version (the client
    // sent one field of it); the new row was stored as sent, so `applied` settles it, unechoed
    const edited = first.changes[1];
    const added = push(1).changes[0];
    const out = await syncLedger(
      env,
      village,
      {
        clientId: 'other',
        requestId: randomUUID(),
        cursor: 0,
        changes: [{ rowId: edited.rowId, baseVersion: 1, values: { notes: '已改' } }, added],
      },
      caller,
    );
    const ids = first.changes.map((change) => change.rowId);
    expect(out.response.changes.map((change) => [change.rowId, change.version])).toEqual([
      [ids[0], 1],
      [ids[2], 1],
      [ids[3], 1],
      [ids[4], 1],
      [edited.rowId, 2],
    ]);
    expect(out.response.changes[4].values.notes).toBe('已改');
    expect(out.response.applied).toEqual(expect.arrayContaining([{ rowId: added.rowId, version: 1, merged: false }]));
    // past both versions it wrote (6 and 7), though the page ends at 6
    expect(out.response.cursor).toBe(7);
    // a small page: hasMore, and the cursor of the last row given
    const paged = await syncLedger(env, village, { clientId: 'x', requestId: randomUUID(), cursor: 0, pullLimit: 2, changes: [] }, caller);
    expect(paged.response.hasMore).toBe(true);
    expect(paged.response.changes.map((change) => change.rowId)).toEqual([ids[0], ids[2]]);
    expect(paged.response.cursor).toBe(3);
  });
});
