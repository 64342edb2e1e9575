/**
 * Consolidation up the levels (village → township → county → prefecture): the figures of one unit
 * for a month window, each broken down by child unit for drill-down. Pure: the server's repository
 * hands in per-village row counts, lead facts, submissions and duplicate groups; everything that is
 * a rule (which lead is on time, overdue, how many working days it took, where a figure belongs in
 * the tree, what "not submitted" means) is decided here.
 *
 * Every figure is additive: a unit's figures are the sum of its children's plus `unitItself`
 * (what is held at the unit and not yet below it: a lead still at the township, a duplicate
 * whose lowest common unit is the unit itself). Rates and averages are derived from the sums, so
 * they roll up exactly (never an average of averages).
 */
import { CLOSED_LEAD_STATE, LEAD_STATES, VERIFIED_LEAD_STATE, type LeadState } from '../lead-states';
import type { WorkingDayCalendar } from '../calendar';
import { UNIT_CODE_LENGTH, isInSubtree, type UnitLevel } from '../units';
import { SUMMARY_DIMENSIONS, type SummaryDimension } from './facts';
import { datesInWindow, lastDayOf, monthsOf, type MonthWindow } from './window';

export interface UnitRef {
  code: string;
  name: string;
  level: UnitLevel;
}

/** Rows of one village (or, for summaries above the township, one township) counted in the window under one (dimension, value). */
export interface RowBucket {
  unitCode: string;
  dimension: SummaryDimension;
  value: string;
  count: number;
}

/** A county lead as the summary needs it (dates are China calendar dates, YYYY-MM-DD). */
export interface LeadFact {
  source: string;
  /** The deepest unit the lead is assigned to (county, township or village). */
  unitCode: string;
  foundOn: string;
  /** When the township received it: the verification clock starts here (found date if never dispatched). */
  dispatchedOn: string | null;
  dueOn: string | null;
  /**
   * The date each state of the life cycle was first reached (its history); a state never reached is
   * absent. Verification (已核实) and closure (已办结) dates are read from here, so they cannot disagree.
   */
  reachedOn: Partial<Record<LeadState, string>>;
}

/**
 * The state a lead was in on `date`: the furthest state of the (linear, never backwards) life cycle
 * reached by then; the first state when its history holds nothing that early.
 */
export function leadStateOn(reachedOn: LeadFact['reachedOn'], date: string): LeadState {
  let state: LeadState = LEAD_STATES[0];
  for (const candidate of LEAD_STATES) {
    const on = reachedOn[candidate];
    if (on !== undefined && on <= date) state = candidate;
  }
  return state;
}

/** Leads per life-cycle state, every state present (0 when none). */
export type LeadStateCounts = Record<LeadState, number>;

function emptyStateCounts(): LeadStateCounts {
  return Object.fromEntries(LEAD_STATES.map((state) => [state, 0])) as LeadStateCounts;
}

export const SUBMISSION_DISPLAY_STATES = ['未提交', '已提交', '已退回', '已审核'] as const;
export type SubmissionDisplayState = (typeof SUBMISSION_DISPLAY_STATES)[number];

export interface VillageSubmission {
  villageCode: string;
  month: string;
  state: Exclude<SubmissionDisplayState, '未提交'>;
}

export interface VillageInfo {
  code: string;
  name: string;
  townshipCode: string;
  townshipName: string | null;
}

/** Cross-village duplicates: one group per ID number open on two or more villages' ledgers. */
export interface DuplicateGroupRef {
  lowestCommonUnit: string;
}

export interface LeadTally {
  total: number;
  /** Verified (核实) by the window's end or by today, whichever is earlier. */
  verified: number;
  /** …of them, on or before the due date. */
  verifiedOnTime: number;
  /** Not verified and past the due date at the window's end (or today). */
  overdue: number;
  closed: number;
  /** Sum and count of working days from dispatch to verification (the ledger's working-day calendar). */
  verifyWorkingDaysSum: number;
  verifyWorkingDaysCount: number;
  /** Leads by the state they were in at the as-of date (sums to `total`). */
  byState: LeadStateCounts;
}

export interface LeadFigures extends LeadTally {
  /** verifiedOnTime / verified; null when nothing was verified. */
  onTimeRate: number | null;
  averageWorkingDaysToVerify: number | null;
  /** closed (已办结) / total; null when there are no leads. */
  closureRate: number | null;
}

