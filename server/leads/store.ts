/**
 * Leads in the database: numbering, state transitions with history, listing with overdue flags,
 * dispatch and the village's "pulled into my ledger". Every write takes the caller's transaction.
 */
import type { LeadWire } from '../../ledger/api/leads';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { maskIdNumber } from '../../ledger/id-number';
import { isInSubtree, unitLevelOf } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { ItemError } from '../../ledger/api/errors';
import type { MatchRuleCode } from '../../ledger/matching/rules';
import { AppError } from '../http/errors';
import { countyPolicy } from './policy-store';
import {
  LEAD_STATE_EN,
  OPEN_FOR_VERIFICATION,
  canTransition,
  chinaDate,
  formatLeadNo,
  type LeadState,
} from './states';
import { defined } from '../../ledger/defined';

export interface Actor {
  username: string;
  unitCode: string;
}

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

export interface HistoryEntry {
  fromState: LeadState | null;
  toState: LeadState;
  userName: string | null;
  unitCode: string | null;
  at: string;
  note: string | null;
}

/** Reserves `count` consecutive sequence numbers for county+period; returns the first. */
export async function allocateSeqs(tx: SqlDatabase, countyCode: string, period: string, count: number): Promise<number> {
  const row = await tx.get<{ last_seq: number }>(
    'SELECT last_seq FROM lead_sequences WHERE county_code = ? AND period = ?',
    [countyCode, period],
  );
  const first = (row?.last_seq ?? 0) + 1;
  await tx.run(
    `INSERT INTO lead_sequences (county_code, period, last_seq) VALUES (?, ?, ?)
     ON CONFLICT (county_code, period) DO UPDATE SET last_seq = excluded.last_seq`,
    [countyCode, period, first + count - 1],
  );
  return first;
}

export { formatLeadNo };

export async function addHistory(
  tx: SqlDatabase,
  leadNo: string,
  from: LeadState | null,
  to: LeadState,
  actor: Actor | null,
  at: Date,
  note?: string,
): Promise<void> {
  await tx.run(
    'INSERT INTO lead_history (lead_no, from_state, to_state, user_name, unit_code, at, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [leadNo, from, to, actor?.username ?? null, actor?.unitCode ?? null, at.toISOString(), note ?? null],
  );
}

/** Verification due date for a lead the township receives on `receivedOn` (county policy, calendar). */
export async function dueDateFor(db: SqlDatabase, countyCode: string, receivedOn: string): Promise<string> {
  const policy = await countyPolicy(db, countyCode, Number(receivedOn.slice(0, 4)));
  return leadVerifyDueDate(receivedOn, policy, DEFAULT_CALENDAR);
}

export async function getLeadRow(db: SqlDatabase, leadNo: string): Promise<LeadRow | undefined> {
  return db.get<LeadRow>('SELECT * FROM leads WHERE lead_no = ?', [leadNo]);
}

/**
 * The one answer for "no such lead" — also given for a lead outside the caller's subtree: lead
 * numbers are sequential, so a distinct answer (403) would let other counties probe which exist.
 */
export function leadNotFound(leadNo: string): AppError {
  return new AppError('lead_not_found', { leadNo });
}

/** Whether the caller may see the lead: admins all, others when its unit is in their subtree. */
export function leadVisibleTo(actor: Pick<Actor, 'unitCode'> & { role?: string }, row: Pick<LeadRow, 'unit_code'>): boolean {
  return actor.role === 'admin' || isInSubtree(actor.unitCode, row.unit_code);
}

/** The lead if the caller may see it; 404 (same body) when it is unknown or outside the caller's subtree. */
export async function getScopedLead(db: SqlDatabase, actor: Pick<Actor, 'unitCode'> & { role?: string }, leadNo: string): Promise<LeadRow> {
  const row = await getLeadRow(db, leadNo);
  if (!row || !leadVisibleTo(actor, row)) throw leadNotFound(leadNo);
  return row;
}

