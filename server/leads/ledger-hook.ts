/**
 * How the leads follow the village ledgers (the ledger sync calls it as AppDeps.onLedgerRowsSynced,
 * wired in build-deps.ts: the ledger module does not import the leads): after a sync has applied a village's rows
 * (inside its own transaction), the leads named in 线索编号 (values.leadNo) follow the ledger:
 *   已下发村 → 核实中          the row exists on the village's ledger
 *   核实中   → 已核实          the row has a 核实结果 (kept on the lead)
 *   已核实   → 已办结          the row's 办理状态 is 已办结
 * Several steps may happen in one sync. Nothing ever moves backwards, a lead not sent to this
 * village is left alone, and unknown lead numbers are ignored (a ledger is a working document).
 * A partial change without 线索编号 reaches the lead already linked to that row id.
 *
 * The app wires it as AppDeps.onLedgerRowsSynced (deps.ts); the sync calls it with only the rows that
 * were applied (not conflicts), values as stored (whole row or the changed fields).
 */
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

export async function onLedgerRowsSynced(
  tx: SqlDatabase,
  villageCode: string,
  rows: readonly SyncedRow[],
  ctx: { now?: Date; user?: { username: string; unit: { code: string } } | null } = {},
): Promise<LeadStateChange[]> {
  const now = ctx.now ?? new Date();
  const actor: Actor = ctx.user ? { username: ctx.user.username, unitCode: ctx.user.unit.code } : { username: '台账同步', unitCode: villageCode };
  const leads = leadStore(tx);
  const changes: LeadStateChange[] = [];
  for (const synced of rows) {
    if (synced.deleted) continue;
    // A partial change may not carry 线索编号: then the lead already linked to this row is meant.
    const named = text(synced.values.leadNo).toUpperCase();
    let row = named ? await leads.get(named) : await leads.linkedToLedgerRow(synced.rowId, villageCode);
    if (!row || row.village_code !== villageCode) continue;
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
    const result = text(synced.values.verifyResult);
    if (row.state === '核实中' && result) {
      await step('已核实', { verify_result: result, ledger_row_id: synced.rowId }, `核实结果：${result}`);
    } else if (row.state === '已核实' && result && result !== row.verify_result) {
      await leads.setVerifyResult(leadNo, result, now.toISOString());
      row = { ...row, verify_result: result };
    }
    if (row.state === '已核实' && text(synced.values.status) === '已办结') {
      await step('已办结', {}, '村台账办理状态为已办结');
    }
  }
  return changes;
}
