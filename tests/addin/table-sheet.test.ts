/**
 * The consolidated rows pulled into a new worksheet on the Excel fake: a free sheet name, one
 * context.sync() per chunk whatever the row count, text cells formatted as text before their
 * value (so "=…", "+1", "@…" never become formulas), numbers kept as numbers, the header frozen,
 * and a stop between chunks that keeps what was written. The sheet is the add-in's by the id it
 * recorded in the workbook, not by its name: never taken for the ledger however staff rename it,
 * while a sheet of the staff's own called 汇总明细… is theirs — read as their ledger, never written.
 */
import type { ConsolidatedRowsResponse } from '../../ledger/api/reports';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { OfficeHost, type DocumentSettings, type ExcelRun } from '../../addin/host/office-host';
import { MemoryHost } from '../../addin/host/memory-host';
import { tableBlockRows } from '../../addin/host/ledger-host';
import { freeSheetName, MAX_SHEET_NAME, TABLE_SHEETS_KEY } from '../../addin/host/sheet-name';
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

function officeHost(excel: FakeExcel, documentSettings?: DocumentSettings) {
  return new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports, documentSettings });
}

/** A table sheet made by hand in the fake (as addTableSheet leaves it, without the record). */
const tableOf = (sheet: FakeSheet) => ({ id: sheet.id, name: sheet.name });

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
  it('addTableSheet: 3 syncs, a free name, the sheet added at the end, its id recorded in the workbook', async () => {
    const excel = new FakeExcel([new FakeSheet('台账'), new FakeSheet('汇总明细')]);
    const added = await officeHost(excel).addTableSheet('汇总明细');
    expect(added.name).toBe('汇总明细 (2)');
    expect(excel.sheets.map((sheet) => sheet.name)).toEqual(['台账', '汇总明细', '汇总明细 (2)']);
    expect(added.id).toBe(excel.sheet('汇总明细 (2)').id);
    expect(JSON.parse(String(excel.settings.get(TABLE_SHEETS_KEY)))).toEqual([added.id]);
    expect(excel.syncs).toBe(3);
  });

  it('writeTable: one sync per call whatever its size; text is formatted @ before its value, numbers stay General', async () => {
    const excel = new FakeExcel([new FakeSheet('汇总明细')]);
    const host = officeHost(excel);
    for (const rows of [3, 700]) {
      const before = excel.syncs;
      await host.writeTable(tableOf(excel.sheet('汇总明细')), 1, Array.from({ length: rows }, (_, i) => [i + 1, INJECTIONS[i % 4], null]));
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
    await officeHost(excel).finishTable(tableOf(excel.sheet('汇总明细')), 40);
    expect(excel.sheet('汇总明细').frozenRows).toBe(1);
    expect(excel.sheet('汇总明细').formatLog.filter((entry) => entry.path === 'format.autofitColumns')).toHaveLength(1);
    expect(excel.active).toBe('汇总明细');
    expect(excel.syncs).toBe(1);

    const old = new FakeExcel([new FakeSheet('台账'), new FakeSheet('汇总明细')]);
    old.apiMinor = 1;
    await officeHost(old).finishTable(tableOf(old.sheet('汇总明细')), 40);
    expect(old.sheet('汇总明细').frozenRows).toBe(0);
    expect(old.active).toBe('汇总明细');
  });
});

