/**
 * The village ledger template (templates/village-ledger.xlsx), generated from LEDGER_COLUMNS.
 *
 * 台账: title row merged across the visible columns, the header row frozen below it, ID number and
 * phone columns formatted as text, dropdowns on single-choice columns (lists on the 字典 sheet),
 * number ranges on integer/money columns, dates as yyyy-mm-dd, hidden machine columns at the right,
 * print setup: A3 landscape, all visible columns on one page width, title + header repeated on
 * every page, borders and wrapped text on the prepared rows, the signature block (填表人 / 审核人 /
 * 村（社区）负责人 / 日期) in the page footer, an absolute print area. Why A3 and not A4 two pages wide:
 * the printout is signed and stamped page by page, and a record split over two sheets would need
 * both signed and matched by 序号; on A3 a record stays on one line of one signed page, printed at
 * about 60 % (Chinese text ≈ 6.5 pt) instead of the 42 % (≈ 4.6 pt) that 26 columns get on one A4.
 * 填表说明: every column with its help text (zh-CN and en-US), whether required, allowed values.
 * 字典: one column per vocabulary (the dropdown sources), protected against accidental edits.
 *
 * The test tests/templates/template.test.ts reads the committed file back and compares it with the
 * column list, so a column change without `npm run template` fails.
 */
import { columnLetters } from '../../ledger/sheet';
import { promises as fs } from 'fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { LEDGER_COLUMNS, ledgerTitle, vocabularyOf, type ColumnDef, type ColumnType } from '../../ledger/columns';
import { VOCABULARIES, type VocabularyName } from '../../ledger/vocabularies';
import { defined } from '../../ledger/defined';

export const TEMPLATE_SHEETS = { ledger: '台账', instructions: '填表说明', dictionary: '字典' } as const;
/** Excel row of the title, of the header; data rows start below. */
export const TEMPLATE_TITLE_ROW = 1;
export const TEMPLATE_HEADER_ROW = 2;
/** Rows below the header prepared with formats and dropdowns. */
export const TEMPLATE_DATA_ROWS = 1000;
export const TEMPLATE_FIRST_DATA_ROW = TEMPLATE_HEADER_ROW + 1;
export const TEMPLATE_LAST_DATA_ROW = TEMPLATE_HEADER_ROW + TEMPLATE_DATA_ROWS;

/** Number format of each column type in the template. */
export const TEMPLATE_NUMBER_FORMATS: Partial<Record<ColumnType, string>> = {
  idNumber: '@',
  phone: '@',
  date: 'yyyy-mm-dd',
  integer: '0',
  money: '0.00',
  seq: '0',
  machine: '@',
};

export const COLUMN_TYPE_LABELS: Record<ColumnType, { zh: string; en: string }> = {
  seq: { zh: '序号', en: 'Number' },
  text: { zh: '文本', en: 'Text' },
  idNumber: { zh: '身份证号（文本）', en: 'ID number (text)' },
  phone: { zh: '电话（文本）', en: 'Phone (text)' },
  integer: { zh: '整数', en: 'Whole number' },
  money: { zh: '金额（元）', en: 'Amount (yuan)' },
  date: { zh: '日期（yyyy-mm-dd）', en: 'Date (yyyy-mm-dd)' },
  enum: { zh: '单选（下拉）', en: 'One value (dropdown)' },
  multi: { zh: '多选（用“、”分隔）', en: 'Several values (separated by 、)' },
  machine: { zh: '系统列（隐藏）', en: 'System column (hidden)' },
};

/** Columns in template order: visible columns first, hidden machine columns at the right. */
export function templateColumns(): ColumnDef[] {
  return [...LEDGER_COLUMNS.filter((c) => !c.hidden), ...LEDGER_COLUMNS.filter((c) => c.hidden)];
}

/** Column letter of a 1-based column number (exceljs numbering); see ledger/sheet.ts. */
export function columnLetter(index1: number): string {
  return columnLetters(index1 - 1);
}

/** Vocabularies in the 字典 sheet, in a fixed order: column index (1-based) per vocabulary. */
export function dictionaryLayout(): { name: VocabularyName; header: string; column: number; values: readonly string[] }[] {
  const names = Object.keys(VOCABULARIES) as VocabularyName[];
  return names.map((name, i) => {
    const owner = LEDGER_COLUMNS.find((c) => c.vocabulary === name);
    return { name, header: owner?.header ?? name, column: i + 1, values: VOCABULARIES[name] };
  });
}

