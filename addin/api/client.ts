/**
 * The add-in's typed client of the server's API (/api/v1). Every request is checked against the
 * shared zod schema in ledger/api/ before it is sent, every answer is parsed with the shared
 * response schema (a server that answers something else is reported, never trusted), and every
 * error answer is read through the API's one error shape.
 *
 * Network behaviour:
 *  - each attempt has a timeout (AbortController);
 *  - reads (GET) and the ledger sync — which the server makes idempotent by its requestId — are
 *    retried after a network drop or a timeout with the SAME request id and body, so a request the
 *    server applied but whose answer was lost is answered from the first run, never applied twice;
 *  - other writes (sign-in, submitting a month, pulling a lead) are not retried automatically:
 *    the pane says the server was unreachable and the user decides.
 *
 * The add-in never imports server/: it reaches the server only over HTTP.
 */
import type { z } from 'zod';
import { LoginRequestSchema, LoginResponseSchema, LogoutResponseSchema, MeResponseSchema, type LoginResponse, type SessionUser } from '../../ledger/api/auth';
import { ApiErrorBodySchema } from '../../ledger/api/errors';
import {
  LeadDetailResponseSchema,
  LeadListResponseSchema,
  PullLeadRequestSchema,
  PullLeadResponseSchema,
  type LeadDetailResponse,
  type LeadListOrder,
  type LeadListResponse,
  type PullLeadResponse,
} from '../../ledger/api/leads';
import type { LeadState } from '../../ledger/lead-states';
import {
  ConsolidatedRowsResponseSchema,
  DuplicatesResponseSchema,
  SummaryResponseSchema,
  type ConsolidatedRowsResponse,
  type DuplicatesResponse,
  type SummaryResponse,
} from '../../ledger/api/reports';
import {
  ApproveRequestSchema,
  ReturnRequestSchema,
  PendingSubmissionsResponseSchema,
  SubmissionFindingsResponseSchema,
  type PendingSubmissionsResponse,
  UnitSubmissionsResponseSchema,
  type SubmissionFindingsResponse,
  type UnitSubmissionsResponse,
  SubmissionDetailResponseSchema,
  SubmissionListResponseSchema,
  SubmissionRefusedSchema,
  SubmissionResponseSchema,
  SubmitRequestSchema,
  type SubmissionRefused,
  type SubmissionResponse,
  type SubmissionWire,
} from '../../ledger/api/submissions';
import {
  RowVersionsResponseSchema,
  SyncRequestSchema,
  SyncResponseSchema,
  type RowVersionsResponse,
  type SyncRequest,
  type SyncResponse,
} from '../../ledger/api/sync';
import type { SourceCode } from '../../ledger/sources';
import { ApiError, blockedByPolicy, invalidInput, invalidResponse, timedOut, unreachable, type ApiIssue } from './errors';
import { pageAllowsConnect } from './connect-policy';

export const API_PREFIX = '/api/v1';

/** The part of fetch the client uses (tests pass one that drops the connection). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** The server's origin, e.g. https://ledger.cxmz.example or http://127.0.0.1:3000 (no trailing slash needed). */
  baseUrl: string;
  /** The bearer token of the signed-in user, or null. Read on every request (sign-out takes effect at once). */
  token?: () => string | null;
  fetch?: FetchLike;
  /** Per attempt; default 15 s (a sync of many rows gets syncTimeoutMs). */
  timeoutMs?: number;
  syncTimeoutMs?: number;
  /** Further attempts after a network drop or timeout, for retry-safe requests; default 2. */
  retries?: number;
  /** Waits before retry n (1-based); default 1 s, 3 s. Tests pass () => Promise.resolve(). */
  backoff?: (attempt: number) => Promise<void>;
  /** Makes request ids; default crypto.randomUUID(). */
  newRequestId?: () => string;
  /**
   * Asked when a fetch fails without an answer: does the page's Content-Security-Policy let it reach
   * this URL? Default: the pane page's own policy (connect-policy.ts); true outside a browser page.
   */
  connectAllowed?: (url: string) => Promise<boolean>;
}

