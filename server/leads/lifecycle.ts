/**
 * The lead life cycle in the database: creation (from a committed import), state transitions with
 * history (never backwards, never skipping a step: canTransition), dispatch down the unit tree, the
 * village's "pulled into my ledger", and what the API shows of a lead. Storage is LeadStore
 * (store.ts); every write takes the caller's handle (a transaction: all or nothing).
 */
import type { LeadWire } from '../../ledger/api/leads';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { chinaDate } from '../../ledger/dates';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { maskIdNumber } from '../../ledger/id-number';
import { isInSubtree, unitLevelOf } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { ItemError } from '../../ledger/api/errors';
import { AppError } from '../http/errors';
import { countyPolicy } from '../policy/county-policy';
import { getUnit, unitNames } from '../units/store';
import {
  INITIAL_LEAD_STATE,
  LEAD_STATE_EN,
  OPEN_FOR_VERIFICATION,
  canTransition,
  formatLeadNo,
  type LeadState,
} from './states';
import { leadStore, type HistoryEntry, type LeadFilters, type LeadLink, type LeadRow, type LeadStateFields, type NewLeadRow } from './store';
import { defined } from '../../ledger/defined';
import type { LocalizedText } from '../../ledger/text';

export type { HistoryEntry, LeadFilters, LeadLink, LeadRow };

export interface Actor {
  username: string;
  unitCode: string;
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
  await leadStore(tx).insertHistory([
    { leadNo, fromState: from, toState: to, userName: actor?.username ?? null, unitCode: actor?.unitCode ?? null, at: at.toISOString(), note: note ?? null },
  ]);
}

/** Where an import placed a new lead (imports/placement.ts): which units, and from what. */
export type AssignedBy = 'file' | 'roster' | 'ledger' | 'none';

const ASSIGNED_BY_NOTE: Record<Exclude<AssignedBy, 'none'>, string> = {
  file: '按文件中的乡镇',
  roster: '按保障对象名册',
  ledger: '按村台账中的记录',
};

/** A lead a committed import creates: the person, why, and where the import placed it. */
export interface NewLead {
  rule: string;
  reason: LocalizedText;
  category: string | null;
  channel: string | null;
  coverage: string | null;
  idNumber: string;
  name: string;
  detail: Record<string, unknown>;
  township?: string;
  village?: string;
  assignedBy: AssignedBy;
  excelRow: number | null;
}

/** The import the leads come from (numbering is per county and period). */
export interface LeadOrigin {
  countyCode: string;
  source: string;
  period: string;
  importId: string;
  /** First history entry of every lead, e.g. 由导入生成（文件名）. */
  note: string;
}

/** The one step a lead takes when created with a township: the life cycle must allow it. */
function stateOnCreation(assigned: boolean): LeadState {
  if (!assigned) return INITIAL_LEAD_STATE;
  const to: LeadState = '已派至乡镇';
  if (!canTransition(INITIAL_LEAD_STATE, to)) throw new Error(`the lead life cycle does not allow ${INITIAL_LEAD_STATE} → ${to}`);
  return to;
}

/**
 * Creates the leads of a committed import, numbered consecutively in the county and period: each
 * starts 待分派 (history: created by the import); one placed in a township moves on to 已派至乡镇
 * at once (history says how it was placed) with the county's verification due date.
 */