export type MonthSubmissionTally = Record<SubmissionDisplayState, number> & { villages: number };

export interface UnitFigures {
  rows: { total: number; byDimension: Record<SummaryDimension, Record<string, number>> };
  leads: { all: LeadFigures; bySource: Record<string, LeadFigures> };
  submissions: Record<string, MonthSubmissionTally>;
  duplicates: number;
}

export interface UnitSummary {
  unit: UnitRef;
  window: MonthWindow;
  /** The date overdue and verification counts are taken at: min(today, window end). */
  asOf: string;
  figures: UnitFigures;
  children: Array<{ unit: UnitRef; figures: UnitFigures }>;
  /** Held at the unit itself, not below it (zero for rows, which always live in villages). */
  unitItself: UnitFigures;
  /** Every village below with its state in each month of the window (未提交 when nothing was submitted). */
  villages: Array<VillageInfo & { states: Record<string, SubmissionDisplayState> }>;
}

export interface SummaryInput {
  unit: UnitRef;
  children: readonly UnitRef[];
  window: MonthWindow;
  today: string;
  calendar: WorkingDayCalendar;
  rowBuckets: readonly RowBucket[];
  leads: readonly LeadFact[];
  villages: readonly VillageInfo[];
  submissions: readonly VillageSubmission[];
  duplicates: readonly DuplicateGroupRef[];
}

function emptyTally(): LeadTally {
  return { total: 0, verified: 0, verifiedOnTime: 0, overdue: 0, closed: 0, verifyWorkingDaysSum: 0, verifyWorkingDaysCount: 0, byState: emptyStateCounts() };
}

type CountKey = Exclude<keyof LeadTally, 'byState'>;
const COUNT_KEYS = (Object.keys(emptyTally()) as (keyof LeadTally)[]).filter((key): key is CountKey => key !== 'byState');

function addTally(into: LeadTally, from: LeadTally): void {
  for (const key of COUNT_KEYS) into[key] += from[key];
  for (const state of LEAD_STATES) into.byState[state] += from.byState[state];
}

export function leadFigures(tally: LeadTally): LeadFigures {
  const ratio = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 10_000) / 10_000);
  return {
    ...tally,
    byState: { ...tally.byState },
    onTimeRate: ratio(tally.verifiedOnTime, tally.verified),
    averageWorkingDaysToVerify: ratio(tally.verifyWorkingDaysSum, tally.verifyWorkingDaysCount),
    closureRate: ratio(tally.closed, tally.total),
  };
}

/**
 * One lead's contribution to the window's figures, or null when it is outside the window
 * (found after its end, or closed before its start).
 */
export function leadContribution(lead: LeadFact, window: MonthWindow, asOf: string, calendar: WorkingDayCalendar): LeadTally | null {
  const closedOn = lead.reachedOn[CLOSED_LEAD_STATE] ?? null;
  if (!datesInWindow(lead.foundOn, closedOn, window)) return null;
  const tally = emptyTally();
  tally.total = 1;
  tally.byState[leadStateOn(lead.reachedOn, asOf)] = 1;
  const reachedVerified = lead.reachedOn[VERIFIED_LEAD_STATE];
  const verifiedOn = reachedVerified !== undefined && reachedVerified <= asOf ? reachedVerified : null;
  if (verifiedOn !== null) {
    tally.verified = 1;
    if (lead.dueOn === null || verifiedOn <= lead.dueOn) tally.verifiedOnTime = 1;
    const start = lead.dispatchedOn ?? lead.foundOn;
    tally.verifyWorkingDaysSum = Math.max(0, calendar.workingDaysBetween(start, verifiedOn));
    tally.verifyWorkingDaysCount = 1;
  } else if (lead.dueOn !== null && lead.dueOn < asOf) {
    tally.overdue = 1;
  }
  if (closedOn !== null && closedOn <= asOf) tally.closed = 1;
  return tally;
}

/** Lowest unit whose subtree holds every one of the codes (township, county, prefecture). */
export function lowestCommonUnit(codes: readonly string[]): string {
  if (codes.length === 0) throw new Error('lowestCommonUnit of no codes');
  const lengths = Object.values(UNIT_CODE_LENGTH).sort((a, b) => b - a);
  const shortest = Math.min(...codes.map((code) => code.length));
  for (const length of lengths) {
    if (length > shortest) continue;
    const prefix = codes[0].slice(0, length);
    if (codes.every((code) => code.startsWith(prefix))) return prefix;
  }
  return '';
}

