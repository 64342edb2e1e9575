/**
 * The summaries' pre-aggregation as the SQLite writer keeps it (server/reports/pre-aggregation.ts,
 * migration 025): facts computed with the ledger core and sent with the rows; what a new version
 * replaces taken back from the stored facts, never recomputed — so the counts always equal the sum
 * of the stored facts, whatever rule once computed them. (tests/server/reports.test.ts checks the
 * facts against rowFacts and the counts against the window rule on both engines.)
 */
import { randomUUID } from 'crypto';
import type { SqlDatabase, SqlParams } from '../../server/db/database';
import { SqlAuditLog } from '../../server/audit/audit-log';
import { SqliteLedgerStore } from '../../server/ledger/sqlite-store';
import { syncLedger } from '../../server/ledger/sync';
import { factsRecord } from '../../server/reports/pre-aggregation';
import { takeBackSql } from '../../server/reports/facts-store';
import { rowFacts } from '../../ledger/reports/facts';
import type { LedgerValues } from '../../ledger/types';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { describeSqliteOnly, useMigratedTestDatabase } from './helpers';

describe('factsRecord: the stored facts of a row', () => {
  const base = { foundOn: '2026-10-03', status: '核实中', categories: ['老年人'], channel: '入户走访' } as LedgerValues;

  it('is rowFacts plus the ID number and open flag as the duplicate look-up reads them (SQL TRIM and UPPER: spaces and ASCII only)', () => {
    const record = factsRecord('r1', { ...base, idNumber: ' 53230119800101123x ' } as LedgerValues);
    const facts = rowFacts({ ...base } as LedgerValues);
    expect(record).toEqual({ r: 'r1', fm: facts.foundMonth, cm: facts.closedMonth, d: facts.dims, i: '53230119800101123X', o: 1 });
    // a full-width space is not trimmed and stays part of the text, as SQL's TRIM left it
    expect(factsRecord('r2', { ...base, idNumber: '\u300053230119800101123x' } as LedgerValues).i).toBe('\u300053230119800101123X');
    expect(factsRecord('r3', { ...base, idNumber: 532301 } as unknown as LedgerValues).i).toBe('');
  });

  it('a row is closed only by 已办结 (spaces around it allowed); anything else, or nothing, is open', () => {
    expect(factsRecord('r', { ...base, status: ' 已办结 ' } as LedgerValues).o).toBe(0);
    expect(factsRecord('r', { ...base, status: '办理中' } as LedgerValues).o).toBe(1);
    expect(factsRecord('r', { ...base, status: null } as unknown as LedgerValues).o).toBe(1);
    expect(factsRecord('r', { ...base, status: 7 } as unknown as LedgerValues).o).toBe(1);
  });
});

const VILLAGE = '532301101201';
const NOW = new Date('2026-11-20T02:00:00Z');

