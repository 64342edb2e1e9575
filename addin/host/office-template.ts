/// <reference types="office-js" />
/**
 * Queues the Office.js commands of a template plan (template-plan.ts) on a worksheet. Only queues:
 * the caller syncs once for everything. Extras newer than ExcelApi 1.1 are written only when the
 * host supports them and are returned as skipped otherwise, so the pane can say what is missing.
 */
import type { TemplateExtra } from './ledger-host';
import { parseAddress, rectAddress } from './a1';
import type { CellStyle, SheetPlan } from './template-plan';
import type { TemplateValidation } from '../../ledger/template';

export type ExtraSupport = Record<TemplateExtra, boolean>;

/** Excel's column width in characters → points (Calibri 11: 7 px per character + 5 px padding, 0.75 pt per px). */
export function widthInPoints(characters: number): number {
  return Math.round((characters * 7 + 5) * 0.75 * 100) / 100;
}

const BORDER_EDGES = ['EdgeTop', 'EdgeBottom', 'EdgeLeft', 'EdgeRight'] as const;
const BORDER_COLOR = '#999999';

function applyStyle(range: Excel.Range, address: string, style: CellStyle): void {
  const format = range.format;
  if (style.bold !== undefined) format.font.bold = style.bold;
  if (style.fontSize !== undefined) format.font.size = style.fontSize;
  if (style.fontColor !== undefined) format.font.color = style.fontColor;
  if (style.fill !== undefined) format.fill.color = style.fill;
  if (style.horizontal !== undefined) format.horizontalAlignment = style.horizontal;
  if (style.vertical !== undefined) format.verticalAlignment = style.vertical;
  if (style.wrap !== undefined) format.wrapText = style.wrap;
  if (style.borders) {
    const rect = parseAddress(address);
    const edges: string[] = [...BORDER_EDGES];
    if (rect.rows > 1) edges.push('InsideHorizontal');
    if (rect.columns > 1) edges.push('InsideVertical');
    for (const edge of edges) {
      const border = format.borders.getItem(edge as Excel.BorderIndex);
      border.style = 'Continuous';
      border.color = BORDER_COLOR;
    }
  }
}

function applyValidation(range: Excel.Range, validation: TemplateValidation, listSource: string | undefined): void {
  const dv = range.dataValidation;
  dv.prompt = { showPrompt: true, title: validation.prompt.title, message: validation.prompt.text };
  if (validation.type === 'prompt') return;
  dv.ignoreBlanks = true;
  if (validation.type === 'list') dv.rule = { list: { inCellDropDown: true, source: listSource ?? '' } };
  else if (validation.type === 'whole') dv.rule = { wholeNumber: { operator: 'Between', formula1: validation.min, formula2: validation.max } };
  else dv.rule = { decimal: { operator: 'GreaterThanOrEqualTo', formula1: validation.min } };
  dv.errorAlert = { showAlert: true, style: 'Stop', title: validation.error.title, message: validation.error.text };
}

/** '&L left&C centre&R right' → its three parts. */
function footerParts(footer: string): { left: string; center: string; right: string } {
  const part = (code: string) => new RegExp(`&${code}(.*?)(?=&[LCR]|$)`).exec(footer)?.[1] ?? '';
  return { left: part('L'), center: part('C'), right: part('R') };
}

/** Queues the plan's commands on `sheet`; returns the extras it had to leave out. */
/**
 * `api12`: ExcelApi 1.2 (column widths, row heights, merges, protection) — every Excel since 2016
 * retail; without it the sheets are written with Excel's default widths and no merged title.
 */
export function queueSheetPlan(sheet: Excel.Worksheet, plan: SheetPlan, support: ExtraSupport, api12: boolean): TemplateExtra[] {
  const skipped = new Set<TemplateExtra>();
  const at = (address: string) => sheet.getRange(address);
  for (const block of plan.values) {
    const rows = block.values.length;
    const columns = block.values[0]?.length ?? 0;
    if (rows === 0 || columns === 0) continue;
    const range = sheet.getRange(rectOf(block.excelRow, block.column, rows, columns));
    // text first, so that a value such as 0878-… or a date-like header is stored as typed
    range.numberFormat = block.values.map((row) => row.map(() => '@'));
    range.values = block.values;
  }
  for (const f of plan.numberFormats) {
    sheet.getRange(rectOf(f.excelRow, f.column, f.rows, 1)).numberFormat = Array.from({ length: f.rows }, () => [f.format]);
  }
  if (api12) {
    for (const w of plan.widths) at(rectOf(1, w.column, 1, 1)).format.columnWidth = widthInPoints(w.width);
    for (const h of plan.rowHeights) at(rectOf(h.excelRow, 0, 1, 1)).format.rowHeight = h.height;
    for (const merge of plan.merges) at(merge).merge(false);
  }
  for (const column of plan.hiddenColumns) at(rectOf(1, column, 1, 1)).getEntireColumn().columnHidden = true;
  for (const s of plan.styles) applyStyle(at(s.range), s.range, s.style);
  if (plan.validations.length > 0) {
    if (support.dataValidation) for (const v of plan.validations) applyValidation(at(v.range), v.validation, v.listSource);
    else skipped.add('dataValidation');
  }
  if (plan.notes.length > 0) {
    if (support.headerNotes) for (const note of plan.notes) sheet.notes.add(note.cell, note.text);
    else skipped.add('headerNotes');
  }
  if (plan.freezeRows > 0) {
    if (support.freezePanes) sheet.freezePanes.freezeRows(plan.freezeRows);
    else skipped.add('freezePanes');
  }
  if (plan.print) {
    if (support.printSetup) {
      const layout = sheet.pageLayout;
      const print = plan.print;
      layout.orientation = print.orientation === 'landscape' ? 'Landscape' : 'Portrait';
      layout.paperSize = print.paperSize === 8 ? 'A3' : 'A4';
      layout.centerHorizontally = print.horizontalCentered;
      layout.zoom = { horizontalFitToPages: print.fitToWidth };
      const inch = 72; // margins in points
      layout.leftMargin = print.margins.left * inch;
      layout.rightMargin = print.margins.right * inch;
      layout.topMargin = print.margins.top * inch;
      layout.bottomMargin = print.margins.bottom * inch;
      layout.headerMargin = print.margins.header * inch;
      layout.footerMargin = print.margins.footer * inch;
      const [first, last] = print.printTitleRows.split(':');
      layout.setPrintTitleRows(`$${first}:$${last}`);
      layout.setPrintArea(`$A$1:$${print.printArea.lastColumn}$${print.printArea.lastRow}`);
      const footer = footerParts(print.footer);
      const pages = layout.headersFooters.defaultForAllPages;
      pages.leftFooter = footer.left;
      pages.centerFooter = footer.center;
      pages.rightFooter = footer.right;
    } else skipped.add('printSetup');
  }
  if (plan.hidden) sheet.visibility = 'Hidden';
  // ExcelApi 1.2; without it 字典 stays editable (the dropdowns work either way)
  if (plan.protect && api12) sheet.protection.protect({ allowFormatColumns: true });
  return [...skipped];
}

function rectOf(excelRow: number, column: number, rows: number, columns: number): string {
  return rectAddress({ excelRow, column, rows, columns });
}
