/**
 * The sync service on the SQLite store directly: one request is one transaction (a failure after
 * some rows were written leaves no row, no version, no sequence number and no audit entry), and
 * the append-only version history refuses updates and deletes.
 */
import { randomUUID } from 'crypto';
import { SYNC_LIMITS, type SyncResponse } from '../../ledger/api/sync';
import { SqlAuditLog } from '../../server/audit/audit-log';
import type { SqlDatabase, SqlParams } from '../../server/db/database';
import { SqliteLedgerStore } from '../../server/ledger/sqlite-store';
import type { LedgerStore, WriteContext } from '../../server/ledger/store';
import { syncLedger } from '../../server/ledger/sync';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { describeSqliteOnly, useMigratedTestDatabase } from './helpers';

const VILLAGE = '532301101201';

/** Fails when saving the answer, i.e. after every row of the request has been written. */
class FailingStore extends SqliteLedgerStore {
  override transaction<T>(fn: (store: LedgerStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new FailingStore(tx)));
  }
  override async saveSyncResponse(_ctx: WriteContext, _response: SyncResponse): Promise<void> {
    throw new Error('disk full (simulated)');
  }
}

describe('sync service on the SQL store (SQLite, or PostgreSQL under npm run test:pg)', () => {
  let db: SqlDatabase;
  const now = () => new Date('2026-11-20T02:00:00Z');
  const rng = createRng('sync-store');

  useMigratedTestDatabase('store', (opened) => (db = opened));

  const count = async (sql: string) => (await db.get<{ n: number }>(sql))!.n;

  it('applies all of a request or nothing of it', async () => {
    const changes = Array.from({ length: 600 }, () => {
      const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, never>;
      delete (values as Record<string, unknown>).seq;
      return { rowId: randomUUID(), baseVersion: 0, values };
    });
    const request = { clientId: 'c', requestId: randomUUID(), changes };
    const audit = new SqlAuditLog(db, now);
    await expect(
      syncLedger({ store: new FailingStore(db), audit, now }, VILLAGE, request, { user: null, httpRequestId: 'r1' }),
    ).rejects.toThrow('disk full');
    expect(await count('SELECT COUNT(*) AS n FROM ledger_rows')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_row_versions')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_villages')).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ledger.sync'")).toBe(0);

    // the same request again, on a working store: everything, once
    const ok = await syncLedger({ store: new SqliteLedgerStore(db), audit, now }, VILLAGE, request, { user: null, httpRequestId: 'r2' });
    expect(ok.response.applied).toHaveLength(600);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_rows')).toBe(600);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_row_versions')).toBe(600);
    expect(await count('SELECT MAX(seq) AS n FROM ledger_rows')).toBe(600);
    // stored as sent: nothing echoed, the cursor past all 600
    expect(ok.response.changes).toEqual([]);
    expect(ok.response.cursor).toBe(600);
    expect(ok.response.hasMore).toBe(false);
    // another client's pull page is bounded and says there is more
    const pull = await syncLedger({ store: new SqliteLedgerStore(db), audit, now }, VILLAGE, { clientId: 'other', requestId: randomUUID(), changes: [] }, { user: null, httpRequestId: 'r3' });
    expect(pull.response.changes.length).toBe(SYNC_LIMITS.defaultPullLimit);
    expect(pull.response.hasMore).toBe(true);
  });

  it('keeps the version history append-only', async () => {
    await expect(db.run("UPDATE ledger_row_versions SET values_json = '{}'")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM ledger_row_versions')).rejects.toThrow(/append-only/);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_row_versions')).toBe(600);
  });

  it('keeps the pull page of an answer by reference (no second copy of the rows) and replays it as first sent; older whole answers still replay', async () => {
    const audit = new SqlAuditLog(db, now);
    const store = new SqliteLedgerStore(db);
    const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, never>;
    delete (values as Record<string, unknown>).seq;
    // the page after cursor 599: another client's row (seq 600), then nothing of this push (stored as sent)
    const { row_id: pagedRowId, values_json: pagedValues } = (await db.get<{ row_id: string; values_json: string }>(
      'SELECT r.row_id, v.values_json FROM ledger_rows r JOIN ledger_row_versions v USING (village_code, row_id, version) WHERE r.seq = 600',
    ))!;
    const pagedName = String((JSON.parse(pagedValues) as Record<string, unknown>).name);
    const request = { clientId: 'refs', requestId: randomUUID(), cursor: 599, changes: [{ rowId: randomUUID(), baseVersion: 0, values }] };
    const first = await syncLedger({ store, audit, now }, VILLAGE, request, { user: null, httpRequestId: 'refs-1' });
    expect(first.response.changes.map((change) => change.rowId)).toEqual([pagedRowId]);
    const kept = (await db.get<{ response_json: string }>('SELECT response_json FROM ledger_sync_requests WHERE request_id = ?', [request.requestId]))!.response_json;
    expect(kept).not.toContain(pagedName);
    // the row changes afterwards; the retry still gets the page as it was
    await syncLedger({ store, audit, now }, VILLAGE, { clientId: 'other', requestId: randomUUID(), changes: [{ rowId: pagedRowId, baseVersion: 1, values: { notes: '后来的修改' } as unknown as Record<string, never> }] }, { user: null, httpRequestId: 'refs-2' });
    const again = await syncLedger({ store, audit, now }, VILLAGE, request, { user: null, httpRequestId: 'refs-3' });
    expect(again.replayed).toBe(true);
    expect(again.response).toEqual(first.response);
    // in-process, the content is hashed as given (no zod pass over every row); other content under the id is refused
    const hash = (await db.get<{ request_hash: string }>('SELECT request_hash FROM ledger_sync_requests WHERE request_id = ?', [request.requestId]))!.request_hash;
    expect(hash).toMatch(/^content:[0-9a-f]{64}$/);
    await expect(syncLedger({ store, audit, now }, VILLAGE, { ...request, cursor: 0 }, { user: null, httpRequestId: 'refs-4' })).rejects.toMatchObject({ code: 'request_id_reused' });

    // an answer kept whole, as before references: replayed as kept
    const whole = { ...first.response, changes: [{ rowId: 'r-old', version: 3, values: { name: '旧答复' }, deleted: false }] };
    const oldId = randomUUID();
    await db.run(
      "INSERT INTO ledger_sync_requests (village_code, request_id, client_id, user_name, at, applied, conflicts, response_json, request_hash) VALUES (?, ?, 'c', NULL, 'x', 1, 0, ?, NULL)",
      [VILLAGE, oldId, JSON.stringify(whole)],
    );
    expect((await store.findSyncResponse(VILLAGE, oldId))?.response).toEqual(whole);
  });

  it('stores every character as sent: rows go to the database as UTF-8 bytes (CJK beyond the BMP, emoji, line separators, escapes)', async () => {
    const audit = new SqlAuditLog(db, now);
    const store = new SqliteLedgerStore(db);
    const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, unknown>;
    delete values.seq;
    const rowId = randomUUID();
    Object.assign(values, { name: '𠀀𪚥张三', address: '云南省楚雄州\u2028鹿城镇 "引号" \\ 反斜杠', notes: '😀 家中有重病患者\t已走访\n三次' });
    await syncLedger({ store, audit, now }, VILLAGE, { clientId: 'bytes', requestId: randomUUID(), cursor: 0, changes: [{ rowId, baseVersion: 0, values: values as Record<string, never> }] }, { user: null, httpRequestId: 'bytes-1' });
    const stored = (await store.getRows(VILLAGE, [rowId])).get(rowId);
    expect(stored?.values).toMatchObject({ name: values.name, address: values.address, notes: values.notes });
  });

  it('a push of new rows one of which the server already has is numbered without gaps, the new ones at version 1', async () => {
    const audit = new SqlAuditLog(db, now);
    const store = new SqliteLedgerStore(db);
    const village = '532301101214';
    const fresh = () => {
      const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, never>;
      delete (values as Record<string, unknown>).seq;
      return values;
    };
    const taken = randomUUID();
    await syncLedger({ store, audit, now }, village, { clientId: 'x', requestId: randomUUID(), changes: [{ rowId: taken, baseVersion: 0, values: fresh() }] }, { user: null, httpRequestId: 'g1' });
    // another client sends the same row id as new (base 0) beside two new rows
    const added: string[] = [randomUUID(), randomUUID()];
    const out = await syncLedger(
      { store, audit, now },
      village,
      { clientId: 'y', requestId: randomUUID(), changes: [{ rowId: added[0], baseVersion: 0, values: fresh() }, { rowId: taken, baseVersion: 0, values: { notes: '乙的新行' } as unknown as Record<string, never> }, { rowId: added[1], baseVersion: 0, values: fresh() }] },
      { user: null, httpRequestId: 'g2' },
    );
    expect(out.response.applied.map((entry) => entry.rowId)).toEqual(expect.arrayContaining(added));
    // every version numbered after the one before, in request order; the new rows at version 1
    const history = await db.all<{ row_id: string; version: number; seq: number }>('SELECT row_id, version, seq FROM ledger_row_versions WHERE village_code = ? ORDER BY seq', [village]);
    expect(history.map((row) => Number(row.seq))).toEqual(history.map((_, index) => index + 1));
    expect(history.filter((row) => added.includes(row.row_id)).map((row) => [row.row_id, Number(row.version)])).toEqual(added.map((rowId) => [rowId, 1]));
    const current = await db.all<{ row_id: string; seq: number }>('SELECT row_id, seq FROM ledger_rows WHERE village_code = ?', [village]);
    for (const row of current) expect(Number(row.seq)).toBe(Math.max(...history.filter((version) => version.row_id === row.row_id).map((version) => Number(version.seq))));
  });
});

