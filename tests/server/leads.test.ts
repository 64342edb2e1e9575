/**
 * Lead life cycle end to end: dispatch county → township → village, the village pulling a lead,
 * ledger sync driving the state, invalid transitions (409), due dates from the working-day
 * calendar and the county's policy, overdue flags, access by unit and masking.
 */
import { randomUUID } from 'crypto';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { DEFAULT_POLICY, resolvePolicy } from '../../ledger/policy';
import { recordFinding } from '../../ledger/records';
import { onLedgerRowsSynced } from '../../server/leads/ledger-hook';
import { startTestServer, type TestServer } from './helpers';
import {
  COUNTY,
  DONGGUA,
  DONGGUA_VILLAGE,
  LUCHENG,
  MEDICAL_HEADER,
  QINGSONG,
  SHIFAN,
  clock,
  csvFile,
  importFile,
  leadsOf,
  medicalRow,
  people,
} from './leads-helpers';

jest.setTimeout(120_000);

/** A ledger row id as the add-in makes them (crypto.randomUUID()). */
const ROW_ID = '3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f';

describe('lead life cycle', () => {
  let server: TestServer;
  const time = clock('2026-11-02T02:00:00Z'); // Monday 2026-11-02, 10:00 in China
  let county: string;
  let township: string;
  let township2: string;
  let village: string;
  let village2: string;
  const [placed, unplaced, second, third, fourth] = people(21, 5);
  const leadNo: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ now: time.now });
    [county, township, township2, village, village2] = await Promise.all(
      ['demo-county', 'demo-township', 'demo-township2', 'demo-village', 'demo-village2'].map((u) => server.login(u)),
    );
    await importFile(server, county, {
      buffer: csvFile(MEDICAL_HEADER, [
        medicalRow(placed, 20000, '鹿城镇', '示范村'),
        medicalRow(unplaced, 20000),
        medicalRow(second, 20000),
        medicalRow(third, 20000),
        medicalRow(fourth, 20000, '东瓜镇', '红星村'),
      ]),
      fileName: 'medical.csv',
      source: 'medical',
      period: '2026-10',
    });
    const all = await leadsOf(server, county, COUNTY, 'period=2026-10&pageSize=100');
    for (const lead of all.leads) {
      const p = [placed, unplaced, second, third, fourth].find((x) => x.name === lead.name && lead.idNumber.endsWith(x.id.slice(-4)));
      if (p) leadNo[p.id] = lead.leadNo;
    }
    expect(Object.keys(leadNo)).toHaveLength(5);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists leads by unit with filters, paged, ID numbers masked', async () => {
    const all = await leadsOf(server, county, COUNTY, 'period=2026-10');
    expect(all.total).toBe(5);
    for (const lead of all.leads) {
      expect(lead.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(lead.idNumberMasked).toBe(true);
    }
    expect(JSON.stringify(all)).not.toContain(placed.id);
    const queued = await leadsOf(server, county, COUNTY, 'period=2026-10&state=待分派');
    expect(queued.total).toBe(3);
    const page = await leadsOf(server, county, COUNTY, 'period=2026-10&pageSize=2&page=2');
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.leads).toHaveLength(2);
    const bad = await server.request('GET', `/api/v1/units/${COUNTY}/leads?state=bogus`, { token: county });
    expect(bad.status).toBe(400);
    // 鹿城镇 sees only its own lead; 东瓜镇 its own; the county queue is visible to neither
    const mine = await leadsOf(server, township, LUCHENG, 'period=2026-10');
    expect(mine.leads.map((l: any) => l.leadNo)).toEqual([leadNo[placed.id]]);
    const theirs = await leadsOf(server, township2, DONGGUA, 'period=2026-10');
    expect(theirs.leads.map((l: any) => l.leadNo)).toEqual([leadNo[fourth.id]]);
    expect((await server.request('GET', `/api/v1/units/${LUCHENG}/leads`, { token: township2 })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/units/${COUNTY}/leads`, { token: township })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/units/${COUNTY}/leads`, { token: await server.login('demo-county2') })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/units/${COUNTY}/leads`)).status).toBe(401);
    // the prefecture sees the county's leads
    expect((await leadsOf(server, await server.login('demo-prefecture'), '5323', 'period=2026-10')).total).toBe(5);
  });

  it('a lead names the village its file suggests (建议村, for the township’s dispatch): code and name in the list and in the lead; null when none', async () => {
    const mine = await leadsOf(server, township, LUCHENG, 'period=2026-10');
    expect(mine.leads[0]).toMatchObject({ leadNo: leadNo[placed.id], suggestedVillageCode: SHIFAN, suggestedVillageName: '示范村', villageCode: null });
    const theirs = await leadsOf(server, township2, DONGGUA, 'period=2026-10');
    expect(theirs.leads[0]).toMatchObject({ suggestedVillageCode: expect.stringMatching(/^532301102\d{3}$/), suggestedVillageName: '红星村' });
    const queued = await leadsOf(server, county, COUNTY, 'period=2026-10&state=待分派');
    for (const lead of queued.leads) expect(lead).toMatchObject({ suggestedVillageCode: null, suggestedVillageName: null });
    // one lead read alone names its village too (not the bare code)
    const one = await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: township });
    expect(one.body.lead).toMatchObject({ suggestedVillageCode: SHIFAN, suggestedVillageName: '示范村' });
  });

  it('reading one lead is scoped by the lead’s unit', async () => {
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: township })).status).toBe(200);
    // outside the user's subtree the answer is the one for an unknown lead (404), never 403
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: township2 })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/leads/${leadNo[unplaced.id]}`, { token: township })).status).toBe(404);
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: await server.login('demo-county2') })).status).toBe(404);
    expect((await server.request('GET', '/api/v1/leads/XS-532301-202610-99999', { token: county })).status).toBe(404);
  });

  it('a lead outside the subtree cannot be told from an unknown one (GET, pull, dispatch): same 404 body; own unit gets 200', async () => {
    const county2 = await server.login('demo-county2');
    const target = leadNo[placed.id];
    // an unknown number of the same shape, for comparing the bodies
    const unknownNo = target.replace(/\d+$/, (d) => String(Number(d) + 900).padStart(d.length, '0'));
    const comparable = (res: { status: number; body: any }, no: string) => ({
      status: res.status,
      error: { ...res.body.error, requestId: undefined, failed: undefined, message: res.body.error.message.replace(no, 'N'), en: res.body.error.en.replace(no, 'N') },
    });
    const getAs = (token: string, no: string) => server.request('GET', `/api/v1/leads/${no}`, { token });
    for (const token of [county2, township2]) {
      const foreign = await getAs(token, target);
      const unknown = await getAs(token, unknownNo);
      expect(foreign.status).toBe(404);
      expect(comparable(foreign, target)).toEqual(comparable(unknown, unknownNo));
      expect(foreign.text).not.toContain('无权');
    }
    expect((await getAs(county, target)).status).toBe(200);
    expect((await getAs(township, target)).status).toBe(200);
    // dispatch: 东瓜镇 sending 鹿城镇's lead to its own village, the other county to its township
    const dispatchAs = (token: string, no: string, villageCode: string) =>
      server.request('POST', '/api/v1/leads/dispatch', { token, body: { leadNos: [no], villageCode } });
    const foreignDispatch = await dispatchAs(township2, target, DONGGUA_VILLAGE);
    const unknownDispatch = await dispatchAs(township2, unknownNo, DONGGUA_VILLAGE);
    expect(foreignDispatch.status).toBe(404);
    expect(comparable(foreignDispatch, target)).toEqual(comparable(unknownDispatch, unknownNo));
    expect(foreignDispatch.body.error.failed).toEqual([{ leadNo: target, code: 'lead_not_found', message: `线索${target}不存在`, en: `Lead ${target} does not exist` }]);
    const county2Dispatch = await server.request('POST', '/api/v1/leads/dispatch', { token: county2, body: { leadNos: [target], townshipCode: '532322100' } });
    expect(county2Dispatch.status).toBe(404);
    // pull: another village's lead is as unknown as a made-up number
    const village2Pull = await server.request('POST', `/api/v1/leads/${target}/pull`, { token: village2 });
    const unknownPull = await server.request('POST', `/api/v1/leads/${unknownNo}/pull`, { token: village2 });
    expect(village2Pull.status).toBe(404);
    expect(comparable(village2Pull, target)).toEqual(comparable(unknownPull, unknownNo));
    // nothing changed for the lead
    expect((await getAs(county, target)).body.lead.state).toBe('已派至乡镇');
  });

  it('county dispatches its queue to a township: due date from the calendar and policy; history kept', async () => {
    const res = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: [leadNo[unplaced.id], leadNo[second.id]], townshipCode: LUCHENG, note: '请核实' } });
    expect(res.status).toBe(200);
    const expectedDue = leadVerifyDueDate('2026-11-02', DEFAULT_POLICY, DEFAULT_CALENDAR);
    expect(res.body.dispatched).toHaveLength(2);
    for (const lead of res.body.dispatched) {
      expect(lead).toMatchObject({ state: '已派至乡镇', townshipCode: LUCHENG, dueOn: expectedDue, dispatchedOn: '2026-11-02', overdue: false });
    }
    const detail = await server.request('GET', `/api/v1/leads/${leadNo[unplaced.id]}`, { token: township });
    expect(detail.body.history.at(-1)).toMatchObject({ fromState: '待分派', toState: '已派至乡镇', userName: 'demo-county', unitCode: COUNTY, note: '请核实' });
    // the unit's name beside its code: the pane shows 楚雄市 经办人, not the login name
    expect(detail.body.history.at(-1).unitName).toBe('楚雄市');
    const audit = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lead.dispatch'");
    expect(audit!.n).toBeGreaterThan(0);
  });

  it('a county policy of 4 working days changes the due date of the next dispatch', async () => {
    const put = await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: county, body: { year: 2026, settings: { leadVerifyWorkingDays: 4 } } });
    expect(put.status).toBe(200);
    expect(put.body.policy.leadVerifyWorkingDays).toBe(4);
    const res = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: [leadNo[third.id]], toUnitCode: DONGGUA } });
    expect(res.status).toBe(200);
    expect(res.body.dispatched[0].dueOn).toBe(leadVerifyDueDate('2026-11-02', resolvePolicy({ leadVerifyWorkingDays: 4 }), DEFAULT_CALENDAR));
    const bad = await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: county, body: { settings: { leadVerifyWorkingDays: 0 } } });
    expect(bad.status).toBe(400);
    const unknown = await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: county, body: { settings: { nonsense: 1 } } });
    expect(unknown.status).toBe(400);
    // a typo in a nested key is refused too (was silently accepted and ignored), naming the full path
    const nested = await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: county, body: { year: 2026, settings: { matching: { medicalSelfPaidMln: 5000 } } } });
    expect(nested.status).toBe(400);
    expect(nested.body.error.code).toBe('policy_unknown_setting');
    expect(nested.body.error.message).toContain('settings.matching.medicalSelfPaidMln');
    expect(nested.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['settings.matching.medicalSelfPaidMln']);
    const kept = await server.request('GET', `/api/v1/counties/${COUNTY}/policy?year=2026`, { token: county });
    expect(kept.body.overrides).toEqual({ leadVerifyWorkingDays: 4 });
    expect((await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: township, body: { settings: {} } })).status).toBe(403);
  });

  it('invalid transitions are refused with 409 and nothing is dispatched', async () => {
    const again = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: [leadNo[placed.id]], townshipCode: DONGGUA } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('lead_invalid_transition');
    // mixed: one valid lead and one invalid → nothing happens
    const [fresh] = people(22, 1);
    await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(fresh, 30000)]), fileName: 'one.csv', source: 'medical', period: '2026-10' });
    const queue = await leadsOf(server, county, COUNTY, 'state=待分派&period=2026-10');
    expect(queue.total).toBe(1);
    const mixed = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: [queue.leads[0].leadNo, leadNo[placed.id]], townshipCode: LUCHENG } });
    expect(mixed.status).toBe(409);
    expect(mixed.body.error.failed).toEqual([expect.objectContaining({ leadNo: leadNo[placed.id] })]);
    expect((await leadsOf(server, county, COUNTY, 'state=待分派&period=2026-10')).total).toBe(1);
    // a village cannot pull a lead that was not sent to it
    const pull = await server.request('POST', `/api/v1/leads/${leadNo[placed.id]}/pull`, { token: village });
    expect(pull.status).toBe(404);
    // a township cannot dispatch to a village of another township, nor to a township
    const foreignVillage = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo[placed.id]], villageCode: DONGGUA_VILLAGE } });
    expect(foreignVillage.status).toBe(403);
    const toTownship = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo[placed.id]], townshipCode: LUCHENG } });
    expect(toTownship.status).toBe(403);
    // 东瓜镇 cannot dispatch 鹿城镇's lead even to its own village
    const notTheirs = await server.request('POST', '/api/v1/leads/dispatch', { token: township2, body: { leadNos: [leadNo[placed.id]], villageCode: DONGGUA_VILLAGE } });
    expect(notTheirs.status).toBe(404);
    const unknown = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: ['XS-532301-202610-99999'], townshipCode: LUCHENG } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.failed).toEqual([expect.objectContaining({ leadNo: 'XS-532301-202610-99999', code: 'lead_not_found' })]);
    const noTarget = await server.request('POST', '/api/v1/leads/dispatch', { token: county, body: { leadNos: [leadNo[placed.id]] } });
    expect(noTarget.status).toBe(400);
    expect((await server.request('POST', '/api/v1/leads/dispatch', { token: village, body: { leadNos: [leadNo[placed.id]], villageCode: SHIFAN } })).status).toBe(403);
  });

  it('township → village, the village pulls the lead (full ID, audited), then the ledger sync drives 已核实 and 已办结', async () => {
    const down = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo[placed.id]], villageCode: SHIFAN } });
    expect(down.status).toBe(200);
    expect(down.body.dispatched[0]).toMatchObject({ state: '已下发村', villageCode: SHIFAN, villageName: '示范村' });
    // the village now sees it; the other village does not
    expect((await leadsOf(server, village, SHIFAN)).leads.map((l: any) => l.leadNo)).toContain(leadNo[placed.id]);
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: village2 })).status).toBe(404);
    // the township may not unmask; the village may, and it is audited
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}?unmasked=true`, { token: township })).status).toBe(403);
    const full = await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}?unmasked=true`, { token: village });
    expect(full.body.lead).toMatchObject({ idNumber: placed.id, idNumberMasked: false });
    const audited = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'lead.read_unmasked' AND target = ?", [leadNo[placed.id]]);
    expect(audited!.n).toBe(1);

    // the row id is a sync row id (UUID); anything else is refused before the lead moves
    const badRow = await server.request('POST', `/api/v1/leads/${leadNo[placed.id]}/pull`, { token: village, body: { rowId: 'row-1' } });
    expect(badRow.status).toBe(400);
    expect(badRow.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['body.rowId']);
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: county })).body.lead.state).toBe('已下发村');
    const pull = await server.request('POST', `/api/v1/leads/${leadNo[placed.id]}/pull`, { token: village, body: { rowId: ROW_ID } });
    expect(pull.status).toBe(200);
    expect(pull.body.lead).toMatchObject({ state: '核实中', ledgerRowId: ROW_ID });
    expect(pull.body.ledgerValues).toMatchObject({ idNumber: placed.id, leadNo: leadNo[placed.id], channel: '部门比对', village: '示范村', verifyBy: pull.body.lead.dueOn });
    const twice = await server.request('POST', `/api/v1/leads/${leadNo[placed.id]}/pull`, { token: village });
    expect(twice.status).toBe(409);

    // ledger sync: a foreign village's row naming the lead changes nothing
    await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, DONGGUA_VILLAGE, [{ rowId: 'x', values: { leadNo: leadNo[placed.id], verifyResult: '符合救助条件' } }]));
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: county })).body.lead.state).toBe('核实中');
    // a row without 线索编号 reaches the lead linked to the row (the sync gives the hook whole rows)
    const changes = await server.deps.db.transaction((tx) =>
      onLedgerRowsSynced(tx, SHIFAN, [{ rowId: ROW_ID, values: { idNumber: placed.id, verifyResult: '符合救助条件' } }], { now: time.now() }),
    );
    expect(changes).toEqual([{ leadNo: leadNo[placed.id], rowId: ROW_ID, from: '核实中', to: '已核实' }]);
    let detail = await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: county });
    expect(detail.body.lead).toMatchObject({ state: '已核实', verifyResult: '符合救助条件' });
    await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, SHIFAN, [{ rowId: ROW_ID, values: { idNumber: placed.id, leadNo: leadNo[placed.id], status: '已办结' } }]));
    detail = await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: county });
    expect(detail.body.lead.state).toBe('已办结');
    expect(detail.body.history.map((h: any) => h.toState)).toEqual(['待分派', '已派至乡镇', '已下发村', '核实中', '已核实', '已办结']);
    // nothing moves backwards
    await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, SHIFAN, [{ rowId: ROW_ID, values: { idNumber: placed.id, leadNo: leadNo[placed.id], status: '核实中', verifyResult: '' } }]));
    expect((await server.request('GET', `/api/v1/leads/${leadNo[placed.id]}`, { token: county })).body.lead.state).toBe('已办结');
  });

  it('a ledger row carrying the lead number moves a lead sent to the village straight through several states', async () => {
    const down = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo[second.id]], villageCode: QINGSONG } });
    expect(down.status).toBe(200);
    const changes = await server.deps.db.transaction((tx) =>
      onLedgerRowsSynced(tx, QINGSONG, [{ rowId: 'row-9', values: { idNumber: second.id, leadNo: leadNo[second.id].toLowerCase(), verifyResult: '不符合但需关注' } }]),
    );
    expect(changes.map((c) => c.to)).toEqual(['核实中', '已核实']);
    const detail = await server.request('GET', `/api/v1/leads/${leadNo[second.id]}`, { token: township });
    expect(detail.body.lead).toMatchObject({ state: '已核实', verifyResult: '不符合但需关注', ledgerRowId: 'row-9' });
  });

  it('overdue: after the due date (not on it), for open leads only; township and county see the flag and can filter', async () => {
    const lead = (await server.request('GET', `/api/v1/leads/${leadNo[unplaced.id]}`, { token: county })).body.lead;
    const due: string = lead.dueOn;
    time.set(`${due}T15:00:00Z`); // 23:00 on the due date in China
    // the clock moved by days: sign in again (tokens expire)
    county = await server.login('demo-county');
    township = await server.login('demo-township');
    expect((await server.request('GET', `/api/v1/leads/${leadNo[unplaced.id]}`, { token: county })).body.lead.overdue).toBe(false);
    time.set(`${due}T16:30:00Z`); // 00:30 the next day in China
    const overdue = await leadsOf(server, township, LUCHENG, 'overdue=true&period=2026-10');
    expect(overdue.leads.map((l: any) => l.leadNo)).toEqual([leadNo[unplaced.id]]);
    expect(overdue.leads[0].overdue).toBe(true);
    // the verified (已核实) and closed leads of 鹿城镇 are not overdue
    const notOverdue = await leadsOf(server, township, LUCHENG, 'overdue=false&period=2026-10');
    expect(notOverdue.leads.map((l: any) => l.leadNo)).toEqual(expect.arrayContaining([leadNo[placed.id], leadNo[second.id]]));
    expect((await leadsOf(server, county, COUNTY, 'overdue=true')).leads.map((l: any) => l.leadNo)).toContain(leadNo[unplaced.id]);
  });

  it('order=due lists the most urgent first — the nearest time limit (overdue at the top), then leads without one, oldest period first — and pages it without overlap', async () => {
    type Listed = { leadNo: string; dueOn: string | null; period: string };
    const all: Listed[] = (await leadsOf(server, county, COUNTY, 'pageSize=500')).leads;
    const urgent: Listed[] = (await leadsOf(server, county, COUNTY, 'pageSize=500&order=due')).leads;
    // something to order: leads with a time limit and leads without one
    expect(all.some((lead) => lead.dueOn !== null) && all.some((lead) => lead.dueOn === null)).toBe(true);
    const rank = (lead: Listed) => [lead.dueOn === null ? '1' : '0', lead.dueOn ?? '', lead.period, lead.leadNo].join('|');
    const expected = [...all].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    expect(urgent.map((lead) => lead.leadNo)).toEqual(expected.map((lead) => lead.leadNo));
    expect(all.map((lead) => lead.leadNo)).not.toEqual(expected.map((lead) => lead.leadNo)); // the default order is another
    const pages: Listed[] = [];
    for (const page of [1, 2]) pages.push(...(await leadsOf(server, county, COUNTY, `pageSize=2&page=${page}&order=due`)).leads);
    expect(pages.map((lead) => lead.leadNo)).toEqual(urgent.slice(0, 4).map((lead) => lead.leadNo));
    const refused = await server.request('GET', `/api/v1/units/${COUNTY}/leads?order=newest`, { token: county });
    expect(refused.status).toBe(400);
  });

  it('every response matched its schema, and no ID number reached the log', () => {
    const log = server.logText();
    expect(log).not.toContain('response does not match its schema');
    expect(log).not.toMatch(/\d{17}[\dXx]/);
  });
});