describeSqliteOnly('PostgreSQL keeps the facts with its statement-level trigger (migrations 010, 011)')('pre-aggregation by the SQLite writer', () => {
  let db: SqlDatabase;
  const issued: string[] = [];
  const rng = createRng('pre-aggregation');

  /** The database as the store sees it, noting every statement it runs. */
  function noting(handle: SqlDatabase): SqlDatabase {
    return new Proxy(handle, {
      get(target, key, receiver) {
        if (key === 'run' || key === 'get' || key === 'all')
          return (sql: string, params?: SqlParams) => {
            issued.push(sql);
            return (target[key] as (sql: string, params?: SqlParams) => Promise<unknown>)(sql, params);
          };
        if (key === 'transaction')
          return <T>(fn: (tx: SqlDatabase) => Promise<T>, options?: Parameters<SqlDatabase['transaction']>[1]) => target.transaction((tx) => fn(noting(tx)), options);
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  async function push(changes: Array<{ rowId: string; baseVersion: number; values: Record<string, unknown>; deleted?: boolean }>) {
    const store = new SqliteLedgerStore(noting(db));
    const outcome = await syncLedger(
      { store, audit: new SqlAuditLog(db, () => NOW), now: () => NOW },
      VILLAGE,
      { clientId: 'pre-aggregation', requestId: randomUUID(), changes: changes.map((change) => ({ ...change, values: change.values as Record<string, never> })) },
      { user: null, httpRequestId: 'pre-aggregation' },
    );
    expect(outcome.response.conflicts).toEqual([]);
    return outcome.response;
  }

  /** The counts as the sum of the stored facts rows (computed here, row by row). */
  async function countsFromStoredFacts() {
    const facts = await db.all<{ village_code: string; found_month: string; closed_month: string; dims_json: string; id_number: string; is_open: number }>(
      'SELECT village_code, found_month, closed_month, dims_json, id_number, is_open FROM ledger_row_facts',
    );
    const village = new Map<string, number>();
    const township = new Map<string, number>();
    const open = new Map<string, number>();
    const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    for (const f of facts) {
      if (f.is_open === 1 && f.id_number !== '') add(open, `${f.id_number}|${f.village_code}`);
      if (f.found_month === '') continue;
      for (const [dimension, value] of JSON.parse(f.dims_json) as string[][]) {
        for (const [map, unit] of [[village, f.village_code], [township, f.village_code.slice(0, 9)]] as const) {
          add(map, `${unit}|${f.found_month}|${dimension}|${value}|found`);
          if (f.closed_month !== '') add(map, `${unit}|${f.closed_month}|${dimension}|${value}|closed`);
        }
      }
    }
    return { village, township, open };
  }

  async function countsStored() {
    const read = async (table: string) => {
      const out = new Map<string, number>();
      for (const row of await db.all<{ unit_code: string; month: string; dimension: string; value: string; found: number; closed: number }>(`SELECT * FROM ${table}`)) {
        if (row.found !== 0) out.set(`${row.unit_code}|${row.month}|${row.dimension}|${row.value}|found`, row.found);
        if (row.closed !== 0) out.set(`${row.unit_code}|${row.month}|${row.dimension}|${row.value}|closed`, row.closed);
      }
      return out;
    };
    const open = new Map<string, number>();
    for (const row of await db.all<{ id_number: string; village_code: string; n: number }>('SELECT * FROM ledger_open_ids WHERE n <> 0')) open.set(`${row.id_number}|${row.village_code}`, row.n);
    return { village: await read('ledger_month_counts'), township: await read('ledger_month_counts_township'), open };
  }

  useMigratedTestDatabase('pre-aggregation', (opened) => (db = opened));

  const rows = new Map<string, { version: number; values: Record<string, unknown> }>();

  it('new rows: facts and counts written with the rows, nothing taken back', async () => {
    const changes = Array.from({ length: 30 }, () => {
      const values = fabricateLedgerValues(rng, { region: '532301', today: '2026-11-15', maxAgeDays: 200 }) as Record<string, unknown>;
      return { rowId: randomUUID(), baseVersion: 0, values };
    });
    issued.length = 0;
    const response = await push(changes);
    for (const applied of response.applied) rows.set(applied.rowId, { version: applied.version, values: changes.find((c) => c.rowId === applied.rowId)!.values });
    expect(issued.filter((sql) => /^\s*INSERT INTO (ledger_month_counts|ledger_month_counts_township|ledger_open_ids) [^]*-(SUM|COUNT)/.test(sql))).toEqual([]);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_row_facts'))!.n).toBe(30);
    expect(await countsStored()).toEqual(await countsFromStoredFacts());
  });

  it('edits and deletes take back exactly what the stored facts say, even facts an older rule computed', async () => {
    const [stale, edited, deleted] = [...rows.keys()];
    // Facts as an older rule might have stored them, and the counts that went with them: the row's
    // contribution moved by hand to a bucket today's rule would never give.
    await db.transaction(async (tx) => {
      for (const sql of takeBackSql(tx.writeGuard)) await tx.run(sql, [VILLAGE, JSON.stringify([stale])]);
      await tx.run(`UPDATE ledger_row_facts SET found_month = '2025-01', closed_month = '', dims_json = '[["status","旧规则"]]', id_number = 'OLD-ID', is_open = 1 WHERE village_code = ? AND row_id = ?`, [VILLAGE, stale]);
      for (const table of ['ledger_month_counts', 'ledger_month_counts_township']) {
        await tx.run(`INSERT INTO ${table} (unit_code, month, dimension, value, found, closed) VALUES (?, '2025-01', 'status', '旧规则', 1, 0)`, [table === 'ledger_month_counts' ? VILLAGE : VILLAGE.slice(0, 9)]);
      }
      await tx.run("INSERT INTO ledger_open_ids (id_number, village_code, n) VALUES ('OLD-ID', ?, 1)", [VILLAGE]);
    });
    expect(await countsStored()).toEqual(await countsFromStoredFacts());

    issued.length = 0;
    await push([
      { rowId: stale, baseVersion: rows.get(stale)!.version, values: { status: '已办结', closedOn: '2026-11-01' } },
      { rowId: edited, baseVersion: rows.get(edited)!.version, values: { categories: ['残疾人'] } },
      { rowId: deleted, baseVersion: rows.get(deleted)!.version, values: {}, deleted: true },
    ]);
    expect(issued.filter((sql) => /^\s*INSERT INTO (ledger_month_counts|ledger_month_counts_township|ledger_open_ids) [^]*-(SUM|COUNT)/.test(sql))).toHaveLength(3);
    const stored = await countsStored();
    // the old rule's bucket and ID are gone entirely, not left at 1 or driven to −1 elsewhere
    expect([...stored.village.keys()].filter((key) => key.includes('旧规则'))).toEqual([]);
    expect([...stored.open.keys()].filter((key) => key.startsWith('OLD-ID'))).toEqual([]);
    expect([...stored.village.values()].every((n) => n > 0)).toBe(true);
    expect(stored).toEqual(await countsFromStoredFacts());
    // the deleted row has no facts; the edited ones have today's
    const facts = await db.all<{ row_id: string; found_month: string; dims_json: string }>('SELECT row_id, found_month, dims_json FROM ledger_row_facts WHERE row_id IN (?, ?, ?)', [stale, edited, deleted]);
    expect(facts.map((f) => f.row_id).sort()).toEqual([stale, edited].sort());
    const editedFacts = facts.find((f) => f.row_id === edited)!;
    expect(JSON.parse(editedFacts.dims_json)).toEqual(rowFacts({ ...rows.get(edited)!.values, categories: ['残疾人'] } as LedgerValues).dims);
  });

  it('a re-created row gets its facts back', async () => {
    const [, , deleted] = [...rows.keys()];
    const versions = await db.get<{ version: number }>('SELECT version FROM ledger_rows WHERE village_code = ? AND row_id = ?', [VILLAGE, deleted]);
    await push([{ rowId: deleted, baseVersion: versions!.version, values: rows.get(deleted)!.values, deleted: false }]);
    expect(await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_row_facts WHERE row_id = ?', [deleted])).toEqual({ n: 1 });
    expect(await countsStored()).toEqual(await countsFromStoredFacts());
  });
});
