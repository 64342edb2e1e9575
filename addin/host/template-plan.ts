/**
 * What the add-in writes to add the template's sheets (台账, 填表说明, 字典) to a workbook, or the
 * missing ledger columns to an existing ledger — planned from ledger/template.ts (the same layout the
 * server's templates/village-ledger.xlsx is written from) as host-neutral data. The Office host turns
 * a plan into Office.js commands (one sync for all of it), the memory host into its grid; pure, so
 * both write the same thing and tests can read the plan.
 */
import { vocabularyOf, columnByKey, type ColumnKey } from '../../ledger/columns';
import {
  TEMPLATE_COLORS,
  TEMPLATE_DATA_ROWS,
  TEMPLATE_SHEETS,
  colorHex,
  dictionaryLayout,
  dictionaryRangeFormula,
  instructionsLayout,
  ledgerSheetLayout,
  templateColumnAt,
  type LedgerPrintSetup,
  type TemplateColumn,
  type TemplateSheetRole,
  type TemplateValidation,
} from '../../ledger/template';
import { cellA1, rectAddress } from './a1';
import { freeSheetName } from './sheet-name';

/** Formatting the template gives a range (colours as #RRGGBB). */
export interface CellStyle {
  bold?: boolean;
  fontSize?: number;
  fontColor?: string;
  fill?: string;
  horizontal?: 'Center';
  vertical?: 'Center' | 'Top';
  wrap?: boolean;
  /** Thin grey borders around and inside every cell. */
  borders?: boolean;
}

export interface PlannedValidation {
  /** A1 range on the sheet, e.g. E3:E1002. */
  range: string;
  validation: TemplateValidation;
  /** For lists: the source as Office.js takes it ('=字典'!$B$2:$B$9, or the values inline: 男,女). */
  listSource?: string;
}

/** One sheet's writes. Rows and columns: Excel row (1-based), column index (0 = A). */
export interface SheetPlan {
  role: TemplateSheetRole | 'ledgerColumns';
  name: string;
  /** Blocks of values (text only): top-left cell and a 2-D array. */
  values: { excelRow: number; column: number; values: string[][] }[];
  /** Number format per range (a 2-D array is built by the writer). */
  numberFormats: { excelRow: number; column: number; rows: number; format: string }[];
  styles: { range: string; style: CellStyle }[];
  /** Width in characters (the writer converts to its unit). */
  widths: { column: number; width: number }[];
  hiddenColumns: number[];
  rowHeights: { excelRow: number; height: number }[];
  merges: string[];
  validations: PlannedValidation[];
  /** Header notes: cell → text. */
  notes: { cell: string; text: string }[];
  freezeRows: number;
  hidden: boolean;
  /** Protect the sheet against edits (字典: the dropdowns' sources). */
  protect: boolean;
  print?: LedgerPrintSetup;
}

function emptyPlan(role: SheetPlan['role'], name: string): SheetPlan {
  return { role, name, values: [], numberFormats: [], styles: [], widths: [], hiddenColumns: [], rowHeights: [], merges: [], validations: [], notes: [], freezeRows: 0, hidden: false, protect: false };
}

/** Free names for the three template sheets. */
export function templateSheetNames(taken: readonly string[]): Record<TemplateSheetRole, string> {
  const names: string[] = [...taken];
  const pick = (role: TemplateSheetRole) => {
    const name = freeSheetName(TEMPLATE_SHEETS[role], names);
    names.push(name);
    return name;
  };
  return { ledger: pick('ledger'), instructions: pick('instructions'), dictionary: pick('dictionary') };
}

const BORDERED: CellStyle = { borders: true };

/** The writes of one ledger column's header and data cells (template or appended position). */
function planColumn(plan: SheetPlan, column: TemplateColumn, headerRow: number, lastDataRow: number, listSource: (validation: Extract<TemplateValidation, { type: 'list' }>) => string): void {
  const index = column.position - 1;
  plan.values.push({ excelRow: headerRow, column: index, values: [[column.header]] });
  plan.widths.push({ column: index, width: column.width });
  if (column.hidden) plan.hiddenColumns.push(index);
  plan.numberFormats.push({ excelRow: headerRow, column: index, rows: 1, format: '@' });
  if (column.numberFormat) plan.numberFormats.push({ excelRow: headerRow + 1, column: index, rows: lastDataRow - headerRow, format: column.numberFormat });
  plan.styles.push({
    range: cellA1(headerRow, index),
    style: {
      bold: true,
      fontColor: colorHex(column.required ? TEMPLATE_COLORS.requiredHeader : TEMPLATE_COLORS.header),
      fill: colorHex(column.hidden ? TEMPLATE_COLORS.machineFill : TEMPLATE_COLORS.headerFill),
      horizontal: 'Center',
      vertical: 'Center',
      wrap: true,
      borders: true,
    },
  });
  plan.notes.push({ cell: cellA1(headerRow, index), text: column.note });
  if (column.validation) {
    const range = rectAddress({ excelRow: headerRow + 1, column: index, rows: lastDataRow - headerRow, columns: 1 });
    plan.validations.push({ range, validation: column.validation, ...(column.validation.type === 'list' ? { listSource: listSource(column.validation) } : {}) });
  }
}

