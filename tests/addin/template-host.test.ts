/**
 * Adding the template's sheets to a workbook without a ledger, and missing columns to a ledger,
 * through the Office host against the Excel fake: what the server's templates/village-ledger.xlsx
 * holds (same ledger/template.ts layout), constant syncs, nothing of the user's changed, a taken
 * sheet name gets a free one, and on an older Excel the extras it cannot write are named.
 */
import { join } from 'path';
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS, VISIBLE_COLUMNS, vocabularyOf } from '../../ledger/columns';
import { validateSheet } from '../../ledger/validate';
import { TEMPLATE_DATA_ROWS, dictionaryLayout, instructionsLayout, ledgerSheetLayout } from '../../ledger/template';
import { columnIndexOfLetters } from '../../ledger/sheet';
import { OfficeHost, type ExcelRun } from '../../addin/host/office-host';
import { MemoryHost } from '../../addin/host/memory-host';
import { planMissingColumns, planTemplateSheets, templateSheetNames } from '../../addin/host/template-plan';
import { freeSheetName } from '../../addin/host/sheet-name';
import { FakeExcel, FakeSheet } from './fake-excel';
import { ledgerValues } from './ledger-fixture';

const TEMPLATE = join(__dirname, '..', '..', 'templates', 'village-ledger.xlsx');

function hostOn(excel: FakeExcel): OfficeHost {
  return new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports });
}

/** A workbook staff already use: a sheet of their own and one named 台账 that holds no ledger. */
function userWorkbook(): { excel: FakeExcel; before: string } {
  const own = new FakeSheet('走访记录', [['日期', '户主', '情况'], ['2026-10-02', '张三', '已走访']]);
  const notLedger = new FakeSheet('台账', [['物资台账'], ['名称', '数量'], ['大米', 20]]);
  const excel = new FakeExcel([own, notLedger], '走访记录');
  excel.apiMinor = 18; // Microsoft 365: every extra
  return { excel, before: JSON.stringify(excel.sheets.map((s) => [s.name, s.values, s.formats, s.formatLog])) };
}

/** Cell text of an exceljs cell (rich text and numbers as text). */
const text = (value: ExcelJS.CellValue): string => (value === null || value === undefined ? '' : typeof value === 'object' && 'richText' in value ? value.richText.map((r) => r.text).join('') : String(value));