describe('a ledger row moves only its own person’s lead, with values validation accepts (sync API)', () => {
  let server: TestServer;
  const time = clock('2026-11-02T02:00:00Z');
  let county: string;
  let township: string;
  let village: string;
  const [named, other, verified] = people(41, 3);
  const leadNo: Record<string, string> = {};

  /** A whole ledger row of 示范村 for the person, as the add-in sends it. */
  function row(id: string, p: { name: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { township: '鹿城镇', village: '示范村', name: p.name, idNumber: id, categories: ['因病支出型困难'], channel: '部门比对', foundOn: '2026-10-20', status: '核实中', ...extra };
  }
  /** The values of a row closed after verification (no rule finds an error on them). */
  const closed = { verifyResult: '符合救助条件', verifiedOn: '2026-11-02', verifier: '王五', status: '已办结', closedOn: '2026-11-02', routes: ['纳入低保'] };

  async function sync(requestId: string, changes: { rowId: string; baseVersion: number; values: Record<string, unknown> }[]) {
    const res = await server.request('POST', `/api/v1/ledgers/${SHIFAN}/sync`, { token: village, body: { clientId: 'hook-test', requestId, changes } });
    expect(res.status).toBe(200);
    expect(res.body.conflicts).toEqual([]);
    return res;
  }
  const leadOf = async (p: { id: string }) => {
    const res = await server.request('GET', `/api/v1/leads/${leadNo[p.id]}`, { token: county });
    return { lead: res.body.lead, states: res.body.history.map((h: { toState: string }) => h.toState) };
  };
  const codesOf = (body: { findings: { rowId: string; findings: { code: string }[] }[] }, rowId: string) =>
    (body.findings.find((entry) => entry.rowId === rowId)?.findings ?? []).map((finding) => finding.code);

  beforeAll(async () => {
    server = await startTestServer({ now: time.now });
    [county, township, village] = await Promise.all(['demo-county', 'demo-township', 'demo-village'].map((u) => server.login(u)));
    await importFile(server, county, {
      buffer: csvFile(MEDICAL_HEADER, [named, other, verified].map((p) => medicalRow(p, 20000, '鹿城镇', '示范村'))),
      fileName: 'hook.csv',
      source: 'medical',
      period: '2026-10',
    });
    for (const lead of (await leadsOf(server, county, COUNTY, 'period=2026-10&pageSize=100')).leads) {
      const p = [named, other, verified].find((x) => x.name === lead.name && lead.idNumber.endsWith(x.id.slice(-4)));
      if (p) leadNo[p.id] = lead.leadNo;
    }
    expect(Object.keys(leadNo)).toHaveLength(3);
    const down = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: Object.values(leadNo), villageCode: SHIFAN } });
    expect(down.status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('another person’s row carrying the lead number (a typo) leaves the lead alone; the row gets lead.id_mismatch, also in the kept answer', async () => {
    const rowId = randomUUID();
    const requestId = randomUUID();
    const changes = [{ rowId, baseVersion: 0, values: row(other.id, other, { leadNo: leadNo[named.id], ...closed }) }];
    const res = await sync(requestId, changes);
    expect(await leadOf(named)).toMatchObject({ lead: { state: '已下发村', verifyResult: null, ledgerRowId: null }, states: ['待分派', '已派至乡镇', '已下发村'] });
    const mismatch = res.body.findings.find((entry: { rowId: string }) => entry.rowId === rowId).findings.find((f: { code: string }) => f.code === 'lead.id_mismatch');
    expect(mismatch).toMatchObject({ key: 'leadNo', column: '线索编号', severity: 'warning' });
    expect(mismatch.message).toContain(leadNo[named.id]);
    expect(mismatch.message).toContain('「公民身份号码」');
    expect(JSON.stringify(mismatch)).not.toMatch(/\d{15}/); // no ID number in the texts
    expect(res.body.findingCounts.byCode['lead.id_mismatch']).toBe(1);
    // a retry gets the same answer (kept after the leads were moved on)
    const again = await sync(requestId, changes);
    expect(again.body).toEqual(res.body);
    // the other person's own lead was not named: it is not touched either
    expect((await leadOf(other)).lead.state).toBe('已下发村');
  });

  it('the person’s own row (ID as 15 digits) with a 核实结果 outside the vocabulary moves the lead to 核实中 only; corrected, it goes on to 已核实 and 已办结', async () => {
    expect(named.id.slice(6, 8)).toBe('19'); // born in the 1900s: a 15-digit form exists
    const legacy15 = named.id.slice(0, 6) + named.id.slice(8, 17);
    const rowId = randomUUID();
    const first = await sync(randomUUID(), [{ rowId, baseVersion: 0, values: row(legacy15, named, { leadNo: leadNo[named.id].toLowerCase(), ...closed, verifyResult: '情况不属实' }) }]);
    expect(codesOf(first.body, rowId)).toContain('enum');
    expect(codesOf(first.body, rowId)).not.toContain('lead.id_mismatch');
    expect(await leadOf(named)).toMatchObject({ lead: { state: '核实中', verifyResult: null, ledgerRowId: rowId } });

    const version = first.body.applied.find((a: { rowId: string }) => a.rowId === rowId).version;
    const second = await sync(randomUUID(), [{ rowId, baseVersion: version, values: { verifyResult: '符合救助条件' } }]);
    expect(codesOf(second.body, rowId)).not.toContain('enum');
    const after = await leadOf(named);
    expect(after.lead).toMatchObject({ state: '已办结', verifyResult: '符合救助条件' });
    expect(after.states.slice(-3)).toEqual(['核实中', '已核实', '已办结']);
  });

  it('a 核实结果 or 办理状态 whose cell validation flags as an error is not taken over (hook)', async () => {
    const values = { idNumber: verified.id.toLowerCase(), leadNo: leadNo[verified.id], ...closed };
    const onStatus = recordFinding('status', 'error', 'status.inconsistent/closed_without_date', { other: 'closedOn', date: '2026-11-02', value: '已办结' });
    const onResult = recordFinding('verifyResult', 'error', 'enum', { value: '符合救助条件', allowed: ['…'] });
    let moved = await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, SHIFAN, [{ rowId: 'row-r', values, findings: [onResult, onStatus] }], { now: time.now() }));
    expect(moved.map((c) => c.to)).toEqual(['核实中']);
    moved = await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, SHIFAN, [{ rowId: 'row-r', values, findings: [onStatus] }], { now: time.now() }));
    expect(moved.map((c) => c.to)).toEqual(['已核实']);
    moved = await server.deps.db.transaction((tx) => onLedgerRowsSynced(tx, SHIFAN, [{ rowId: 'row-r', values, findings: [] }], { now: time.now() }));
    expect(moved.map((c) => c.to)).toEqual(['已办结']);
  });

  it('every response matched its schema, and no ID number reached the log', () => {
    const log = server.logText();
    expect(log).not.toContain('response does not match its schema');
    expect(log).not.toMatch(/\d{17}[\dXx]/);
  });
});
