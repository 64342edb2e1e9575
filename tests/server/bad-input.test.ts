/**
 * Bad-input corpus against the real app wiring: malformed JSON, wrong types, missing and unknown
 * fields, 50 MB body, huge arrays, SQL- and formula-looking strings (stored literally), invalid
 * dates, unknown routes, errors without stack traces.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../ledger/api/common';
import { AppError } from '../../server/http/errors';
import { defineRoute, type RouteSpec } from '../../server/http/route-table';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, type TestServer } from './helpers';

const NoteBody = z.strictObject({
  text: z.string().max(2000),
  date: IsoDateSchema,
  count: z.number().int().min(0),
  tags: z.array(z.string().max(50)).max(100),
});

/** A test-only endpoint that stores what it is given, so "stored literally" can be read back. */
const TEST_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/test-notes/:villageCode',
    summary: '测试',
    tag: 'test',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: z.strictObject({ villageCode: z.string() }),
    body: NoteBody,
    async handle({ params, body, deps }) {
      const result = await deps.db.run('INSERT INTO test_notes (unit, body) VALUES (?, ?)', [params.villageCode, JSON.stringify(body)]);
      return { status: 201, body: { id: result.lastID } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/test-notes/:villageCode/:id',
    summary: '测试',
    tag: 'test',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: z.strictObject({ villageCode: z.string(), id: z.coerce.number().int() }),
    async handle({ params, deps }) {
      const row = await deps.db.get<{ body: string }>('SELECT body FROM test_notes WHERE id = ? AND unit = ?', [params.id, params.villageCode]);
      if (!row) throw new AppError('not_found');
      return { body: JSON.parse(row.body) as unknown };
    },
  }),
  // Written as a bare RouteSpec on purpose: defineRoute would not compile a body that misses its schema.
  {
    method: 'get',
    path: '/test-wrong-response',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    response: z.object({ ok: z.literal(true) }),
    async handle() {
      return { body: { ok: 'yes' } };
    },
  },
  {
    method: 'get',
    path: '/test-crash',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    async handle() {
      throw new Error('secret internal detail at /srv/app.js:12');
    },
  },
];

const VALID = { text: '走访记录', date: '2026-10-15', count: 3, tags: ['a'] };
const NOTES = '/api/v1/test-notes/532301101201';

