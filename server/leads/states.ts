/**
 * The lead life cycle (线索办理状态): 待分派 → 已派至乡镇 → 已下发村 → 核实中 → 已核实 → 已办结.
 * Only the transitions listed here exist; anything else is a 409 for the API and ignored
 * (never applied backwards) when it comes from a ledger sync.
 */
import { CLOSED_LEAD_STATE, LEAD_STATE_EN, LEAD_STATES, type LeadState } from '../../ledger/lead-states';

/** The one list and its type live in ledger/lead-states.ts (shared with the API schema, the add-in and the reports). */
export { LEAD_STATES, type LeadState };

/** English names beside the states (ledger/lead-states.ts: the add-in's summary labels them too). */
export { LEAD_STATE_EN };

const NEXT: Record<LeadState, readonly LeadState[]> = {
  待分派: ['已派至乡镇'],
  已派至乡镇: ['已下发村'],
  已下发村: ['核实中'],
  核实中: ['已核实'],
  已核实: ['已办结'],
  已办结: [],
};

/** Where every lead starts (the county's queue). */
export const INITIAL_LEAD_STATE: LeadState = LEAD_STATES[0];

export function canTransition(from: LeadState, to: LeadState): boolean {
  return NEXT[from].includes(to);
}

/** States in which the verification clock runs (an overdue flag can be raised). */
export const OPEN_FOR_VERIFICATION: readonly LeadState[] = ['已派至乡镇', '已下发村', '核实中'];
/** The one state that ends a lead (no transition leaves it): named once, in ledger/lead-states.ts. */
export { CLOSED_LEAD_STATE };
/**
 * States in which a lead is still open (one person, one open lead: a later finding is linked to it):
 * every state but the closed one, derived from the one list.
 */
export const OPEN_STATES: readonly LeadState[] = LEAD_STATES.filter((state) => state !== CLOSED_LEAD_STATE);

export function stateIndex(state: LeadState): number {
  return LEAD_STATES.indexOf(state);
}

/**
 * Lead number XS-{countyCode}-{period without dashes}-{5-digit seq}, e.g. XS-532301-202610-00001.
 * The period keeps its quarter letter (2026-Q3 → 2026Q3): with digits only a 残联 quarter read
 * 20263, which a clerk cannot tell from a mistyped month.
 */
export function formatLeadNo(countyCode: string, period: string, seq: number): string {
  return `XS-${countyCode}-${period.replace(/-/g, '').toUpperCase()}-${String(seq).padStart(5, '0')}`;
}

/** 2026 → 2026, 2026-Q3 → 2026Q3, 2026-10 → 202610, 2026-10-05 → 20261005. */
export const LEAD_NO_PATTERN = /^XS-\d{6}-\d{4}(?:Q[1-4]|\d{2}|\d{4})?-\d{5,}$/;
