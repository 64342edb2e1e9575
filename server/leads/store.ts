/**
 * LeadStore: every read and write of the leads tables (leads, lead_history, lead_links,
 * lead_sequences, migration 003), and nothing else. Services and routes never write SQL; they take
 * a store made for the handle they work on (`leadStore(tx)` inside a transaction: all or nothing).
 *
 * The SQL is engine-neutral (`?` placeholders, ON CONFLICT … DO UPDATE, no SQLite functions), so
 * any SqlDatabase (server/db/database.ts) runs it.
 */
import type { SqlDatabase } from '../db/database';
import { insertRows } from '../db/insert-rows';
import type { MatchRuleCode } from '../../ledger/matching/rules';
import type { LeadListOrder } from '../../ledger/api/leads';
import { CLOSED_LEAD_STATE, OPEN_FOR_VERIFICATION, OPEN_STATES, type LeadState } from './states';

export interface LeadRow {
  lead_no: string;
  county_code: string;
  source: string;
  period: string;
  seq: number;
  rule: string;
  reason_zh: string;
  reason_en: string;
  category: string | null;
  channel: string | null;
  coverage: string | null;
  id_number: string;
  name: string;
  detail_json: string | null;
  township_code: string | null;
  village_code: string | null;
  unit_code: string;
  suggested_village_code: string | null;
  assigned_by: string;
  state: LeadState;
  found_on: string;
  dispatched_on: string | null;
  due_on: string | null;
  verify_result: string | null;
  ledger_row_id: string | null;
  pulled_at: string | null;
  import_id: string;
  excel_row: number | null;
  created_at: string;
  updated_at: string;
}

/** What a state change may set besides the state. */
export type LeadStateFields = Partial<
  Pick<LeadRow, 'township_code' | 'village_code' | 'unit_code' | 'dispatched_on' | 'due_on' | 'verify_result' | 'ledger_row_id' | 'pulled_at'>
>;

/** A new lead as stored (the columns set when it is created; the rest start empty). */
export type NewLeadRow = Omit<LeadRow, 'verify_result' | 'ledger_row_id' | 'pulled_at'>;

export interface HistoryEntry {
  fromState: LeadState | null;
  toState: LeadState;
  userName: string | null;
  unitCode: string | null;
  /** Read only (history()): the name of unitCode's unit. */
  unitName?: string | null;
  at: string;
  note: string | null;
}

export interface HistoryWrite extends HistoryEntry {
  leadNo: string;
}

export interface LeadLink {
  importId: string;
  excelRow: number | null;
  rule: MatchRuleCode;
  at: string;
}

/** A later import row linked to an open lead (the same person found again). lead_links rows of kind 'ledgerRow' are older. */
export interface LinkWrite {
  importId: string;
  excelRow: number | null;
  kind: 'lead';
  target: string;
  rule: string;
  at: string;
}

export interface LeadFilters {
  source?: string;
  state?: LeadState;
  overdue?: boolean;
  period?: string;
  /** LeadListQuery.order; default `period` */
  order?: LeadListOrder;
}

/** ORDER BY of each list order (LEAD_LIST_ORDERS); lead_no last, so pages never overlap. */
const LIST_ORDER_SQL: Record<LeadListOrder, string> = {
  period: 'period DESC, lead_no',
  due: 'due_on IS NULL, due_on, period, lead_no',
};

export interface OpenLeadOfPerson {
  idNumber: string;
  leadNo: string;
  source: string;
  period: string;
}

export interface LeadStore {
  readonly db: SqlDatabase;
  get(leadNo: string): Promise<LeadRow | undefined>;
  /** The lead of this village already linked to a ledger row. */
  /** The open leads of this village linked to a ledger row (a later lead pulled onto a row that names an earlier one), oldest first. */
  openLinkedToLedgerRow(rowId: string, villageCode: string): Promise<LeadRow[]>;
  /** Open leads of the county (any source and period, state in OPEN_STATES), oldest first. */
  openOfCounty(countyCode: string): Promise<OpenLeadOfPerson[]>;
  /** Leads of a unit's subtree, newest period first, one page, and how many there are in all. */
  list(unitCode: string, filters: LeadFilters, today: string, page: number, pageSize: number): Promise<{ rows: LeadRow[]; total: number }>;
  history(leadNo: string): Promise<HistoryEntry[]>;
  /** Later import rows linked to this lead, oldest first. */
  links(leadNo: string): Promise<LeadLink[]>;

