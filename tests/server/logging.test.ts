/**
 * No ID number, name or phone ever reaches the logs: a full login + write flow (every write route
 * of ALL_ROUTES with its example, a ledger push carrying fabricated people when the sync route
 * exists) plus error paths that carry personal data, then the captured log output is grepped.
 */
import { randomUUID } from 'crypto';
import { idCheckChar } from '../../ledger/idnumber';
import { ALL_ROUTES } from '../../server/routes';
import { startTestServer, type TestServer } from './helpers';

/** Fabricated people (made up: names unlikely to occur anywhere else, valid check characters). */
function fabricatedId(first17: string): string {
  return first17 + idCheckChar(first17);
}
const PEOPLE = [
  { name: '虚构甲乙丙', idNumber: fabricatedId('53230119850312123'), phone: '13987650123' },
  { name: '测试丁戊己', idNumber: fabricatedId('53232219770101456'), phone: '15912340987' },
  { name: '样例庚辛', idNumber: fabricatedId('53230120120229781'), phone: '18800001111' },
];
const SECRETS = PEOPLE.flatMap((p) => [p.name, p.idNumber, p.phone, p.idNumber.slice(0, 17)]);

describe('logs carry no personal data', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login('demo-village');
  });
  afterAll(() => server.close());

  it('after login, writes and error paths, the log has requests but none of the personal data', async () => {
    const village = '532301101201';
    const sync = ALL_ROUTES.find((r) => r.method === 'post' && r.path === '/ledgers/:villageCode/sync');
    if (sync) {
      const res = await server.request('POST', `/api/v1/ledgers/${village}/sync`, {
        token,
        body: {
          clientId: 'log-test',
          requestId: randomUUID(),
          changes: PEOPLE.map((p) => ({
            rowId: randomUUID(),
            baseVersion: 0,
            values: { name: p.name, idNumber: p.idNumber, phone: p.phone, categories: ['低保边缘家庭'], channel: '线下走访', foundOn: '2026-10-12' },
          })),
        },
      });
      expect(res.status).toBeLessThan(500);
    }

    // every other write endpoint with its example, as the village (own unit)
    for (const spec of ALL_ROUTES.filter((r) => r.method !== 'get' && r.path !== '/auth/logout' && !r.multipart)) {
      const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
        name === spec.unitParam ? village : (spec.example?.params?.[name] ?? 'x'),
      );
      const res = await server.request(spec.method.toUpperCase(), `/api/v1${path}`, { token, body: spec.example?.body ?? {} });
      expect(res.status).toBeLessThan(500);
    }

    // error paths that carry personal data
    const [a, b, c] = PEOPLE;
    await server.request('POST', '/api/v1/auth/login', { body: { username: a.idNumber, password: a.phone } });
    await server.request('POST', '/api/v1/auth/login', { body: { username: b.name, password: 'x', [c.name]: c.idNumber } });
    await server.request('POST', '/api/v1/auth/login', { rawBody: `{"username": "${a.name}", ${b.idNumber}`, headers: { 'content-type': 'application/json' } });
    await server.request('GET', `/api/v1/people/${a.idNumber}?name=${encodeURIComponent(b.name)}&phone=${c.phone}`, { token });
    await server.request('GET', `/api/v1/units/532301101201?q=${a.idNumber}`, { token });
    await server.request('GET', '/api/v1/me', { token, headers: { 'x-request-id': b.idNumber } });
    await server.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${c.idNumber}` } });
    const big = JSON.stringify({ username: a.name, password: 'y'.repeat(6 * 1024 * 1024) + b.idNumber });
    expect((await server.request('POST', '/api/v1/auth/login', { rawBody: big, headers: { 'content-type': 'application/json' } })).status).toBe(413);

    // direct logger misuse is redacted too
    server.deps.logger.info({ body: a, values: b, person: { name: c.name, idNumber: c.idNumber, phone: c.phone } }, 'object with personal fields');

    const log = server.logText();
    expect(log).toContain('"msg":"request"');
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(8);
    const leaked = SECRETS.filter((secret) => log.includes(secret));
    expect(leaked).toEqual([]);
    expect(log).not.toContain('demo1234');
    expect(log).not.toContain(token);
  });
});
