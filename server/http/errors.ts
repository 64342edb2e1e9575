/**
 * The one error shape of the API: {error:{code, message (zh-CN), en, issues:[{path, message}], requestId}}.
 * Handlers throw AppError for expected failures; anything else becomes a 500 without details.
 */
import type { ZodError } from 'zod';
import { errorStatus, errorText, type ApiIssue, type ErrorCode, type ErrorParams } from '../../ledger/api/errors';
import type { LocalizedText } from '../../ledger/text';

export type { ApiIssue };

/**
 * The one error class of the API. Codes, statuses and message templates are in the registries of
 * ledger/api/errors.ts; a handler says what went wrong, never how it is worded or which status it gets:
 *   throw new AppError('lead_not_found', { leadNo });
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly text: LocalizedText;
  readonly issues: ApiIssue[];
  /** Extra fields merged into the error object (e.g. findings of a refused submission); may be added before throwing. */
  extra?: Record<string, unknown>;

  constructor(
    readonly code: C,
    ...[params, details]: keyof ErrorParams<C> extends never
      ? [params?: ErrorParams<C>, details?: AppErrorDetails]
      : [params: ErrorParams<C>, details?: AppErrorDetails]
  ) {
    const text = errorText(code, params ?? ({} as ErrorParams<C>));
    super(text.en);
    this.name = 'AppError';
    this.status = errorStatus(code);
    this.text = text;
    this.issues = details?.issues ?? [];
    this.extra = details?.extra;
  }
}

export interface AppErrorDetails {
  /** Where the request is wrong, e.g. [{ path: 'body.changes.3.rowId', message: '…' }]. */
  issues?: ApiIssue[];
  extra?: Record<string, unknown>;
}

/** zod issues → API issues; messages stay zod's (no input values are echoed). */
export function zodIssues(error: ZodError, prefix: string): ApiIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issueMessage(issue),
  }));
}

function issueMessage(issue: ZodError['issues'][number]): string {
  switch (issue.code) {
    case 'invalid_type':
      return `类型错误，应为 ${issue.expected} (expected ${issue.expected})`;
    case 'unrecognized_keys':
      return `不允许的字段: ${issue.keys.join(', ')} (unknown fields)`;
    case 'too_big':
      return `超出上限 ${String(issue.maximum)} (too big: max ${String(issue.maximum)})`;
    case 'too_small':
      return `低于下限 ${String(issue.minimum)} (too small: min ${String(issue.minimum)})`;
    case 'invalid_format':
      return `格式错误 (${issue.message})`;
    case 'invalid_value':
      return `取值不在允许范围内 (invalid value)`;
    default:
      return issue.message;
  }
}

export function errorBody(error: AppError, requestId: string): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: error.text.zh, en: error.text.en, issues: error.issues, requestId, ...(error.extra ?? {}) } };
}