  /** Reserves `count` consecutive sequence numbers for county+period; returns the first. */
  allocateSeqs(countyCode: string, period: string, count: number): Promise<number>;
  insertLeads(rows: readonly NewLeadRow[]): Promise<void>;
  insertHistory(entries: readonly HistoryWrite[]): Promise<void>;
  insertLinks(links: readonly LinkWrite[]): Promise<void>;
  /** Writes `next` over the lead when it is still in `fromState`; false when someone moved it meanwhile. */
  updateState(next: LeadRow, fromState: LeadState): Promise<boolean>;
  setVerifyResult(leadNo: string, verifyResult: string, at: string): Promise<void>;
  setDetail(leadNo: string, detailJson: string, at: string): Promise<void>;
}

const LEAD_COLUMNS = [
  'lead_no', 'county_code', 'source', 'period', 'seq', 'rule', 'reason_zh', 'reason_en', 'category', 'channel', 'coverage',
  'id_number', 'name', 'detail_json', 'township_code', 'village_code', 'unit_code', 'suggested_village_code', 'assigned_by',
  'state', 'found_on', 'dispatched_on', 'due_on', 'import_id', 'excel_row', 'created_at', 'updated_at',
] as const satisfies readonly (keyof NewLeadRow)[];
/** Every column of a new lead is written: a key of NewLeadRow missing above fails to compile here. */
const _everyLeadColumn: Record<Exclude<keyof NewLeadRow, (typeof LEAD_COLUMNS)[number]>, never> = {};

function marks(count: number): string {
  return new Array(count).fill('?').join(', ');
}

class SqlLeadStore implements LeadStore {
  constructor(readonly db: SqlDatabase) {}

  get(leadNo: string): Promise<LeadRow | undefined> {
    return this.db.get<LeadRow>('SELECT * FROM leads WHERE lead_no = ?', [leadNo]);
  }

  openLinkedToLedgerRow(rowId: string, villageCode: string): Promise<LeadRow[]> {
    return this.db.all<LeadRow>('SELECT * FROM leads WHERE ledger_row_id = ? AND village_code = ? AND state <> ? ORDER BY created_at, lead_no', [rowId, villageCode, CLOSED_LEAD_STATE]);
  }

  async openOfCounty(countyCode: string): Promise<OpenLeadOfPerson[]> {
    const leads = await this.db.all<{ id_number: string; lead_no: string; source: string; period: string }>(
      `SELECT id_number, lead_no, source, period FROM leads WHERE county_code = ? AND state IN (${marks(OPEN_STATES.length)}) ORDER BY created_at, lead_no`,
      [countyCode, ...OPEN_STATES],
    );
    return leads.map((l) => ({ idNumber: l.id_number, leadNo: l.lead_no, source: l.source, period: l.period }));
  }

