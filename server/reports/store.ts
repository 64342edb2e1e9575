/**
 * ReportStore: what the summaries, the duplicate list and the consolidated export read, and the
 * only place their SQL lives. Subtrees are code ranges ([code, code + ':') — ':' sorts right after
 * '9'), so every query walks an index instead of testing a prefix on each row.
 */
import { LEAD_STATES } from '../../ledger/lead-states';
import type { LedgerValues } from '../../ledger/types';
import { UNIT_CODE_LENGTH, type UnitLevel } from '../../ledger/units';
import type { SummaryDimension } from '../../ledger/reports/facts';
import type { LeadFact, RowBucket, UnitRef, VillageInfo, VillageSubmission } from '../../ledger/reports/summary';
import type { OpenRowRef } from '../../ledger/reports/duplicates';
import type { MonthWindow } from '../../ledger/reports/window';
import type { SqlDatabase } from '../db/database';

export interface ExportRow {
  villageCode: string;
  rowId: string;
  version: number;
  values: LedgerValues;
}

export interface ReportStore {
  unit(code: string): Promise<UnitRef | undefined>;
  children(code: string): Promise<UnitRef[]>;
  /** Units of one level in the subtree (e.g. every township of a county), by code. */
  unitsOfLevel(code: string, level: UnitLevel): Promise<UnitRef[]>;
  villagesUnder(code: string): Promise<VillageInfo[]>;
  /**
   * Per unit, dimension and value: rows counting in the window (pre-aggregated on write). Units are
   * villages for a township or village, townships for a county or prefecture (what their children need).
   */
  rowBuckets(code: string, window: MonthWindow, by?: 'village' | 'township'): Promise<RowBucket[]>;
  leadFacts(code: string): Promise<LeadFact[]>;
  submissions(code: string, window: MonthWindow): Promise<VillageSubmission[]>;
  /** Open rows of the subtree whose ID number is open in two or more villages (anywhere). */
  openDuplicateRows(code: string): Promise<OpenRowRef[]>;
  /** Live rows of the subtree in (village, creation) order, `batch` at a time after the given key. */
  exportBatch(code: string, after: { villageCode: string; seq: number } | null, batch: number): Promise<Array<ExportRow & { seq: number }>>;
}

const range = (code: string) => [code, `${code}:`] as const;

/** ID numbers open in two or more villages, with those villages that lie in the subtree (?1 ≤ code < ?2). */
export const DUPLICATED_IDS_SQL = `SELECT o.id_number, o.village_code
         FROM ledger_id_spread s
         JOIN ledger_open_ids o ON o.id_number = s.id_number AND o.n > 0 AND o.village_code >= ? AND o.village_code < ?
        WHERE s.villages > 1`;

/**
 * The open rows of `count` ID numbers (bound first) in the subtree (the two bounds after them), through
 * migration 021's partial index: its condition `is_open = 1 AND id_number <> ''` is repeated so the
 * planner may use it, and the numbers are an IN list of the index's first column, which the planner
 * takes over a range scan of the subtree's facts (a million in a county) with or without ANALYZE.
 */
export function openRowsOfIdsSql(count: number): string {
  return `SELECT f.id_number, f.village_code, f.row_id,
              json_extract(v.values_json, '$.name') AS name, json_extract(v.values_json, '$.foundOn') AS found_on,
              json_extract(v.values_json, '$.status') AS status
         FROM ledger_row_facts f
         JOIN ledger_rows r ON r.village_code = f.village_code AND r.row_id = f.row_id
         JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version
        WHERE f.id_number IN (${Array.from({ length: count }, () => '?').join(', ')}) AND f.is_open = 1 AND f.id_number <> ''
          AND f.village_code >= ? AND f.village_code < ?`;
}

/** ID numbers per look-up of their rows (bound parameters stay far below every engine's limit). */
const DUPLICATE_ID_CHUNK = 500;

class SqliteReportStore implements ReportStore {
  constructor(private readonly db: SqlDatabase) {}

  unit(code: string): Promise<UnitRef | undefined> {
    return this.db.get<UnitRef>('SELECT code, name, level FROM units WHERE code = ?', [code]);
  }

  children(code: string): Promise<UnitRef[]> {
    return this.db.all<UnitRef>('SELECT code, name, level FROM units WHERE parent_code = ? ORDER BY code', [code]);
  }

  unitsOfLevel(code: string, level: UnitLevel): Promise<UnitRef[]> {
    return this.db.all<UnitRef>(
      'SELECT code, name, level FROM units WHERE code >= ? AND code < ? AND length(code) = ? ORDER BY code',
      [...range(code), UNIT_CODE_LENGTH[level]],
    );
  }

  async villagesUnder(code: string): Promise<VillageInfo[]> {
    const rows = await this.db.all<{ code: string; name: string; township_code: string; township_name: string | null }>(
      `SELECT v.code, v.name, substr(v.code, 1, 9) AS township_code, t.name AS township_name
         FROM units v LEFT JOIN units t ON t.code = substr(v.code, 1, 9)
        WHERE v.code >= ? AND v.code < ? AND v.level = 'village' ORDER BY v.code`,
      [...range(code)],
    );
    return rows.map((row) => ({ code: row.code, name: row.name, townshipCode: row.township_code, townshipName: row.township_name }));
  }

