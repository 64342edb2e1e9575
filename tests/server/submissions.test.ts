/**
 * Monthly submission and approval over HTTP (real SQLite file): frozen snapshot, 422 when a row
 * has an error, return with a reason and resubmission, approval, state history, the county's
 * list of villages that have not submitted, and who may do what.
 */
import { randomUUID } from 'crypto';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201'; // 示范村, 鹿城镇
const VILLAGE2 = '532301102201'; // 东瓜镇
const MONTH = '2026-10';

describe('monthly submission and approval', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const rng = createRng('submissions-test');

  const as = (user: string) => tokens[user];

  async function sync(user: string, village: string, changes: unknown[]) {
    const res = await server.request('POST', `/api/v1/ledgers/${village}/sync`, {
      token: as(user),
      body: { clientId: 'test', requestId: randomUUID(), changes },
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-village2', 'demo-township', 'demo-township2', 'demo-county', 'demo-county2', 'demo-prefecture']) {
      tokens[user] = await server.login(user);
    }
  });
  afterAll(() => server.close());

  it('freezes a snapshot of the live rows; later edits do not change it', async () => {
    const rows = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token: as('demo-village') });
    expect(rows.body.total).toBeGreaterThan(0);
    const res = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: as('demo-village'), body: { month: MONTH } });
    expect(res.status).toBe(201);
    expect(res.body.submission).toMatchObject({ villageCode: VILLAGE, month: MONTH, state: '已提交', revision: 1, rowCount: rows.body.total, submittedBy: 'demo-village' });
    expect(res.body.history).toMatchObject([{ fromState: null, toState: '已提交', userName: 'demo-village', role: 'village', unitName: '示范村' }]);

    // a later edit of the live ledger leaves the snapshot as it was
    const first = rows.body.rows[0];
    await sync('demo-village', VILLAGE, [{ rowId: first.rowId, baseVersion: first.version, values: { notes: '报送后修改' } }]);
    const detail = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}?pageSize=500`, { token: as('demo-township') });
    expect(detail.status).toBe(200);
    const frozen = detail.body.rows.find((row: { rowId: string }) => row.rowId === first.rowId);
    expect(frozen.version).toBe(first.version);
    expect(frozen.values.notes).not.toBe('报送后修改');
    // the township sees masked ID numbers in the snapshot
    expect(detail.body.masked).toBe(true);
    expect(frozen.values.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);

    // submitting the same month again is refused while it is pending
    const again = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: as('demo-village'), body: { month: MONTH } });
    expect(again.status).toBe(409);
  });

  it('refuses with 422 and the findings when any row has an error, and stores nothing', async () => {
    const bad: Record<string, unknown> = { ...fabricateLedgerValues(rng, { region: '532301' }), idNumber: '532301199001011234' };
    delete bad.seq;
    const rowId = randomUUID();
    await sync('demo-village2', VILLAGE2, [{ rowId, baseVersion: 0, values: bad }]);
    const res = await server.request('POST', `/api/v1/ledgers/${VILLAGE2}/submissions`, { token: as('demo-village2'), body: { month: MONTH } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ledger_has_errors');
    expect(res.body.error.message).toMatch(/错误/);
    const entry = res.body.error.findings.find((f: { rowId: string }) => f.rowId === rowId);
    expect(entry.findings.map((f: { code: string }) => f.code)).toContain('id.checksum');
    const list = await server.request('GET', `/api/v1/ledgers/${VILLAGE2}/submissions`, { token: as('demo-village2') });
    expect(list.body.submissions).toEqual([]);

    // deleting the bad row (a tombstone) unblocks the month
    await sync('demo-village2', VILLAGE2, [{ rowId, baseVersion: 1, values: {}, deleted: true }]);
    const ok = await server.request('POST', `/api/v1/ledgers/${VILLAGE2}/submissions`, { token: as('demo-village2'), body: { month: '2026-09' } });
    expect(ok.status).toBe(201);
    expect(ok.body.submission.rowCount).toBeGreaterThan(0);
  });

  it('lets the township return with a reason; the village fixes and resubmits; the township approves', async () => {
    const path = `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}`;
    const noReason = await server.request('POST', `${path}/return`, { token: as('demo-township'), body: { reason: '  ' } });
    expect(noReason.status).toBe(400);

    const returned = await server.request('POST', `${path}/return`, { token: as('demo-township'), body: { reason: '第1行核实结果未填写' } });
    expect(returned.status).toBe(200);
    expect(returned.body.submission).toMatchObject({ state: '已退回', returnReason: '第1行核实结果未填写', decidedBy: 'demo-township' });

    const cannotApprove = await server.request('POST', `${path}/approve`, { token: as('demo-township'), body: {} });
    expect(cannotApprove.status).toBe(409);

    const resubmitted = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: as('demo-village'), body: { month: MONTH } });
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body.submission).toMatchObject({ state: '已提交', revision: 2, returnReason: null });
    // the new revision has the edit made after the first submission
    const detail = await server.request('GET', `${path}?pageSize=500`, { token: as('demo-village') });
    expect(detail.body.rows.map((row: { values: { notes: unknown } }) => row.values.notes)).toContain('报送后修改');
    expect(detail.body.masked).toBe(false);

    const approved = await server.request('POST', `${path}/approve`, { token: as('demo-township') });
    expect(approved.status).toBe(200);
    expect(approved.body.submission).toMatchObject({ state: '已审核', revision: 2, decidedBy: 'demo-township' });
    expect(approved.body.history.map((h: { fromState: string | null; toState: string; userName: string }) => [h.fromState, h.toState, h.userName])).toEqual([
      [null, '已提交', 'demo-village'],
      ['已提交', '已退回', 'demo-township'],
      ['已退回', '已提交', 'demo-village'],
      ['已提交', '已审核', 'demo-township'],
    ]);
    expect(approved.body.history[1].reason).toBe('第1行核实结果未填写');

    const twice = await server.request('POST', `${path}/approve`, { token: as('demo-township') });
    expect(twice.status).toBe(409);

    const audit = await server.deps.db.all<{ action: string; target: string }>(
      "SELECT action, target FROM audit_log WHERE action LIKE 'ledger.submission.%' AND target = ? ORDER BY id",
      [`${VILLAGE}:${MONTH}`],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'ledger.submission.submit',
      'ledger.submission.return',
      'ledger.submission.resubmit',
      'ledger.submission.approve',
    ]);
  });

  it('shows the county which villages have and have not submitted', async () => {
    const res = await server.request('GET', `/api/v1/units/532301/submissions?month=${MONTH}`, { token: as('demo-county') });
    expect(res.status).toBe(200);
    const byCode = new Map(res.body.villages.map((v: { villageCode: string }) => [v.villageCode, v]));
    expect(byCode.get(VILLAGE)).toMatchObject({ state: '已审核', revision: 2, townshipCode: '532301101', townshipName: '鹿城镇' });
    expect(byCode.get(VILLAGE2)).toMatchObject({ state: '未提交' }); // it submitted 2026-09, not 2026-10
    expect(res.body.missing).toContain(VILLAGE2);
    expect(res.body.missing).not.toContain(VILLAGE);
    const { villages, submitted, approved, returned, notSubmitted } = res.body.counts;
    expect(submitted + approved + returned + notSubmitted).toBe(villages);
    expect(villages).toBe(res.body.villages.length);
    expect(res.body.villages.every((v: { villageCode: string }) => v.villageCode.startsWith('532301'))).toBe(true);

    const september = await server.request('GET', `/api/v1/units/532301/submissions?month=2026-09`, { token: as('demo-county') });
    expect(september.body.villages.find((v: { villageCode: string }) => v.villageCode === VILLAGE2).state).toBe('已提交');

    // a township sees its own villages only; the prefecture sees them all
    const township = await server.request('GET', `/api/v1/units/532301101/submissions?month=${MONTH}`, { token: as('demo-township') });
    expect(township.body.villages.every((v: { villageCode: string }) => v.villageCode.startsWith('532301101'))).toBe(true);
    const prefecture = await server.request('GET', `/api/v1/units/5323/submissions?month=${MONTH}`, { token: as('demo-prefecture') });
    expect(prefecture.body.counts.villages).toBeGreaterThan(res.body.counts.villages);

    expect((await server.request('GET', `/api/v1/units/532301/submissions?month=${MONTH}`, { token: as('demo-county2') })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/units/532301/submissions?month=2026-13`, { token: as('demo-county') })).status).toBe(400);
  });

  it('lets only the village submit and only its own township approve or return', async () => {
    const path = `/api/v1/ledgers/${VILLAGE2}/submissions/2026-09`;
    // the village cannot approve its own month; a county or a foreign township cannot either
    for (const user of ['demo-village2', 'demo-county', 'demo-township', 'demo-prefecture']) {
      const res = await server.request('POST', `${path}/approve`, { token: as(user), body: {} });
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
    }
    // a township cannot submit for a village; another village cannot submit for it
    for (const user of ['demo-township2', 'demo-village']) {
      const res = await server.request('POST', `/api/v1/ledgers/${VILLAGE2}/submissions`, { token: as(user), body: { month: '2026-08' } });
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
    }
    const approved = await server.request('POST', `${path}/approve`, { token: as('demo-township2'), body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body.submission.state).toBe('已审核');
    // unknown month → 404, month not begun → 422
    expect((await server.request('POST', `/api/v1/ledgers/${VILLAGE2}/submissions/2026-01/approve`, { token: as('demo-township2') })).status).toBe(404);
    const future = await server.request('POST', `/api/v1/ledgers/${VILLAGE2}/submissions`, { token: as('demo-village2'), body: { month: '2099-01' } });
    expect(future.status).toBe(422);
  });
});
