/**
 * Monthly submission and approval of a village ledger (DHIS2-style approval by level):
 *
 *   village  submit   (none | 已退回) → 已提交   freezes a snapshot of the live rows (values + versions);
 *                                               refused with 422 and the findings when any row has an error
 *   township approve  已提交 → 已审核
 *   township return   已提交 | 已审核 → 已退回   with a reason; the village fixes and resubmits (revision + 1)
 *
 * Every change of state is kept (who, role, unit, when, reason, request) and audited, inside the
 * same transaction as the change itself.
 */
import { SUBMISSION_STATE_EN, type SubmissionResponse, type SubmissionWire } from '../../ledger/api/submissions';
import { capRowFindings, type RowFindings } from '../../ledger/api/sync';
import type { AuditLog } from '../app-deps';
import type { LocalizedText } from '../../ledger/text';
import { AppError } from '../http/errors';
import type { AuthUser } from '../http/route-table';
import { checkRows, policyForVillage, villageNameOf } from './revalidate';
import { checkRowsAsync } from './validation-pool';
import { chinaDate } from '../../ledger/dates';
import type { LedgerStore, SubmissionRecord, SubmissionState } from './store';

export interface SubmissionEnv {
  store: LedgerStore;
  audit: AuditLog;
  now: () => Date;
}

export interface Caller {
  user: AuthUser;
  httpRequestId: string;
}

export function toSubmissionWire(record: SubmissionRecord): SubmissionWire {
  return {
    villageCode: record.villageCode,
    month: record.month,
    state: record.state,
    stateEn: SUBMISSION_STATE_EN[record.state],
    revision: record.revision,
    rowCount: record.rowCount,
    submittedAt: record.submittedAt,
    submittedBy: record.submittedBy,
    decidedAt: record.decidedAt,
    decidedBy: record.decidedBy,
    returnReason: record.returnReason,
  };
}

function notFound(villageCode: string, month: string): AppError {
  return new AppError('submission_not_found', { month, villageCode });
}

function wrongState(state: SubmissionState, action: LocalizedText): AppError {
  return new AppError('submission_state', { state: { zh: state, en: SUBMISSION_STATE_EN[state] }, action });
}

async function respond(store: LedgerStore, record: SubmissionRecord, findings?: RowFindings[]): Promise<SubmissionResponse> {
  return {
    submission: toSubmissionWire(record),
    history: await store.submissionHistory(record.villageCode, record.month),
    ...(findings ? capRowFindings(findings) : {}),
  };
}

