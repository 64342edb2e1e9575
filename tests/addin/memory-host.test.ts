import { LEDGER_COLUMNS } from '../../ledger/columns';
import { MemoryHost } from '../../addin/host/memory-host';
import { OfficeHost, type ExcelRun } from '../../addin/host/office-host';
import type { RowWrite } from '../../addin/host/ledger-host';
import { FakeExcel, FakeSheet } from './fake-excel';
import { ledgerValues } from './ledger-fixture';

const col = (headers: string[], header: string) => headers.indexOf(header);

function memory(rows: number, opts: { maxRequestBytes?: number; withMachineColumns?: boolean } = {}) {
  const { values, formats, headers } = ledgerValues({ rows, withMachineColumns: opts.withMachineColumns });
  const host = new MemoryHost({ sheets: [{ name: '说明', values: [['填表说明']] }, { name: '台账', values, numberFormats: formats }], activeSheet: '说明', maxRequestBytes: opts.maxRequestBytes });
  return { host, headers, sheet: () => host.sheet('台账') };
}

describe('MemoryHost', () => {
  it('reads the ledger from whichever sheet holds it, with header and formats', async () => {
    const { host, headers } = memory(30);
    const read = await host.readLedger();
    expect(read.sheetName).toBe('台账');
    expect(read.sheet.values).toHaveLength(32);
    expect(read.header!.excelRow).toBe(2);
    expect(read.header.columns.find((c) => c.key === 'idNumber')!.index).toBe(col(headers, '身份证号码'));
    expect(read.sheet.numberFormats![5][col(headers, '身份证号码')]).toBe('@');
  });

  it('writes like the Excel host: updates, appends, hidden machine columns, text format for IDs', async () => {
    const { host, headers, sheet } = memory(3);
    const snapshot = await host.readLedger();
    const rows = await host.writeRows([
      { excelRow: 4, values: { status: '已办结', closedOn: '2026-10-20' } },
      { values: { name: '赵六', idNumber: '532301199001011234', categories: ['残疾人', '重大疾病'], rowId: 'r-9', version: 1 } },
    ], snapshot);
    expect(rows).toEqual([4, 6]);
    const s = sheet();
    expect(s.values[3][col(headers, '办理状态')]).toBe('已办结');
    expect(s.values[5][col(headers, '人员类别')]).toBe('残疾人、重大疾病');
    expect(s.numberFormats[5][col(headers, '身份证号码')]).toBe('@');
    expect(s.values[1][headers.length]).toBe('记录ID');
    expect(s.values[5][headers.length]).toBe('r-9');
    expect([...s.hiddenColumns]).toEqual([headers.length, headers.length + 1]);
  });

  it('uses as many chunks as the Excel host would for a big write', async () => {
    const { host } = memory(2, { maxRequestBytes: 50_000, withMachineColumns: true });
    await host.writeRows(Array.from({ length: 1000 }, (_, i) => ({ values: { name: `n${i}`, address: '示例地址'.repeat(10) } })));
    expect(host.lastWriteChunks).toBeGreaterThan(3);
  });

  it('marks replace each other, errors win over warnings, clearMarks empties them', async () => {
    const { host, sheet } = memory(10);
    const snapshot = await host.readLedger();
    await host.markFindings(snapshot, [
      { cell: 'C5', severity: 'warning' },
      { cell: 'C5', severity: 'error' },
      { cell: 'C6', severity: 'warning' },
      { cell: 'C7', severity: 'warning' },
    ]);
    expect(Object.fromEntries(sheet().marks)).toEqual({ C5: 'error', C6: 'warning', C7: 'warning' });
    await host.markFindings(snapshot, [{ cell: 'D9', severity: 'error' }]);
    expect(Object.fromEntries(sheet().marks)).toEqual({ D9: 'error' });
    await host.clearMarks();
    expect(sheet().marks.size).toBe(0);
  });

  it('selectCell goes to the ledger sheet; getSelectedRow reports it; settings merge and delete', async () => {
    const { host } = memory(5);
    expect(await host.getSelectedRow()).toBeNull();
    await host.readLedger();
    await host.selectCell('E4');
    expect(await host.getSelectedRow()).toEqual({ sheetName: '台账', excelRow: 4, column: 4, cell: 'E4', rows: 1, columns: 1 });
    await host.writeSettings({ syncCursor: 'c1', nested: { a: [1, 2] } });
    await host.writeSettings({ syncCursor: null });
    const settings = await host.readSettings();
    expect(settings).toEqual({ nested: { a: [1, 2] } });
    (settings.nested as { a: number[] }).a.push(3); // a copy, not the host's state
    expect(await host.readSettings()).toEqual({ nested: { a: [1, 2] } });
  });

  it('throws ledger.not_found on a workbook without a ledger', async () => {
    const host = new MemoryHost({ sheets: [{ name: 'S', values: [['a', 'b']] }] });
    await expect(host.readLedger()).rejects.toMatchObject({ code: 'ledger.not_found' });
    await expect(host.writeRows([{ values: { name: 'x' } }])).rejects.toMatchObject({ code: 'ledger.not_found' });
  });
});

describe('MemoryHost and OfficeHost agree', () => {
  it('the same writes leave the same cells, formats and hidden columns', async () => {
    const { values, formats, headers } = ledgerValues({ rows: 40 });
    let memIds = 0;
    let officeIds = 0;
    const mem = new MemoryHost({ sheets: [{ name: '台账', values, numberFormats: formats }], maxRequestBytes: 5_000, newRowId: () => `id-${++memIds}` });
    const fakeSheet = new FakeSheet('台账', values, formats);
    const excel = new FakeExcel([fakeSheet]);
    const office = new OfficeHost({ run: excel.run as unknown as ExcelRun, maxRequestBytes: 5_000, newRowId: () => `id-${++officeIds}` });
    const batches: RowWrite[][] = [
      [{ excelRow: 10, values: { status: '办理中', routes: ['先行救助', '临时救助'] } }, { values: { name: '新人', idNumber: '53230119900101002X', rowId: 'a' } }],
      Array.from({ length: 200 }, (_, i) => ({ excelRow: i % 5 === 0 ? 3 + i / 5 : undefined, values: { notes: `第${i}条`, version: i } })),
    ];
    for (const batch of batches) expect(await mem.writeRows(batch, await mem.readLedger())).toEqual(await office.writeRows(batch, await office.readLedger()));
    const m = mem.sheet('台账');
    const width = headers.length + LEDGER_COLUMNS.filter((c) => c.hidden).length;
    for (let r = 0; r < Math.max(m.values.length, fakeSheet.values.length); r++) {
      for (let c = 0; c < width; c++) {
        expect([r, c, m.values[r]?.[c] ?? '']).toEqual([r, c, fakeSheet.get(r, c)]);
        expect([r, c, m.numberFormats[r]?.[c] ?? 'General']).toEqual([r, c, fakeSheet.format(r, c)]);
      }
    }
    expect([...m.hiddenColumns].sort()).toEqual([...fakeSheet.hiddenColumns].sort());
    expect(mem.lastWriteChunks).toBeGreaterThan(1);
  });
});