export interface LeadLink {
  importId: string;
  excelRow: number | null;
  rule: MatchRuleCode;
  at: string;
}

/** Later import rows linked to this lead (the same person found again), oldest first. */
export async function leadLinks(db: SqlDatabase, leadNo: string): Promise<LeadLink[]> {
  const links = await db.all<{ import_id: string; excel_row: number | null; rule: MatchRuleCode; at: string }>(
    "SELECT import_id, excel_row, rule, at FROM lead_links WHERE kind = 'lead' AND target = ? ORDER BY id",
    [leadNo],
  );
  return links.map((l) => ({ importId: l.import_id, excelRow: l.excel_row, rule: l.rule, at: l.at }));
}

export async function leadHistory(db: SqlDatabase, leadNo: string): Promise<HistoryEntry[]> {
  const rows = await db.all<{ from_state: LeadState | null; to_state: LeadState; user_name: string | null; unit_code: string | null; at: string; note: string | null }>(
    'SELECT from_state, to_state, user_name, unit_code, at, note FROM lead_history WHERE lead_no = ? ORDER BY id',
    [leadNo],
  );
  return rows.map((r) => ({ fromState: r.from_state, toState: r.to_state, userName: r.user_name, unitCode: r.unit_code, at: r.at, note: r.note }));
}

export function isOverdue(row: Pick<LeadRow, 'due_on' | 'state'>, today: string): boolean {
  return row.due_on !== null && row.due_on < today && OPEN_FOR_VERIFICATION.includes(row.state);
}

export type UnitNames = (code: string | null) => { code: string; name: string } | null;

export async function unitNamer(db: SqlDatabase, codes: Iterable<string | null>): Promise<UnitNames> {
  const wanted = [...new Set([...codes].filter((c): c is string => !!c))];
  const names = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const rows = await db.all<{ code: string; name: string }>(
      `SELECT code, name FROM units WHERE code IN (${chunk.map(() => '?').join(',')})`,
      chunk,
    );
    for (const r of rows) names.set(r.code, r.name);
  }
  return (code) => (code ? { code, name: names.get(code) ?? code } : null);
}