  async list(unitCode: string, filters: LeadFilters, today: string, page: number, pageSize: number): Promise<{ rows: LeadRow[]; total: number }> {
    // The subtree of a unit = codes with its code as prefix: a range on the index (':' follows '9').
    const where = ['unit_code >= ? AND unit_code < ?'];
    const params: unknown[] = [unitCode, `${unitCode}:`];
    if (filters.source) {
      where.push('source = ?');
      params.push(filters.source);
    }
    if (filters.state) {
      where.push('state = ?');
      params.push(filters.state);
    }
    if (filters.period) {
      where.push('period = ?');
      params.push(filters.period);
    }
    if (filters.overdue !== undefined) {
      const open = marks(OPEN_FOR_VERIFICATION.length);
      where.push(filters.overdue ? `(due_on IS NOT NULL AND due_on < ? AND state IN (${open}))` : `NOT (due_on IS NOT NULL AND due_on < ? AND state IN (${open}))`);
      params.push(today, ...OPEN_FOR_VERIFICATION);
    }
    const clause = where.join(' AND ');
    const total = Number((await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM leads WHERE ${clause}`, params))?.n ?? 0);
    const rows = await this.db.all<LeadRow>(
      `SELECT * FROM leads WHERE ${clause} ORDER BY ${LIST_ORDER_SQL[filters.order ?? 'period']} LIMIT ? OFFSET ?`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    return { rows, total };
  }

  async history(leadNo: string): Promise<HistoryEntry[]> {
    const rows = await this.db.all<{ from_state: LeadState | null; to_state: LeadState; user_name: string | null; unit_code: string | null; unit_name: string | null; at: string; note: string | null }>(
      `SELECT h.from_state, h.to_state, h.user_name, h.unit_code, u.name AS unit_name, h.at, h.note
       FROM lead_history h LEFT JOIN units u ON u.code = h.unit_code WHERE h.lead_no = ? ORDER BY h.id`,
      [leadNo],
    );
    return rows.map((r) => ({ fromState: r.from_state, toState: r.to_state, userName: r.user_name, unitCode: r.unit_code, unitName: r.unit_name, at: r.at, note: r.note }));
  }

  async links(leadNo: string): Promise<LeadLink[]> {
    const links = await this.db.all<{ import_id: string; excel_row: number | null; rule: MatchRuleCode; at: string }>(
      "SELECT import_id, excel_row, rule, at FROM lead_links WHERE kind = 'lead' AND target = ? ORDER BY id",
      [leadNo],
    );
    return links.map((l) => ({ importId: l.import_id, excelRow: l.excel_row, rule: l.rule, at: l.at }));
  }

  async allocateSeqs(countyCode: string, period: string, count: number): Promise<number> {
    const row = await this.db.get<{ last_seq: number }>('SELECT last_seq FROM lead_sequences WHERE county_code = ? AND period = ?', [countyCode, period]);
    const first = Number(row?.last_seq ?? 0) + 1;
    await this.db.run(
      `INSERT INTO lead_sequences (county_code, period, last_seq) VALUES (?, ?, ?)
       ON CONFLICT (county_code, period) DO UPDATE SET last_seq = excluded.last_seq`,
      [countyCode, period, first + count - 1],
    );
    return first;
  }

  insertLeads(rows: readonly NewLeadRow[]): Promise<void> {
    return insertRows(
      this.db,
      `INSERT INTO leads (${LEAD_COLUMNS.join(', ')}) VALUES`,
      rows.map((row) => LEAD_COLUMNS.map((column) => row[column])),
    );
  }

  insertHistory(entries: readonly HistoryWrite[]): Promise<void> {
    return insertRows(
      this.db,
      'INSERT INTO lead_history (lead_no, from_state, to_state, user_name, unit_code, at, note) VALUES',
      entries.map((e) => [e.leadNo, e.fromState, e.toState, e.userName, e.unitCode, e.at, e.note]),
    );
  }

  insertLinks(links: readonly LinkWrite[]): Promise<void> {
    return insertRows(
      this.db,
      'INSERT INTO lead_links (import_id, excel_row, kind, target, rule, at) VALUES',
      links.map((l) => [l.importId, l.excelRow, l.kind, l.target, l.rule, l.at]),
    );
  }

  async updateState(next: LeadRow, fromState: LeadState): Promise<boolean> {
    const result = await this.db.run(
      `UPDATE leads SET state = ?, township_code = ?, village_code = ?, unit_code = ?, dispatched_on = ?, due_on = ?,
         verify_result = ?, ledger_row_id = ?, pulled_at = ?, updated_at = ? WHERE lead_no = ? AND state = ?`,
      [next.state, next.township_code, next.village_code, next.unit_code, next.dispatched_on, next.due_on, next.verify_result, next.ledger_row_id, next.pulled_at, next.updated_at, next.lead_no, fromState],
    );
    return result.changes === 1;
  }

  async setVerifyResult(leadNo: string, verifyResult: string, at: string): Promise<void> {
    await this.db.run('UPDATE leads SET verify_result = ?, updated_at = ? WHERE lead_no = ?', [verifyResult, at, leadNo]);
  }

  async setDetail(leadNo: string, detailJson: string, at: string): Promise<void> {
    await this.db.run('UPDATE leads SET detail_json = ?, updated_at = ? WHERE lead_no = ?', [detailJson, at, leadNo]);
  }
}

/** The lead store on a handle (the database, or a transaction). */
export function leadStore(db: SqlDatabase): LeadStore {
  return new SqlLeadStore(db);
}