export interface CallSpec<T> {
  method: 'GET' | 'POST';
  /** Below /api/v1, e.g. /units/532301101201/leads. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  response: z.ZodType<T>;
  /** Safe to send again with the same request id (GET, sync). */
  retrySafe: boolean;
  requestId?: string;
  timeoutMs?: number;
}

export interface LeadFilter {
  source?: SourceCode;
  state?: LeadState;
  overdue?: boolean;
  page?: number;
  pageSize?: number;
  /** LeadListQuery.order: `due` puts the most urgent first */
  order?: LeadListOrder;
}

/** A month refused because rows have errors: the blocking rows with their findings. */
export type SubmitOutcome = { ok: true; response: SubmissionResponse } | { ok: false; refused: SubmissionRefused; error: ApiError };

/** The fields every error body has; anything else (findings of a refused submission, …) is `extra`. */
const ERROR_SHAPE_FIELDS: ReadonlySet<string> = new Set(['code', 'message', 'en', 'issues', 'requestId']);

const defaultBackoff = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, attempt === 1 ? 1000 : 3000));

function defaultRequestId(): string {
  return globalThis.crypto.randomUUID();
}

export function normalizeBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function zodIssues(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly options: Required<Omit<ApiClientOptions, 'baseUrl' | 'token'>> & { token: () => string | null };

  constructor(options: ApiClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.options = {
      token: options.token ?? (() => null),
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 15_000,
      syncTimeoutMs: options.syncTimeoutMs ?? 60_000,
      retries: options.retries ?? 2,
      backoff: options.backoff ?? defaultBackoff,
      newRequestId: options.newRequestId ?? defaultRequestId,
      connectAllowed: options.connectAllowed ?? pageAllowsConnect,
    };
  }

  newRequestId(): string {
    return this.options.newRequestId();
  }

  // ------------------------------------------------------------------------------------------
  // Auth

  async login(username: string, password: string): Promise<LoginResponse> {
    const body = this.checkInput(LoginRequestSchema, { username, password }, '/auth/login');
    return this.call({ method: 'POST', path: '/auth/login', body, response: LoginResponseSchema, retrySafe: false });
  }

  async logout(): Promise<void> {
    await this.call({ method: 'POST', path: '/auth/logout', body: {}, response: LogoutResponseSchema, retrySafe: false });
  }

  async me(): Promise<SessionUser> {
    return (await this.call({ method: 'GET', path: '/me', response: MeResponseSchema, retrySafe: true })).user;
  }

  // ------------------------------------------------------------------------------------------
  // Leads

  listLeads(unitCode: string, filter: LeadFilter = {}): Promise<LeadListResponse> {
    return this.call({
      method: 'GET',
      path: `/units/${encodeURIComponent(unitCode)}/leads`,
      query: { source: filter.source, state: filter.state, overdue: filter.overdue, page: filter.page, pageSize: filter.pageSize, order: filter.order },
      response: LeadListResponseSchema,
      retrySafe: true,
    });
  }

  /** `unmasked`: the full ID number (only the village the lead was sent to; the server audits it). */
  leadDetail(leadNo: string, unmasked = false): Promise<LeadDetailResponse> {
    return this.call({
      method: 'GET',
      path: `/leads/${encodeURIComponent(leadNo)}`,
      query: unmasked ? { unmasked: 'true' } : undefined,
      response: LeadDetailResponseSchema,
      retrySafe: true,
    });
  }

  /** Marks the lead as on this village's ledger (→ 核实中), linked to the row; returns the row's pre-filled values. */
  pullLead(leadNo: string, rowId?: string): Promise<PullLeadResponse> {
    const body = this.checkInput(PullLeadRequestSchema, rowId ? { rowId } : {}, `/leads/${leadNo}/pull`);
    return this.call({
      method: 'POST',
      path: `/leads/${encodeURIComponent(leadNo)}/pull`,
      body,
      response: PullLeadResponseSchema,
      retrySafe: false,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Ledger sync and monthly submission

  /**
   * One sync round trip. The request carries its own requestId: pass the SAME request again to
   * retry it after a network drop (the server answers a repeated id from its first run).
   */
  sync(villageCode: string, request: SyncRequest): Promise<SyncResponse> {
    const body = this.checkInput(SyncRequestSchema, request, `/ledgers/${villageCode}/sync`);
    return this.call({
      method: 'POST',
      path: `/ledgers/${encodeURIComponent(villageCode)}/sync`,
      body,
      response: SyncResponseSchema,
      retrySafe: true,
      requestId: request.requestId,
      timeoutMs: this.options.syncTimeoutMs,
    });
  }

  /** Every version of one row (the base of a conflict, to tell which fields this client changed). */
  rowVersions(villageCode: string, rowId: string): Promise<RowVersionsResponse> {
    return this.call({
      method: 'GET',
      path: `/ledgers/${encodeURIComponent(villageCode)}/rows/${encodeURIComponent(rowId)}/versions`,
      response: RowVersionsResponseSchema,
      retrySafe: true,
    });
  }

  /** Submits the month; a refusal because rows have errors comes back as {ok: false, refused} (not thrown). */
  async submitMonth(villageCode: string, month: string): Promise<SubmitOutcome> {
    const body = this.checkInput(SubmitRequestSchema, { month }, `/ledgers/${villageCode}/submissions`);
    try {
      const response = await this.call({
        method: 'POST',
        path: `/ledgers/${encodeURIComponent(villageCode)}/submissions`,
        body,
        response: SubmissionResponseSchema,
        retrySafe: false,
      });
      return { ok: true, response };
    } catch (error) {
      if (error instanceof ApiError && error.code === 'ledger_has_errors') {
        const refused = SubmissionRefusedSchema.safeParse(error.extra);
        if (!refused.success) throw invalidResponse('/submissions', error.status, error.requestId, refused.error.message);
        return { ok: false, refused: refused.data, error };
      }
      throw error;
    }
  }

  async listSubmissions(villageCode: string): Promise<SubmissionWire[]> {
    const response = await this.call({
      method: 'GET',
      path: `/ledgers/${encodeURIComponent(villageCode)}/submissions`,
      response: SubmissionListResponseSchema,
      retrySafe: true,
    });
    return response.submissions;
  }

  submissionDetail(villageCode: string, month: string, page = 1, pageSize = 100) {
    return this.call({
      method: 'GET',
      path: `/ledgers/${encodeURIComponent(villageCode)}/submissions/${encodeURIComponent(month)}`,
      query: { page, pageSize },
      response: SubmissionDetailResponseSchema,
      retrySafe: true,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Review of the villages' months (township) and consolidation (township, county)

  /** Every village of the unit with its state for the month (未提交 when nothing was submitted). */
  /** Every month still waiting for review (已提交) in the unit's subtree, oldest first. */
  pendingSubmissions(unitCode: string): Promise<PendingSubmissionsResponse> {
    return this.call({
      method: 'GET',
      path: `/units/${encodeURIComponent(unitCode)}/submissions/pending`,
      response: PendingSubmissionsResponseSchema,
      retrySafe: true,
    });
  }

  unitSubmissions(unitCode: string, month: string): Promise<UnitSubmissionsResponse> {
    return this.call({
      method: 'GET',
      path: `/units/${encodeURIComponent(unitCode)}/submissions`,
      query: { month },
      response: UnitSubmissionsResponseSchema,
      retrySafe: true,
    });
  }

  /** A submitted month's frozen rows re-checked with the rules: what the township reads before deciding. */
  submissionFindings(villageCode: string, month: string): Promise<SubmissionFindingsResponse> {
    return this.call({
      method: 'GET',
      path: `/ledgers/${encodeURIComponent(villageCode)}/submissions/${encodeURIComponent(month)}/findings`,
      response: SubmissionFindingsResponseSchema,
      retrySafe: true,
    });
  }

  /** 已提交 → 已审核 (township). Not retried: a second approve answers 409, which the pane shows. */
  approveSubmission(villageCode: string, month: string): Promise<SubmissionResponse> {
    const path = `/ledgers/${encodeURIComponent(villageCode)}/submissions/${encodeURIComponent(month)}/approve`;
    return this.call({ method: 'POST', path, body: this.checkInput(ApproveRequestSchema, {}, path), response: SubmissionResponseSchema, retrySafe: false });
  }

  /** → 已退回 with the reason the village reads in its 同步提交 pane (required, ≤ 500 characters). */
  returnSubmission(villageCode: string, month: string, reason: string): Promise<SubmissionResponse> {
    const path = `/ledgers/${encodeURIComponent(villageCode)}/submissions/${encodeURIComponent(month)}/return`;
    return this.call({ method: 'POST', path, body: this.checkInput(ReturnRequestSchema, { reason }, path), response: SubmissionResponseSchema, retrySafe: false });
  }

  summary(unitCode: string, month: string): Promise<SummaryResponse> {
    return this.call({ method: 'GET', path: '/reports/summary', query: { unit: unitCode, month }, response: SummaryResponseSchema, retrySafe: true });
  }

  duplicates(unitCode: string): Promise<DuplicatesResponse> {
    return this.call({ method: 'GET', path: '/reports/duplicates', query: { unit: unitCode }, response: DuplicatesResponseSchema, retrySafe: true });
  }

  /** One page of the consolidated rows (the .xlsx download's 台账明细), `after` = the previous page's `next`. */
  consolidatedRows(unitCode: string, after: string | null, limit: number): Promise<ConsolidatedRowsResponse> {
    return this.call({
      method: 'GET',
      path: '/exports/consolidated-rows',
      query: { unit: unitCode, after: after ?? undefined, limit },
      response: ConsolidatedRowsResponseSchema,
      retrySafe: true,
    });
  }

  // ------------------------------------------------------------------------------------------

  private checkInput<S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidInput(path, zodIssues(parsed.error), '');
    return parsed.data;
  }

  /** One API call: attempts with timeout, retries for retry-safe calls, parsed answer or ApiError. */
  async call<T>(spec: CallSpec<T>): Promise<T> {
    const requestId = spec.requestId ?? this.newRequestId();
    const url = this.url(spec.path, spec.query);
    const attempts = spec.retrySafe ? 1 + this.options.retries : 1;
    let lastFailure: ApiError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.options.backoff(attempt - 1);
      let response: Response;
      try {
        response = await this.attempt(url, spec, requestId);
      } catch (failure) {
        if (failure instanceof ApiError && failure.offline) {
          lastFailure = failure;
          continue;
        }
        throw failure;
      }
      return this.read(response, spec, requestId);
    }
    throw lastFailure ?? unreachable(this.baseUrl, requestId);
  }

  private url(path: string, query?: CallSpec<unknown>['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    return `${this.baseUrl}${API_PREFIX}${path}${search ? `?${search}` : ''}`;
  }

  private async attempt(url: string, spec: CallSpec<unknown>, requestId: string): Promise<Response> {
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Request-Id': requestId };
    const token = this.options.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.options.fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      // fetch rejects only when no HTTP answer arrived (offline, refused, TLS, aborted, or the
      // page's CSP refused the address — which looks the same to script, so ask the policy).
      if (controller.signal.aborted) throw timedOut(this.baseUrl, Math.round(timeoutMs / 1000), requestId);
      if (!(await this.options.connectAllowed(url))) throw blockedByPolicy(this.baseUrl, requestId);
      throw unreachable(this.baseUrl, requestId);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read<T>(response: Response, spec: CallSpec<T>, requestId: string): Promise<T> {
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw invalidResponse(spec.path, response.status, requestId, 'not JSON');
    }
    if (!response.ok) {
      const body = ApiErrorBodySchema.safeParse(json);
      if (!body.success) throw invalidResponse(spec.path, response.status, requestId, `HTTP ${response.status}`);
      const error = body.data.error;
      const raw = (json as { error: Record<string, unknown> }).error;
      const extra = Object.fromEntries(Object.entries(raw).filter(([key]) => !ERROR_SHAPE_FIELDS.has(key)));
      throw new ApiError({
        kind: 'http',
        code: error.code,
        status: response.status,
        zh: error.message,
        en: error.en ?? error.message,
        issues: error.issues,
        requestId: error.requestId ?? requestId,
        extra,
      });
    }
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) throw invalidResponse(spec.path, response.status, requestId, parsed.error.message.slice(0, 300));
    return parsed.data;
  }
}
