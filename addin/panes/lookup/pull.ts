/**
 * Pulling leads into the ledger (线索 → 台账): each chosen lead becomes a new ledger row filled by
 * the server (线索编号, 发现渠道 部门比对, 发现日期, 核实时限, 人员类别, …) — unless the person is
 * already on the sheet (same ID number), then the lead is linked to that row instead: the row gets
 * the 线索编号 when it has none, and nothing the staff typed is overwritten.
 *
 * The server marks the lead 核实中 and records the ledger row (记录ID) it went on. All sheet
 * changes are written in ONE host call at the end, after the last server answer.
 */
import type { LeadWire } from '../../../ledger/api/leads';
import { normalizeIdText } from '../../../ledger/id-number';
import type { LedgerValue, LedgerValues } from '../../../ledger/types';
import type { ApiClient } from '../../api/client';
import { ApiError } from '../../api/errors';
import { SYNC_VALUE_KEYS } from '../sync/engine';
import type { SheetRow, SyncSheet } from '../sync/sheet-rows';

export type PulledLead =
  | { leadNo: string; name: string; outcome: 'added'; rowId: string }
  /** Already on the sheet: linked to that row. `leadNoWritten`: the row had no 线索编号 and got this one. */
  | { leadNo: string; name: string; outcome: 'linked'; rowId: string; excelRow: number; leadNoWritten: boolean }
  | { leadNo: string; name: string; outcome: 'failed'; error: ApiError };

export interface PullPlanWrite {
  /** Update the row with this 记录ID (linked), or append (added). */
  rowId: string;
  /** Set when the existing row had no 记录ID yet (it is given `rowId`). */
  excelRow?: number;
  append: boolean;
  values: LedgerValues;
}

export interface PullOutcome {
  results: PulledLead[];
  writes: PullPlanWrite[];
  /** True when the server could not be reached: the leads after the first failure were not tried. */
  stoppedOffline: boolean;
}

function idKey(value: LedgerValue | undefined): string | null {
  if (typeof value !== 'string') return null;
  const text = normalizeIdText(value);
  return /^\d{17}[\dX]$/.test(text) ? text : null;
}

/** Ledger values from the server's pre-filled row (known keys only). */
function ledgerValuesOf(values: Record<string, unknown>): LedgerValues {
  const out: Record<string, LedgerValue> = {};
  for (const key of SYNC_VALUE_KEYS) {
    const value = values[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out as LedgerValues;
}

function nextSeq(rows: readonly SheetRow[]): number {
  let max = 0;
  for (const row of rows) {
    const seq = Number(row.values.seq);
    if (Number.isInteger(seq) && seq > max) max = seq;
  }
  return max + 1;
}

/**
 * Asks the server for each lead (full ID number: only the lead's own village gets it, audited),
 * decides add or link against the sheet's rows, and marks the lead pulled. Pure of the host:
 * the caller writes `writes` in one call.
 */
export async function pullLeads(
  client: ApiClient,
  rows: readonly SheetRow[],
  leads: readonly LeadWire[],
  options: { newId: () => string; onProgress?: (done: number, total: number) => void },
): Promise<PullOutcome> {
  const byId = new Map<string, { rowId: string; excelRow?: number; hasLeadNo: boolean; pending?: PullPlanWrite }>();
  for (const row of rows) {
    const key = idKey(row.values.idNumber);
    if (key && !byId.has(key)) {
      byId.set(key, { rowId: row.rowId ?? '', excelRow: row.excelRow, hasLeadNo: typeof row.values.leadNo === 'string' && row.values.leadNo.trim() !== '' });
    }
  }
  let seq = nextSeq(rows);
  const results: PulledLead[] = [];
  const writes: PullPlanWrite[] = [];
  let stoppedOffline = false;
  for (const [index, lead] of leads.entries()) {
    options.onProgress?.(index, leads.length);
    try {
      const detail = await client.leadDetail(lead.leadNo, true);
      const key = idKey(detail.lead.idNumber);
      const existing = key ? byId.get(key) : undefined;
      if (existing) {
        const needsId = existing.rowId === '';
        if (needsId) existing.rowId = options.newId();
        await client.pullLead(lead.leadNo, existing.rowId);
        const leadNoWritten = !existing.hasLeadNo;
        if (existing.pending) {
          // Two leads for a person added in this same pull: the row keeps the first lead's number.
        } else if (leadNoWritten || needsId) {
          const write: PullPlanWrite = {
            rowId: existing.rowId,
            excelRow: needsId ? existing.excelRow : undefined,
            append: false,
            values: leadNoWritten ? { leadNo: lead.leadNo } : {},
          };
          writes.push(write);
          existing.pending = write;
        }
        existing.hasLeadNo = true;
        results.push({ leadNo: lead.leadNo, name: detail.lead.name, outcome: 'linked', rowId: existing.rowId, excelRow: existing.excelRow ?? 0, leadNoWritten: leadNoWritten && !existing.pending?.append });
      } else {
        const rowId = options.newId();
        const pulled = await client.pullLead(lead.leadNo, rowId);
        const write: PullPlanWrite = { rowId, append: true, values: { ...ledgerValuesOf(pulled.ledgerValues), seq: seq++ } };
        writes.push(write);
        if (key) byId.set(key, { rowId, hasLeadNo: true, pending: write });
        results.push({ leadNo: lead.leadNo, name: pulled.lead.name, outcome: 'added', rowId });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      results.push({ leadNo: lead.leadNo, name: lead.name, outcome: 'failed', error });
      if (error.offline || error.signedOut) {
        stoppedOffline = error.offline;
        break;
      }
    }
  }
  options.onProgress?.(leads.length, leads.length);
  return { results, writes, stoppedOffline };
}

/** Puts the pull's rows on the sheet: 记录ID for linked rows that had none, 线索编号 where missing, new rows appended. */
export async function applyPullWrites(sheet: SyncSheet, writes: readonly PullPlanWrite[]): Promise<void> {
  const assign = writes.flatMap((write) => (write.excelRow === undefined ? [] : [{ excelRow: write.excelRow, rowId: write.rowId }]));
  await sheet.assignRowIds(assign);
  await sheet.write(
    writes
      .filter((write) => write.append || Object.keys(write.values).length > 0)
      .map((write) => ({ rowId: write.rowId, values: write.values, appendIfMissing: write.append })),
  );
}