export async function createLeads(
  tx: SqlDatabase,
  origin: LeadOrigin,
  leads: readonly NewLead[],
  actor: Actor,
  now: Date,
): Promise<{ firstSeq: number; created: number; unassigned: number }> {
  if (leads.length === 0) return { firstSeq: 0, created: 0, unassigned: 0 };
  const store = leadStore(tx);
  const at = now.toISOString();
  const today = chinaDate(now);
  const firstSeq = await store.allocateSeqs(origin.countyCode, origin.period, leads.length);
  const due = await dueDateFor(tx, origin.countyCode, today);
  const rows: NewLeadRow[] = [];
  const history: Parameters<typeof store.insertHistory>[0][number][] = [];
  const by = { userName: actor.username, unitCode: actor.unitCode, at };
  let unassigned = 0;
  leads.forEach((lead, index) => {
    const seq = firstSeq + index;
    const leadNo = formatLeadNo(origin.countyCode, origin.period, seq);
    const assigned = !!lead.township && lead.assignedBy !== 'none';
    if (!assigned) unassigned++;
    const state = stateOnCreation(assigned);
    rows.push({
      lead_no: leadNo,
      county_code: origin.countyCode,
      source: origin.source,
      period: origin.period,
      seq,
      rule: lead.rule,
      reason_zh: lead.reason.zh,
      reason_en: lead.reason.en,
      category: lead.category,
      channel: lead.channel,
      coverage: lead.coverage,
      id_number: lead.idNumber,
      name: lead.name,
      detail_json: JSON.stringify(lead.detail),
      township_code: lead.township ?? null,
      village_code: null,
      unit_code: lead.township ?? origin.countyCode,
      suggested_village_code: lead.village ?? null,
      assigned_by: lead.assignedBy,
      state,
      found_on: today,
      dispatched_on: assigned ? today : null,
      due_on: assigned ? due : null,
      import_id: origin.importId,
      excel_row: lead.excelRow,
      created_at: at,
      updated_at: at,
    });
    history.push({ leadNo, fromState: null, toState: INITIAL_LEAD_STATE, ...by, note: origin.note });
    if (state !== INITIAL_LEAD_STATE && lead.assignedBy !== 'none') {
      history.push({ leadNo, fromState: INITIAL_LEAD_STATE, toState: state, ...by, note: `${ASSIGNED_BY_NOTE[lead.assignedBy]}自动派至乡镇` });
    }
  });
  await store.insertLeads(rows);
  await store.insertHistory(history);
  return { firstSeq, created: leads.length, unassigned };
}

/** Verification due date for a lead the township receives on `receivedOn` (county policy, calendar). */
export async function dueDateFor(db: SqlDatabase, countyCode: string, receivedOn: string): Promise<string> {
  const policy = await countyPolicy(db, countyCode, Number(receivedOn.slice(0, 4)));
  return leadVerifyDueDate(receivedOn, policy, DEFAULT_CALENDAR);
}

export async function getLeadRow(db: SqlDatabase, leadNo: string): Promise<LeadRow | undefined> {
  return leadStore(db).get(leadNo);
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

/** Later import rows linked to this lead (the same person found again), oldest first. */
export function leadLinks(db: SqlDatabase, leadNo: string): Promise<LeadLink[]> {
  return leadStore(db).links(leadNo);
}

export function leadHistory(db: SqlDatabase, leadNo: string): Promise<HistoryEntry[]> {
  return leadStore(db).history(leadNo);
}

export function isOverdue(row: Pick<LeadRow, 'due_on' | 'state'>, today: string): boolean {
  return row.due_on !== null && row.due_on < today && OPEN_FOR_VERIFICATION.includes(row.state);
}

export type UnitNames = (code: string | null) => { code: string; name: string } | null;

export async function unitNamer(db: SqlDatabase, codes: Iterable<string | null>): Promise<UnitNames> {
  const names = await unitNames(db, codes);
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
    suggestedVillageCode: row.suggested_village_code,
    suggestedVillageName: units(row.suggested_village_code)?.name ?? null,
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

/** Leads of a unit's subtree (by the deepest unit each lead is assigned to), newest first, paged. */
export async function listLeads(
  db: SqlDatabase,
  unitCode: string,
  filters: LeadFilters,
  today: string,
  page: number,
  pageSize: number,
): Promise<{ leads: LeadView[]; total: number; page: number; pageSize: number }> {
  const { rows, total } = await leadStore(db).list(unitCode, filters, today, page, pageSize);
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
  set: LeadStateFields = {},
  note?: string,
): Promise<LeadRow> {
  if (!canTransition(row.state, to)) {
    throw new AppError('lead_invalid_transition', transitionParams(row.lead_no, row.state, to), { extra: { leadNo: row.lead_no, state: row.state, to } });
  }
  const next: LeadRow = { ...row, ...set, state: to, updated_at: now.toISOString() };
  if (!(await leadStore(tx).updateState(next, row.state))) {
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
  const unit = await getUnit(tx, target);
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