/**
 * Every statement issued after reserveSeq runs only once the transaction has been rolled back
 * under them, as SQLite does after an I/O error or SQLITE_FULL on a one-row write.
 */
class LosingStore extends SqliteLedgerStore {
  constructor(
    db: SqlDatabase,
    private readonly state: { lost?: Promise<void> } = {},
  ) {
    super(db);
  }
  override transaction<T>(fn: (store: LedgerStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new LosingStore(afterLoss(tx, this.state), this.state)));
  }
  override reserveSeq(villageCode: string, count: number): Promise<number> {
    this.state.lost = this.db.exec('ROLLBACK');
    return this.state.lost.then(() => super.reserveSeq(villageCode, count));
  }
}

function afterLoss(tx: SqlDatabase, state: { lost?: Promise<void> }): SqlDatabase {
  return new Proxy(tx, {
    get(target, key, receiver) {
      if (key === 'run' || key === 'get' || key === 'all')
        return async (sql: string, params?: SqlParams) => {
          if (state.lost) await state.lost;
          return (target[key] as (sql: string, params?: SqlParams) => Promise<unknown>)(sql, params);
        };
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describeSqliteOnly('SQLite rolls a transaction back under its statements; PostgreSQL refuses every later statement of an aborted one')('sync when the database loses the transaction', () => {
  let db: SqlDatabase;
  const now = () => new Date('2026-11-20T02:00:00Z');
  useMigratedTestDatabase('store-lost', (opened) => (db = opened));

  it('keeps none of the writes issued beside each other: no row, no version, no answer a retry would replay, no audit entry', async () => {
    const rng = createRng('sync-store-lost');
    const changes = Array.from({ length: 30 }, () => {
      const values = fabricateLedgerValues(rng, { region: '532301' }) as Record<string, never>;
      delete (values as Record<string, unknown>).seq;
      return { rowId: randomUUID(), baseVersion: 0, values };
    });
    const request = { clientId: 'c', requestId: randomUUID(), changes };
    const audit = new SqlAuditLog(db, now);
    await expect(syncLedger({ store: new LosingStore(db), audit, now }, VILLAGE, request, { user: null, httpRequestId: 'lost' })).rejects.toThrow();
    const count = async (sql: string) => (await db.get<{ n: number }>(sql))!.n;
    expect(await count('SELECT COUNT(*) AS n FROM ledger_rows')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_row_versions')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_row_facts')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_sync_requests')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_villages')).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ledger.sync'")).toBe(0);

    // the retry, on a working store: applied once, in full
    const ok = await syncLedger({ store: new SqliteLedgerStore(db), audit, now }, VILLAGE, request, { user: null, httpRequestId: 'retry' });
    expect(ok.replayed).toBe(false);
    expect(ok.response.applied).toHaveLength(30);
    expect(await count('SELECT COUNT(*) AS n FROM ledger_rows')).toBe(30);
  });
});
