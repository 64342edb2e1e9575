/**
 * Pulling the county's leads into the ledger (线索查询 pane's action) on the memory host against
 * the real server: new rows filled by the server, a person already on the sheet linked instead of
 * added twice, the lead marked 核实中 with the ledger row it went on; a dropped network stops the
 * batch and says so, keeping what the server already accepted.
 */
import { ApiClient, type FetchLike } from '../../addin/api/client';
import { demoWorkbook } from '../../addin/host/demo-workbook';
import { MemoryHost } from '../../addin/host/memory-host';
import { applyPullWrites, pullLeads } from '../../addin/panes/lookup/pull';
import { hostSyncSheet } from '../../addin/panes/sync/sheet-rows';
import { startTestServer, type TestServer } from '../server/helpers';

const VILLAGE = '532301101201';

describe('pulling leads into the ledger', () => {
  let server: TestServer;
  let token: string;
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

  beforeEach(async () => {
    server = await startTestServer();
    token = await server.login('demo-village');
  });
  afterEach(() => server.close());

  const client = (fetchImpl?: FetchLike) => new ApiClient({ baseUrl: server.baseUrl, token: () => token, fetch: fetchImpl, retries: 0 });

  it('adds new rows, links a person already on the sheet, never duplicates', async () => {
    const api = client();
    const { leads } = await api.listLeads(VILLAGE);
    expect(leads).toHaveLength(3);
    const known = await api.leadDetail(leads[1].leadNo, true);

    // the person of the second lead is already on the sheet (typed by staff, no 记录ID, no 线索编号)
    const host = new MemoryHost(demoWorkbook());
    const sheetValues = host.sheet('台账').values;
    const headers = sheetValues[1] as string[];
    const typed = headers.map((h) => (h === '姓名' ? known.lead.name : h === '公民身份号码' ? known.lead.idNumber.toLowerCase() : h === '备注' ? '村里先登记' : ''));
    sheetValues.push(typed);
    const sheet = hostSyncSheet(host);
    const before = await sheet.readRows();

    const progress: number[] = [];
    const outcome = await pullLeads(api, before, leads, { newId, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([0, 1, 2, 3]);
    expect(outcome.results.map((r) => r.outcome)).toEqual(['added', 'linked', 'added']);
    await applyPullWrites(sheet, outcome.writes);

    const after = await sheet.readRows();
    expect(after).toHaveLength(before.length + 2);
    const added = after.filter((row) => row.excelRow > before.at(-1)!.excelRow);
    for (const [i, row] of added.entries()) {
      const lead = leads[i === 0 ? 0 : 2];
      expect(row.values).toMatchObject({ leadNo: lead.leadNo, channel: '部门比对', status: '核实中', name: lead.name });
      expect(row.values.foundOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.values.verifyBy).toBe(lead.dueOn);
      expect(String(row.values.idNumber)).toMatch(/^\d{17}[\dX]$/);
      expect(row.rowId).toBeTruthy();
    }
    // the 序号 continues the sheet's numbering
    expect(added.map((row) => row.values.seq)).toEqual([4, 5]);

    const linked = after.find((row) => row.values.name === known.lead.name && row.values.notes === '村里先登记')!;
    expect(linked.values.leadNo).toBe(leads[1].leadNo);
    expect(linked.rowId).toBeTruthy();
    expect(after.filter((row) => String(row.values.idNumber).toUpperCase() === known.lead.idNumber)).toHaveLength(1);

    // the server knows which ledger row each lead went on
    const detail = await api.leadDetail(leads[1].leadNo);
    expect(detail.lead.state).toBe('核实中');
    expect(detail.lead.ledgerRowId).toBe(linked.rowId);
    const first = await api.leadDetail(leads[0].leadNo);
    expect(first.lead.ledgerRowId).toBe(added[0].rowId);
  });

  it('a network drop stops the batch, reports it, and keeps what the server accepted', async () => {
    let calls = 0;
    const dropAfterFirstLead: FetchLike = (url, init) => {
      calls++;
      if (calls > 2) return Promise.reject(new TypeError('offline')); // detail + pull of the first lead go through
      return fetch(url, init);
    };
    const { leads } = await client().listLeads(VILLAGE);
    const host = new MemoryHost(demoWorkbook());
    const sheet = hostSyncSheet(host);
    const outcome = await pullLeads(client(dropAfterFirstLead), await sheet.readRows(), leads, { newId });
    expect(outcome.results.map((r) => r.outcome)).toEqual(['added', 'failed']);
    expect(outcome.stoppedOffline).toBe(true);
    const failed = outcome.results[1];
    expect(failed.outcome === 'failed' && failed.error.zh).toMatch(/无法连接服务器/);
    await applyPullWrites(sheet, outcome.writes);
    expect((await sheet.readRows()).filter((row) => row.values.leadNo === leads[0].leadNo)).toHaveLength(1);
  });
});