/** What the API shows of a lead (LeadSchema of ledger/api/leads.ts). The ID number is masked unless `unmasked`. */
export function leadView(row: LeadRow, today: string, units: UnitNames, unmasked = false): LeadWire {
  return {
    leadNo: row.lead_no,
    countyCode: row.county_code,
    source: row.source as LeadWire['source'],
    period: row.period,
    rule: row.rule as LeadWire['rule'],
    reason: { zh: row.reason_zh, en: row.reason_en },
    category: (row.category ?? undefined) as LeadWire['category'],
    channel: (row.channel ?? undefined) as LeadWire['channel'],
    coverage: (row.coverage ?? undefined) as LeadWire['coverage'],
    name: row.name,
    idNumber: unmasked ? row.id_number : maskIdNumber(row.id_number),
    idNumberMasked: !unmasked,
    state: row.state,
    stateEn: LEAD_STATE_EN[row.state],
    townshipCode: row.township_code,
    villageCode: row.village_code,
    townshipName: units(row.township_code)?.name ?? null,
    villageName: units(row.village_code)?.name ?? null,
    unitCode: row.unit_code,
    foundOn: row.found_on,
    dispatchedOn: row.dispatched_on,
    dueOn: row.due_on,
    overdue: isOverdue(row, today),
    verifyResult: row.verify_result,
    ledgerRowId: row.ledger_row_id,
    pulledAt: row.pulled_at,
    importId: row.import_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
export type LeadView = LeadWire;

export interface LeadFilters {
  source?: string;
  state?: LeadState;
  overdue?: boolean;
  period?: string;
}

/** Leads of a unit's subtree (by the deepest unit each lead is assigned to), newest first, paged. */
export async function listLeads(
  db: SqlDatabase,
  unitCode: string,
  filters: LeadFilters,
  today: string,
  page: number,
  pageSize: number,
): Promise<{ leads: LeadView[]; total: number; page: number; pageSize: number }> {
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
    const open = OPEN_FOR_VERIFICATION.map(() => '?').join(',');
    where.push(filters.overdue ? `(due_on IS NOT NULL AND due_on < ? AND state IN (${open}))` : `NOT (due_on IS NOT NULL AND due_on < ? AND state IN (${open}))`);
    params.push(today, ...OPEN_FOR_VERIFICATION);
  }
  const clause = where.join(' AND ');
  const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM leads WHERE ${clause}`, params))?.n ?? 0;
  const rows = await db.all<LeadRow>(
    `SELECT * FROM leads WHERE ${clause} ORDER BY period DESC, lead_no LIMIT ? OFFSET ?`,
    [...params, pageSize, (page - 1) * pageSize],
  );
  const units = await unitNamer(db, rows.flatMap((r) => [r.county_code, r.township_code, r.village_code, r.suggested_village_code]));
  return { leads: rows.map((r) => leadView(r, today, units)), total, page, pageSize };
}

/** Moves one lead, refusing anything the life cycle does not allow (409). */
export async function transition(
  tx: SqlDatabase,
  row: LeadRow,
  to: LeadState,
  actor: Actor | null,
  now: Date,
  set: Partial<Pick<LeadRow, 'township_code' | 'village_code' | 'unit_code' | 'dispatched_on' | 'due_on' | 'verify_result' | 'ledger_row_id' | 'pulled_at'>> = {},
  note?: string,
): Promise<LeadRow> {
  if (!canTransition(row.state, to)) {
    throw new AppError('lead_invalid_transition', transitionParams(row.lead_no, row.state, to), { extra: { leadNo: row.lead_no, state: row.state, to } });
  }
  const next: LeadRow = { ...row, ...set, state: to, updated_at: now.toISOString() };
  const result = await tx.run(
    `UPDATE leads SET state = ?, township_code = ?, village_code = ?, unit_code = ?, dispatched_on = ?, due_on = ?,
       verify_result = ?, ledger_row_id = ?, pulled_at = ?, updated_at = ? WHERE lead_no = ? AND state = ?`,
    [next.state, next.township_code, next.village_code, next.unit_code, next.dispatched_on, next.due_on, next.verify_result, next.ledger_row_id, next.pulled_at, next.updated_at, row.lead_no, row.state],
  );
  if (result.changes !== 1) {
    throw new AppError('lead_concurrent_change', { leadNo: row.lead_no });
  }
  await addHistory(tx, row.lead_no, row.state, to, actor, now, note);
  return next;
}

export interface DispatchInput {
  leadNos: string[];
  /** 9 digits: county → township; 12 digits: township → village. */
  toUnitCode: string;
  note?: string;
}

function transitionParams(leadNo: string, from: LeadState, to: LeadState) {
  return { leadNo, state: { zh: from, en: LEAD_STATE_EN[from] }, to: { zh: to, en: LEAD_STATE_EN[to] } };
}

/** A lead that cannot be dispatched, as listed in the refusal's `failed`. */
function itemError(leadNo: string, error: AppError): ItemError {
  return { leadNo, code: error.code, message: error.text.zh, en: error.text.en };
}

/**
 * County → township (待分派 → 已派至乡镇, due date set from the county's policy and the working-day
 * calendar) or township → village (已派至乡镇 → 已下发村). All or nothing: when one lead is unknown
 * or outside the caller's subtree (404, same answer), the target is not the caller's to send to
 * (403) or a lead is in the wrong state (409), nothing is dispatched and every failure is listed.
 */
export async function dispatchLeads(
  tx: SqlDatabase,
  actor: Actor & { role: string },
  input: DispatchInput,
  now: Date,
): Promise<LeadRow[]> {
  const target = input.toUnitCode;
  const level = unitLevelOf(target);
  if (level !== 'township' && level !== 'village') {
    throw new AppError('lead_dispatch_target');
  }
  // Unknown lead numbers are answered first (404), then who may send where (403). A lead outside
  // the caller's subtree is answered exactly like an unknown one (no probing of other units).
  const unique = [...new Set(input.leadNos)];
  const found = new Map<string, LeadRow>();
  for (const leadNo of unique) {
    const row = await getLeadRow(tx, leadNo);
    if (row && leadVisibleTo(actor, row)) found.set(leadNo, row);
  }
  const unknown = unique.filter((leadNo) => !found.has(leadNo));
  if (unknown.length > 0) {
    const leadNo = { zh: unknown.join('、'), en: unknown.join(', ') };
    const failed = unknown.map((one) => itemError(one, leadNotFound(one)));
    throw new AppError('lead_not_found', { leadNo }, { extra: { failed } });
  }
  const allowedRoles = level === 'township' ? ['county', 'admin'] : ['township', 'admin'];
  if (!allowedRoles.includes(actor.role) || !isInSubtree(actor.unitCode, target)) {
    throw new AppError(level === 'township' ? 'lead_dispatch_to_township_forbidden' : 'lead_dispatch_to_village_forbidden');
  }
  const unit = await tx.get<{ code: string }>('SELECT code FROM units WHERE code = ?', [target]);
  if (!unit) throw new AppError('unit_not_found', { unitCode: target });
  const today = chinaDate(now);
  const failures: ItemError[] = [];
  let firstFailure: AppError | undefined;
  const fail = (leadNo: string, error: AppError) => {
    firstFailure ??= error;
    failures.push(itemError(leadNo, error));
  };
  const rows: LeadRow[] = [];
  for (const leadNo of unique) {
    const row = defined(found.get(leadNo), `lead ${leadNo}`);
    if (level === 'township' && !target.startsWith(row.county_code)) {
      fail(leadNo, new AppError('lead_dispatch_outside_county', { leadNo }));
    } else if (level === 'village' && row.township_code !== target.slice(0, 9)) {
      fail(leadNo, new AppError('lead_dispatch_outside_township', { leadNo }));
    } else {
      const to: LeadState = level === 'township' ? '已派至乡镇' : '已下发村';
      if (!canTransition(row.state, to)) {
        fail(leadNo, new AppError('lead_invalid_transition', transitionParams(leadNo, row.state, to)));
      } else rows.push(row);
    }
  }
  if (firstFailure) {
    // One lead refused: its own error; several: one refusal listing them all. Nothing is dispatched either way.
    if (failures.length === 1) {
      firstFailure.extra = { ...firstFailure.extra, failed: failures };
      throw firstFailure;
    }
    throw new AppError('lead_dispatch_refused', { count: failures.length, first: firstFailure.text }, { extra: { failed: failures } });
  }
  const out: LeadRow[] = [];
  for (const row of rows) {
    if (level === 'township') {
      const due = await dueDateFor(tx, row.county_code, today);
      out.push(await transition(tx, row, '已派至乡镇', actor, now, { township_code: target, unit_code: target, dispatched_on: today, due_on: due }, input.note));
    } else {
      out.push(await transition(tx, row, '已下发村', actor, now, { village_code: target, unit_code: target }, input.note));
    }
  }
  return out;
}

/** The village pulled the lead into its ledger (已下发村 → 核实中), optionally naming the ledger row. */
export async function markPulled(tx: SqlDatabase, actor: Actor & { role?: string }, leadNo: string, rowId: string | undefined, now: Date): Promise<LeadRow> {
  const row = await getScopedLead(tx, actor, leadNo);
  if (!row.village_code || !isInSubtree(actor.unitCode, row.village_code)) {
    throw new AppError('lead_not_sent_here', { leadNo });
  }
  return transition(tx, row, '核实中', actor, now, { pulled_at: now.toISOString(), ledger_row_id: rowId ?? row.ledger_row_id }, '已纳入村台账');
}
