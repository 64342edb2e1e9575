/**
 * The village ledger template's layout as plain data, derived from LEDGER_COLUMNS: sheets, column
 * order and widths, header notes, 字典 lists, data-validation rules, 填表说明 text and print setup.
 *
 * Two writers consume it and must agree: the server's exceljs writer (server/io/ledger-template.ts,
 * templates/village-ledger.xlsx) and the Excel add-in, which adds the same 台账 / 填表说明 / 字典
 * sheets to a workbook that has no ledger, or the missing columns to one that has (addin/host/).
 * Nothing here knows exceljs or Office.js.
 *
 * Why A3 landscape one page wide: the printout is signed and stamped page by page, and a record split
 * over two sheets would need both signed and matched by 序号; on A3 a record stays on one line of one
 * signed page, printed at about 60 % (Chinese text ≈ 6.5 pt) instead of the 42 % (≈ 4.6 pt) that 26
 * columns get on one A4.
 */
import { LEDGER_COLUMNS, ledgerTitle, vocabularyOf, type ColumnDef, type ColumnKey, type ColumnType } from './columns';
import { columnLettersOfIndex } from './sheet';
import { joinMultiValue, VOCABULARIES, type VocabularyName } from './vocabularies';
import type { LocalizedText } from './text';
import type { LedgerValues } from './types';

export const TEMPLATE_SHEETS = { ledger: '台账', instructions: '填表说明', dictionary: '字典' } as const;
export type TemplateSheetRole = keyof typeof TEMPLATE_SHEETS;
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

