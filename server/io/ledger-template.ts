/**
 * Writes the village ledger template (templates/village-ledger.xlsx) with exceljs from the layout
 * in ledger/template.ts — the same data the Excel add-in uses to add the 台账 sheet to a workbook.
 *
 * 台账: title row merged across the visible columns, the header row frozen below it, ID number and
 * phone columns formatted as text, dropdowns on single-choice columns (lists on the 字典 sheet),
 * number ranges on integer/money columns, dates as yyyy-mm-dd, hidden machine columns at the right,
 * print setup (A3 landscape one page wide, see ledger/template.ts why), borders and wrapped text on
 * the prepared rows, the signature block in the page footer, an absolute print area.
 * 填表说明: every column with its help text (zh-CN and en-US), whether required, allowed values.
 * 字典: one column per vocabulary (the dropdown sources), hidden and protected against accidental edits.
 *
 * The test tests/templates/template.test.ts reads the committed file back and compares it with the
 * column list, so a column change without `npm run template` fails.
 */
import { promises as fs } from 'fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { ledgerTitle } from '../../ledger/columns';
import { defined } from '../../ledger/defined';
import {
  TEMPLATE_COLORS,
  TEMPLATE_SHEETS,
  dictionaryRangeFormula,
  instructionsLayout,
  ledgerSheetLayout,
  noteBoxSize,
  dictionaryLayout,
  type TemplateValidation,
} from '../../ledger/template';


const THIN = { style: 'thin' as const, color: { argb: TEMPLATE_COLORS.border } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const solid = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
const HEADER_FILL = solid(TEMPLATE_COLORS.headerFill);
const MACHINE_FILL = solid(TEMPLATE_COLORS.machineFill);
/** Fixed document dates so regenerating the template changes nothing but real content. */
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));

function addLedgerSheet(workbook: ExcelJS.Workbook): void {
  const layout = ledgerSheetLayout();
  const { print } = layout;
  const ws = workbook.addWorksheet(layout.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: layout.headerRow, topLeftCell: `A${layout.firstDataRow}`, activeCell: `A${layout.firstDataRow}` }],
    pageSetup: {
      paperSize: print.paperSize as ExcelJS.PaperSize, // A3 (OOXML paper code 8) is missing from exceljs's enum
      orientation: print.orientation,
      fitToPage: true,
      fitToWidth: print.fitToWidth,
      fitToHeight: print.fitToHeight,
      horizontalCentered: print.horizontalCentered,
      printTitlesRow: print.printTitleRows,
      // exceljs puts $ before the columns only: the rows are made absolute here ($A$1:$Z$1002).
      printArea: `A$1:${print.printArea.lastColumn}$${print.printArea.lastRow}`,
      margins: print.margins,
    },
    headerFooter: { oddFooter: print.footer, evenFooter: print.footer },
  });

  ws.columns = layout.columns.map((column) => ({
    key: column.key,
    width: column.width,
    hidden: column.hidden,
    style: column.numberFormat ? { numFmt: column.numberFormat } : {},
  }));

  const title = ws.getCell(layout.titleRow, 1);
  title.value = layout.title;
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.mergeCells(layout.titleRow, 1, layout.titleRow, layout.visibleCount);
  ws.getRow(layout.titleRow).height = layout.titleHeight;

  const header = ws.getRow(layout.headerRow);
  header.height = layout.headerHeight;
  for (const column of layout.columns) {
    const cell = header.getCell(column.position);
    cell.value = column.header;
    cell.numFmt = '@';
    cell.font = { bold: true, color: { argb: column.required ? TEMPLATE_COLORS.requiredHeader : TEMPLATE_COLORS.header } };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = column.hidden ? MACHINE_FILL : HEADER_FILL;
    cell.border = BORDER;
    cell.note = { texts: [{ text: column.note }] };
  }

  // The prepared rows print as a table: thin borders, long text wrapped, vertically centred.
  for (let r = layout.firstDataRow; r <= layout.lastDataRow; r++) {
    const row = ws.getRow(r);
    for (let c = 1; c <= layout.visibleCount; c++) {
      const cell = row.getCell(c);
      cell.border = BORDER;
      cell.alignment = { vertical: 'middle', wrapText: true };
    }
  }

  // Data validations, one range per column (the prepared rows).
  for (const column of layout.columns) {
    const validation = column.validation && toExcelValidation(column.validation);
    if (validation) dataValidationsOf(ws).add(`${column.letter}${layout.firstDataRow}:${column.letter}${layout.lastDataRow}`, validation);
  }
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

/** The layout's validation as exceljs writes it. */
export function toExcelValidation(validation: TemplateValidation): ExcelJS.DataValidation {
  const prompt = { showInputMessage: true, promptTitle: validation.prompt.title, prompt: validation.prompt.text };
  if (validation.type === 'prompt') {
    // exceljs's typings lack the 'any' type (an input message without a rule)
    return { type: 'any', allowBlank: true, ...prompt } as unknown as ExcelJS.DataValidation;
  }
  const error = { showErrorMessage: true, errorStyle: 'stop', errorTitle: validation.error.title, error: validation.error.text } as const;
  if (validation.type === 'list') {
    return { type: 'list', allowBlank: true, formulae: [dictionaryRangeFormula(validation.vocabulary)], ...error, ...prompt };
  }
  if (validation.type === 'whole') {
    return { type: 'whole', operator: 'between', allowBlank: true, formulae: [validation.min, validation.max], ...error, ...prompt };
  }
  return { type: 'decimal', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [validation.min], ...error, ...prompt };
}

function addInstructionsSheet(workbook: ExcelJS.Workbook): void {
  const layout = instructionsLayout();
  const ws = workbook.addWorksheet(layout.name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = layout.columns.map((column) => ({ header: column.header, key: column.key, width: column.width }));
  const headerRow = ws.getRow(1);
  headerRow.font = { bold: true };
  headerRow.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
  });
  for (const line of layout.rows) {
    const row = ws.addRow(line.cells);
    row.alignment = { vertical: 'top', wrapText: true };
    row.eachCell((cell) => (cell.border = BORDER));
    row.height = line.height;
  }
  ws.addRow([]);
  for (const note of layout.notes) {
    const row = ws.addRow([note.label, note.text]);
    ws.mergeCells(row.number, 2, row.number, layout.columns.length);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.height = note.height;
  }
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
}

function addDictionarySheet(workbook: ExcelJS.Workbook): void {
  // Hidden: the dropdown lists still work, and printing the workbook does not print 字典.
  const ws = workbook.addWorksheet(TEMPLATE_SHEETS.dictionary, { state: 'hidden' });
  for (const entry of dictionaryLayout()) {
    ws.getColumn(entry.column).width = entry.width;
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
  const ledgerNotes = ledgerSheetLayout().columns.map((column) => column.note);
  const zip = await JSZip.loadAsync(xlsx);
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
