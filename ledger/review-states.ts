/**
 * A village's month as reviewers read it — the add-in's 审核 and 汇总 and the web page alike: 已提交
 * is what waits for them, 待审核. One list, so no two screens name the same month differently.
 * Free of zod (types only from ledger/api), so the web page's bundle takes it without the schemas.
 */
import type { NOT_SUBMITTED, SubmissionStateValue } from './api/submissions';
import type { LocalizedText } from './text';

/** A village's month as it stands for the township and county: submitted, decided, or nothing yet. */
export type ReviewerState = SubmissionStateValue | typeof NOT_SUBMITTED;

export const REVIEWER_STATE_LABELS: Readonly<Record<ReviewerState, LocalizedText>> = {
  已提交: { zh: '待审核', en: 'to review' },
  已审核: { zh: '已审核', en: 'approved' },
  已退回: { zh: '已退回', en: 'returned' },
  未提交: { zh: '未提交', en: 'not submitted' },
};

/** Order of a month's villages for a reviewer: what waits for them first. */
export const REVIEWER_STATE_ORDER: Readonly<Record<ReviewerState, number>> = { 已提交: 0, 已退回: 1, 已审核: 2, 未提交: 3 };
