/**
 * No ID number, name or phone ever reaches the logs: a full login + write flow (every write route
 * of ALL_ROUTES with its example, a ledger push carrying fabricated people, a multipart import
 * upload and commit of a departmental file with fabricated names, phones and ID numbers — one of
 * them malformed, so a rejected row is reported) plus error paths that carry personal data, then
 * the captured log output is grepped.
 */
import { randomUUID } from 'crypto';
import { idCheckChar } from '../../ledger/id-number';
import { whenRead } from '../../server/imports/service';
import { ALL_ROUTES } from '../../server/routes';
import { createRng, fabricateIdNumber, fabricateName, fabricatePhone } from '../../server/seed/fabricate';
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
/** People of the uploaded departmental file: fabricated (server/seed/fabricate.ts), with phones. */
const rng = createRng('logging-upload');
const UPLOADED = Array.from({ length: 4 }, () => ({
  name: fabricateName(rng),
  idNumber: fabricateIdNumber(rng, { region: '532301', birthYearRange: [1950, 2000] }),
  phone: fabricatePhone(rng),
}));
const SECRETS = [...PEOPLE, ...UPLOADED].flatMap((p) => [p.name, p.idNumber, p.phone, p.idNumber.slice(0, 17)]);

/** A 医保 file (csv) of the uploaded people with an extra phone column; the last ID number is malformed. */
function medicalCsv(): Blob {
  const header = ['姓名', '身份证号', '联系电话', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构', '乡镇（街道）', '村（社区）'];
  const rows = UPLOADED.map((p, i) => [p.name, i === UPLOADED.length - 1 ? `${p.idNumber.slice(0, 17)}Z` : p.idNumber, p.phone, '2026-10-05', '2026-10-09', '60000', '30000', '楚雄州人民医院', '鹿城镇', '示范村']);
  return new Blob([[header, ...rows].map((r) => r.join(',')).join('\r\n')]);
}

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
    expect(ALL_ROUTES.some((r) => r.method === 'post' && r.path === '/ledgers/:villageCode/sync')).toBe(true);
    const synced = await server.request('POST', `/api/v1/ledgers/${village}/sync`, {
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
    expect(synced.status).toBe(200);

    // a multipart import upload (file name and rows carry personal data), read in the background, then committed
    const county = await server.login('demo-county');
    const form = new FormData();
    form.append('source', 'medical');
    form.append('period', '2026-10');
    form.append('file', medicalCsv(), `${UPLOADED[0].name}-${UPLOADED[0].phone}.csv`);
    const uploaded = await fetch(`${server.baseUrl}/api/v1/counties/532301/imports`, { method: 'POST', headers: { authorization: `Bearer ${county}` }, body: form });
    expect(uploaded.status).toBe(202);
    const { importId } = (await uploaded.json()) as { importId: string };
    await whenRead(importId);
    const dryRun = await server.request('GET', `/api/v1/counties/532301/imports/${importId}`, { token: county });
    expect(dryRun.body).toMatchObject({ state: 'ready', summary: { rejectedCount: 1 } });
    const committed = await server.request('POST', `/api/v1/counties/532301/imports/${importId}/commit`, { token: county });
    expect(committed.status).toBe(200);
    expect(committed.body.summary.leadsNew).toBeGreaterThan(0);

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
