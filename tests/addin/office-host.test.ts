import { columnByKey } from '../../ledger/columns';
import { columnIndexOfLetters, locateLedgerHeader } from '../../ledger/sheet';
import { cellA1 } from '../../addin/host/a1';
import { LedgerHostError } from '../../addin/host/ledger-host';
import { OfficeHost, SETTINGS_KEY, type ExcelRun } from '../../addin/host/office-host';
import { MARK_COLORS, MARK_FORMULA } from '../../addin/host/write-plan';
import { FakeExcel, FakeSheet } from './fake-excel';
import { ledgerValues, SHUFFLED_HEADERS } from './ledger-fixture';

function setup(rows: number, extra: { withMachineColumns?: boolean; others?: FakeSheet[]; active?: string } = {}) {
  const { values, formats, headers } = ledgerValues({ rows, withMachineColumns: extra.withMachineColumns });
  const sheet = new FakeSheet('台账', values, formats);
  const excel = new FakeExcel([...(extra.others ?? []), sheet], extra.active ?? '台账');
  let ids = 0;
  const newRowId = () => `gen-${++ids}`;
  return { excel, sheet, headers, host: (opts: Partial<ConstructorParameters<typeof OfficeHost>[0]> = {}) => new OfficeHost({ run: excel.run as unknown as ExcelRun, newRowId, supports: excel.supports, ...opts }) };
}

/** Sheet column (0 = A) of a header text. */
/** A cell of the fake sheet by Excel row and header text. */
const at0 = (sheet: FakeSheet, headers: string[], excelRow: number, header: string) => sheet.get(excelRow - 1, col(headers, header));

