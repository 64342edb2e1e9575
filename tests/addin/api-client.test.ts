/**
 * The add-in's API client against the real server on a loopback port (real SQLite file): answers
 * parsed with the shared schemas, the API's error shape read into ApiError, a dropped answer
 * retried with the same request id (the server applies it once), timeouts, an unreachable server,
 * an answer that is not what the schema says, the sign-in kept in the pane's storage only.
 */
import { randomUUID } from 'crypto';
import { createServer } from 'net';
import { ApiClient, type FetchLike } from '../../addin/api/client';
import { ApiError } from '../../addin/api/errors';
import { checkServerUrl, loadSession, saveSession, Session, type KeyValueStorage } from '../../addin/api/session';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { startTestServer, type TestServer } from '../server/helpers';

const VILLAGE = '532301101201'; // 示范村
const VILLAGE2 = '532301102201'; // 东瓜示例村
const noWait = () => Promise.resolve();

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('API client against the real server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function signedIn(username: string, extra: { fetch?: FetchLike } = {}): Promise<ApiClient> {
    const token = await server.login(username);
    return new ApiClient({ baseUrl: `${server.baseUrl}/`, token: () => token, backoff: noWait, ...extra });
  }

  it('signs in, reads me, lists the unit’s leads with filters, parsed with the shared schemas', async () => {
    const anonymous = new ApiClient({ baseUrl: server.baseUrl });
    const login = await anonymous.login('demo-village', 'demo1234');
    expect(login.user).toMatchObject({ username: 'demo-village', role: 'village', unit: { code: VILLAGE } });
    const client = new ApiClient({ baseUrl: server.baseUrl, token: () => login.token });
    expect((await client.me()).unit.code).toBe(VILLAGE);

    const all = await client.listLeads(VILLAGE);
    expect(all.total).toBe(3);
    expect(all.leads.every((lead) => lead.villageCode === VILLAGE && lead.state === '已下发村')).toBe(true);
    const filtered = await client.listLeads(VILLAGE, { state: '已办结' });
    expect(filtered.total).toBe(0);
  });

  it('reads a lead masked, unmasked for its own village; pulls it into the ledger (→ 核实中)', async () => {
    const client = await signedIn('demo-village');
    const [lead] = (await client.listLeads(VILLAGE)).leads;
    const masked = await client.leadDetail(lead.leadNo);
    expect(masked.lead.idNumberMasked).toBe(true);
    expect(masked.lead.idNumber).toContain('*');
    const full = await client.leadDetail(lead.leadNo, true);
    expect(full.lead.idNumber).toMatch(/^\d{17}[\dX]$/);

    const rowId = randomUUID();
    const pulled = await client.pullLead(lead.leadNo, rowId);
    expect(pulled.lead.state).toBe('核实中');
    expect(pulled.lead.ledgerRowId).toBe(rowId);
    expect(pulled.ledgerValues).toMatchObject({ leadNo: lead.leadNo, channel: '部门比对', idNumber: full.lead.idNumber });
  });

  it('turns the API error shape into ApiError with zh and en (401, 403, 404)', async () => {
    const stranger = new ApiClient({ baseUrl: server.baseUrl, token: () => 'not-a-token' });
    const unauthorized = await stranger.me().catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(ApiError);
    expect(unauthorized).toMatchObject({ kind: 'http', status: 401, code: 'unauthorized', signedOut: true });
    expect((unauthorized as ApiError).zh).toMatch(/登录/);

    const client = await signedIn('demo-village');
    const foreign = await client.listLeads('532301102201').catch((error: unknown) => error);
    expect(foreign).toMatchObject({ kind: 'http', status: 403, code: 'forbidden' });
    const missing = await client.leadDetail('XS-532301-202601-99999').catch((error: unknown) => error);
    expect(missing).toMatchObject({ kind: 'http', status: 404 });
    expect((missing as ApiError).requestId).not.toBe('');
  });

  it('checks the request against the shared schema before sending anything', async () => {
    const sent: string[] = [];
    const client = new ApiClient({ baseUrl: server.baseUrl, fetch: (url, init) => (sent.push(url), fetch(url, init)) });
    const error = await client.login('', 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_input' });
    expect((error as ApiError).issues.map((issue) => issue.path)).toEqual(['username']);
    expect(sent).toEqual([]);
  });

  it('retries a sync whose answer was lost with the same request id and body: applied once', async () => {
    const token = await server.login('demo-village2');
    const calls: { requestId: string | null; body: string }[] = [];
    let drop = true;
    const flaky: FetchLike = async (url, init) => {
      calls.push({ requestId: new Headers(init.headers).get('x-request-id'), body: String(init.body) });
      const response = await fetch(url, init);
      if (drop) {
        drop = false;
        await response.text();
        throw new TypeError('network connection lost'); // the server applied it; the answer never arrived
      }
      return response;
    };
    const client = new ApiClient({ baseUrl: server.baseUrl, token: () => token, fetch: flaky, backoff: noWait });
    const values = fabricateLedgerValues(createRng('api-client-retry'), { region: '532301' });
    delete values.seq;
    const rowId = randomUUID();
    const requestId = randomUUID();
    const response = await client.sync(VILLAGE2, { clientId: 'api-test', requestId, changes: [{ rowId, baseVersion: 0, values: values as Record<string, never> }] });

    expect(calls).toHaveLength(2);
    expect(calls[0].requestId).toBe(requestId);
    expect(calls[1]).toEqual(calls[0]);
    expect(response.applied).toEqual([{ rowId, version: 1, merged: false }]);
    const history = await client.rowVersions(VILLAGE2, rowId);
    expect(history.versions.map((version) => version.version)).toEqual([1]);
  });

  it('does not retry a submission (not idempotent): the drop is reported as unreachable', async () => {
    let calls = 0;
    const token = await server.login('demo-village');
    const client = new ApiClient({
      baseUrl: server.baseUrl,
      token: () => token,
      backoff: noWait,
      fetch: async () => {
        calls++;
        throw new TypeError('offline');
      },
    });
    const error = await client.submitMonth(VILLAGE, '2026-10').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable', offline: true });
    expect(calls).toBe(1);
  });

  it('a refused month comes back with the blocking rows’ findings', async () => {
    const client = await signedIn('demo-village2');
    const bad: Record<string, unknown> = { ...fabricateLedgerValues(createRng('api-client-bad'), { region: '532301' }), idNumber: '532301199001011234' };
    delete bad.seq;
    const rowId = randomUUID();
    await client.sync(VILLAGE2, { clientId: 'api-test', requestId: randomUUID(), changes: [{ rowId, baseVersion: 0, values: bad as Record<string, never> }] });
    const outcome = await client.submitMonth(VILLAGE2, '2026-10');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.refused.errorRows).toBeGreaterThan(0);
    const row = outcome.refused.findings.find((entry) => entry.rowId === rowId);
    expect(row?.findings.map((finding) => finding.code)).toContain('id.checksum');
    expect(outcome.error.zh).toMatch(/错误/);
  });

  it('an unreachable server and a timeout are told apart, in zh and en, after the retries', async () => {
    const port = await closedPort();
    let attempts = 0;
    const counting: FetchLike = (url, init) => (attempts++, fetch(url, init));
    const down = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, fetch: counting, backoff: noWait, retries: 2 });
    const error = await down.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unreachable', status: 0, offline: true });
    expect((error as ApiError).zh).toMatch(/无法连接服务器/);
    expect((error as ApiError).en).toMatch(/Cannot reach the server/);
    expect(attempts).toBe(3);

    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const slow = new ApiClient({ baseUrl: server.baseUrl, fetch: hanging, timeoutMs: 20, retries: 0 });
    await expect(slow.me()).rejects.toMatchObject({ kind: 'timeout', offline: true });
  });

  it('an answer that breaks the shared schema is refused, not trusted', async () => {
    const liar = new ApiClient({
      baseUrl: server.baseUrl,
      fetch: async () => new Response(JSON.stringify({ user: { username: 'x' } }), { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    await expect(liar.me()).rejects.toMatchObject({ kind: 'invalid_response' });
    const html = new ApiClient({ baseUrl: server.baseUrl, fetch: async () => new Response('<html>proxy login</html>', { status: 502 }) });
    await expect(html.me()).rejects.toMatchObject({ kind: 'invalid_response', status: 502 });
  });

  it('Session: signs in, keeps the token in the pane’s storage per server, signs out (token revoked)', async () => {
    const storage = new MapStorage();
    const session = new Session(storage, server.baseUrl, { backoff: noWait });
    expect(session.current.status).toBe('signedOut');
    const changes: string[] = [];
    session.subscribe(() => changes.push(session.current.status));
    await session.signIn('demo-village', 'demo1234');
    expect(session.current).toMatchObject({ status: 'signedIn', user: { username: 'demo-village' } });
    const stored = loadSession(storage, server.baseUrl);
    expect(stored?.token).toBeTruthy();

    // a new pane (same storage) is signed in at once
    const again = new Session(storage, server.baseUrl);
    expect(again.current.status).toBe('signedIn');
    expect((await again.client.me()).username).toBe('demo-village');

    await session.signOut();
    expect(changes).toEqual(['signedIn', 'signedOut']);
    expect(loadSession(storage, server.baseUrl)).toBeNull();
    // the token was revoked on the server
    const revoked = new ApiClient({ baseUrl: server.baseUrl, token: () => stored!.token });
    await expect(revoked.me()).rejects.toMatchObject({ status: 401 });
  });

  it('a wrong password is the server’s message; signing out while the server is down still forgets the token', async () => {
    const storage = new MapStorage();
    const session = new Session(storage, server.baseUrl);
    await expect(session.signIn('demo-village', 'wrong-password')).rejects.toMatchObject({ status: 401, code: 'bad_credentials' });
    expect(session.current.status).toBe('signedOut');

    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    saveSession(storage, url, { token: 't', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user: { username: 'u', role: 'village', unit: { code: VILLAGE, name: '示范村', level: 'village' } } });
    const offline = new Session(storage, url, { backoff: noWait, retries: 0 });
    expect(offline.current.status).toBe('signedIn');
    await offline.signOut();
    expect(offline.current.status).toBe('signedOut');
    expect(loadSession(storage, url)).toBeNull();
  });
});

describe('stored session and server address', () => {
  const user = { username: 'u', role: 'village' as const, unit: { code: VILLAGE, name: '示范村', level: 'village' as const } };

  it('an expired or corrupt stored session counts as signed out and is removed', () => {
    const storage = new MapStorage();
    saveSession(storage, 'https://a.example/', { token: 't', expiresAt: '2026-01-01T00:00:00Z', user });
    expect(loadSession(storage, 'https://a.example', new Date('2025-12-31T00:00:00Z'))?.token).toBe('t');
    expect(loadSession(storage, 'https://a.example', new Date('2026-01-02T00:00:00Z'))).toBeNull();
    expect(storage.map.size).toBe(0);
    storage.setItem('ledger.session:https://b.example', '{not json');
    expect(loadSession(storage, 'https://b.example')).toBeNull();
    expect(storage.map.size).toBe(0);
  });

  it('accepts an origin, refuses paths, credentials and other schemes with a message', () => {
    expect(checkServerUrl(' https://ledger.cx.example/ ')).toEqual({ ok: true, url: 'https://ledger.cx.example' });
    expect(checkServerUrl('http://127.0.0.1:3250')).toEqual({ ok: true, url: 'http://127.0.0.1:3250' });
    for (const bad of ['ledger.example', 'ftp://x.example', 'https://u:p@x.example', 'https://x.example/api/v1']) {
      const result = checkServerUrl(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.zh).toMatch(/服务器地址/);
    }
  });
});
