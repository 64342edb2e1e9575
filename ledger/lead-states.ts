/**
 * The lead life cycle's states (线索办理状态), the one list: 待分派 → 已派至乡镇 → 已下发村 → 核实中 →
 * 已核实 → 已办结. The API's schema (ledger/api/leads.ts), the consolidation's tallies
 * (ledger/reports/) and the server's transitions (server/leads/states.ts) all derive from it.
 */
export const LEAD_STATES = ['待分派', '已派至乡镇', '已下发村', '核实中', '已核实', '已办结'] as const;
export type LeadState = (typeof LEAD_STATES)[number];

export const LEAD_STATE_EN: Record<LeadState, string> = {
  待分派: 'awaiting assignment',
  已派至乡镇: 'sent to township',
  已下发村: 'sent to village',
  核实中: 'being verified',
  已核实: 'verified',
  已办结: 'closed',
};

/** The state that records a lead as verified (核实), and the one that ends it (no transition leaves it). */
export const VERIFIED_LEAD_STATE = '已核实' satisfies LeadState;
export const CLOSED_LEAD_STATE = '已办结' satisfies LeadState;