const col = (headers: string[], header: string) => {
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no ${header}`);
  return i;
};

describe('the fake enforces the Office.js rules the host depends on', () => {
  it('reading a property before load() + sync() throws PropertyNotLoaded', async () => {
    const { excel } = setup(3);
    await excel.run(async (context: any) => {
      const range = context.workbook.worksheets.getActiveWorksheet().getRange('A1:B2');
      expect(() => range.values).toThrow(/not available/);
      range.load('values');
      expect(() => range.values).toThrow(expect.objectContaining({ code: 'PropertyNotLoaded' }));
      await context.sync();
      expect(range.values[0][0]).toContain('台账');
    });
    expect(excel.syncs).toBe(1);
  });

  it('a 2-D write of the wrong shape fails the sync; null leaves a cell unchanged', async () => {
    const sheet = new FakeSheet('S', [['keep', 'old']]);
    const excel = new FakeExcel([sheet]);
    await expect(
      excel.run(async (context: any) => {
        context.workbook.worksheets.getActiveWorksheet().getRange('A1:B1').values = [['x']];
        await context.sync();
      }),
    ).rejects.toMatchObject({ code: 'InvalidArgument' });
    await excel.run(async (context: any) => {
      context.workbook.worksheets.getActiveWorksheet().getRange('A1:B1').values = [[null, 'changed']];
      await context.sync();
    });
    expect(sheet.get(0, 0)).toBe('keep');
    expect(sheet.get(0, 1)).toBe('changed');
  });
});

describe('OfficeHost.readLedger', () => {
  it.each([50, 5000])('reads a %i-row ledger in exactly 2 syncs, values and formats as one 2-D array', async (rows) => {
    const { excel, host, headers } = setup(rows);
    const read = await host().readLedger();
    expect(excel.syncs).toBe(2);
    expect(excel.runs).toBe(1);
    expect(read.sheetName).toBe('台账');
    expect(read.sheet.values).toHaveLength(rows + 2);
    expect(read.sheet.numberFormats).toHaveLength(rows + 2);
    expect(read.sheet.firstRow).toBe(1);
    expect(read.sheet.firstColumn).toBe(0);
    expect(read.header!.excelRow).toBe(2);
    const id = read.header!.columns.find((c) => c.key === 'idNumber')!;
    expect(id).toEqual({ key: 'idNumber', header: '身份证号码', index: col(headers, '身份证号码') });
    expect(read.header!.columns.find((c) => c.key === 'township')!.header).toBe('乡镇(街道)'); // shown without spaces (displayHeaderText)
    expect(read.header.missingRequired).toEqual([]);
    // the probe's header is exactly what the core finds in the full read
    expect(read.header).toEqual(locateLedgerHeader(read.sheet));
    expect(read.sheet.values[rows + 1][id.index]).toBe(ledgerValues({ rows }).values[rows + 1][id.index]);
    expect(read.sheet.numberFormats![2][id.index]).toBe('@');
    // every sync's response stays far below Excel on the web's 5 MB
    for (const record of excel.syncLog) expect(record.responseBytes).toBeLessThan(4_000_000);
  });

  it('reads a used range that does not start at A1 with firstRow/firstColumn set', async () => {
    const { values } = ledgerValues({ rows: 3, title: false });
    const shifted = [[], [], ...values.map((row) => ['', '', ...row])];
    const excel = new FakeExcel([new FakeSheet('Sheet1', shifted)]);
    const read = await new OfficeHost({ run: excel.run as unknown as ExcelRun }).readLedger();
    expect(read.sheet.firstRow).toBe(3);
    expect(read.sheet.firstColumn).toBe(2);
    expect(read.header!.excelRow).toBe(3);
    // indexes are into sheet.values (which starts at column C), as the core's readers expect
    expect(read.header.columns.find((c) => c.key === 'name')!.index).toBe(SHUFFLED_HEADERS.indexOf('姓名'));
    expect(read.sheet.values[1][read.header.indexByKey.name!]).toBe('测试0');
    expect(read.header).toEqual(locateLedgerHeader(read.sheet));
    // and writes land in the shifted columns
    await new OfficeHost({ run: excel.run as unknown as ExcelRun }).writeRows([{ excelRow: 4, values: { name: '改名' } }], read);
    expect(excel.sheets[0].get(3, 2 + SHUFFLED_HEADERS.indexOf('姓名'))).toBe('改名');
  });

  it('splits a read bigger than the cell budget into blocks (one sync each) and joins them in order', async () => {
    const { excel, host } = setup(1000);
    const read = await host({ readCellBudget: 10_000 }).readLedger();
    // per row: every column's value + the formats of the date, ID and phone columns
    const formatColumns = read.header.columns.filter((c) => ['date', 'idNumber', 'phone'].includes(columnByKey(c.key).type)).length;
    const blocks = Math.ceil(1002 / Math.floor(10_000 / (SHUFFLED_HEADERS.length + formatColumns)));
    expect(excel.syncs).toBe(1 + blocks);
    expect(read.sheet.values).toHaveLength(1002);
    expect(read.sheet.values[1001]).toEqual(ledgerValues({ rows: 1000 }).values[1001]);
  });

  it('finds the ledger on another sheet with one more sync, then remembers it', async () => {
    const notes = new FakeSheet('说明', [['填表说明'], ['本表每月报送']]);
    const { excel, host } = setup(20, { others: [notes], active: '说明' });
    const h = host();
    const read = await h.readLedger();
    expect(read.sheetName).toBe('台账');
    expect(excel.syncs).toBe(3);
    excel.syncLog = [];
    await h.readLedger();
    expect(excel.syncs).toBe(3); // remembered, but still not the active sheet: probes in one more sync
  });

  it('throws a bilingual ledger.not_found when no sheet has a header', async () => {
    const excel = new FakeExcel([new FakeSheet('Sheet1', [['hello']]), new FakeSheet('Sheet2')]);
    const error = await new OfficeHost({ run: excel.run as unknown as ExcelRun }).readLedger().catch((e) => e);
    expect(error).toBeInstanceOf(LedgerHostError);
    expect(error.code).toBe('ledger.not_found');
    expect(error.zh).toMatch(/台账/);
    expect(error.en).toMatch(/ledger/);
  });
});

describe('OfficeHost.writeRows', () => {
  it('updates and appends at the right cells of a shuffled sheet, leaving extra columns and absent keys alone', async () => {
    const { excel, sheet, host, headers } = setup(10, { withMachineColumns: true });
    const h = host();
    const before = sheet.values.map((row) => [...row]);
    const snapshot = await h.readLedger();
    excel.syncLog = [];
    const written = await h.writeRows([
      { excelRow: 5, values: { status: '核实中', routes: ['协助申请', '纳入低保'], notes: null } },
      { values: { name: '张三', idNumber: '53230119800101123X', categories: ['老年人'], channel: '部门比对', foundOn: '2026-10-05', householdSize: 3, phone: '13800001111' } },
      { values: { name: '李四', idNumber: '532301198002021234', notes: '=HYPERLINK("x")' } },
    ], snapshot);
    expect(written).toEqual([5, 13, 14]);
    expect(excel.syncs).toBe(3); // locate, 记录ID/姓名/身份证号 of the rows as they are now, write
    expect(at0(sheet, headers, 13, '记录ID')).toBe('gen-1'); // appended rows get a 记录ID

    const at = (row: number, header: string) => sheet.get(row - 1, col(headers, header));
    expect(at(5, '办理状态')).toBe('核实中');
    expect(at(5, '处置方式')).toBe('协助申请、纳入低保');
    expect(at(5, '备注')).toBe('');
    expect(at(5, '姓名')).toBe(before[4][col(headers, '姓名')]); // not in values: untouched
    expect(at(5, '联系人备注')).toBe('staff-note-2'); // extra column untouched
    expect(at(13, '姓名')).toBe('张三');
    expect(at(13, '身份证号码')).toBe('53230119800101123X');
    expect(sheet.format(12, col(headers, '身份证号码'))).toBe('@');
    expect(sheet.format(12, col(headers, '联系电话'))).toBe('@');
    expect(at(13, '人员类别')).toBe('老年人');
    expect(at(13, '发现日期')).toBe('2026-10-05');
    expect(sheet.format(12, col(headers, '发现日期'))).toBe('General'); // dates are left to Excel's own parsing
    expect(at(13, '家庭人口')).toBe(3);
    expect(at(13, '联系人备注')).toBe('');
    expect(at(14, '备注')).toBe('=HYPERLINK("x")');
    expect(sheet.format(13, col(headers, '备注'))).toBe('@'); // stored as text, never run as a formula
    // nothing else changed in the existing rows
    for (let r = 0; r < 12; r++) if (r !== 4) expect(sheet.values[r]).toEqual(before[r]);
    expect(sheet.hiddenColumns.size).toBe(0);
  });

  it('creates the hidden machine columns at the right when the sheet lacks them', async () => {
    const { excel, sheet, host, headers } = setup(4);
    const h = host();
    const snapshot = await h.readLedger();
    excel.syncLog = [];
    const written = await h.writeRows([{ excelRow: 3, values: { rowId: 'r-1', version: 2 } }, { values: { name: '王五', rowId: 'r-2', version: 1 } }], snapshot);
    expect(written).toEqual([3, 7]);
    const rowIdCol = headers.length;
    expect(sheet.get(1, rowIdCol)).toBe('记录ID');
    expect(sheet.get(1, rowIdCol + 1)).toBe('版本号');
    expect([...sheet.hiddenColumns].sort()).toEqual([rowIdCol, rowIdCol + 1]);
    expect(sheet.get(2, rowIdCol)).toBe('r-1');
    expect(sheet.get(2, rowIdCol + 1)).toBe(2);
    expect(sheet.get(6, rowIdCol)).toBe('r-2');
    expect(excel.syncs).toBe(3);
    // a second write finds them and creates nothing; the row without a 记录ID gets one
    excel.syncLog = [];
    await h.writeRows([{ excelRow: 4, values: { status: '核实中' } }], snapshot);
    expect(sheet.get(3, rowIdCol)).toBe('gen-1');
    expect(sheet.get(1, rowIdCol + 2)).toBe('');
    expect(excel.syncs).toBe(3);
  });

  it('puts new machine columns right of staff columns that lie beyond the ledger', async () => {
    const { values, headers } = ledgerValues({ rows: 2 });
    values[2][headers.length + 3] = '手写备注'; // a note far to the right
    const sheet = new FakeSheet('台账', values);
    const excel = new FakeExcel([sheet]);
    const h = new OfficeHost({ run: excel.run as unknown as ExcelRun });
    await h.writeRows([{ excelRow: 3, values: { rowId: 'x' } }], await h.readLedger());
    expect(sheet.get(1, headers.length + 4)).toBe('记录ID');
    expect(sheet.hiddenColumns.has(headers.length + 4)).toBe(true);
    expect(sheet.get(2, headers.length + 3)).toBe('手写备注');
  });

  it('chunks a big write: no sync request above the limit, one sync per chunk, every row in place', async () => {
    const { excel, sheet, host, headers } = setup(5, { withMachineColumns: true });
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      values: { name: `新增${i}`, idNumber: `53230119900101${String(i).padStart(4, '0')}`, address: '楚雄市鹿城镇示例村很长的地址'.repeat(3), rowId: `n-${i}`, version: 1 },
    }));
    const limit = 100_000;
    const written = await host({ maxRequestBytes: limit }).writeRows(rows);
    expect(written[0]).toBe(8);
    expect(written[2999]).toBe(3007);
    const writeSyncs = excel.syncLog.slice(1);
    expect(writeSyncs.length).toBeGreaterThan(5);
    expect(excel.syncs).toBe(1 + writeSyncs.length);
    for (const record of writeSyncs) expect(record.requestBytes).toBeLessThanOrEqual(limit);
    for (const i of [0, 1234, 2999]) {
      expect(sheet.get(written[i] - 1, col(headers, '姓名'))).toBe(`新增${i}`);
      expect(sheet.get(written[i] - 1, col(headers, '记录ID'))).toBe(`n-${i}`);
    }
  });

  it('keeps each sync under 4 MB by default for a write far above 5 MB', async () => {
    const { excel, host } = setup(1, { withMachineColumns: true });
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      values: { name: `新增${i}`, address: '楚雄彝族自治州楚雄市鹿城镇示例村委会第三村民小组'.repeat(4), notes: '入户走访发现，需协助申请'.repeat(3), rowId: `n-${i}` },
    }));
    await host().writeRows(rows);
    const total = excel.syncLog.reduce((sum, r) => sum + r.requestBytes, 0);
    expect(total).toBeGreaterThan(5_000_000);
    for (const record of excel.syncLog) expect(record.requestBytes).toBeLessThanOrEqual(4_000_000);
    expect(excel.syncs).toBeGreaterThanOrEqual(1 + Math.ceil(total / 4_000_000));
    expect(excel.syncs).toBeLessThanOrEqual(2 + Math.ceil(total / 3_000_000));
  });

  it('rejects rows at or above the header, and the same row twice', async () => {
    const { host } = setup(3);
    const h = host();
    const snapshot = await h.readLedger();
    await expect(h.writeRows([{ excelRow: 2, values: { name: 'x' } }], snapshot)).rejects.toMatchObject({ code: 'row.invalid' });
    await expect(h.writeRows([{ excelRow: 4, values: {} }, { excelRow: 4, values: {} }], snapshot)).rejects.toMatchObject({ code: 'row.duplicate' });
    await expect(h.writeRows([{ excelRow: 4, values: {} }])).rejects.toMatchObject({ code: 'snapshot.required' });
  });
});

describe('OfficeHost marks', () => {
  it('marks every finding in one pass of conditional formats, errors over warnings, and clears only its own', async () => {
    const { excel, sheet, host } = setup(400);
    // a rule of the user's own that must survive
    sheet.conditionalFormats.push({ id: 99, type: 'Custom', formula: '=A1>0', fill: '#00FF00', areas: [{ r0: 2, c0: 0, rows: 10, cols: 1 }] });
    const h = host();
    const snapshot = await h.readLedger();
    excel.syncLog = [];
    const findings = Array.from({ length: 400 }, (_, i) => ({ cell: cellA1(3 + i, 5), severity: i % 3 === 0 ? ('error' as const) : ('warning' as const) }));
    findings.push({ cell: 'F3', severity: 'warning' }); // F3 also has an error: stays red
    findings.push({ cell: 'H9', severity: 'error' });
    await h.markFindings(snapshot, findings);
    expect(excel.syncs).toBeLessThanOrEqual(3);
    const ours = sheet.conditionalFormats.filter((cf) => cf.formula === MARK_FORMULA);
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(ours.length).toBeLessThan(10); // cells merged into areas, not one rule per cell
    expect(sheet.markAt('F3')).toBe(MARK_COLORS.error);
    expect(sheet.markAt('F4')).toBe(MARK_COLORS.warning);
    expect(sheet.markAt('H9')).toBe(MARK_COLORS.error);
    expect(sheet.markAt('G9')).toBeUndefined();

    // marking again replaces the old marks
    excel.syncLog = [];
    await h.markFindings(snapshot, [{ cell: 'B7', severity: 'warning' }]);
    expect(excel.syncs).toBe(3);
    expect(sheet.markAt('F4')).toBeUndefined();
    expect(sheet.markAt('B7')).toBe(MARK_COLORS.warning);

    excel.syncLog = [];
    await h.clearMarks(snapshot);
    expect(excel.syncs).toBe(3);
    expect(sheet.conditionalFormats.map((cf) => cf.id)).toEqual([99]);
    await expect(h.markFindings(snapshot, [{ cell: 'not a cell', severity: 'error' }])).rejects.toMatchObject({ code: 'cell.invalid' });
  });
});

describe('OfficeHost selection and settings', () => {
  it('selectCell activates the ledger sheet and selects the cell; getSelectedRow reads it back (1 sync each)', async () => {
    const notes = new FakeSheet('说明', [['填表说明']]);
    const { excel, host } = setup(10, { others: [notes], active: '说明' });
    const h = host();
    await h.readLedger();
    excel.syncLog = [];
    await h.selectCell('F7');
    expect(excel.syncs).toBe(1);
    expect(excel.active).toBe('台账');
    expect(excel.activeCell).toEqual({ sheet: '台账', r: 6, c: columnIndexOfLetters('F'), rows: 1, cols: 1 });
    excel.syncLog = [];
    expect(await h.getSelectedRow()).toEqual({ sheetName: '台账', excelRow: 7, column: 5, cell: 'F7', rows: 1, columns: 1 });
    expect(excel.syncs).toBe(1);
    excel.activeCell = null;
    expect(await h.getSelectedRow()).toBeNull();
    await expect(h.selectCell('7F')).rejects.toMatchObject({ code: 'cell.invalid' });
  });

  it('selectCell reports ledger.not_found when the ledger sheet was deleted', async () => {
    const { excel, host } = setup(3, { others: [new FakeSheet('说明', [['x']])] });
    const h = host();
    await h.readLedger();
    excel.sheets = excel.sheets.filter((s) => s.name !== '台账');
    excel.active = '说明';
    await expect(h.selectCell('A1')).rejects.toMatchObject({ code: 'ledger.not_found' });
  });

  it('settings round-trip through the workbook, merged, null deletes', async () => {
    const { excel, host } = setup(1);
    const h = host();
    expect(await h.readSettings()).toEqual({});
    await h.writeSettings({ syncCursor: '2026-10-05T08:00:00Z', unit: '532301101201' });
    await h.writeSettings({ unit: null, locale: 'en-US' });
    excel.syncLog = [];
    expect(await new OfficeHost({ run: excel.run as unknown as ExcelRun }).readSettings()).toEqual({ syncCursor: '2026-10-05T08:00:00Z', locale: 'en-US' });
    expect(excel.syncs).toBe(1);
    expect(typeof excel.settings.get(SETTINGS_KEY)).toBe('string');
  });
});

describe('column types on write', () => {
  it('writes numbers as numbers and keeps an ID given as a number as text', async () => {
    const { sheet, host, headers } = setup(1);
    // An ID typed as a number has lost its last digits already: that is the case under test.
    // eslint-disable-next-line no-loss-of-precision
    await host().writeRows([{ values: { amount: 1200.5, idNumber: 532301199001011234 as unknown as string } }]);
    expect(sheet.get(3, col(headers, columnByKey('amount').header))).toBe(1200.5);
    expect(typeof sheet.get(3, col(headers, '身份证号码'))).toBe('string');
  });
});
