/**
 * Workbooks for staff without the add-in: the blank template, the village's current ledger (with
 * 记录ID and 版本号, audited), and the upload check — a validation report and a merge plan, with
 * nothing stored; refused files get a clear error.
 */
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { ledgerRowHeight, TEMPLATE_FIRST_DATA_ROW, TEMPLATE_HEADER_ROW, TEMPLATE_SHEETS } from '../../ledger/template';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201';
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = await server.login('demo-village');
}, 60_000);
afterAll(() => server.close());

async function get(path: string, auth = token) {
  const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${auth}` } });
  return { status: res.status, buffer: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
}

async function upload(name: string, content: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const res = await fetch(`${server.baseUrl}/api/v1/ledgers/${VILLAGE}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function rowCount(): Promise<number> {
  return (await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_row_versions WHERE village_code = ?', [VILLAGE]))!.n;
}

describe('ledger workbooks', () => {
  it('the blank template and the current ledger with 记录ID and 版本号 (audited)', async () => {
    const template = await get('/api/v1/templates/village-ledger.xlsx');
    expect(template.status).toBe(200);
    const blank = new ExcelJS.Workbook();
    await blank.xlsx.load(template.buffer as unknown as ArrayBuffer);
    expect((blank.getWorksheet(TEMPLATE_SHEETS.ledger)!.getRow(TEMPLATE_HEADER_ROW).values as unknown[]).slice(1)).toEqual(LEDGER_COLUMNS.map((c) => c.header));

    const current = await get(`/api/v1/ledgers/${VILLAGE}/workbook.xlsx?month=2026-11`);
    expect(current.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(current.buffer as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(TEMPLATE_SHEETS.ledger)!;
    expect(String(sheet.getCell(1, 1).value)).toBe('示范村11月社会救助主动发现监测工作台账');
    const live = (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=200`, { token })).body.rows;
    const rowIdCol = LEDGER_COLUMNS.findIndex((c) => c.key === 'rowId') + 1;
    const ids = live.map((_: unknown, i: number) => String(sheet.getCell(TEMPLATE_FIRST_DATA_ROW + i, rowIdCol).value));
    expect(ids.sort()).toEqual(live.map((r: any) => r.rowId).sort());
    // rows whose text wraps get the height of their lines (WPS and LibreOffice print them overlapping
    // otherwise); one-line rows keep no explicit height, so Excel still grows them on edit
    const heights = live.map((_: unknown, i: number) => sheet.getRow(TEMPLATE_FIRST_DATA_ROW + i).height);
    const byRowId = new Map(live.map((r: any) => [r.rowId, r.values]));
    const expected = ids.map((_: string, i: number) => ledgerRowHeight(byRowId.get(String(sheet.getCell(TEMPLATE_FIRST_DATA_ROW + i, rowIdCol).value)) as never));
    expect(heights).toEqual(expected);
    expect(expected.some((h: number | undefined) => h !== undefined && h > 30)).toBe(true);
    const audit = await server.deps.db.get<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'ledger.workbook.download' AND target = ?", [VILLAGE]);
    expect(JSON.parse(audit!.detail)).toEqual({ rows: live.length, masked: false });
    expect((await get('/api/v1/ledgers/532301101202/workbook.xlsx')).status).toBe(403);
  });

  it('an upload is checked, not stored: the validation report (row, column, message, fix) and the merge plan', async () => {
    const before = await rowCount();
    const csv = [
      '姓名,公民身份号码,人员类别,发现渠道,发现日期,办理状态',
      '甲某,532301199001011235,老年人,入户走访,2026-11-02,待核实',
      '乙某,11010519491231002X,老年人,入户走访,2026-11-03,待核实',
    ].join('\n');
    const res = await upload('本村台账.csv', csv);
    expect(res.status).toBe(200);
    expect(res.body.fileName).toBe('本村台账.csv');
    expect(res.body.errors).toBeGreaterThanOrEqual(1);
    const idError = res.body.findings.find((f: any) => f.row === 2 && f.column === '公民身份号码');
    expect(idError).toMatchObject({ severity: 'error' });
    expect(idError.hint.length).toBeGreaterThan(0);
    expect(res.body.plan.changes.map((c: any) => [c.excelRow, c.match, c.baseVersion])).toEqual([
      [2, 'new', 0],
      [3, 'new', 0],
    ]);
    expect(res.body.plan.notInFile).toBeGreaterThan(0); // the demo rows: never deleted by an upload
    expect(await rowCount()).toBe(before);
  });

  it('refuses what it cannot read, with a message saying what to do', async () => {
    const pdf = await upload('ledger.pdf', '%PDF-1.4');
    expect([pdf.status, pdf.body.error.code]).toEqual([400, 'upload_unsupported']);
    const notLedger = await upload('list.csv', 'a,b,c\n1,2,3\n');
    expect([notLedger.status, notLedger.body.error.code]).toEqual([422, 'upload_not_a_ledger']);
    expect(notLedger.body.error.message).toContain('模板');
    const broken = await upload('broken.xlsx', 'not a zip');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain('broken.xlsx');
  });
});
