/**
 * Reads of ledger rows (issue 8 part 5): every read returning an unmasked ID number or phone is
 * audited once per request with the row count and the unmasked fields; prefecture and admin see
 * phones masked (138****1234) as they see ID numbers, while the units that work the cases keep them.
 */
import { maskPhoneText } from '../../server/ledger/routes';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201';
const ROWS = `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`;

describe('ledger reads: audit and masking', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-township', 'demo-county', 'demo-prefecture', 'demo-admin']) tokens[user] = await server.login(user);
  });
  afterAll(() => server.close());

  async function auditOf(requestId: string): Promise<{ action: string; target: string; detail: Record<string, unknown> }[]> {
    const rows = await server.deps.db.all<{ action: string; target: string; detail: string }>('SELECT action, target, detail FROM audit_log WHERE request_id = ?', [requestId]);
    return rows.map((row) => ({ action: row.action, target: row.target, detail: JSON.parse(row.detail) }));
  }

  /** The server-made id of the request (the audit id), from the response header. */
  function auditIdOf(res: { headers: Headers }): string {
    return res.headers.get('x-request-id')!;
  }

  it('the village reading its own rows, versions and submission snapshot: one audit entry per request with the row count', async () => {
    const rows = await server.request('GET', ROWS, { token: tokens['demo-village'] });
    expect(rows.status).toBe(200);
    expect(rows.body.masked).toBe(false);
    const count = rows.body.rows.length;
    expect(count).toBeGreaterThan(0);
    expect(await auditOf(auditIdOf(rows))).toEqual([{ action: 'ledger.rows.read_unmasked', target: VILLAGE, detail: { rows: count, unmasked: 'idNumber,phone' } }]);

    const rowId = rows.body.rows[0].rowId;
    const versions = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows/${rowId}/versions`, { token: tokens['demo-village'] });
    expect(versions.status).toBe(200);
    expect(await auditOf(auditIdOf(versions))).toEqual([
      { action: 'ledger.versions.read_unmasked', target: VILLAGE, detail: { rows: versions.body.versions.length, unmasked: 'idNumber,phone' } },
    ]);

    const submitted = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: tokens['demo-village'], body: { month: '2026-10' } });
    expect(submitted.status).toBe(201);
    const snapshot = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/2026-10`, { token: tokens['demo-village'] });
    expect(snapshot.status).toBe(200);
    expect(await auditOf(auditIdOf(snapshot))).toEqual([
      { action: 'ledger.snapshot.read_unmasked', target: VILLAGE, detail: { rows: snapshot.body.rows.length, unmasked: 'idNumber,phone' } },
    ]);
  });

  it('a township reading a village\'s rows gets its phones in full: audited, naming the phones', async () => {
    const res = await server.request('GET', ROWS, { token: tokens['demo-township'] });
    expect(res.body.masked).toBe(true);
    expect(await auditOf(auditIdOf(res))).toEqual([
      { action: 'ledger.rows.read_unmasked', target: VILLAGE, detail: { rows: res.body.rows.length, unmasked: 'phone' } },
    ]);
  });

  it('wholly masked reads (prefecture, admin) are not logged as unmasked reads', async () => {
    for (const user of ['demo-prefecture', 'demo-admin']) {
      const res = await server.request('GET', ROWS, { token: tokens[user] });
      expect(res.body.masked).toBe(true);
      expect(await auditOf(auditIdOf(res))).toEqual([]);
    }
  });

  it('phones: full for village, township and county; masked for prefecture and admin (rows, versions, snapshots)', async () => {
    const phonesOf = async (user: string, path = ROWS) => {
      const res = await server.request('GET', path, { token: tokens[user] });
      expect(res.status).toBe(200);
      const rows = (res.body.rows ?? res.body.versions) as { values: { phone: string | null } }[];
      return rows.map((row) => row.values.phone).filter((phone): phone is string => Boolean(phone));
    };
    const full = await phonesOf('demo-village');
    expect(full.length).toBeGreaterThan(0);
    expect(full.every((phone) => !phone.includes('*'))).toBe(true);
    expect(await phonesOf('demo-township')).toEqual(full);
    expect(await phonesOf('demo-county')).toEqual(full);
    for (const user of ['demo-prefecture', 'demo-admin']) {
      const masked = await phonesOf(user);
      expect(masked).toEqual(full.map(maskPhoneText));
      for (const phone of masked) expect(phone).toMatch(/^(1\d{2}\*{4}\d{4}|[\d-]+\*+\d{4})([、，,；;/／ ].*)?$/);
      const rowId = (await server.request('GET', ROWS, { token: tokens[user] })).body.rows[0].rowId;
      const history = await phonesOf(user, `/api/v1/ledgers/${VILLAGE}/rows/${rowId}/versions`);
      for (const phone of history) expect(phone).toContain('****');
      const snapshot = await phonesOf(user, `/api/v1/ledgers/${VILLAGE}/submissions/2026-10`);
      for (const phone of snapshot) expect(phone).toContain('****');
    }
  });

  it('maskPhoneText masks every number of a multi-number cell', () => {
    expect(maskPhoneText('13812345678')).toBe('138****5678');
    expect(maskPhoneText('13812345678、0878-3123456')).toBe('138****5678、0878-***3456');
  });
});