  async rowBuckets(code: string, window: MonthWindow, by?: 'village' | 'township'): Promise<RowBucket[]> {
    // The window rule of ledger/reports/window.ts countsInWindow, on the pre-aggregated counts:
    // found by the end of `to`, minus those closed before `from` (closed month is clamped ≥ found month).
    const granularity = by ?? (code.length >= UNIT_CODE_LENGTH.township ? 'village' : 'township');
    const table = granularity === 'village' ? 'ledger_month_counts' : 'ledger_month_counts_township';
    const rows = await this.db.all<{ unit_code: string; dimension: SummaryDimension; value: string; n: number }>(
      `SELECT unit_code, dimension, value,
              SUM(found) - SUM(CASE WHEN month < ? THEN closed ELSE 0 END) AS n
         FROM ${table}
        WHERE unit_code >= ? AND unit_code < ? AND month <= ?
        GROUP BY unit_code, dimension, value`,
      [window.from, ...range(code), window.to],
    );
    const out: RowBucket[] = [];
    for (const row of rows) if (row.n !== 0) out.push({ unitCode: row.unit_code, dimension: row.dimension, value: row.value, count: row.n });
    return out;
  }

  async leadFacts(code: string): Promise<LeadFact[]> {
    // The first time each state of the life cycle was reached, one column per state of the one
    // list (reached_0 … reached_5), as China calendar dates: one row per lead whatever its history.
    const reached = LEAD_STATES.map((_, i) => `MIN(CASE WHEN h.to_state = ? THEN h.at END) AS reached_${i}`).join(',\n              ');
    const rows = await this.db.all<{
      source: string;
      unit_code: string;
      found_on: string;
      dispatched_on: string | null;
      due_on: string | null;
      [reachedColumn: `reached_${number}`]: string | null;
    }>(
      `SELECT l.lead_no, l.source, l.unit_code, l.found_on, l.dispatched_on, l.due_on,
              ${reached}
         FROM leads l
         LEFT JOIN lead_history h ON h.lead_no = l.lead_no
        WHERE l.unit_code >= ? AND l.unit_code < ?
        GROUP BY l.lead_no, l.source, l.unit_code, l.found_on, l.dispatched_on, l.due_on`,
      [...LEAD_STATES, ...range(code)],
    );
    const chinaDate = (at: string) => new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10);
    return rows.map((row) => {
      const reachedOn: LeadFact['reachedOn'] = {};
      LEAD_STATES.forEach((state, i) => {
        const at = row[`reached_${i}`];
        if (at !== null && at !== undefined) reachedOn[state] = chinaDate(at);
      });
      return { source: row.source, unitCode: row.unit_code, foundOn: row.found_on, dispatchedOn: row.dispatched_on, dueOn: row.due_on, reachedOn };
    });
  }

  async submissions(code: string, window: MonthWindow): Promise<VillageSubmission[]> {
    const rows = await this.db.all<{ village_code: string; month: string; state: VillageSubmission['state'] }>(
      `SELECT village_code, month, state FROM ledger_submissions
        WHERE month >= ? AND month <= ? AND village_code >= ? AND village_code < ?`,
      [window.from, window.to, ...range(code)],
    );
    return rows.map((row) => ({ villageCode: row.village_code, month: row.month, state: row.state }));
  }

  async openDuplicateRows(code: string): Promise<OpenRowRef[]> {
    // Two steps, from the few duplicated ID numbers outwards (see openRowsOfIdsSql).
    const pairs = await this.db.all<{ id_number: string; village_code: string }>(DUPLICATED_IDS_SQL, [...range(code)]);
    if (pairs.length === 0) return [];
    const wanted = new Set(pairs.map((pair) => `${pair.id_number}|${pair.village_code}`));
    const ids = [...new Set(pairs.map((pair) => pair.id_number))];
    const out: OpenRowRef[] = [];
    for (let i = 0; i < ids.length; i += DUPLICATE_ID_CHUNK) {
      const chunk = ids.slice(i, i + DUPLICATE_ID_CHUNK);
      const rows = await this.db.all<{ id_number: string; village_code: string; row_id: string; name: string | null; found_on: string | null; status: string | null }>(
        openRowsOfIdsSql(chunk.length),
        [...chunk, ...range(code)],
      );
      for (const row of rows) {
        if (!wanted.has(`${row.id_number}|${row.village_code}`)) continue;
        out.push({
          idNumber: row.id_number,
          villageCode: row.village_code,
          rowId: row.row_id,
          name: row.name === null ? null : String(row.name),
          foundOn: row.found_on,
          status: row.status,
        });
      }
    }
    return out;
  }

  async exportBatch(code: string, after: { villageCode: string; seq: number } | null, batch: number): Promise<Array<ExportRow & { seq: number }>> {
    const rows = await this.db.all<{ village_code: string; row_id: string; version: number; seq: number; values_json: string }>(
      `SELECT r.village_code, r.row_id, r.version, r.seq, v.values_json
         FROM ledger_rows r
         JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version
        WHERE (r.village_code, r.seq) > (?, ?) AND r.village_code < ? AND r.deleted = 0
        ORDER BY r.village_code, r.seq
        LIMIT ?`,
      // One row-value bound: the index range starts right after the last row sent. (An OR of the two
      // cases left the range at the subtree's start, so batch k skipped k batches of rows again — the
      // million-row export slowed down as it went.) The first batch starts before any seq of the subtree.
      [after?.villageCode ?? code, after?.seq ?? -1, `${code}:`, batch],
    );
    return rows.map((row) => ({
      villageCode: row.village_code,
      rowId: row.row_id,
      version: row.version,
      seq: row.seq,
      values: JSON.parse(row.values_json) as LedgerValues,
    }));
  }
}

const stores = new WeakMap<object, ReportStore>();
export function reportStoreOf(db: SqlDatabase): ReportStore {
  let store = stores.get(db);
  if (!store) {
    store = new SqliteReportStore(db);
    stores.set(db, store);
  }
  return store;
}
