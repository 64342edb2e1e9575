/**
 * A scripted stand-in for the server in component tests (jsdom has no fetch): answers by method and
 * path with bodies that satisfy the shared ledger/api schemas, records every request. The real
 * server is exercised by tests/addin/api-client.test.ts, sync-engine.test.ts and the browser test.
 */
import type { LeadWire } from '../../../ledger/api/leads';
import type { SessionUser } from '../../../ledger/api/auth';

export interface Recorded {
  method: string;
  url: string;
  body: unknown;
}

export type Handler = (request: Recorded) => { status: number; body: unknown } | undefined;

export const VILLAGE_USER: SessionUser = { username: 'demo-village', role: 'village', unit: { code: '532301101201', name: '示范村', level: 'village' } };

export function installFakeApi(handlers: Record<string, Handler>): { requests: Recorded[]; offline: { value: boolean } } {
  const requests: Recorded[] = [];
  const offline = { value: false };
  globalThis.fetch = (async (input: string, init: RequestInit) => {
    if (offline.value) throw new TypeError('Failed to fetch');
    const url = new URL(input);
    const request: Recorded = { method: init.method ?? 'GET', url: url.pathname + url.search, body: init.body ? JSON.parse(String(init.body)) : undefined };
    requests.push(request);
    const key = `${request.method} ${url.pathname}`;
    const answer = handlers[key]?.(request) ?? { status: 404, body: { error: { code: 'not_found', message: '请求的资源不存在', en: 'Not found', issues: [] } } };
    const text = JSON.stringify(answer.body);
    return { ok: answer.status < 400, status: answer.status, text: async () => text } as unknown as Response;
  }) as typeof fetch;
  return { requests, offline };
}

export const login: Handler = () => ({ status: 200, body: { token: 'tok-1', expiresAt: '2099-01-01T00:00:00Z', user: VILLAGE_USER } });

export function lead(n: number, overrides: Partial<LeadWire> = {}): LeadWire {
  return {
    leadNo: `XS-532301-202610-0000${n}`,
    countyCode: '532301',
    source: 'disability',
    period: '2026-Q3',
    rule: 'disability.severe',
    reason: { zh: '重度残疾，未纳入低保、特困供养', en: 'Severe disability, not covered' },
    name: `线索人${n}`,
    idNumber: '532301********123X',
    idNumberMasked: true,
    state: '已下发村',
    townshipCode: '532301101',
    villageCode: '532301101201',
    unitCode: '532301101201',
    foundOn: '2026-11-20',
    dueOn: `2026-12-0${n}`,
    overdue: n === 1,
    verifyResult: null,
    importId: 'imp-1',
    createdAt: '2026-11-20T00:00:00Z',
    updatedAt: '2026-11-20T00:00:00Z',
    ...overrides,
  } as LeadWire;
}

export function unauthorized(): { status: number; body: unknown } {
  return { status: 401, body: { error: { code: 'unauthorized', message: '未登录或登录已过期，请重新登录', en: 'Not signed in', issues: [] } } };
}
