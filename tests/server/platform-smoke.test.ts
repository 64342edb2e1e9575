import type { TestServer } from './helpers';
import { startPlatformServer } from './auth-helpers';

describe('platform smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPlatformServer();
  });
  afterAll(() => server.close());

  it('healthz answers ok', async () => {
    const res = await server.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('logs in, reads /me and its unit', async () => {
    const token = await server.login('demo-township');
    const me = await server.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual({ username: 'demo-township', role: 'township', unit: { code: '532301101', name: '鹿城镇', level: 'township' } });
    const unit = await server.request('GET', '/api/v1/units/532301101', { token });
    expect(unit.status).toBe(200);
    expect(unit.body.children.map((c: { code: string }) => c.code)).toContain('532301101201');
  });
});

describe('units', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPlatformServer();
  });
  afterAll(() => server.close());

  it('GET /units/:code returns the unit, its parent code and its children only', async () => {
    const token = await server.login('demo-county');
    const res = await server.request('GET', '/api/v1/units/532301', { token });
    expect(res.body.unit).toEqual({ code: '532301', name: '楚雄市', level: 'county', parentCode: '5323', invented: false });
    const codes = res.body.children.map((c: { code: string }) => c.code);
    expect(codes).toEqual(['532301101', '532301102', '532301103']);
  });

  it('GET /units/:code/subtree lists every unit below, filterable by level', async () => {
    const token = await server.login('demo-township');
    const all = await server.request('GET', '/api/v1/units/532301101/subtree', { token });
    expect(all.body.units.map((u: { code: string }) => u.code)).toEqual(['532301101', '532301101001', '532301101201', '532301101202']);
    const villages = await server.request('GET', '/api/v1/units/532301101/subtree?level=village', { token });
    expect(villages.body.units.every((u: { level: string; invented: boolean }) => u.level === 'village' && u.invented)).toBe(true);
    expect((await server.request('GET', '/api/v1/units/532301101/subtree?level=city', { token })).status).toBe(400);
    expect((await server.request('GET', '/api/v1/units/532301/subtree', { token })).status).toBe(403);
  });
});

describe('connection timing', () => {
  it('keeps idle keep-alive connections longer than a reverse proxy (60 s) and a polling client reuse them, so neither meets a closed socket', async () => {
    const { createServer } = await import('http');
    const { applyConnectionTimeouts } = await import('../../server/http/connection-timeouts');
    const server = applyConnectionTimeouts(createServer());
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});
