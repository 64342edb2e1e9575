/**
 * The consolidated rows pulled into a new worksheet on the Excel fake: a free sheet name, one
 * context.sync() per chunk whatever the row count, text cells formatted as text before their
 * value (so "=…", "+1", "@…" never become formulas), numbers kept as numbers, the header frozen,
 * and a stop between chunks that keeps what was written.
 */
import type { ConsolidatedRowsResponse } from '../../ledger/api/reports';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { OfficeHost, type ExcelRun } from '../../addin/host/office-host';
import { MemoryHost } from '../../addin/host/memory-host';
import { tableBlockRows } from '../../addin/host/ledger-host';
import { freeSheetName, MAX_SHEET_NAME } from '../../addin/host/sheet-name';
import { pullRowsIntoSheet } from '../../addin/panes/summary/pull-rows';
import { FakeExcel, FakeSheet } from './fake-excel';
import { ledgerValues } from './ledger-fixture';
import { TABLE_SHEET_PREFIX } from '../../addin/host/sheet-name';

const COLUMNS = LEDGER_COLUMNS.map((column) => column.header);
const INJECTIONS = ['=HYPERLINK("http://example.invalid","点我")', '+1+1', '-2+3', '@SUM(A1:A2)'];

/** A scripted server: `total` rows in pages of the asked limit, with formula-like text in the notes. */
function fakeServer(total: number) {
  const asked: Array<{ after: string | null; limit: number }> = [];
  const fetchPage = async (after: string | null, limit: number): Promise<ConsolidatedRowsResponse> => {
    asked.push({ after, limit });
    const start = after === null ? 0 : Number(after.split('.')[2]);
    const count = Math.min(limit, total - start);
    const rows = Array.from({ length: count }, (_, i) =>
      COLUMNS.map((_header, c) => (c === 0 ? start + i + 1 : c === 1 ? INJECTIONS[(start + i) % INJECTIONS.length] : c === 2 ? null : `值${start + i}-${c}`)),
    );
    const sent = start + count;
    return {
      unit: { code: '532301', name: '楚雄市', level: 'county' },
      columns: COLUMNS,
      rows,
      next: sent < total ? `532301101201.${sent}.${sent}` : null,
      progress: { villages: 10, villagesDone: Math.floor((sent / total) * 10) },
      masked: true,
    };
  };
  return { fetchPage, asked };
}

function officeHost(excel: FakeExcel) {
  return new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports });
}

describe('the fake turns formula-like text into formulas unless the cell is text, as Excel does', () => {
  it('values before the format would have made formulas', async () => {
    const excel = new FakeExcel([new FakeSheet('S')]);
    await excel.run(async (context: any) => {
      const range = context.workbook.worksheets.getItem('S').getRange('A1:B1');
      range.values = [['=1+1', '+2']];
      await context.sync();
    });
    expect(excel.sheet('S').formulas.size).toBe(2);
  });
});

describe('sheet names', () => {
  it('takes the first free name, as Excel names copies, within 31 characters and without : \\ / ? * [ ]', () => {
    expect(freeSheetName('汇总明细 鹿城镇 2026-10', ['台账'])).toBe('汇总明细 鹿城镇 2026-10');
    expect(freeSheetName('汇总明细', ['汇总明细', '汇总明细 (2)'])).toBe('汇总明细 (3)');
    expect(freeSheetName('Rows', ['rows'])).toBe('Rows (2)'); // Excel compares names ignoring case
    expect(freeSheetName('a/b:c?d*e[f]g\\h', [])).toBe('a_b_c_d_e_f_g_h');
    const long = freeSheetName('汇总明细'.repeat(10), ['汇总明细'.repeat(10).slice(0, MAX_SHEET_NAME)]);
    expect([...long].length).toBeLessThanOrEqual(MAX_SHEET_NAME);
    expect(long.endsWith(' (2)')).toBe(true);
  });
});

