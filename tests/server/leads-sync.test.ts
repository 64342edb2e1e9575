/**
 * The leads and the village ledgers together, through the real sync API: a village's ledger rows
 * drive the lead's state; a person on a village's ledger (open or closed row) found again by a
 * department gets a new lead sent towards that village (a link to the row would reach nobody); an
 * earlier ledger row gives the unit when the file and the roster do not.
 */
import { randomUUID } from 'crypto';
import { startTestServer, type TestServer } from './helpers';
import { COUNTY, LUCHENG, MEDICAL_HEADER, SHIFAN, clock, csvFile, importFile, leadsOf, medicalRow, people, type Person } from './leads-helpers';

jest.setTimeout(120_000);

describe('leads follow the village ledger (sync API)', () => {
  let server: TestServer;
  const time = clock('2026-11-02T02:00:00Z');
  let county: string;
  let township: string;
  let village: string;
  const [onLedger, closedOnLedger, viaSync] = people(31, 3);

  function row(p: Person, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      township: '鹿城镇',
      village: '示范村',
      name: p.name,
      idNumber: p.id,
      categories: ['因病支出型困难'],
      channel: '入户走访',
      foundOn: '2026-10-20',
      status: '核实中',
      ...extra,
    };
  }

  async function sync(changes: { rowId: string; baseVersion: number; values: Record<string, unknown> }[]) {
    const res = await server.request('POST', `/api/v1/ledgers/${SHIFAN}/sync`, {
      token: village,
      body: { clientId: 'test-client', requestId: randomUUID(), changes },
    });
    expect(res.status).toBe(200);
    expect(res.body.conflicts).toEqual([]);
    return res.body;
  }

  beforeAll(async () => {
    server = await startTestServer({ now: time.now });
    [county, township, village] = await Promise.all(['demo-county', 'demo-township', 'demo-village'].map((u) => server.login(u)));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a person on an open ledger row (持续关注 after declining) gets a new lead, as one on a closed row does: both placed at the village of the row', async () => {
    await sync([
      { rowId: randomUUID(), baseVersion: 0, values: row(onLedger, { status: '持续关注', verifyResult: '不符合但需关注', verifiedOn: '2026-10-22', willingness: '不愿申请' }) },
      { rowId: randomUUID(), baseVersion: 0, values: row(closedOnLedger, { status: '已办结', verifyResult: '不符合救助条件', verifiedOn: '2026-10-22', closedOn: '2026-10-25' }) },
    ]);
    // no 乡镇/村 in the file, and neither person is on the roster
    const { dryRun, committed } = await importFile(server, county, {
      buffer: csvFile(MEDICAL_HEADER, [medicalRow(onLedger, 20000), medicalRow(closedOnLedger, 20000)]),
      fileName: 'm.csv',
      source: 'medical',
      period: '2026-10',
    });
    expect(dryRun.summary).toMatchObject({ leadsNew: 2, leadsLinked: 0, unassigned: 0 });
    expect(committed.summary).toMatchObject({ leadsNew: 2, leadsLinked: 0, unassigned: 0 });
    const links = await server.deps.db.all<{ kind: string }>('SELECT kind FROM lead_links WHERE import_id = ?', [committed.importId]);
    expect(links).toEqual([]);
    const listed = await leadsOf(server, county, COUNTY, 'period=2026-10');
    expect(listed.leads.map((l: any) => l.name).sort()).toEqual([onLedger.name, closedOnLedger.name].sort());
    for (const lead of listed.leads) {
      expect(lead).toMatchObject({ townshipCode: LUCHENG, state: '已派至乡镇' });
      const stored = await server.deps.db.get<{ assigned_by: string; suggested_village_code: string }>(
        'SELECT assigned_by, suggested_village_code FROM leads WHERE lead_no = ?',
        [lead.leadNo],
      );
      expect(stored).toEqual({ assigned_by: 'ledger', suggested_village_code: SHIFAN });
    }
  });

  it('a synced row carrying the lead number moves the lead: 核实中, then 已核实 with the result, then 已办结', async () => {
    const { committed } = await importFile(server, county, {
      buffer: csvFile(MEDICAL_HEADER, [medicalRow(viaSync, 30000, '鹿城镇', '示范村')]),
      fileName: 'm2.csv',
      source: 'medical',
      period: '2026-10',
    });
    const leadNo: string = committed.summary.firstLeadNo;
    expect((await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo], villageCode: SHIFAN } })).status).toBe(200);
    const state = async () => (await server.request('GET', `/api/v1/leads/${leadNo}`, { token: county })).body.lead;

    const rowId = randomUUID();
    const first = await sync([{ rowId, baseVersion: 0, values: row(viaSync, { channel: '部门比对', leadNo }) }]);
    expect(await state()).toMatchObject({ state: '核实中', ledgerRowId: rowId });
    const v1 = first.applied.find((a: any) => a.rowId === rowId).version;

    const second = await sync([{ rowId, baseVersion: v1, values: { verifyResult: '符合救助条件', verifiedOn: '2026-11-02', verifier: '李志强' } }]);
    expect(await state()).toMatchObject({ state: '已核实', verifyResult: '符合救助条件' });
    const v2 = second.applied.find((a: any) => a.rowId === rowId).version;

    await sync([{ rowId, baseVersion: v2, values: { status: '已办结', closedOn: '2026-11-02', routes: ['纳入低保'] } }]);
    const done = await state();
    expect(done.state).toBe('已办结');
    const history = (await server.request('GET', `/api/v1/leads/${leadNo}`, { token: county })).body.history;
    expect(history.slice(-3).map((h: any) => [h.toState, h.userName])).toEqual([
      ['核实中', 'demo-village'],
      ['已核实', 'demo-village'],
      ['已办结', 'demo-village'],
    ]);
  });

  it('a later lead pulled onto the row of an earlier, closed one follows that row: not verified by the earlier visit, then by a new one', async () => {
    const [again] = people(32, 1);
    const state = async (leadNo: string) => (await server.request('GET', `/api/v1/leads/${leadNo}`, { token: county })).body.lead;
    const sendDown = async (leadNo: string) => {
      const res = await server.request('POST', '/api/v1/leads/dispatch', { token: township, body: { leadNos: [leadNo], villageCode: SHIFAN } });
      expect(res.status).toBe(200);
    };
    // November: the first lead, visited and closed on the village's row
    const first = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(again, 30000, '鹿城镇', '示范村')]), fileName: 'again-1.csv', source: 'medical', period: '2026-10' });
    const firstNo: string = first.committed.summary.firstLeadNo;
    await sendDown(firstNo);
    const rowId = randomUUID();
    const closed = await sync([{ rowId, baseVersion: 0, values: row(again, { leadNo: firstNo, channel: '部门比对', verifyResult: '不符合救助条件', verifiedOn: '2026-11-02', status: '已办结', closedOn: '2026-11-02' }) }]);
    expect(await state(firstNo)).toMatchObject({ state: '已办结' });
    let version: number = closed.applied.find((a: any) => a.rowId === rowId).version;
    try {
      // December: a new finding for the same person is a new lead; the village pulls it onto the person's row,
      // which keeps naming the first lead
      time.set('2026-12-07T02:00:00Z');
      [county, township, village] = await Promise.all(['demo-county', 'demo-township', 'demo-village'].map((u) => server.login(u)));
      const second = await importFile(server, county, {
        buffer: csvFile(['姓名', '身份证号', '病种', '乡镇（街道）'], [[again.name, again.id, '恶性肿瘤', '鹿城镇']]),
        fileName: 'again-2.csv', source: 'disease', period: '2026-12',
      });
      expect(second.committed.summary).toMatchObject({ leadsNew: 1, leadsLinked: 0 });
      const secondNo: string = second.committed.summary.firstLeadNo;
      await sendDown(secondNo);
      expect((await server.request('POST', `/api/v1/leads/${secondNo}/pull`, { token: village, body: { rowId } })).status).toBe(200);
      expect(await state(secondNo)).toMatchObject({ state: '核实中', ledgerRowId: rowId });

      // an edit of the row that is not a new visit: the earlier visit's result is not the new lead's
      const edited = await sync([{ rowId, baseVersion: version, values: { phone: '13800001234' } }]);
      version = edited.applied.find((a: any) => a.rowId === rowId).version;
      expect(await state(secondNo)).toMatchObject({ state: '核实中' });
      expect(await state(firstNo)).toMatchObject({ state: '已办结' });

      // the new visit, then the new handling closed: the new lead follows the row that still names the first
      const visited = await sync([{ rowId, baseVersion: version, values: { verifyResult: '符合救助条件', verifiedOn: '2026-12-07', status: '办理中', closedOn: '' } }]);
      version = visited.applied.find((a: any) => a.rowId === rowId).version;
      expect(await state(secondNo)).toMatchObject({ state: '已核实', verifyResult: '符合救助条件' });
      await sync([{ rowId, baseVersion: version, values: { status: '已办结', closedOn: '2026-12-07', routes: ['纳入低保'] } }]);
      expect(await state(secondNo)).toMatchObject({ state: '已办结' });
    } finally {
      time.set('2026-11-02T02:00:00Z');
      [county, township, village] = await Promise.all(['demo-county', 'demo-township', 'demo-village'].map((u) => server.login(u)));
    }
  });
});
