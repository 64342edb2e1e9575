/**
 * Linking instead of duplicating — one person, one lead: a person already on an open lead (of any
 * source and any period: 医保 + 重特大疾病 + 信访 in one month, or last month's lead still open) is
 * marked `linkedTo` rather than made a new lead; the server adds this source and reason to the open
 * lead's history, where the village working that lead sees it. The server passes what it has stored;
 * this stays pure.
 *
 * A person who is only on a village's ledger (no open lead) is *not* linked: a new departmental finding
 * (a large medical bill for someone who declined help last spring, 持续关注) is news the village has
 * to see and act on, and a link to a ledger row reaches nobody. Such a person gets a new lead, placed
 * at the village whose ledger holds them (server/imports/placement.ts), and the village's pull puts it
 * on the person's existing row rather than a second one.
 */
import type { MatchLead, MatchResult } from './types';

export interface OpenLeadRef {
  idNumber: string;
  source: string;
  period: string;
  leadNo: string;
}

export interface LinkInput {
  openLeads: Iterable<OpenLeadRef>;
}

export interface LinkedResult extends MatchResult {
  /** Leads to create. */
  newCount: number;
  /** Candidates linked to an existing open lead. */
  linkedCount: number;
}

/**
 * Marks candidates (any earlier mark is replaced: the commit links again against the leads open
 * then). Among a person's open leads, the one of the same source and period first, else the first
 * one given (the server passes the oldest first).
 */
export function linkLeads(result: MatchResult, input: LinkInput): LinkedResult {
  const leads = new Map<string, string>();
  for (const lead of input.openLeads) if (!leads.has(lead.idNumber)) leads.set(lead.idNumber, lead.leadNo);
  // Same source and period preferred: a second pass so that order does not matter.
  for (const lead of input.openLeads) {
    if (lead.source === result.source && lead.period === result.period) leads.set(lead.idNumber, lead.leadNo);
  }

  let linkedCount = 0;
  const out: MatchLead[] = result.leads.map((lead) => {
    const leadNo = leads.get(lead.idNumber);
    const { linkedTo: _previous, ...rest } = lead;
    if (leadNo === undefined) return rest;
    linkedCount++;
    return { ...rest, linkedTo: { kind: 'lead', target: leadNo } };
  });
  return { ...result, leads: out, newCount: out.length - linkedCount, linkedCount };
}