describe('pulling the consolidated rows into a sheet', () => {
  it('constant syncs per chunk: 3 to add the sheet + 1 per page + 1 to finish, for 10 or 3,000 rows', async () => {
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
      expect(excel.syncs).toBe(3 + pages + 1);
      perChunk.push((excel.syncs - 4) / pages);
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

describe('the add-in’s table sheet is known by the id it recorded, not by its name', () => {
  const { values, formats } = ledgerValues({ rows: 3 });
  const asCells = values.map((row) => row.map((v) => (typeof v === 'number' ? v : v === null || v === undefined ? null : String(v))));

  it('Excel: our sheet is skipped as the ledger even when active and renamed by staff; a staff sheet called 汇总明细… is read as theirs', async () => {
    const excel = new FakeExcel([new FakeSheet('台账', values, formats)]);
    const host = officeHost(excel);
    const ours = await host.addTableSheet(`${TABLE_SHEET_PREFIX} 楚雄市 2026-11`);
    await host.writeTable(ours, 1, asCells); // carries the ledger's headers (and, for real, masked IDs)
    await host.finishTable(ours, asCells[0].length);
    expect(excel.active).toBe(ours.name);
    expect((await officeHost(excel).readLedger()).sheetName).toBe('台账'); // a fresh host: the mark is in the workbook

    excel.sheet(ours.name).name = '我的备份'; // staff rename it: still ours
    excel.active = '我的备份';
    const before = excel.syncs;
    expect((await officeHost(excel).readLedger()).sheetName).toBe('台账');
    expect(excel.syncs - before).toBeLessThanOrEqual(3); // the mark is read in the locate's first sync

    // the staff's own sheet with the name prefix and a ledger on it is their ledger (the name guard skipped it)
    const own = new FakeExcel([new FakeSheet('说明'), new FakeSheet(`${TABLE_SHEET_PREFIX}（本村自用）`, values, formats)], `${TABLE_SHEET_PREFIX}（本村自用）`);
    expect((await officeHost(own).readLedger()).sheetName).toBe(`${TABLE_SHEET_PREFIX}（本村自用）`);
  });

  it('Excel: a pull writes only its own sheet, by id — even when staff rename it mid-way and give one of theirs its old name', async () => {
    const theirs = new FakeSheet('汇总明细 楚雄市 2026-10', [['我的数据', '勿动']]);
    const excel = new FakeExcel([new FakeSheet('台账', values, formats), theirs]);
    const server = fakeServer(1_500);
    let renamed = false;
    const result = await pullRowsIntoSheet({
      host: officeHost(excel),
      fetchPage: server.fetchPage,
      sheetName: '汇总明细 楚雄市 2026-10',
      columns: COLUMNS.length,
      cancelled: () => false,
      onProgress: () => {
        if (renamed) return;
        // after the first page: staff rename both sheets, so the added sheet's name now belongs to theirs
        renamed = true;
        const added = excel.sheet('汇总明细 楚雄市 2026-10 (2)');
        theirs.name = '我的旧表';
        added.name = '汇总明细 楚雄市 2026-10 (3)';
        theirs.name = '汇总明细 楚雄市 2026-10 (2)';
      },
    });
    expect(result.sheetName).toBe('汇总明细 楚雄市 2026-10 (2)'); // the name it was given
    expect(theirs.values).toEqual([['我的数据', '勿动']]); // never written
    const ours = excel.sheet('汇总明细 楚雄市 2026-10 (3)');
    expect(ours.values).toHaveLength(1_501); // header + every page
    expect(ours.frozenRows).toBe(1);
    expect(theirs.frozenRows).toBe(0);
  });

  it('Excel before ExcelApi 1.4 records the mark in the document settings; sheets staff deleted leave the list', async () => {
    const stored = new Map<string, unknown>();
    const documentSettings: DocumentSettings = { get: (key) => stored.get(key), set: (key, value) => void stored.set(key, value), save: async () => undefined };
    const excel = new FakeExcel([new FakeSheet('台账', values, formats)]);
    excel.apiMinor = 3;
    const host = officeHost(excel, documentSettings);
    const first = await host.addTableSheet(TABLE_SHEET_PREFIX);
    await host.writeTable(first, 1, asCells);
    excel.active = first.name;
    expect((await officeHost(excel, documentSettings).readLedger()).sheetName).toBe('台账');
    excel.sheets = excel.sheets.filter((sheet) => sheet.id !== first.id); // staff delete it
    const second = await host.addTableSheet(TABLE_SHEET_PREFIX);
    expect(JSON.parse(String(stored.get(TABLE_SHEETS_KEY)))).toEqual([second.id]);
    expect(excel.settings.has(TABLE_SHEETS_KEY)).toBe(false);
  });

  it('a damaged record never stops the ledger from being found', async () => {
    const excel = new FakeExcel([new FakeSheet('台账', values, formats)]);
    excel.settings.set(TABLE_SHEETS_KEY, '{not json');
    expect((await officeHost(excel).readLedger()).sheetName).toBe('台账');
  });

  it('memory host: the same — its table sheet skipped renamed or not, a staff sheet with the prefix read', async () => {
    const memory = new MemoryHost({ sheets: [{ name: '台账', values, numberFormats: formats }], activeSheet: '台账' });
    const added = await memory.addTableSheet(`${TABLE_SHEET_PREFIX} 楚雄市 2026-11`);
    await memory.writeTable(added, 1, asCells);
    await memory.finishTable(added);
    expect(memory.activeSheet).toBe(added.name);
    expect((await memory.readLedger()).sheetName).toBe('台账');
    memory.renameSheet(added.name, '备份');
    expect((await memory.readLedger()).sheetName).toBe('台账');

    const own = new MemoryHost({ sheets: [{ name: `${TABLE_SHEET_PREFIX}（本村自用）`, values, numberFormats: formats }] });
    expect((await own.readLedger()).sheetName).toBe(`${TABLE_SHEET_PREFIX}（本村自用）`);
  });
});