describe('bad input', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ routes: [...PLATFORM_ROUTES, ...TEST_ROUTES], seed: 'platform' });
    await server.deps.db.exec('CREATE TABLE test_notes (id INTEGER PRIMARY KEY, unit TEXT, body TEXT)');
    token = await server.login('demo-village');
  });
  afterAll(() => server.close());

  function expectErrorShape(body: any, code: string) {
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/); // Chinese first
    expect(Array.isArray(body.error.issues)).toBe(true);
    expect(typeof body.error.requestId).toBe('string');
  }

  it('accepts the valid request (baseline)', async () => {
    const res = await server.request('POST', NOTES, { token, body: VALID });
    expect(res.status).toBe(201);
  });

  it('malformed JSON → 400 JSON', async () => {
    const res = await server.request('POST', NOTES, { token, rawBody: '{"text": "a",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'malformed_json');
  });

  it('malformed JSON on login → 400 JSON as well', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', { rawBody: "{username:'x'}", headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'malformed_json');
  });

  it('wrong types → 400 with the paths of the problems', async () => {
    const res = await server.request('POST', NOTES, { token, body: { ...VALID, count: '3', tags: 'a' } });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'invalid_request');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.count', 'body.tags']));
  });

  it('missing fields → 400 naming them', async () => {
    const res = await server.request('POST', NOTES, { token, body: { text: 'x' } });
    expect(res.status).toBe(400);
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.date', 'body.count', 'body.tags']));
  });

  it('a body that is not an object (array, string, null) → 400', async () => {
    for (const raw of ['[]', '"text"', 'null', '42']) {
      const res = await server.request('POST', NOTES, { token, rawBody: raw, headers: { 'content-type': 'application/json' } });
      expect([400]).toContain(res.status);
      expect(res.body.error).toBeDefined();
    }
  });

  it('unknown fields → 400 naming the field', async () => {
    const res = await server.request('POST', NOTES, { token, body: { ...VALID, isAdmin: true } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.issues)).toContain('isAdmin');
    const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234', role: 'admin' } });
    expect(login.status).toBe(400);
    expect(JSON.stringify(login.body.error.issues)).toContain('role');
  });

  it('__proto__ in a body is an unknown field, not a prototype change', async () => {
    const res = await server.request('POST', NOTES, { token, rawBody: JSON.stringify(VALID).replace('{', '{"__proto__":{"admin":true},'), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('50 MB body → 413 JSON (limit 5 MB)', async () => {
    const big = JSON.stringify({ ...VALID, text: 'x'.repeat(50 * 1024 * 1024) });
    const res = await server.request('POST', NOTES, { token, rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expectErrorShape(res.body, 'payload_too_large');
  });

  it('huge arrays under the byte limit → 400 by the schema bound', async () => {
    const res = await server.request('POST', NOTES, { token, body: { ...VALID, tags: Array.from({ length: 200_000 }, () => 'a') } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.issues)).toContain('body.tags');
  });

  it.each([
    "'); DROP TABLE users; --",
    "1 OR 1=1",
    "Robert'); DELETE FROM audit_log WHERE ('1'='1",
    '=HYPERLINK("http://evil.example","点击")',
    '+1+2',
    '-2+3',
    '@SUM(A1:A9)',
    '=cmd|" /C calc"!A0',
    '\u0000null byte',
    '彝族 𠀀 emoji 🙂',
  ])('stores %j literally', async (text) => {
    const created = await server.request('POST', NOTES, { token, body: { ...VALID, text, tags: [text.slice(0, 50)] } });
    expect(created.status).toBe(201);
    const back = await server.request('GET', `${NOTES}/${created.body.id}`, { token });
    expect(back.status).toBe(200);
    expect(back.body.text).toBe(text);
    expect(back.body.tags).toEqual([text.slice(0, 50)]);
    const users = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    expect(users!.n).toBeGreaterThan(0);
  });

  it.each(['2026-02-30', '2026-13-01', '2026/10/15', '15.10.2026', '2026-10-15T00:00:00Z', '', '45123'])(
    'invalid date %j → 400',
    async (date) => {
      const res = await server.request('POST', NOTES, { token, body: { ...VALID, date } });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe('body.date');
    },
  );

  it('wrong content type for a JSON endpoint → 415', async () => {
    const res = await server.request('POST', NOTES, { token, rawBody: 'text=1', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expectErrorShape(res.body, 'unsupported_media_type');
  });

  it('unit codes: bad shape → 400, wrong level → 400, unknown unit in own subtree → 404', async () => {
    const prefecture = await server.login('demo-prefecture');
    const shape = await server.request('POST', '/api/v1/test-notes/53230110120X', { token: prefecture, body: VALID });
    expect(shape.status).toBe(400);
    const level = await server.request('POST', '/api/v1/test-notes/532301101', { token: prefecture, body: VALID });
    expect(level.status).toBe(400);
    expect(level.body.error.code).toBe('wrong_unit_level');
    const unknown = await server.request('POST', '/api/v1/test-notes/532301101399', { token: prefecture, body: VALID });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unit_not_found');
  });

  it('a foreign unit is 403 whether or not it exists (no existence leak)', async () => {
    const existing = await server.request('POST', '/api/v1/test-notes/532301102201', { token, body: VALID });
    const missing = await server.request('POST', '/api/v1/test-notes/532301102399', { token, body: VALID });
    expect(existing.status).toBe(403);
    expect(missing.status).toBe(403);
  });

  it('unknown route → 404 JSON, for any method', async () => {
    for (const [method, path] of [['GET', '/api/v1/nope'], ['POST', '/api/v1/nope'], ['GET', '/nope'], ['DELETE', '/api/v1/me']]) {
      const res = await server.request(method, path, { token });
      expect(res.status).toBe(404);
      expectErrorShape(res.body, 'not_found');
    }
  });

  it('an unexpected error → 500 JSON with the request id, no stack or internals', async () => {
    const res = await server.request('GET', '/api/v1/test-crash', { headers: { 'x-request-id': 'trace-123' } });
    expect(res.status).toBe(500);
    expectErrorShape(res.body, 'internal_error');
    // The error names the server-made id (what the logs and audit use); the client's id is echoed beside it.
    expect(res.body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(res.body.error.requestId);
    expect(res.headers.get('x-client-request-id')).toBe('trace-123');
    expect(res.text).not.toMatch(/secret internal detail|\/srv\/app\.js|at .*:\d+/);
    expect(server.logText()).toContain('secret internal detail'); // the operator still sees it
  });

  it('a response that does not match its declared schema is reported in the log (demo mode)', async () => {
    const res = await server.request('GET', '/api/v1/test-wrong-response', { contract: false });
    expect(res.status).toBe(200);
    expect(server.logText()).toMatch(/response does not match its schema.*|"route":"\/api\/v1\/test-wrong-response"/);
    const line = server.logText().split('\n').find((l) => l.includes('response does not match its schema'));
    expect(line).toContain('/api/v1/test-wrong-response');
  });

  it('generates a request id when none (or a malformed one) is given', async () => {
    const res = await server.request('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-client-request-id')).toBeNull();
  });

  it('hardening headers are set (helmet) and x-powered-by is not', async () => {
    const res = await server.request('GET', '/healthz');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
