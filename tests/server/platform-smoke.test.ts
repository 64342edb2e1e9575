import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, type TestServer } from './helpers';

describe('platform smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ routes: PLATFORM_ROUTES, seed: 'platform' });
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