export const COLUMN_TYPE_LABELS: Record<ColumnType, LocalizedText> = {
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

/** Colours as ARGB hex (exceljs) — the add-in writes them as #RRGGBB (colorHex). */
export const TEMPLATE_COLORS = {
  headerFill: 'FFDDEBF7',
  machineFill: 'FFEDEDED',
  border: 'FF999999',
  requiredHeader: 'FFC00000',
  header: 'FF000000',
} as const;

/** '#RRGGBB' of an ARGB colour (Office.js takes HTML colours). */
export function colorHex(argb: string): string {
  return `#${argb.slice(2)}`;
}

/** Columns in template order: visible columns first, hidden machine columns at the right. */
export function templateColumns(): ColumnDef<ColumnKey>[] {
  return [...LEDGER_COLUMNS.filter((c) => !c.hidden), ...LEDGER_COLUMNS.filter((c) => c.hidden)];
}

/** exceljs does not write a width of exactly 9 (its default), and Excel's own default is 8.43. */
export function templateWidth(width: number): number {
  return width === 9 ? 9.01 : width;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// 字典
// ---------------------------------------------------------------------------------------------

export interface DictionaryEntry {
  name: VocabularyName;
  /** Row 1 of its 字典 column: the header of the column that uses it. */
  header: string;
  /** 1-based column on the 字典 sheet. */
  column: number;
  values: readonly string[];
  /** Column width in characters. */
  width: number;
}

/** Vocabularies in the 字典 sheet, in a fixed order: column index (1-based) per vocabulary. */
export function dictionaryLayout(): DictionaryEntry[] {
  const names = Object.keys(VOCABULARIES) as VocabularyName[];
  return names.map((name, i) => {
    const owner = LEDGER_COLUMNS.find((c) => c.vocabulary === name);
    const values = VOCABULARIES[name];
    return { name, header: owner?.header ?? name, column: i + 1, values, width: Math.max(10, ...values.map((v) => v.length * 2 + 2)) };
  });
}

/** A sheet name as a formula reference: always quoted (CJK names need it), quotes doubled. */
export function sheetReference(sheetName: string): string {
  return `'${sheetName.replace(/'/g, "''")}'`;
}

/**
 * The list formula a dropdown on a column of this vocabulary uses, e.g. '字典'!$B$2:$B$9. The
 * add-in passes the name it actually gave the 字典 sheet (a workbook may already have one).
 */
export function dictionaryRangeFormula(name: VocabularyName, dictionarySheet: string = TEMPLATE_SHEETS.dictionary): string {
  const entry = dictionaryLayout().find((d) => d.name === name);
  if (!entry) throw new Error(`no dictionary entry for vocabulary ${name}`);
  const letter = columnLettersOfIndex(entry.column - 1);
  return `${sheetReference(dictionarySheet)}!$${letter}$2:$${letter}$${entry.values.length + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Data validation (pure data; each writer maps it to its API)
// ---------------------------------------------------------------------------------------------

export interface ValidationPrompt {
  title: string;
  text: string;
}

export interface ValidationError {
  title: string;
  text: string;
}

/** What the template puts on a column's data cells. */
export type TemplateValidation =
  /** A dropdown of a vocabulary (its 字典 column). */
  | { type: 'list'; vocabulary: VocabularyName; prompt: ValidationPrompt; error: ValidationError }
  /** A number in a range: whole numbers between min and max, or amounts ≥ min. */
  | { type: 'whole'; operator: 'between'; min: number; max: number; prompt: ValidationPrompt; error: ValidationError }
  | { type: 'decimal'; operator: 'greaterThanOrEqual'; min: number; prompt: ValidationPrompt; error: ValidationError }
  /** Anything accepted; only an input message (how to type an ID; what a multi-value may hold). */
  | { type: 'prompt'; prompt: ValidationPrompt };

/** The ID column's input prompt (data validation input message). */
export const ID_INPUT_PROMPT = '请设置为文本，输入18位身份证号';

/** The data validation the template puts on a column, or undefined. */
export function columnValidation(column: ColumnDef): TemplateValidation | undefined {
  const title = truncate(column.header, 32);
  const prompt = { title, text: truncate(column.help.zh, 250) };
  if (column.type === 'enum' && column.vocabulary) {
    const allowed = vocabularyOf(column).join('、');
    return { type: 'list', vocabulary: column.vocabulary, prompt, error: { title, text: truncate(`请从下拉列表中选择：${allowed}`, 250) } };
  }
  if (column.type === 'integer' && column.min !== undefined && column.max !== undefined) {
    return { type: 'whole', operator: 'between', min: column.min, max: column.max, prompt, error: { title, text: `请填写 ${column.min}–${column.max} 之间的整数` } };
  }
  if (column.type === 'money' && column.min !== undefined) {
    return { type: 'decimal', operator: 'greaterThanOrEqual', min: column.min, prompt, error: { title, text: `请填写不小于 ${column.min} 的金额（元）` } };
  }
  // Any text is accepted for an ID (validation stays the add-in's and the CLI's job); the prompt says how to type it.
  if (column.type === 'idNumber') return { type: 'prompt', prompt: { title, text: ID_INPUT_PROMPT } };
  // No list validation for several values: an input message lists what may be combined.
  if (column.type === 'multi' && column.vocabulary) {
    return { type: 'prompt', prompt: { title, text: truncate(`${column.help.zh} 可选：${vocabularyOf(column).join('、')}`, 250) } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 台账
// ---------------------------------------------------------------------------------------------

/** One column of the 台账 sheet as the template lays it out. */
export interface TemplateColumn {
  key: ColumnKey;
  header: string;
  /** 1-based position in the template (A = 1). */
  position: number;
  letter: string;
  /** Width in characters (templateWidth applied). */
  width: number;
  hidden: boolean;
  required: boolean;
  /** Number format of the column's cells, when not General. */
  numberFormat: string | undefined;
  /** The header cell's note: 【必填】 + zh help + en help. */
  note: string;
  validation: TemplateValidation | undefined;
}

/** The header note of a column. */
export function headerNote(column: ColumnDef): string {
  return `${column.required ? '【必填】' : ''}${column.help.zh}\n${column.help.en}`;
}

function toTemplateColumn(column: ColumnDef<ColumnKey>, position: number): TemplateColumn {
  return {
    key: column.key,
    header: column.header,
    position,
    letter: columnLettersOfIndex(position - 1),
    width: templateWidth(column.width),
    hidden: column.hidden === true,
    required: column.required,
    numberFormat: TEMPLATE_NUMBER_FORMATS[column.type],
    note: headerNote(column),
    validation: columnValidation(column),
  };
}

/** Every column of the 台账 sheet, in template order. */
export function ledgerTemplateColumns(): TemplateColumn[] {
  return templateColumns().map((column, i) => toTemplateColumn(column, i + 1));
}

/** One column's layout placed at another position (the add-in appends missing columns at the right). */
export function templateColumnAt(key: ColumnKey, position: number): TemplateColumn {
  const column = LEDGER_COLUMNS.find((c) => c.key === key);
  if (!column) throw new Error(`unknown ledger column key: ${key}`);
  return toTemplateColumn(column, position);
}

/**
 * Width of a header's box for a note: the notes are 60–180 characters, the default box shows ~40.
 */
export function noteBoxSize(text: string): { widthPt: number; heightPt: number } {
  const widthPt = 260;
  const charsPerLine = 20; // CJK characters of 9 pt in 260 pt, with margins
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / charsPerLine)), 0);
  return { widthPt, heightPt: Math.min(400, 16 + lines * 13) };
}

/** The signature block, printed at the foot of every page (&L / &C / &R: left, centre, right). */
export const TEMPLATE_SIGNATURE_FOOTER =
  '&L填表人：____________　　审核人：____________&C村（社区）负责人（签字）：____________　　（盖章）&R日期：______年____月____日　　第 &P 页，共 &N 页';

export interface LedgerPrintSetup {
  /** OOXML paper code: 8 = A3, 9 = A4. */
  paperSize: 8 | 9;
  orientation: 'landscape' | 'portrait';
  fitToWidth: number;
  /** 0 = as many pages tall as needed. */
  fitToHeight: number;
  horizontalCentered: boolean;
  /** Rows repeated on every page, e.g. '1:2'. */
  printTitleRows: string;
  /** A1 to this corner (visible columns × prepared rows); writers make the rows absolute so inserted rows do not shrink it. */
  printArea: { lastColumn: string; lastRow: number };
  /** Inches. */
  margins: { left: number; right: number; top: number; bottom: number; header: number; footer: number };
  footer: string;
}

export interface LedgerSheetLayout {
  name: string;
  title: string;
  titleRow: number;
  titleHeight: number;
  headerRow: number;
  headerHeight: number;
  firstDataRow: number;
  lastDataRow: number;
  /** Visible columns (the title is merged across them; borders and print area cover them). */
  visibleCount: number;
  columns: TemplateColumn[];
  print: LedgerPrintSetup;
}

export function ledgerSheetLayout(): LedgerSheetLayout {
  const columns = ledgerTemplateColumns();
  const visibleCount = columns.filter((c) => !c.hidden).length;
  return {
    name: TEMPLATE_SHEETS.ledger,
    title: ledgerTitle(),
    titleRow: TEMPLATE_TITLE_ROW,
    titleHeight: 30,
    headerRow: TEMPLATE_HEADER_ROW,
    headerHeight: 32,
    firstDataRow: TEMPLATE_FIRST_DATA_ROW,
    lastDataRow: TEMPLATE_LAST_DATA_ROW,
    visibleCount,
    columns,
    print: {
      paperSize: 8,
      orientation: 'landscape',
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitleRows: `${TEMPLATE_TITLE_ROW}:${TEMPLATE_HEADER_ROW}`,
      printArea: { lastColumn: columnLettersOfIndex(visibleCount - 1), lastRow: TEMPLATE_LAST_DATA_ROW },
      margins: { left: 0.3, right: 0.3, top: 0.5, bottom: 0.9, header: 0.3, footer: 0.3 },
      footer: TEMPLATE_SIGNATURE_FOOTER,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 填表说明
// ---------------------------------------------------------------------------------------------

export type InstructionsColumnKey = 'letter' | 'header' | 'en' | 'required' | 'type' | 'allowed' | 'helpZh' | 'helpEn';

export interface InstructionsLayout {
  name: string;
  /** Row 1: the headers, with their widths (characters). */
  columns: readonly { key: InstructionsColumnKey; header: string; width: number }[];
  /** One row per ledger column, from row 2, with its height (points). */
  rows: { cells: Record<InstructionsColumnKey, string>; height: number }[];
  /** After one blank row: label in column A, text merged across B..H. */
  notes: { label: string; text: string; height: number }[];
}

const INSTRUCTIONS_COLUMNS: InstructionsLayout['columns'] = [
  { key: 'letter', header: '列', width: 12 },
  { key: 'header', header: '列名', width: 14 },
  { key: 'en', header: 'Column', width: 16 },
  { key: 'required', header: '必填', width: 6 },
  { key: 'type', header: '类型 / Type', width: 22 },
  { key: 'allowed', header: '允许的值 / Allowed values', width: 40 },
  { key: 'helpZh', header: '填写说明', width: 50 },
  { key: 'helpEn', header: 'Instructions', width: 50 },
];

const INSTRUCTION_NOTES: readonly (readonly [string, string])[] = [
  ['说明', '第1行为标题（可填写村名和月份），第2行为表头，请勿修改表头文字；列可以调整顺序，也可以在右侧增加自己的列。'],
  ['Notes', 'Row 1 is the title (fill in the village and month), row 2 the header: keep the header texts. Columns may be reordered and own columns added at the right.'],
  ['身份证号', '“公民身份号码”“联系电话”两列已设为文本格式；若粘贴后显示为 5.32301E+17，说明 Excel 已丢失后三位，请将该列设为文本后重新录入。'],
  ['ID numbers', 'ID number and phone columns are formatted as Text. A value shown as 5.32301E+17 has lost its last digits: format the column as Text and re-type it.'],
  ['多选', '“人员类别”“处置方式”可填写多个值，用“、”分隔。'],
  ['系统列', '“记录ID”“版本号”为同步使用的隐藏列，请勿修改或删除。'],
];

/**
 * Row height (points) that shows every line of wrapped texts, each given with its column width in
 * characters: a CJK character takes two width units, a Latin one about one. Explicit heights because
 * WPS and LibreOffice do not grow rows for wrapped text that Excel would.
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

/**
 * Height (points) of a 台账 row holding these values when a text needs more than one line in its
 * column (家庭住址, 人员类别, 困难情形, 处置方式, 备注); undefined when one line suffices, so the row
 * keeps no explicit height and Excel still grows it as the clerk edits. Without it, a downloaded
 * ledger printed from WPS or LibreOffice ran each wrapped text over the rows below it.
 */
export function ledgerRowHeight(values: LedgerValues): number | undefined {
  const texts: [string, number][] = [];
  for (const column of VISIBLE_COLUMNS) {
    const value = values[column.key];
    const text = Array.isArray(value) ? joinMultiValue(value) : typeof value === 'string' ? value : '';
    if (text.length > 0) texts.push([text, templateWidth(column.width)]);
  }
  const height = rowHeightFor(texts);
  return height > ONE_LINE_HEIGHT ? height : undefined;
}

/** The printed columns (the machine columns are hidden), once: ledgerRowHeight runs per downloaded row. */
const VISIBLE_COLUMNS = LEDGER_COLUMNS.filter((column) => !column.hidden);
const ONE_LINE_HEIGHT = rowHeightFor([]);

/** What a column may hold, as 填表说明 states it. */
function allowedText(column: ColumnDef): string {
  if (column.vocabulary) return vocabularyOf(column).join('、');
  if (column.min === undefined) return '';
  return column.max !== undefined ? `${column.min}–${column.max}` : `≥ ${column.min}`;
}

export function instructionsLayout(): InstructionsLayout {
  const rows = templateColumns().map((column, i) => {
    const type = COLUMN_TYPE_LABELS[column.type];
    const allowed = allowedText(column);
    const cells: Record<InstructionsColumnKey, string> = {
      letter: columnLettersOfIndex(i),
      header: column.header,
      en: column.en,
      required: column.required ? '是' : '否',
      type: `${type.zh} / ${type.en}`,
      allowed,
      helpZh: column.help.zh,
      helpEn: column.help.en,
    };
    return { cells, height: rowHeightFor([[allowed, 40], [column.help.zh, 50], [column.help.en, 50]]) };
  });
  const notes = INSTRUCTION_NOTES.map(([label, text]) => ({ label, text, height: rowHeightFor([[text, 220]]) }));
  return { name: TEMPLATE_SHEETS.instructions, columns: INSTRUCTIONS_COLUMNS, rows, notes };
}

/** The whole template: the three sheets, in workbook order. */
export interface TemplateLayout {
  ledger: LedgerSheetLayout;
  instructions: InstructionsLayout;
  dictionary: { name: string; entries: DictionaryEntry[] };
}

export function templateLayout(): TemplateLayout {
  return {
    ledger: ledgerSheetLayout(),
    instructions: instructionsLayout(),
    dictionary: { name: TEMPLATE_SHEETS.dictionary, entries: dictionaryLayout() },
  };
}
