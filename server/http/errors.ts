/**
 * The one error shape of the API: {error:{code, message (zh-CN), en, issues:[{path, message}], requestId}}.
 * Handlers throw HttpError for expected failures; anything else becomes a 500 without details.
 */
import type { ZodError } from 'zod';

export interface ApiIssue {
  path: string;
  message: string;
}

export interface Bilingual {
  zh: string;
  en: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Bilingual,
    readonly issues: ApiIssue[] = [],
    /** Extra fields merged into the error object (e.g. findings of a refused submission). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(text.en);
    this.name = 'HttpError';
  }
}

export const MESSAGES = {
  unauthorized: { zh: '未登录或登录已过期，请重新登录', en: 'Not signed in or the session has expired' },
  forbidden: { zh: '无权访问该单位或该功能', en: 'Not allowed for this unit or role' },
  notFound: { zh: '请求的资源不存在', en: 'Not found' },
  unitNotFound: { zh: '单位不存在', en: 'Unit not found' },
  wrongUnitLevel: { zh: '单位级别不符合该接口要求', en: 'The unit is not of the level this endpoint needs' },
  invalid: { zh: '请求内容不符合要求', en: 'The request is not valid' },
  malformedJson: { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  tooLarge: { zh: '请求体过大', en: 'The request body is too large' },
  unsupportedMedia: { zh: '不支持的请求内容类型', en: 'Unsupported content type' },
  tooManyAttempts: { zh: '登录尝试过多，请稍后再试', en: 'Too many sign-in attempts, try again later' },
  badCredentials: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  internal: { zh: '服务器内部错误，请联系管理员并提供请求编号', en: 'Internal server error; quote the request id' },
} satisfies Record<string, Bilingual>;

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

export function errorBody(
  code: string,
  text: Bilingual,
  requestId: string,
  issues: ApiIssue[] = [],
  extra?: Record<string, unknown>,
): { error: Record<string, unknown> } {
  return { error: { code, message: text.zh, en: text.en, issues, requestId, ...(extra ?? {}) } };
}
