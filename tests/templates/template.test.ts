/**
 * The committed templates/village-ledger.xlsx must match the column list (LEDGER_COLUMNS) and the
 * generator: change a column or the generator without `npm run template`, and this fails.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { LEDGER_COLUMNS, ledgerTitle, vocabularyOf } from '../../ledger/columns';
import { VOCABULARIES } from '../../ledger/vocabularies';
import { buildLedgerTemplate, dataValidationsOf } from '../../server/io/ledger-template';
import { ledgerRowHeight, TEMPLATE_DATA_ROWS } from '../../ledger/template';
import { readTableFile } from '../../server/io/read-table';

const TEMPLATE = join(__dirname, '..', '..', 'templates', 'village-ledger.xlsx');
const FIRST = 3;
const LAST = 2 + TEMPLATE_DATA_ROWS;

/** Columns in the order the sheet must have them: visible ones, then the hidden machine columns. */
const EXPECTED = [...LEDGER_COLUMNS.filter((c) => !c.hidden), ...LEDGER_COLUMNS.filter((c) => c.hidden)];

function letter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

let workbook: ExcelJS.Workbook;
let ledger: ExcelJS.Worksheet;

beforeAll(async () => {
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(TEMPLATE);
  ledger = workbook.getWorksheet('台账')!;
});

/** Values of the cells of a range like '字典'!$B$2:$B$9. */
function rangeValues(formula: string): string[] {
  const match = /^'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(formula);
  expect(match).not.toBeNull();
  const [, sheet, col, from, col2, to] = match!;
  expect(col2).toBe(col);
  const ws = workbook.getWorksheet(sheet)!;
  const out: string[] = [];
  for (let r = Number(from); r <= Number(to); r++) out.push(String(ws.getCell(`${col}${r}`).value));
  return out;
}