/** The village submits its ledger for a month (first time, or again after a return). */
export async function submitMonth(env: SubmissionEnv, villageCode: string, month: string, caller: Caller): Promise<SubmissionResponse> {
  const now = env.now();
  const today = chinaDate(now);
  if (month > today.slice(0, 7)) {
    throw new AppError('month_in_future', { month });
  }
  // Re-validating the whole ledger is the costly part: done before the transaction, on a worker
  // thread for a large ledger (validation-pool.ts), so neither the event loop nor the database
  // connection waits for it. The sequence is read before the rows: if anything was written in
  // between or before the transaction, the sequence differs inside it and the rows are read and
  // checked again there (the same for a policy changed meanwhile).
  const seqBefore = await env.store.lastSeq(villageCode);
  const [rowsBefore, policyBefore, villageName] = await Promise.all([
    env.store.liveRows(villageCode),
    policyForVillage(env.store.db, villageCode, today),
    villageNameOf(env.store.db, villageCode),
  ]);
  const checksBefore = await checkRowsAsync(
    rowsBefore.map((row) => row.values),
    today,
    policyBefore,
    villageName,
  );
  return env.store.transaction(async (store) => {
    const existing = await store.getSubmission(villageCode, month);
    if (existing && existing.state !== '已退回') {
      throw wrongState(existing.state, { zh: '重复报送', en: 'submit again' });
    }
    const [seq, policy] = await Promise.all([store.lastSeq(villageCode), policyForVillage(store.db, villageCode, today)]);
    const unchanged = seq === seqBefore && JSON.stringify(policy) === JSON.stringify(policyBefore);
    const rows = unchanged ? rowsBefore : await store.liveRows(villageCode);
    const checks = unchanged
      ? checksBefore
      : checkRows(
          rows.map((row) => row.values),
          today,
          policy,
          villageName,
        );
    const withFindings: RowFindings[] = [];
    let errorRows = 0;
    rows.forEach((row, index) => {
      const check = checks[index];
      if (check.findings.length === 0) return;
      if (check.errors > 0) errorRows++;
      withFindings.push({ rowId: row.rowId, errors: check.errors, warnings: check.warnings, findings: check.findings });
    });
    if (errorRows > 0) {
      const blocking = withFindings.filter((entry) => entry.errors > 0);
      throw new AppError('ledger_has_errors', { errorRows }, { extra: { ...capRowFindings(blocking), errorRows } });
    }
    const at = now.toISOString();
    const revision = existing ? existing.revision + 1 : 1;
    const record: SubmissionRecord = {
      villageCode,
      month,
      state: '已提交',
      revision,
      rowCount: rows.length,
      lastSeq: await store.lastSeq(villageCode),
      submittedAt: at,
      submittedBy: caller.user.username,
      decidedAt: null,
      decidedBy: null,
      returnReason: null,
    };
    await store.saveSnapshot(
      villageCode,
      month,
      revision,
      rows.map((row) => ({ rowId: row.rowId, version: row.version, values: row.values })),
    );
    await store.saveSubmission(record);
    await store.addSubmissionHistory(villageCode, month, {
      revision,
      fromState: existing?.state ?? null,
      toState: '已提交',
      userId: caller.user.id,
      userName: caller.user.username,
      role: caller.user.role,
      unitCode: caller.user.unit.code,
      at,
      reason: null,
      requestId: caller.httpRequestId,
    });
    await env.audit.record(
      {
        user: caller.user,
        action: existing ? 'ledger.submission.resubmit' : 'ledger.submission.submit',
        target: `${villageCode}:${month}`,
        requestId: caller.httpRequestId,
        detail: { revision, rows: rows.length },
      },
      store.db,
    );
    return respond(
      store,
      record,
      withFindings,
    );
  });
}

async function decide(
  env: SubmissionEnv,
  villageCode: string,
  month: string,
  caller: Caller,
  to: '已审核' | '已退回',
  reason: string | null,
): Promise<SubmissionResponse> {
  return env.store.transaction(async (store) => {
    const existing = await store.getSubmission(villageCode, month);
    if (!existing) throw notFound(villageCode, month);
    const allowed: SubmissionState[] = to === '已审核' ? ['已提交'] : ['已提交', '已审核'];
    if (!allowed.includes(existing.state)) {
      throw wrongState(existing.state, to === '已审核' ? { zh: '审核通过', en: 'approve' } : { zh: '退回', en: 'return' });
    }
    const at = env.now().toISOString();
    const record: SubmissionRecord = {
      ...existing,
      state: to,
      decidedAt: at,
      decidedBy: caller.user.username,
      returnReason: to === '已退回' ? reason : null,
    };
    await store.saveSubmission(record);
    await store.addSubmissionHistory(villageCode, month, {
      revision: existing.revision,
      fromState: existing.state,
      toState: to,
      userId: caller.user.id,
      userName: caller.user.username,
      role: caller.user.role,
      unitCode: caller.user.unit.code,
      at,
      reason,
      requestId: caller.httpRequestId,
    });
    await env.audit.record(
      {
        user: caller.user,
        action: to === '已审核' ? 'ledger.submission.approve' : 'ledger.submission.return',
        target: `${villageCode}:${month}`,
        requestId: caller.httpRequestId,
        detail: { revision: existing.revision },
      },
      store.db,
    );
    return respond(store, record);
  });
}

export function approveMonth(env: SubmissionEnv, villageCode: string, month: string, caller: Caller, note?: string): Promise<SubmissionResponse> {
  return decide(env, villageCode, month, caller, '已审核', note ?? null);
}

export function returnMonth(env: SubmissionEnv, villageCode: string, month: string, caller: Caller, reason: string): Promise<SubmissionResponse> {
  return decide(env, villageCode, month, caller, '已退回', reason);
}

export async function getSubmissionOrThrow(store: LedgerStore, villageCode: string, month: string): Promise<SubmissionRecord> {
  const record = await store.getSubmission(villageCode, month);
  if (!record) throw notFound(villageCode, month);
  return record;
}
