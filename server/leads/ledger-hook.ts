/**
 * How the leads follow the village ledgers (the ledger sync calls it as AppDeps.onLedgerRowsSynced,
 * wired in build-deps.ts: the ledger module does not import the leads): after a sync has applied a village's rows
 * (inside its own transaction), the leads named in 线索编号 (values.leadNo) follow the ledger:
 *   已下发村 → 核实中          the row exists on the village's ledger
 *   核实中   → 已核实          the row has a 核实结果 (kept on the lead)
 *   已核实   → 已办结          the row's 办理状态 is 已办结
 * Several steps may happen in one sync. Nothing ever moves backwards, a lead not sent to this
 * village is left alone, and unknown lead numbers are ignored (a ledger is a working document).
 * The open leads linked to the row follow it too (named or not): a row without 线索编号, and a row whose
 * 线索编号 names an earlier lead of the person while a later lead was pulled onto it (the pane links a
 * lead to the person's existing row without overwriting the number it has).
 *
 * A lead follows only its own person's row: the row's ID number (normalised as the ledger core
 * reads it: 15 → 18 digits, full-width digits, lower-case x) must be the lead's. A mistyped lead
 * number would otherwise close another person's lead unvisited; the row naming it gets the
 * warning lead.id_mismatch in the sync's answer instead. A 核实结果 or 办理状态 is taken over only
 * when it is one of its vocabulary's values and validation found no error on its cell.
 *
 * The app wires it as AppDeps.onLedgerRowsSynced (deps.ts); the sync calls it with only the rows that
 * were applied (not conflicts), values as stored (the whole row) with their findings.
 */
import { chinaDate } from '../../ledger/dates';
import { readIdNumber } from '../../ledger/matching/cells';
import { recordFinding } from '../../ledger/records';
import type { Finding } from '../../ledger/types';
import { VOCABULARIES } from '../../ledger/vocabularies';
import type { SyncedLedgerRow } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import type { LeadState } from './states';
import { transition, type Actor } from './lifecycle';
import { leadStore, type LeadRow } from './store';

export type SyncedRow = SyncedLedgerRow;

export interface LeadStateChange {
  leadNo: string;
  rowId: string;
  from: LeadState;
  to: LeadState;
}

function text(value: unknown): string {
  if (Array.isArray(value)) return value.join('、').trim();
  return value === null || value === undefined ? '' : String(value).trim();
}

/** An ID number as the ledger core reads it (18 characters, upper-case X), or undefined when it is none. */
function idKey(value: unknown, today: string): string | undefined {
  const read = readIdNumber(value, today);
  return read.ok ? read.id : undefined;
}

/**
 * The value of a cell the lead may take over: one of the vocabulary's values, on a cell without an
 * error finding (a rule may flag a vocabulary value too, e.g. a 办理状态 contradicting the row).
 * '' when there is none to take.
 */
function trusted(synced: SyncedRow, key: 'verifyResult' | 'status'): string {
  const value = text(synced.values[key]);
  if (!value || !(VOCABULARIES[key] as readonly string[]).includes(value)) return '';
  const flagged = (synced.findings ?? []).some((finding: Finding) => finding.key === key && finding.severity === 'error');
  return flagged ? '' : value;
}

export async function onLedgerRowsSynced(
  tx: SqlDatabase,
  villageCode: string,
  rows: readonly SyncedRow[],
  ctx: {
    now?: Date;
    user?: { username: string; unit: { code: string } } | null;
    /** Where a finding on a synced row goes (the sync's answer); absent: the lead is still left alone. */
    report?: (rowId: string, finding: Finding) => void;
  } = {},
): Promise<LeadStateChange[]> {
  const now = ctx.now ?? new Date();
  const today = chinaDate(now);
  const actor: Actor = ctx.user ? { username: ctx.user.username, unitCode: ctx.user.unit.code } : { username: '台账同步', unitCode: villageCode };
  const leads = leadStore(tx);
  const changes: LeadStateChange[] = [];
  for (const synced of rows) {
    if (synced.deleted) continue;
    const named = text(synced.values.leadNo).toUpperCase();
    const namedLead = named ? await leads.get(named) : undefined;
    const targets = namedLead ? [namedLead] : [];
    for (const linked of await leads.openLinkedToLedgerRow(synced.rowId, villageCode)) {
      if (linked.lead_no !== namedLead?.lead_no) targets.push(linked);
    }
    for (const target of targets) await follow(synced, target, target === namedLead);
  }
  return changes;

  async function follow(synced: SyncedRow, lead: LeadRow, isNamed: boolean): Promise<void> {
    let row = lead;
    if (row.village_code !== villageCode) return;
    if (idKey(synced.values.idNumber, today) !== (idKey(row.id_number, today) ?? row.id_number)) {
      // Another person's row (a mistyped lead number, or a row since reused for someone else):
      // the lead stays as it is. A row naming the lead is told so; a row that names none no longer
      // claims the lead and has nothing to correct. No ID number in the finding.
      if (isNamed) ctx.report?.(synced.rowId, recordFinding('leadNo', 'warning', 'lead.id_mismatch', { value: row.lead_no, other: 'idNumber' }));
      return;
    }
    const leadNo = row.lead_no;
    let current: LeadRow = row;
    const step = async (to: LeadState, set: Parameters<typeof transition>[5], note: string) => {
      const from = current.state;
      current = await transition(tx, current, to, actor, now, set, note);
      row = current;
      changes.push({ leadNo, rowId: synced.rowId, from, to });
    };
    if (row.state === '已下发村') {
      await step('核实中', { ledger_row_id: synced.rowId, pulled_at: row.pulled_at ?? now.toISOString() }, '村台账已录入该线索');
    }
    // A 核实日期 before the lead was found is an earlier visit (the row of someone handled before, onto
    // which this later lead was pulled): its result is not this lead's, which waits for a new visit.
    const verifiedOn = text(synced.values.verifiedOn);
    const result = verifiedOn !== '' && verifiedOn < row.found_on ? '' : trusted(synced, 'verifyResult');
    if (row.state === '核实中' && result) {
      await step('已核实', { verify_result: result, ledger_row_id: synced.rowId }, `核实结果：${result}`);
    } else if (row.state === '已核实' && result && result !== row.verify_result) {
      await leads.setVerifyResult(leadNo, result, now.toISOString());
      row = { ...row, verify_result: result };
    }
    if (row.state === '已核实' && trusted(synced, 'status') === '已办结') {
      await step('已办结', {}, '村台账办理状态为已办结');
    }
  }
}