describe('addLedgerSheets on a workbook without a ledger', () => {
  it('adds 台账 / 填表说明 / 字典 under free names in 2 syncs, changing none of the user’s sheets', async () => {
    const { excel, before } = userWorkbook();
    const host = hostOn(excel);
    await expect(host.readLedger()).rejects.toMatchObject({ code: 'ledger.not_found' });
    const syncsBefore = excel.syncs;
    const added = await host.addLedgerSheets();
    expect(excel.syncs - syncsBefore).toBe(2);
    expect(added.names).toEqual({ ledger: '台账 (2)', instructions: '填表说明', dictionary: '字典' });
    expect(added.skipped).toEqual([]);
    expect(JSON.stringify(excel.sheets.slice(0, 2).map((s) => [s.name, s.values, s.formats, s.formatLog]))).toBe(before);
    expect(excel.sheets.map((s) => s.name)).toEqual(['走访记录', '台账', '台账 (2)', '填表说明', '字典']);
    expect(excel.active).toBe('台账 (2)');

    // the new sheet is a ledger the pane can read and validate: no missing columns
    const snapshot = await host.readLedger();
    expect(snapshot.sheetName).toBe('台账 (2)');
    expect(snapshot.header.columns.map((c) => c.key).sort()).toEqual(LEDGER_COLUMNS.map((c) => c.key).sort());
    expect(validateSheet(snapshot.sheet, { today: '2026-10-20' }).findings.filter((f) => f.code === 'header.missing')).toEqual([]);
  });

  it('writes what templates/village-ledger.xlsx holds: title, headers, 填表说明 cells, 字典 lists', async () => {
    const { excel } = userWorkbook();
    const { names } = await hostOn(excel).addLedgerSheets();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(TEMPLATE);
    const compare = (fileSheet: string, fakeSheet: string, rows: number, columns: number) => {
      const file = workbook.getWorksheet(fileSheet);
      if (!file) throw new Error(`template has no ${fileSheet}`);
      const fake = excel.sheet(fakeSheet);
      for (let r = 1; r <= rows; r++) {
        for (let c = 1; c <= columns; c++) {
          const cell = file.getCell(r, c);
          // exceljs reports a merged area's value in every cell of it; Excel holds it in the first
          const expected = cell.isMerged && cell.master.address !== cell.address ? '' : text(cell.value);
          expect([fileSheet, r, c, String(fake.get(r - 1, c - 1))]).toEqual([fileSheet, r, c, expected]);
        }
      }
    };
    const ledger = ledgerSheetLayout();
    compare('台账', names.ledger, ledger.headerRow + 1, ledger.columns.length + 1);
    const help = instructionsLayout();
    compare('填表说明', names.instructions, help.rows.length + help.notes.length + 3, help.columns.length);
    compare('字典', names.dictionary, Math.max(...dictionaryLayout().map((d) => d.values.length)) + 2, dictionaryLayout().length + 1);
  });

  it('puts the template’s dropdowns, formats, hidden columns, notes, frozen header and print setup on the new 台账', async () => {
    const { excel } = userWorkbook();
    const { names } = await hostOn(excel).addLedgerSheets();
    const sheet = excel.sheet(names.ledger);
    const layout = ledgerSheetLayout();
    for (const column of layout.columns) {
      const top = `${column.letter}${layout.firstDataRow}`;
      const bottom = `${column.letter}${layout.lastDataRow}`;
      const rule = sheet.setAt(top, 'dataValidation.rule') as { list?: { source: string } } | undefined;
      const def = LEDGER_COLUMNS.find((c) => c.key === column.key);
      if (def?.type === 'enum') {
        // the list source is the 字典 column holding exactly the vocabulary
        const source = rule?.list?.source ?? '';
        const match = /^='([^']+)'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)$/.exec(source);
        expect([column.key, match?.[1]]).toEqual([column.key, names.dictionary]);
        const dict = excel.sheet(names.dictionary);
        const values: unknown[] = [];
        for (let r = Number(match?.[3]); r <= Number(match?.[4]); r++) values.push(dict.get(r - 1, columnIndexOfLetters(match?.[2] ?? 'A')));
        expect(values).toEqual([...vocabularyOf(def)]);
        expect(sheet.setAt(bottom, 'dataValidation.rule')).toEqual(rule);
        expect(sheet.setAt(`${column.letter}${layout.lastDataRow + 1}`, 'dataValidation.rule')).toBeUndefined();
      } else {
        expect([column.key, rule?.list]).toEqual([column.key, undefined]);
      }
      if (column.numberFormat) expect([column.key, sheet.format(layout.lastDataRow - 1, column.position - 1)]).toEqual([column.key, column.numberFormat]);
      expect([column.key, sheet.hiddenColumns.has(column.position - 1)]).toEqual([column.key, column.hidden]);
      expect(sheet.notes.get(`${column.letter}${layout.headerRow}`)).toBe(column.note);
    }
    expect(sheet.setAt('A1', 'format.font.size')).toBe(16);
    expect(sheet.merges).toContain(`A1:${layout.columns[layout.visibleCount - 1].letter}1`);
    expect(sheet.frozenRows).toBe(2);
    expect(sheet.sheetSetting('pageLayout.paperSize')).toBe('A3');
    expect(sheet.sheetSetting('pageLayout.orientation')).toBe('Landscape');
    expect(sheet.sheetSetting('pageLayout.printTitleRows')).toBe('$1:$2');
    expect(String(sheet.sheetSetting('pageLayout.headersFooters.defaultForAllPages.centerFooter'))).toContain('负责人');
    expect(excel.sheet(names.dictionary).visibility).toBe('Hidden');
    expect(excel.sheet(names.dictionary).protectedSheet).toBe(true);
  });

  it('on ExcelApi 1.1 (Office 2016) writes the sheets and names the extras it could not write', async () => {
    const { excel } = userWorkbook();
    excel.apiMinor = 1;
    const host = hostOn(excel);
    const added = await host.addLedgerSheets();
    expect(added.skipped.sort()).toEqual(['dataValidation', 'freezePanes', 'headerNotes', 'printSetup']);
    const sheet = excel.sheet(added.names.ledger);
    expect(sheet.formatLog.some((e) => e.path.startsWith('dataValidation'))).toBe(false);
    expect(sheet.notes.size).toBe(0);
    const snapshot = await host.readLedger();
    expect(snapshot.header.missingRequired).toEqual([]);
  });

  it('a workbook with 台账 and 台账 (2) gets 台账 (3); names compare case-insensitively', () => {
    expect(freeSheetName('台账', ['台账', '台账 (2)'])).toBe('台账 (3)');
    expect(templateSheetNames(['Sheet1', '字典'])).toEqual({ ledger: '台账', instructions: '填表说明', dictionary: '字典 (2)' });
    expect(freeSheetName('Ledger', ['LEDGER'])).toBe('Ledger (2)');
    // a renamed 字典 is what the dropdowns point at
    const plan = planTemplateSheets({ ledger: '台账', instructions: '填表说明', dictionary: '字典 (2)' })[0];
    expect(plan.validations.find((v) => v.validation.type === 'list')?.listSource).toMatch(/^='字典 \(2\)'!\$/);
  });
});