describe('templates/village-ledger.xlsx', () => {
  it('has the 台账, 填表说明 and 字典 sheets, 台账 first', () => {
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['台账', '填表说明', '字典']);
  });

  it('has the title row merged across the visible columns and the header row in column-list order', () => {
    const visible = EXPECTED.filter((c) => !c.hidden).length;
    expect(ledger.getCell('A1').value).toBe(ledgerTitle());
    expect(ledger.model.merges).toContain(`A1:${letter(visible)}1`);
    const headers = EXPECTED.map((_, i) => ledger.getRow(2).getCell(i + 1).value);
    expect(headers).toEqual(EXPECTED.map((c) => c.header));
    expect(ledger.getRow(2).getCell(EXPECTED.length + 1).value).toBeNull();
  });

  it('freezes the title and header rows', () => {
    expect(ledger.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
  });

  it('hides exactly the machine columns, at the right', () => {
    const hidden = EXPECTED.map((c, i) => [c.key, ledger.getColumn(i + 1).hidden === true]);
    expect(hidden).toEqual(EXPECTED.map((c) => [c.key, c.hidden === true]));
    const firstHidden = EXPECTED.findIndex((c) => c.hidden);
    expect(EXPECTED.slice(firstHidden).every((c) => c.hidden)).toBe(true);
  });

  it('sets the widths of the column list', () => {
    EXPECTED.forEach((c, i) => expect(Math.abs((ledger.getColumn(i + 1).width ?? 0) - c.width)).toBeLessThan(0.1));
  });

  it('formats ID number and phone columns as text, date columns as yyyy-mm-dd', () => {
    EXPECTED.forEach((c, i) => {
      const numFmt = ledger.getColumn(i + 1).numFmt;
      if (c.type === 'idNumber' || c.type === 'phone') expect([c.key, numFmt]).toEqual([c.key, '@']);
      else if (c.type === 'date') expect([c.key, numFmt]).toEqual([c.key, 'yyyy-mm-dd']);
    });
    const text = EXPECTED.filter((c, i) => ledger.getColumn(i + 1).numFmt === '@' && !c.hidden).map((c) => c.key);
    expect(text.sort()).toEqual(['idNumber', 'phone']);
  });

  it('puts a dropdown from the 字典 sheet on every single-choice column, over all data rows, and on no other column', () => {
    const dv = dataValidationsOf(ledger).model;
    EXPECTED.forEach((c, i) => {
      const col = letter(i + 1);
      const top = dv[`${col}${FIRST}`];
      const bottom = dv[`${col}${LAST}`];
      if (c.type === 'enum') {
        expect(top?.type).toBe('list');
        expect(bottom).toEqual(top);
        expect(dv[`${col}${LAST + 1}`]).toBeUndefined();
        expect(rangeValues(String(top!.formulae[0]))).toEqual([...vocabularyOf(c)]);
        expect(top!.showErrorMessage).toBe(true);
      } else {
        expect([c.key, top?.type]).not.toEqual([c.key, 'list']);
      }
    });
  });

  it('checks number ranges from the column list', () => {
    const dv = dataValidationsOf(ledger).model;
    const household = EXPECTED.findIndex((c) => c.key === 'householdSize');
    const def = EXPECTED[household];
    expect(dv[`${letter(household + 1)}${FIRST}`]).toMatchObject({ type: 'whole', operator: 'between', formulae: [def.min, def.max] });
    const amount = EXPECTED.findIndex((c) => c.key === 'amount');
    expect(dv[`${letter(amount + 1)}${FIRST}`]).toMatchObject({ type: 'decimal', formulae: [EXPECTED[amount].min] });
  });

  it('has one 字典 column per vocabulary, with the exact values', () => {
    const dict = workbook.getWorksheet('字典')!;
    for (const [name, values] of Object.entries(VOCABULARIES)) {
      let found = false;
      for (let c = 1; c <= dict.columnCount; c++) {
        const column: string[] = [];
        for (let r = 2; r <= values.length + 1; r++) column.push(String(dict.getCell(r, c).value));
        if (JSON.stringify(column) === JSON.stringify(values) && dict.getCell(values.length + 2, c).value === null) found = true;
      }
      expect([name, found]).toEqual([name, true]);
    }
  });

  it('a filled row is as high as its longest wrapped text (WPS and LibreOffice do not grow it); a one-line row keeps no height', () => {
    expect(ledgerRowHeight({ name: '张三', address: '东瓜镇', categories: ['老年人'] })).toBeUndefined();
    const address = '楚雄市东瓜镇梨树村委会4组19号附近的老房子后面第二间';
    const tall = ledgerRowHeight({ name: '张三', address });
    expect(tall).toBeGreaterThan(30);
    // more text, more lines
    expect(ledgerRowHeight({ address: address + address })!).toBeGreaterThan(tall!);
    // hidden machine columns (记录ID) never make a row taller
    expect(ledgerRowHeight({ rowId: 'x'.repeat(200) })).toBeUndefined();
  });

  it('prints readably: A3 landscape one page wide, title and header repeated, absolute print area, signature block in the footer', () => {
    expect(ledger.pageSetup).toMatchObject({
      paperSize: 8,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:2',
    });
    const footer = ledger.headerFooter.oddFooter ?? '';
    for (const label of ['填表人', '审核人', '村（社区）负责人', '日期']) expect(footer).toContain(label);
  });

  it('prepared rows have borders and wrapped text; headers are wide enough for their text on at most two lines', () => {
    const cell = ledger.getCell(3 + 10, 9);
    expect(cell.border?.left?.style).toBeDefined();
    expect(cell.alignment?.wrapText).toBe(true);
    LEDGER_COLUMNS.filter((c) => !c.hidden).forEach((c, i) => {
      const units = [...c.header].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
      expect([c.header, (ledger.getColumn(i + 1).width ?? 0) * 2 >= units]).toEqual([c.header, true]);
    });
  });

  it('字典 is hidden (not printed), the ID column prompts for 18-digit text, header notes are sized to their text', async () => {
    expect(workbook.getWorksheet('字典')!.state).toBe('hidden');
    const id = LEDGER_COLUMNS.findIndex((c) => c.key === 'idNumber') + 1;
    const validation = ledger.getCell(3, id).dataValidation;
    expect(validation?.prompt).toBe('请设置为文本，输入18位身份证号');
    const zip = await JSZip.loadAsync(readFileSync(TEMPLATE));
    const definedNames = await zip.file('xl/workbook.xml')!.async('string');
    expect(definedNames).toMatch(/name="_xlnm.Print_Area"[^>]*>&apos;台账&apos;!\$A\$1:\$[A-Z]+\$\d+</); // absolute rows
    const vmlName = Object.keys(zip.files).find((n) => /vmlDrawing\d+\.vml$/.test(n))!;
    const vml = await zip.file(vmlName)!.async('string');
    const heights = [...vml.matchAll(/height:([\d.]+)pt/g)].map((m) => Number(m[1]));
    expect(heights.length).toBeGreaterThan(20);
    expect(Math.max(...heights)).toBeGreaterThan(100); // the long notes get tall boxes, not the default 59 pt
  });

  it('填表说明 has a wide first column and explicit row heights (WPS and LibreOffice do not grow wrapped rows)', () => {
    const sheet = workbook.getWorksheet('填表说明')!;
    expect(sheet.getColumn(1).width).toBeGreaterThanOrEqual(10);
    for (let r = 2; r <= LEDGER_COLUMNS.length + 1; r++) expect(sheet.getRow(r).height).toBeGreaterThan(0);
  });

  it('explains every column in 填表说明 (zh + en help, required, allowed values)', () => {
    const sheet = workbook.getWorksheet('填表说明')!;
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.set(String(values[1]), values);
    });
    for (const c of LEDGER_COLUMNS) {
      const row = rows.get(c.header);
      expect([c.key, row !== undefined]).toEqual([c.key, true]);
      expect(row).toContain(c.help.zh);
      expect(row).toContain(c.help.en);
      expect(row).toContain(c.en);
      expect(row![3]).toBe(c.required ? '是' : '否');
      if (c.vocabulary) expect(row).toContain(vocabularyOf(c).join('、'));
    }
  });

  it('is what the generator builds now (regenerate with `npm run template` after changing it)', async () => {
    const fresh = new ExcelJS.Workbook();
    await fresh.xlsx.load((await (await buildLedgerTemplate()).xlsx.writeBuffer()) as ArrayBuffer);
    const committed = new ExcelJS.Workbook(); // a clean copy: the tests above touched `workbook`
    await committed.xlsx.readFile(TEMPLATE);
    const snapshot = (wb: ExcelJS.Workbook) =>
      wb.worksheets.map((ws) => ({
        name: ws.name,
        values: ws.getSheetValues(),
        columns: Array.from({ length: ws.columnCount }, (_, i) => {
          const col = ws.getColumn(i + 1);
          return { width: col.width, hidden: col.hidden, numFmt: col.numFmt };
        }),
        validations: dataValidationsOf(ws).model,
        merges: ws.model.merges,
        pageSetup: ws.pageSetup,
        views: ws.views,
      }));
    expect(JSON.parse(JSON.stringify(snapshot(fresh)))).toEqual(JSON.parse(JSON.stringify(snapshot(committed))));
  });

  it('is found as a ledger by the file reader (title row 1, header row 2, no data rows)', async () => {
    const [sheet] = await readTableFile(TEMPLATE, { sheet: '台账' });
    expect(sheet.values[0][0]).toBe(ledgerTitle());
    expect(sheet.values[1]).toEqual(EXPECTED.map((c) => c.header));
    expect(sheet.values).toHaveLength(2);
  });
});
