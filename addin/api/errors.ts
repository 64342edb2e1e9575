/**
 * What can go wrong talking to the server, as one error class the panes can show as it is:
 * zh-CN message first, en-US beside. `kind` says whether the server answered at all, so a pane
 * knows to keep its offline parts working ('unreachable', 'timeout') or to show the server's
 * reason ('http').
 */
import type { ApiIssue, ErrorCode } from '../../ledger/api/errors';

export type ApiFailureKind =
  /** No answer: the network is down, the server is stopped, DNS failed, or the certificate was refused. */
  | 'unreachable'
  /** The server did not answer in time. */
  | 'timeout'
  /** The browser refused the address: the pane's Content-Security-Policy (ADDIN_API_ORIGINS) does not list it. */
  | 'blocked'
  /** The server answered with an error status (its JSON error body is in code/message). */
  | 'http'
  /** The server answered something that does not match the shared schema (wrong server or version). */
  | 'invalid_response'
  /** The request itself breaks the shared schema: caught before anything is sent. */
  | 'invalid_input';

export type { ApiIssue } from '../../ledger/api/errors';

/** Failures the client names itself (no answer, or an answer it cannot read). */
export type ClientFailureCode = 'unreachable' | 'timeout' | 'blocked_by_policy' | 'invalid_response' | 'invalid_input';

export interface ApiFailure {
  kind: ApiFailureKind;
  /** The API's code from the one error registry (ledger/api/errors.ts), or the client's own. */
  code: ErrorCode | ClientFailureCode;
  /** HTTP status, 0 when no answer. */
  status: number;
  zh: string;
  en: string;
  issues: readonly ApiIssue[];
  /** The request id sent (and echoed by the server): quote it to the administrator. */
  requestId: string;
  /** The error object's further fields (e.g. findings of a refused submission), unparsed. */
  extra: Readonly<Record<string, unknown>>;
}

export class ApiError extends Error implements ApiFailure {
  readonly kind: ApiFailureKind;
  readonly code: ErrorCode | ClientFailureCode;
  readonly status: number;
  readonly zh: string;
  readonly en: string;
  readonly issues: readonly ApiIssue[];
  readonly requestId: string;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(failure: ApiFailure) {
    super(`${failure.zh} (${failure.en})`);
    this.name = 'ApiError';
    this.kind = failure.kind;
    this.code = failure.code;
    this.status = failure.status;
    this.zh = failure.zh;
    this.en = failure.en;
    this.issues = failure.issues;
    this.requestId = failure.requestId;
    this.extra = failure.extra;
  }

  /** True when the server never answered: the request may be retried (with the same request id). */
  get offline(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout';
  }

  /** The sign-in is missing or expired: the pane shows the sign-in form again. */
  get signedOut(): boolean {
    return this.status === 401;
  }
}

export function unreachable(baseUrl: string, requestId: string): ApiError {
  return new ApiError({
    kind: 'unreachable',
    code: 'unreachable',
    status: 0,
    zh: `无法连接服务器（${baseUrl}）：请检查网络，或请县民政局确认服务器地址。离线功能（台账校验、接办流程）仍可使用。`,
    en: `Cannot reach the server (${baseUrl}): check the network, or ask the county bureau for the server address. Offline features (validation, handling route) still work.`,
    issues: [],
    requestId,
    extra: {},
  });
}

/**
 * The address is not among those the add-in's server lets its panes call: retrying cannot help,
 * only the administrator can (ADDIN_API_ORIGINS on the server that serves the add-in, see
 * docs/addin-deployment.md), or the clerk typed the wrong address.
 */
export function blockedByPolicy(baseUrl: string, requestId: string): ApiError {
  let origin = baseUrl;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    // keep what was typed
  }
  return new ApiError({
    kind: 'blocked',
    code: 'blocked_by_policy',
    status: 0,
    zh: `加载项的设置不允许连接此地址（${origin}）。如地址无误，请管理员在提供加载项的服务器上把它加入 ADDIN_API_ORIGINS 并重启服务；否则请改填县民政局提供的地址。离线功能仍可使用。`,
    en: `The add-in's settings do not allow this address (${origin}). If it is right, the administrator must add it to ADDIN_API_ORIGINS on the server that serves the add-in and restart it; otherwise enter the address the county bureau gave. Offline features still work.`,
    issues: [],
    requestId,
    extra: {},
  });
}

export function timedOut(baseUrl: string, seconds: number, requestId: string): ApiError {
  return new ApiError({
    kind: 'timeout',
    code: 'timeout',
    status: 0,
    zh: `服务器（${baseUrl}）${seconds} 秒内未响应：网络可能较慢或已断开，请稍后重试。离线功能仍可使用。`,
    en: `The server (${baseUrl}) did not answer within ${seconds} s: the network may be slow or down; try again later. Offline features still work.`,
    issues: [],
    requestId,
    extra: {},
  });
}

export function invalidResponse(path: string, status: number, requestId: string, detail: string): ApiError {
  return new ApiError({
    kind: 'invalid_response',
    code: 'invalid_response',
    status,
    zh: `服务器返回的内容无法识别（${path}）：服务器地址可能有误或版本不一致，请联系管理员。`,
    en: `The server's answer could not be read (${path}): wrong server address or version mismatch; contact the administrator. ${detail}`,
    issues: [],
    requestId,
    extra: {},
  });
}

export function invalidInput(path: string, issues: readonly ApiIssue[], requestId: string): ApiError {
  return new ApiError({
    kind: 'invalid_input',
    code: 'invalid_input',
    status: 0,
    zh: `填写的内容不符合要求：${issues.map((issue) => `${issue.path || '请求'}：${issue.message}`).join('；')}`,
    en: `The input is not valid (${path}): ${issues.map((issue) => `${issue.path || 'request'}: ${issue.message}`).join('; ')}`,
    issues,
    requestId,
    extra: {},
  });
}