describe('addMissingColumns on a ledger without some columns', () => {
  function ledgerWithout(rows: number, dropped: string[]) {
    const headers = [...VISIBLE_COLUMNS.map((c) => c.header).filter((h) => !dropped.includes(h)), '走访记录'];
    const { values, formats } = ledgerValues({ rows, headers });
    const sheet = new FakeSheet('台账', values, formats);
    return { sheet, excel: new FakeExcel([sheet], '台账'), headers };
  }

  it.each([10, 10_000])('adds them right of everything used in 2 syncs at %i rows, leaving every existing cell as it was', async (rows) => {
    const { sheet, excel, headers } = ledgerWithout(rows, ['发现渠道', '备注']);
    const host = hostOn(excel);
    const snapshot = await host.readLedger();
    const beforeValues = JSON.stringify(sheet.values);
    const beforeFormats = JSON.stringify(sheet.formats);
    const syncs = excel.syncs;
    const added = await host.addMissingColumns(snapshot, ['channel', 'notes']);
    expect(excel.syncs - syncs).toBe(2);
    const firstFree = headers.length; // right of 走访记录 (the user's own column)
    expect(added.columns.map((c) => c.key)).toEqual(['channel', 'notes']);
    const headerRow = snapshot.header.excelRow;
    expect(sheet.get(headerRow - 1, firstFree)).toBe('发现渠道');
    expect(sheet.get(headerRow - 1, firstFree + 1)).toBe('备注');
    // every cell that existed before is unchanged (values and formats), only new columns were written
    const trimmed = (grid: unknown[][]) => JSON.stringify(grid.map((row) => row.slice(0, firstFree)));
    expect(trimmed(sheet.values)).toBe(JSON.stringify(JSON.parse(beforeValues).map((row: unknown[]) => row.slice(0, firstFree))));
    expect(trimmed(sheet.formats)).toBe(JSON.stringify(JSON.parse(beforeFormats).map((row: unknown[]) => row.slice(0, firstFree))));
    // the dropdown carries its values inline (no 字典 sheet is added to the user's workbook)
    const letter = added.columns[0].cell.replace(/\d+$/, '');
    const rule = sheet.setAt(`${letter}${headerRow + rows}`, 'dataValidation.rule') as { list: { source: string } };
    expect(rule.list.source).toBe(vocabularyOf(LEDGER_COLUMNS.find((c) => c.key === 'channel') ?? LEDGER_COLUMNS[0]).join(','));
    expect(sheet.setAt(`${letter}${headerRow + Math.max(rows, TEMPLATE_DATA_ROWS)}`, 'dataValidation.rule')).toEqual(rule);
    expect(excel.sheets).toHaveLength(1);
    const again = await host.readLedger();
    expect(again.header.missingRequired).toEqual([]);
  });

  it('refuses a column the sheet has meanwhile, writing nothing', async () => {
    const { sheet, excel } = ledgerWithout(5, ['发现渠道']);
    const host = hostOn(excel);
    const snapshot = await host.readLedger();
    const before = JSON.stringify([sheet.values, sheet.formatLog]);
    await expect(host.addMissingColumns(snapshot, ['channel', 'name'])).rejects.toMatchObject({ code: 'columns.present' });
    expect(JSON.stringify([sheet.values, sheet.formatLog])).toBe(before);
  });

  it('the memory host writes the same plan (values, formats, dropdowns)', async () => {
    const headers = VISIBLE_COLUMNS.map((c) => c.header).filter((h) => h !== '性别');
    const { values } = ledgerValues({ rows: 3, headers });
    const host = new MemoryHost({ sheets: [{ name: '台账', values }] });
    const snapshot = await host.readLedger();
    const added = await host.addMissingColumns(snapshot, ['gender']);
    const plan = planMissingColumns('台账', ['gender'], { excelRow: snapshot.header.excelRow, firstFree: headers.length, lastRow: snapshot.header.excelRow + 3 });
    expect(host.sheet('台账').validations).toEqual(plan.validations);
    expect(added.columns[0].cell).toBe(`${plan.validations[0].range.slice(0, 1)}${snapshot.header.excelRow}`);
    const none = new MemoryHost({ sheets: [{ name: 'Sheet1', values: [['x']] }], capabilities: { dataValidation: false } });
    const result = await none.addLedgerSheets();
    expect(result.skipped).toEqual(['dataValidation']);
    expect(none.sheetNames(true)).toEqual(['Sheet1', '台账', '填表说明']);
  });
});