/** The three sheets of the template under the given names (names from templateSheetNames). */
export function planTemplateSheets(names: Record<TemplateSheetRole, string>): SheetPlan[] {
  const layout = ledgerSheetLayout();
  const ledger = emptyPlan('ledger', names.ledger);
  ledger.values.push({ excelRow: layout.titleRow, column: 0, values: [[layout.title]] });
  ledger.merges.push(rectAddress({ excelRow: layout.titleRow, column: 0, rows: 1, columns: layout.visibleCount }));
  ledger.styles.push({ range: cellA1(layout.titleRow, 0), style: { bold: true, fontSize: 16, horizontal: 'Center', vertical: 'Center' } });
  ledger.rowHeights.push({ excelRow: layout.titleRow, height: layout.titleHeight }, { excelRow: layout.headerRow, height: layout.headerHeight });
  for (const column of layout.columns) {
    planColumn(ledger, column, layout.headerRow, layout.lastDataRow, (v) => `=${dictionaryRangeFormula(v.vocabulary, names.dictionary)}`);
  }
  // the prepared rows print as a table: thin borders, long text wrapped, vertically centred
  ledger.styles.push({
    range: rectAddress({ excelRow: layout.firstDataRow, column: 0, rows: layout.lastDataRow - layout.firstDataRow + 1, columns: layout.visibleCount }),
    style: { borders: true, wrap: true, vertical: 'Center' },
  });
  ledger.freezeRows = layout.headerRow;
  ledger.print = layout.print;

  const help = instructionsLayout();
  const instructions = emptyPlan('instructions', names.instructions);
  const width = help.columns.length;
  instructions.values.push({
    excelRow: 1,
    column: 0,
    values: [help.columns.map((c) => c.header), ...help.rows.map((row) => help.columns.map((c) => row.cells[c.key]))],
  });
  help.columns.forEach((c, i) => instructions.widths.push({ column: i, width: c.width }));
  instructions.styles.push({ range: rectAddress({ excelRow: 1, column: 0, rows: 1, columns: width }), style: { bold: true, fill: colorHex(TEMPLATE_COLORS.headerFill), borders: true } });
  instructions.styles.push({ range: rectAddress({ excelRow: 2, column: 0, rows: help.rows.length, columns: width }), style: { ...BORDERED, vertical: 'Top', wrap: true } });
  help.rows.forEach((row, i) => instructions.rowHeights.push({ excelRow: i + 2, height: row.height }));
  const firstNote = help.rows.length + 3; // one blank row after the column rows
  instructions.values.push({ excelRow: firstNote, column: 0, values: help.notes.map((note) => [note.label, note.text]) });
  help.notes.forEach((note, i) => {
    const excelRow = firstNote + i;
    instructions.merges.push(rectAddress({ excelRow, column: 1, rows: 1, columns: width - 1 }));
    instructions.styles.push({ range: cellA1(excelRow, 0), style: { bold: true } }, { range: cellA1(excelRow, 1), style: { wrap: true, vertical: 'Top' } });
    instructions.rowHeights.push({ excelRow, height: note.height });
  });
  instructions.freezeRows = 1;

  const dictionary = emptyPlan('dictionary', names.dictionary);
  for (const entry of dictionaryLayout()) {
    const column = entry.column - 1;
    dictionary.values.push({ excelRow: 1, column, values: [[entry.header], ...entry.values.map((v) => [v])] });
    dictionary.widths.push({ column, width: entry.width });
    dictionary.styles.push({ range: cellA1(1, column), style: { bold: true, fill: colorHex(TEMPLATE_COLORS.headerFill) } });
  }
  dictionary.hidden = true; // the dropdowns still work, and printing the workbook does not print 字典
  dictionary.protect = true;
  return [ledger, instructions, dictionary];
}

/** Office.js takes a list's values inline, comma-separated, up to 255 characters. */
const INLINE_LIST_LIMIT = 255;

/**
 * The ledger columns `keys` appended at the right of an existing ledger: from column `firstFree`
 * (0-based, right of everything used), header on `headerRow`, formats and dropdowns down to
 * `lastRow` or the template's prepared rows below the header, whichever is further. The dropdowns
 * carry their values inline (the workbook may have no 字典 sheet, and none is added to it).
 */
export function planMissingColumns(sheetName: string, keys: readonly ColumnKey[], header: { excelRow: number; firstFree: number; lastRow: number }): SheetPlan {
  const plan = emptyPlan('ledgerColumns', sheetName);
  const lastDataRow = Math.max(header.lastRow, header.excelRow + TEMPLATE_DATA_ROWS);
  keys.forEach((key, i) => {
    const column = templateColumnAt(key, header.firstFree + i + 1);
    planColumn(plan, column, header.excelRow, lastDataRow, () => {
      const inline = vocabularyOf(columnByKey(key)).join(',');
      if (inline.length > INLINE_LIST_LIMIT) throw new Error(`the ${key} list is too long to write inline`);
      return inline;
    });
  });
  return plan;
}

/** The template extras a plan uses that the host cannot write. */
export function extrasUsed(plans: readonly SheetPlan[]): { dataValidation: boolean; freezePanes: boolean; printSetup: boolean; headerNotes: boolean } {
  return {
    dataValidation: plans.some((p) => p.validations.length > 0),
    freezePanes: plans.some((p) => p.freezeRows > 0),
    printSetup: plans.some((p) => p.print !== undefined),
    headerNotes: plans.some((p) => p.notes.length > 0),
  };
}
