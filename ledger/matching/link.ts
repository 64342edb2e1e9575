/**
 * Linking instead of duplicating: a person already on an open lead of the same source and period,
 * or on an open row of a village ledger, is marked `linkedTo` rather than made a new lead.
 * The server passes what it has stored; this stays pure.
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

/** Marks candidates; an open lead of the same source+period wins over a ledger row. */
export function linkLeads(result: MatchResult, input: LinkInput): LinkedResult {
  const leadKey = (id: string) => `${id}\u0000${result.source}\u0000${result.period}`;
  const leads = new Map<string, string>();
  for (const lead of input.openLeads) {
    if (lead.source === result.source && lead.period === result.period && !leads.has(leadKey(lead.idNumber))) {
      leads.set(leadKey(lead.idNumber), lead.leadNo);
    }
  }
  const rows = new Map<string, string>();
  for (const row of input.openLedgerRows) if (!rows.has(row.idNumber)) rows.set(row.idNumber, row.rowId);

  let linkedCount = 0;
  const out: MatchLead[] = result.leads.map((lead) => {
    const leadNo = leads.get(leadKey(lead.idNumber));
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