/** The list formula a dropdown on a column of this vocabulary uses, e.g. '字典'!$B$2:$B$9. */
export function dictionaryRangeFormula(name: VocabularyName): string {
  const entry = defined(dictionaryLayout().find((d) => d.name === name), `dictionary entry ${name}`);
  const letter = columnLetter(entry.column);
  return `'${TEMPLATE_SHEETS.dictionary}'!$${letter}$2:$${letter}$${entry.values.length + 1}`;
}

const THIN = { style: 'thin' as const, color: { argb: 'FF999999' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const MACHINE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
/** Fixed document dates so regenerating the template changes nothing but real content. */
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

/** exceljs does not write a width of exactly 9 (its default), and Excel's own default is 8.43. */
export function templateWidth(width: number): number {
  return width === 9 ? 9.01 : width;
}

/** The signature block, printed at the foot of every page (&L / &C / &R: left, centre, right). */
export const TEMPLATE_SIGNATURE_FOOTER =
  '&L填表人：____________　　审核人：____________&C村（社区）负责人（签字）：____________　　（盖章）&R日期：______年____月____日　　第 &P 页，共 &N 页';

/** The ID column's input prompt (data validation input message). */
export const ID_INPUT_PROMPT = '请设置为文本，输入18位身份证号';

/**
 * Width of a header's box for a note: the notes are 60–180 characters, the default box shows ~40.
 * exceljs writes every note box at one size; writeLedgerTemplate resizes them (VML) from this.
 */
export function noteBoxSize(text: string): { widthPt: number; heightPt: number } {
  const widthPt = 260;
  const charsPerLine = 20; // CJK characters of 9 pt in 260 pt, with margins
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / charsPerLine)), 0);
  return { widthPt, heightPt: Math.min(400, 16 + lines * 13) };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function addLedgerSheet(workbook: ExcelJS.Workbook): void {
  const columns = templateColumns();
  const visibleCount = columns.filter((c) => !c.hidden).length;
  const lastVisible = columnLetter(visibleCount);
  const ws = workbook.addWorksheet(TEMPLATE_SHEETS.ledger, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: TEMPLATE_HEADER_ROW, topLeftCell: `A${TEMPLATE_FIRST_DATA_ROW}`, activeCell: `A${TEMPLATE_FIRST_DATA_ROW}` }],
    pageSetup: {
      paperSize: 8 as ExcelJS.PaperSize, // A3 (OOXML paper code 8; missing from exceljs's enum)
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${TEMPLATE_TITLE_ROW}:${TEMPLATE_HEADER_ROW}`,
      // exceljs puts $ before the columns only: the rows are made absolute here ($A$1:$Z$1002).
      printArea: `A$1:${lastVisible}$${TEMPLATE_LAST_DATA_ROW}`,
      margins: { left: 0.3, right: 0.3, top: 0.5, bottom: 0.9, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: TEMPLATE_SIGNATURE_FOOTER, evenFooter: TEMPLATE_SIGNATURE_FOOTER },
  });

  ws.columns = columns.map((column) => ({
    key: column.key,
    width: templateWidth(column.width),
    hidden: column.hidden === true,
    style: TEMPLATE_NUMBER_FORMATS[column.type] ? { numFmt: TEMPLATE_NUMBER_FORMATS[column.type] } : {},
  }));

  const title = ws.getCell(TEMPLATE_TITLE_ROW, 1);
  title.value = ledgerTitle();
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(TEMPLATE_TITLE_ROW, 1, TEMPLATE_TITLE_ROW, visibleCount);
  ws.getRow(TEMPLATE_TITLE_ROW).height = 30;

  const header = ws.getRow(TEMPLATE_HEADER_ROW);
  header.height = 32;
  columns.forEach((column, i) => {
    const cell = header.getCell(i + 1);
    cell.value = column.header;
    cell.numFmt = '@';
    cell.font = { bold: true, color: { argb: column.required ? 'FFC00000' : 'FF000000' } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = column.hidden ? MACHINE_FILL : HEADER_FILL;
    cell.border = BORDER;
    cell.note = {
      texts: [{ text: `${column.required ? '【必填】' : ''}${column.help.zh}\n${column.help.en}` }],
    };
  });

  // The prepared rows print as a table: thin borders, long text wrapped, vertically centred.
  for (let r = TEMPLATE_FIRST_DATA_ROW; r <= TEMPLATE_LAST_DATA_ROW; r++) {
    const row = ws.getRow(r);
    for (let c = 1; c <= visibleCount; c++) {
      const cell = row.getCell(c);
      cell.border = BORDER;
      cell.alignment = { vertical: 'middle', wrapText: true };
    }
  }

  // Data validations, one range per column (rows TEMPLATE_FIRST_DATA_ROW..TEMPLATE_LAST_DATA_ROW).
  columns.forEach((column, i) => {
    const letter = columnLetter(i + 1);
    const range = `${letter}${TEMPLATE_FIRST_DATA_ROW}:${letter}${TEMPLATE_LAST_DATA_ROW}`;
    const validation = columnValidation(column);
    if (validation) dataValidationsOf(ws).add(range, validation);
  });
}

/** exceljs keeps range validations in `worksheet.dataValidations` (missing from its typings). */
export interface WorksheetDataValidations {
  /** Read back per cell: 'E3' → validation (ranges are expanded when a file is read). */
  model: Record<string, ExcelJS.DataValidation | undefined>;
  add(address: string, validation: ExcelJS.DataValidation): void;
}

export function dataValidationsOf(worksheet: ExcelJS.Worksheet): WorksheetDataValidations {
  return (worksheet as unknown as { dataValidations: WorksheetDataValidations }).dataValidations;
}

/** The data validation the template puts on a column, or undefined. */
export function columnValidation(column: ColumnDef): ExcelJS.DataValidation | undefined {
  const prompt = { showInputMessage: true, promptTitle: truncate(column.header, 32), prompt: truncate(column.help.zh, 250) };
  if (column.type === 'enum' && column.vocabulary) {
    const allowed = vocabularyOf(column).join('、');
    return {
      type: 'list',
      allowBlank: true,
      formulae: [dictionaryRangeFormula(column.vocabulary)],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: truncate(column.header, 32),
      error: truncate(`请从下拉列表中选择：${allowed}`, 250),
      ...prompt,
    };
  }
  if (column.type === 'integer' && column.min !== undefined && column.max !== undefined) {
    return {
      type: 'whole',
      operator: 'between',
      allowBlank: true,
      formulae: [column.min, column.max],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: truncate(column.header, 32),
      error: `请填写 ${column.min}–${column.max} 之间的整数`,
      ...prompt,
    };
  }
  if (column.type === 'money' && column.min !== undefined) {
    return {
      type: 'decimal',
      operator: 'greaterThanOrEqual',
      allowBlank: true,
      formulae: [column.min],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: truncate(column.header, 32),
      error: `请填写不小于 ${column.min} 的金额（元）`,
      ...prompt,
    };
  }
  if (column.type === 'idNumber') {
    // Any text is accepted (validation stays the add-in's and the CLI's job); the prompt says how to type it.
    return { type: 'any', allowBlank: true, showInputMessage: true, promptTitle: truncate(column.header, 32), prompt: ID_INPUT_PROMPT } as unknown as ExcelJS.DataValidation;
  }
  if (column.type === 'multi' && column.vocabulary) {
    // No list validation for several values: an input message lists what may be combined.
    const inputMessage = { type: 'any', allowBlank: true, ...prompt, prompt: truncate(`${column.help.zh} 可选：${vocabularyOf(column).join('、')}`, 250) };
    return inputMessage as unknown as ExcelJS.DataValidation;
  }
  return undefined;
}

function addInstructionsSheet(workbook: ExcelJS.Workbook): void {
  const ws = workbook.addWorksheet(TEMPLATE_SHEETS.instructions, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [
    { header: '列', key: 'letter', width: 12 },
    { header: '列名', key: 'header', width: 14 },
    { header: 'Column', key: 'en', width: 16 },
    { header: '必填', key: 'required', width: 6 },
    { header: '类型 / Type', key: 'type', width: 22 },
    { header: '允许的值 / Allowed values', key: 'allowed', width: 40 },
    { header: '填写说明', key: 'helpZh', width: 50 },
    { header: 'Instructions', key: 'helpEn', width: 50 },
  ];
  const headerRow = ws.getRow(1);
  headerRow.font = { bold: true };
  headerRow.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
  });
  templateColumns().forEach((column, i) => {
    const type = COLUMN_TYPE_LABELS[column.type];
    const allowed = column.vocabulary
      ? vocabularyOf(column).join('、')
      : column.min !== undefined
        ? column.max !== undefined
          ? `${column.min}–${column.max}`
          : `≥ ${column.min}`
        : '';
    const row = ws.addRow({
      letter: columnLetter(i + 1),
      header: column.header,
      en: column.en,
      required: column.required ? '是' : '否',
      type: `${type.zh} / ${type.en}`,
      allowed,
      helpZh: column.help.zh,
      helpEn: column.help.en,
    });
    row.alignment = { vertical: 'top', wrapText: true };
    row.eachCell((cell) => (cell.border = BORDER));
    // Explicit heights: WPS and LibreOffice do not grow rows for wrapped text that Excel would.
    row.height = rowHeightFor([[allowed, 40], [column.help.zh, 50], [column.help.en, 50]]);
  });
  ws.addRow([]);
  const notes = [
    ['说明', '第1行为标题（可填写村名和月份），第2行为表头，请勿修改表头文字；列可以调整顺序，也可以在右侧增加自己的列。'],
    ['Notes', 'Row 1 is the title (fill in the village and month), row 2 the header: keep the header texts. Columns may be reordered and own columns added at the right.'],
    ['身份证号', '“公民身份号码”“联系电话”两列已设为文本格式；若粘贴后显示为 5.32301E+17，说明 Excel 已丢失后三位，请将该列设为文本后重新录入。'],
    ['ID numbers', 'ID number and phone columns are formatted as Text. A value shown as 5.32301E+17 has lost its last digits: format the column as Text and re-type it.'],
    ['多选', '“人员类别”“处置方式”可填写多个值，用“、”分隔。'],
    ['系统列', '“记录ID”“版本号”为同步使用的隐藏列，请勿修改或删除。'],
  ];
  for (const note of notes) {
    const row = ws.addRow([note[0], note[1]]);
    ws.mergeCells(row.number, 2, row.number, 8);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.height = rowHeightFor([[note[1], 220]]);
  }
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
}

/**
 * Row height (points) that shows every line of wrapped texts, each given with its column width in
 * characters: a CJK character takes two width units, a Latin one about one.
 */
export function rowHeightFor(texts: readonly (readonly [string, number])[]): number {
  let lines = 1;
  for (const [text, width] of texts) {
    let units = 0;
    for (const ch of text) units += ch.charCodeAt(0) > 0x2e80 ? 2 : 1.1;
    lines = Math.max(lines, Math.ceil(units / Math.max(1, width - 1)));
  }
  return Math.max(18, lines * 15 + 4);
}

function addDictionarySheet(workbook: ExcelJS.Workbook): void {
  // Hidden: the dropdown lists still work, and printing the workbook does not print 字典.
  const ws = workbook.addWorksheet(TEMPLATE_SHEETS.dictionary, { state: 'hidden' });
  for (const entry of dictionaryLayout()) {
    const column = ws.getColumn(entry.column);
    column.width = Math.max(10, ...entry.values.map((v) => v.length * 2 + 2));
    const head = ws.getCell(1, entry.column);
    head.value = entry.header;
    head.font = { bold: true };
    head.fill = HEADER_FILL;
    entry.values.forEach((value, i) => (ws.getCell(i + 2, entry.column).value = value));
  }
}

/** Builds the template workbook in memory. */
export async function buildLedgerTemplate(): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '楚雄州民政局 社会救助主动发现台账';
  workbook.lastModifiedBy = workbook.creator;
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  workbook.title = ledgerTitle();
  addLedgerSheet(workbook);
  addInstructionsSheet(workbook);
  addDictionarySheet(workbook);
  const dictionary = defined(workbook.getWorksheet(TEMPLATE_SHEETS.dictionary), 'the dictionary sheet');
  await dictionary.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true });
  return workbook;
}

/** Writes the template to `path` (e.g. templates/village-ledger.xlsx). */
export async function writeLedgerTemplate(path: string): Promise<void> {
  const workbook = await buildLedgerTemplate();
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  await fs.writeFile(path, await withSizedNotes(bytes));
}

/**
 * exceljs writes every note box at its default size (~40 characters visible); the header notes hold
 * 60–180. Each box in the VML drawing is resized to its note's text (noteBoxSize), in order.
 */
async function withSizedNotes(xlsx: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const ledgerNotes = templateColumns().map((column) => `${column.required ? '【必填】' : ''}${column.help.zh}\n${column.help.en}`);
  for (const name of Object.keys(zip.files).filter((n) => /^xl\/drawings\/vmlDrawing\d+\.vml$/.test(n))) {
    const vml = await defined(zip.file(name), `zip entry ${name}`).async('string');
    let index = 0;
    const sized = vml.replace(/(<v:shape [^>]*style=")([^"]*)(")/g, (_all, open: string, style: string, close: string) => {
      const text = ledgerNotes[index++] ?? '';
      const { widthPt, heightPt } = noteBoxSize(text);
      return `${open}${style.replace(/width:[^;]*;?/, `width:${widthPt}pt;`).replace(/height:[^;]*;?/, `height:${heightPt}pt;`)}${close}`;
    });
    zip.file(name, sized);
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
