/**
 * Linking instead of duplicating — one person, one lead: a person already on an open lead (of any
 * source and any period: 医保 + 重特大疾病 + 信访 in one month, or last month's lead still open), or
 * on an open row of a village ledger, is marked `linkedTo` rather than made a new lead; the server
 * adds this source and reason to the open lead's history. The server passes what it has stored;
 * this stays pure.
 */
import type { MatchLead, MatchResult } from './types';

export interface OpenLeadRef {
  idNumber: string;
  source: string;
  period: string;
  leadNo: string;
}

export interface OpenLedgerRowRef {
  idNumber: string;
  rowId: string;
}

export interface LinkInput {
  openLeads: Iterable<OpenLeadRef>;
  openLedgerRows: Iterable<OpenLedgerRowRef>;
}

export interface LinkedResult extends MatchResult {
  /** Leads to create. */
  newCount: number;
  /** Candidates linked to an existing lead or ledger row. */
  linkedCount: number;
}

/**
 * Marks candidates. An open lead wins over a ledger row; among a person's open leads, the one of
 * the same source and period first, else the first one given (the server passes the oldest first).
 */
export function linkLeads(result: MatchResult, input: LinkInput): LinkedResult {
  const leads = new Map<string, string>();
  for (const lead of input.openLeads) if (!leads.has(lead.idNumber)) leads.set(lead.idNumber, lead.leadNo);
  // Same source and period preferred: a second pass so that order does not matter.
  for (const lead of input.openLeads) {
    if (lead.source === result.source && lead.period === result.period) leads.set(lead.idNumber, lead.leadNo);
  }
  const rows = new Map<string, string>();
  for (const row of input.openLedgerRows) if (!rows.has(row.idNumber)) rows.set(row.idNumber, row.rowId);

  let linkedCount = 0;
  const out: MatchLead[] = result.leads.map((lead) => {
    const leadNo = leads.get(lead.idNumber);
    const rowId = leadNo === undefined ? rows.get(lead.idNumber) : undefined;
    const { linkedTo: _previous, ...rest } = lead;
    if (leadNo !== undefined) {
      linkedCount++;
      return { ...rest, linkedTo: { kind: 'lead', target: leadNo } };
    }
    if (rowId !== undefined) {
      linkedCount++;
      return { ...rest, linkedTo: { kind: 'ledgerRow', target: rowId } };
    }
    return rest;
  });
  return { ...result, leads: out, newCount: out.length - linkedCount, linkedCount };
}