/** Working accumulator: lead tallies by source instead of derived figures. */
interface Acc {
  rowsTotal: number;
  byDimension: Record<SummaryDimension, Record<string, number>>;
  leads: Map<string, LeadTally>;
  submissions: Record<string, MonthSubmissionTally>;
  duplicates: number;
}

function emptyAcc(months: readonly string[]): Acc {
  const submissions: Record<string, MonthSubmissionTally> = {};
  for (const month of months) submissions[month] = { villages: 0, 未提交: 0, 已提交: 0, 已退回: 0, 已审核: 0 };
  return {
    rowsTotal: 0,
    byDimension: Object.fromEntries(SUMMARY_DIMENSIONS.map((d) => [d, {}])) as Acc['byDimension'],
    leads: new Map(),
    submissions,
    duplicates: 0,
  };
}

function toFigures(acc: Acc): UnitFigures {
  const all = emptyTally();
  const bySource: Record<string, LeadFigures> = {};
  for (const [source, tally] of [...acc.leads.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    addTally(all, tally);
    bySource[source] = leadFigures(tally);
  }
  return {
    rows: { total: acc.rowsTotal, byDimension: acc.byDimension },
    leads: { all: leadFigures(all), bySource },
    submissions: acc.submissions,
    duplicates: acc.duplicates,
  };
}

export function buildSummary(input: SummaryInput): UnitSummary {
  const { unit, window } = input;
  const months = monthsOf(window);
  const windowEnd = lastDayOf(window.to);
  const asOf = input.today < windowEnd ? input.today : windowEnd;

  const total = emptyAcc(months);
  const itself = emptyAcc(months);
  const childAccs = input.children.map((child) => ({ unit: child, acc: emptyAcc(months) }));
  const childLength = input.children[0]?.code.length ?? 0;
  const childByCode = new Map(childAccs.map((entry) => [entry.unit.code, entry.acc]));
  /** The accumulators a figure held at `code` goes into: the unit's, and its child's or unitItself. */
  const targets = (code: string): Acc[] => {
    const child = childLength > 0 && code.length >= childLength ? childByCode.get(code.slice(0, childLength)) : undefined;
    return [total, child ?? itself];
  };

  for (const bucket of input.rowBuckets) {
    if (!isInSubtree(unit.code, bucket.unitCode) || bucket.count === 0) continue;
    for (const acc of targets(bucket.unitCode)) {
      const counts = acc.byDimension[bucket.dimension];
      counts[bucket.value] = (counts[bucket.value] ?? 0) + bucket.count;
      // 办理状态 has exactly one value per row (UNFILLED when empty), so its counts sum to the rows.
      if (bucket.dimension === 'status') acc.rowsTotal += bucket.count;
    }
  }

  for (const lead of input.leads) {
    if (!isInSubtree(unit.code, lead.unitCode)) continue;
    const tally = leadContribution(lead, window, asOf, input.calendar);
    if (!tally) continue;
    for (const acc of targets(lead.unitCode)) {
      let bySource = acc.leads.get(lead.source);
      if (!bySource) acc.leads.set(lead.source, (bySource = emptyTally()));
      addTally(bySource, tally);
    }
  }

  const stateOf = new Map(input.submissions.map((s) => [`${s.villageCode}|${s.month}`, s.state]));
  const villages: UnitSummary['villages'] = [];
  for (const village of input.villages) {
    if (!isInSubtree(unit.code, village.code)) continue;
    const states: Record<string, SubmissionDisplayState> = {};
    for (const month of months) {
      const state: SubmissionDisplayState = stateOf.get(`${village.code}|${month}`) ?? '未提交';
      states[month] = state;
      for (const acc of targets(village.code)) {
        acc.submissions[month].villages++;
        acc.submissions[month][state]++;
      }
    }
    villages.push({ ...village, states });
  }

  for (const group of input.duplicates) {
    if (!isInSubtree(unit.code, group.lowestCommonUnit)) continue;
    for (const acc of targets(group.lowestCommonUnit)) acc.duplicates++;
  }

  return {
    unit,
    window,
    asOf,
    figures: toFigures(total),
    children: childAccs.map((entry) => ({ unit: entry.unit, figures: toFigures(entry.acc) })),
    unitItself: toFigures(itself),
    villages,
  };
}
