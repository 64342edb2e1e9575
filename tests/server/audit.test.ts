import { checkAuditEntry, looksPersonal } from '../../server/audit/audit-log';
import { idCheckChar } from '../../ledger/id-number';
import type { TestServer } from './helpers';
import { startPlatformServer } from './auth-helpers';

const FAKE_ID = '53230119900101123' + idCheckChar('53230119900101123');

describe('audit log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPlatformServer();
  });
  afterAll(() => server.close());

  const user = (code: string) => ({ id: 1, username: 'u', role: 'county' as const, unit: { code, name: 'n', level: 'county' as const } });

  it('an entry recorded inside a rolled-back transaction is gone with it', async () => {
    const count = async () => (await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'test.tx'"))!.n;
    await expect(
      server.deps.db.transaction(async (tx) => {
        await server.deps.audit.record({ user: null, action: 'test.tx', target: 't', requestId: 'r' }, tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count()).toBe(0);
    await server.deps.db.transaction((tx) => server.deps.audit.record({ user: null, action: 'test.tx', target: 't', requestId: 'r' }, tx));
    expect(await count()).toBe(1);
  });

  it('refuses entries that look like personal data', async () => {
    expect(looksPersonal(FAKE_ID)).toBe(true);
    expect(looksPersonal('13912345678')).toBe(true);
    expect(looksPersonal('532301101201')).toBe(false);
    expect(looksPersonal('row:6f1c2a9e-3b7d-4c55-9a01-2f6e8d4b7c10')).toBe(false);
    expect(() => checkAuditEntry({ user: null, action: 'x', target: `person:${FAKE_ID}`, requestId: 'r' })).toThrow(/personal data/);
    await expect(
      server.deps.audit.record({ user: null, action: 'x', target: 'row:1', requestId: 'r', detail: { phone: '13912345678' } }),
    ).rejects.toThrow(/personal data/);
  });

  it('GET /audit: county sees its subtree only, admin sees all, village is refused, paging works', async () => {
    await server.deps.audit.record({ user: user('532301'), action: 'test.scope', target: 'a', requestId: 'r1' });
    await server.deps.audit.record({ user: user('532322'), action: 'test.scope', target: 'b', requestId: 'r2' });
    await server.deps.audit.record({ user: user('532301101201'), action: 'test.scope', target: 'c', requestId: 'r3', detail: { rows: 3 } });

    const county = await server.login('demo-county');
    const own = await server.request('GET', '/api/v1/audit?action=test.scope', { token: county });
    expect(own.status).toBe(200);
    expect(own.body.entries.map((e: { target: string }) => e.target).sort()).toEqual(['a', 'c']);
    expect(own.body.entries.find((e: { target: string }) => e.target === 'c').detail).toEqual({ rows: 3 });

    const foreign = await server.request('GET', '/api/v1/audit?unit=532322', { token: county });
    expect(foreign.status).toBe(403);

    const admin = await server.login('demo-admin');
    const all = await server.request('GET', '/api/v1/audit?action=test.scope&pageSize=2&page=1', { token: admin });
    expect(all.body.total).toBe(3);
    expect(all.body.entries).toHaveLength(2);
    const page2 = await server.request('GET', '/api/v1/audit?action=test.scope&pageSize=2&page=2', { token: admin });
    expect(page2.body.entries).toHaveLength(1);
    expect(all.body.entries[0].id).toBeGreaterThan(page2.body.entries[0].id); // newest first

    const village = await server.login('demo-village');
    expect((await server.request('GET', '/api/v1/audit', { token: village })).status).toBe(403);
    expect((await server.request('GET', '/api/v1/audit?pageSize=100000', { token: admin })).status).toBe(400);
    expect((await server.request('GET', '/api/v1/audit?bogus=1', { token: admin })).status).toBe(400);
  });

  it('writes through the API are audited with user, unit and the server-made request id (never the client id)', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'demo-township', password: 'demo1234' },
      headers: { 'x-request-id': 'audit-req-42' },
    });
    expect(res.headers.get('x-client-request-id')).toBe('audit-req-42');
    const serverId = res.headers.get('x-request-id');
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
    const row = await server.deps.db.get<{ user: string; unit: string; action: string; request_id: string }>('SELECT * FROM audit_log WHERE request_id = ?', [serverId]);
    expect(row).toMatchObject({ user: 'demo-township', unit: '532301101', action: 'auth.login' });
    // A client cannot file entries under an id of its choosing (or reuse another request's).
    expect(await server.deps.db.get("SELECT id FROM audit_log WHERE request_id = 'audit-req-42'")).toBeUndefined();
    const line = server.logText().split('\n').find((l) => l.includes('"clientRequestId":"audit-req-42"'));
    expect(line).toContain(serverId!);
  });
});