describe('OfficeHost table writes', () => {
  it('addSheet: 2 syncs, a free name, the sheet added at the end', async () => {
    const excel = new FakeExcel([new FakeSheet('台账'), new FakeSheet('汇总明细')]);
    const name = await officeHost(excel).addSheet('汇总明细');
    expect(name).toBe('汇总明细 (2)');
    expect(excel.sheets.map((sheet) => sheet.name)).toEqual(['台账', '汇总明细', '汇总明细 (2)']);
    expect(excel.syncs).toBe(2);
  });

  it('writeTable: one sync per call whatever its size; text is formatted @ before its value, numbers stay General', async () => {
    const excel = new FakeExcel([new FakeSheet('汇总明细')]);
    const host = officeHost(excel);
    for (const rows of [3, 700]) {
      const before = excel.syncs;
      await host.writeTable('汇总明细', 1, Array.from({ length: rows }, (_, i) => [i + 1, INJECTIONS[i % 4], null]));
      expect(excel.syncs - before).toBe(1);
    }
    const sheet = excel.sheet('汇总明细');
    expect(sheet.get(0, 1)).toBe(INJECTIONS[0]);
    expect(sheet.format(0, 1)).toBe('@');
    expect(sheet.get(3, 1)).toBe('@SUM(A1:A2)');
    expect(sheet.format(3, 1)).toBe('@');
    expect(sheet.get(5, 0)).toBe(6);
    expect(sheet.format(5, 0)).toBe('General');
    // the number format went out before the values: the fake, like Excel, turns "=…" in a General cell into a formula
    expect(sheet.formulas.size).toBe(0);
  });

  it('finishTable freezes the header and fits the columns; an old Excel (ExcelApi 1.1) skips both without failing', async () => {
    const excel = new FakeExcel([new FakeSheet('台账'), new FakeSheet('汇总明细')]);
    await officeHost(excel).finishTable('汇总明细', 40);
    expect(excel.sheet('汇总明细').frozenRows).toBe(1);
    expect(excel.sheet('汇总明细').formatLog.filter((entry) => entry.path === 'format.autofitColumns')).toHaveLength(1);
    expect(excel.active).toBe('汇总明细');
    expect(excel.syncs).toBe(1);

    const old = new FakeExcel([new FakeSheet('台账'), new FakeSheet('汇总明细')]);
    old.apiMinor = 1;
    await officeHost(old).finishTable('汇总明细', 40);
    expect(old.sheet('汇总明细').frozenRows).toBe(0);
    expect(old.active).toBe('汇总明细');
  });
});

describe('pulling the consolidated rows into a sheet', () => {
  it('constant syncs per chunk: 2 to add the sheet + 1 per page + 1 to finish, for 10 or 3,000 rows', async () => {
    const perChunk: number[] = [];
    for (const total of [10, 3_000]) {
      const excel = new FakeExcel([new FakeSheet('台账')]);
      const server = fakeServer(total);
      const progress: number[] = [];
      const result = await pullRowsIntoSheet({
        host: officeHost(excel),
        fetchPage: server.fetchPage,
        sheetName: '汇总明细 楚雄市 2026-10',
        columns: COLUMNS.length,
        cancelled: () => false,
        onProgress: (p) => progress.push(p.rows),
      });
      const pages = server.asked.length;
      expect(pages).toBe(Math.ceil(total / tableBlockRows(COLUMNS.length)));
      expect(server.asked.every((ask) => ask.limit === tableBlockRows(COLUMNS.length))).toBe(true);
      expect(excel.syncs).toBe(2 + pages + 1);
      perChunk.push((excel.syncs - 3) / pages);
      expect(result).toEqual({ sheetName: '汇总明细 楚雄市 2026-10', rows: total, cancelled: false });
      expect(progress.at(-1)).toBe(total);
      const sheet = excel.sheet(result.sheetName);
      expect(sheet.values[0]).toEqual(COLUMNS); // header row
      expect(sheet.values).toHaveLength(total + 1);
      expect(sheet.get(total, 0)).toBe(total); // 序号 of the last row
      expect(sheet.frozenRows).toBe(1);
      expect(sheet.formulas.size).toBe(0); // not one cell became a formula
    }
    expect(perChunk).toEqual([1, 1]);
  });

  it('a stop between chunks keeps what was written, finishes the sheet and says it is incomplete', async () => {
    const host = new MemoryHost({ sheets: [{ name: '台账', values: [['姓名']] }] });
    const server = fakeServer(3_000);
    let stop = false;
    const result = await pullRowsIntoSheet({
      host,
      fetchPage: server.fetchPage,
      sheetName: '汇总明细',
      columns: COLUMNS.length,
      cancelled: () => stop,
      onProgress: (p) => {
        if (p.rows >= 1_000) stop = true; // the user presses 停止 after the second chunk
      },
    });
    const chunk = tableBlockRows(COLUMNS.length);
    expect(result.cancelled).toBe(true);
    expect(result.rows).toBe(2 * chunk);
    expect(server.asked).toHaveLength(2); // no page fetched after the stop
    expect(host.tableWrites).toBe(2);
    const sheet = host.sheet('汇总明细');
    expect(sheet.values).toHaveLength(2 * chunk + 1);
    expect(sheet.frozenRows).toBe(1);
    expect(host.sheetNames()).toEqual(['台账', '汇总明细']);
  });
});

describe('a sheet of consolidated rows is never taken for the ledger', () => {
  it('Excel and memory hosts skip it even when it is active and carries the ledger headers', async () => {
    const { values, formats } = ledgerValues({ rows: 3 });
    const tableName = `${TABLE_SHEET_PREFIX} 楚雄市 2026-11`;
    const excel = new FakeExcel([new FakeSheet('台账', values, formats), new FakeSheet(tableName, values, formats)], tableName);
    expect((await officeHost(excel).readLedger()).sheetName).toBe('台账');

    const memory = new MemoryHost({ sheets: [{ name: '台账', values, numberFormats: formats }], activeSheet: '台账' });
    const added = await memory.addSheet(tableName);
    await memory.writeTable(added, 1, values.map((row) => row.map((v) => (typeof v === 'number' ? v : v === null || v === undefined ? null : String(v)))));
    await memory.finishTable(added);
    expect(memory.activeSheet).toBe(added);
    expect((await memory.readLedger()).sheetName).toBe('台账');
  });
});
