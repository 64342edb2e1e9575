/**
 * The consolidated workbook, written as a stream: the 汇总 sheets (one per level, every unit of the
 * level with its child units), then every live row of the subtree in the ledger's column order,
 * read from the database a batch at a time and written out row by row — a million rows never sit
 * in memory (exceljs WorkbookWriter with inline strings, no shared-strings table).
 *
 * No cell is ever a formula: values are plain strings and numbers (exceljs writes a formula only for
 * a {formula} object, which this module never builds), and text a spreadsheet could take for a
 * formula (= + - @ tab CR) is additionally formatted as text ('@'). The CSV twin escapes it per OWASP.
 */
import ExcelJS from 'exceljs';
import { once } from 'events';
import type { Writable } from 'stream';
import { finished } from 'stream/promises';
import { VOCABULARIES } from '../../ledger/vocabularies';
import {
  EXPORT_COLUMNS,
  csvLine,
  displayWidth,
  exportRowCells,
  isFormulaLike,
  summaryColumns,
} from '../../ledger/reports/export';
import { monthsOf, type MonthWindow } from '../../ledger/reports/window';
import type { UnitLevel } from '../../ledger/units';
import type { UnitRef, UnitSummary, VillageInfo } from '../../ledger/reports/summary';
import type { ExportRow, ReportStore } from '../reports/store';
import type { RowView } from '../ledger/routes';

/** Excel's row limit less the header row: the rows sheet continues on 台账明细（2）, … beyond it. */
export const MAX_ROWS_PER_SHEET = 1_048_575;
const BATCH = 2_000;

export const LEVEL_SHEET_NAME: Record<UnitLevel, string> = {
  prefecture: '州汇总',
  county: '县（市）汇总',
  township: '乡镇（街道）汇总',
  village: '村（社区）汇总',
};
export const ROWS_SHEET_NAME = '台账明细';

export interface ExportPlan {
  unit: UnitRef;
  window: MonthWindow;
  levels: Array<{ level: UnitLevel; summaries: UnitSummary[] }>;
  /** What the exporting user may see (exportViewOf: phones masked with the ID numbers). */
  view: RowView;
}

type Cell = string | number | null;

/**
 * One stored row as export cells, numbered `seq` and placed by `villages` (its village and
 * township names): the same for the streamed workbook and CSV and for the pane's pages of rows.
 */
export function exportRowOf(row: ExportRow, seq: number, villages: ReadonlyMap<string, VillageInfo>, view: RowView): Cell[] {
  const village = villages.get(row.villageCode);
  return exportRowCells(row.values, {
    seq,
    townshipName: village?.townshipName ?? '',
    villageName: village?.name ?? row.villageCode,
    maskIds: view.masked,
    maskPhones: view.phonesMasked,
    rowId: row.rowId,
    version: row.version,
  });
}

/** Live rows of the subtree as export cells, a batch at a time (keyset pagination, constant memory). */
export async function* exportRows(store: ReportStore, plan: ExportPlan, limit = Infinity): AsyncGenerator<Cell[][]> {
  const villages = new Map((await store.villagesUnder(plan.unit.code)).map((village) => [village.code, village]));
  let after: { villageCode: string; seq: number } | null = null;
  let seq = 0;
  while (seq < limit) {
    const batch = await store.exportBatch(plan.unit.code, after, Math.min(BATCH, limit - seq));
    if (batch.length === 0) return;
    const last = batch[batch.length - 1];
    after = { villageCode: last.villageCode, seq: last.seq };
    yield batch.map((row) => exportRowOf(row, ++seq, villages, plan.view));
  }
}

/** The 汇总 table of one level: per parent unit, a row per child, 本级 when something is held at the parent, and 合计. */
export function summaryTable(level: UnitLevel, summaries: readonly UnitSummary[], window: MonthWindow): { header: string[]; rows: Cell[][] } {
  const columns = summaryColumns(VOCABULARIES.status, monthsOf(window));
  const header = ['上级代码', '上级单位', '单位代码', '单位名称', ...columns.map((column) => column.header)];
  const months = monthsOf(window);
  const rows: Cell[][] = [];
  for (const summary of summaries) {
    const line = (code: string, name: string, figures: UnitSummary['figures']): Cell[] => [
      summary.unit.code,
      summary.unit.name,
      code,
      name,
      ...columns.map((column) => column.value(figures, months)),
    ];
    if (level === 'village') {
      rows.push(line(summary.unit.code, summary.unit.name, summary.figures));
      continue;
    }
    for (const child of summary.children) rows.push(line(child.unit.code, child.unit.name, child.figures));
    const itself = summary.unitItself;
    if (itself.leads.all.total > 0 || itself.duplicates > 0) rows.push(line(summary.unit.code, `${summary.unit.name}（本级）`, itself));
    rows.push(line(summary.unit.code, `${summary.unit.name} 合计`, summary.figures));
  }
  return { header, rows };
}

function cellStyle(value: Cell): Partial<ExcelJS.Style> | undefined {
  return typeof value === 'string' && isFormulaLike(value) ? { numFmt: '@' } : undefined;
}

function addRow(sheet: ExcelJS.Worksheet, values: readonly Cell[]): void {
  const row = sheet.addRow(values.map((value) => (value === null ? null : value)));
  values.forEach((value, index) => {
    const style = cellStyle(value);
    if (style?.numFmt) row.getCell(index + 1).numFmt = style.numFmt;
  });
  row.commit();
}

/**
 * The two styles a ledger row's cells get, each ONE object shared by every cell: exceljs remembers
 * a style object it has seen (a WeakMap), while a cell without one gets a fresh `{}` that is
 * rendered to XML and looked up again — per cell, most of the export's time. Never mutated.
 */
const PLAIN_CELL: Partial<ExcelJS.Style> = {};
const TEXT_CELL: Partial<ExcelJS.Style> = { numFmt: '@' };

/** A row of the rows sheet (no column styles there): every cell takes one of the shared styles. */
function addLedgerRow(sheet: ExcelJS.Worksheet, values: readonly Cell[]): void {
  const row = sheet.addRow(values.map((value) => (value === null ? null : value)));
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    row.getCell(i + 1).style = typeof value === 'string' && isFormulaLike(value) ? TEXT_CELL : PLAIN_CELL;
  }
  row.commit();
}

/**
 * Waits while the zip's compressor has not taken what the worksheet wrote: exceljs's worksheet
 * stream writes into it ignoring back-pressure, so rows read faster than they are deflated would pile
 * up in memory as uncompressed XML (peak RSS over 300 MB on a 200k-row export under load). Reaches
 * into exceljs's stream (no public API): `pipes` are the writables the worksheet's StreamBuf writes to.
 */
async function zipDrained(sheet: ExcelJS.Worksheet): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes)) return;
  for (const pipe of pipes as unknown[]) {
    // archiver's PassThrough comes from readable-stream 2, which has no writableNeedDrain: its state is read directly
    const state = (pipe as { _writableState?: { needDrain?: unknown } } | null)?._writableState;
    if (state?.needDrain === true) await once(pipe as Writable, 'drain');
  }
}

/** Waits while the destination is full, so a slow reader holds back the database reads. */
async function drained(out: Writable): Promise<void> {
  if (out.writableNeedDrain) await once(out, 'drain');
}

/** Writes the workbook to `out` (which is ended); returns the number of ledger rows written. */
export async function writeConsolidatedXlsx(out: Writable, store: ReportStore, plan: ExportPlan): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = '社会救助主动发现台账';
  const headerFont = { bold: true };

  for (const { level, summaries } of plan.levels) {
    const table = summaryTable(level, summaries, plan.window);
    const widths = table.header.map((text, i) =>
      Math.min(40, Math.max(displayWidth(text), ...table.rows.map((row) => displayWidth(String(row[i] ?? '')))) + 2),
    );
    const sheet = workbook.addWorksheet(LEVEL_SHEET_NAME[level], { views: [{ state: 'frozen', xSplit: 4, ySplit: 1 }] });
    sheet.columns = table.header.map((header, i) => ({ header, width: widths[i], style: i < 4 ? { numFmt: '@' } : {} }));
    sheet.getRow(1).font = headerFont;
    sheet.getRow(1).commit();
    for (const row of table.rows) addRow(sheet, row);
    await sheet.commit();
  }

  let written = 0;
  let part = 0;
  let sheet: ExcelJS.Worksheet | null = null;
  let inSheet = 0;
  const openSheet = () => {
    part++;
    const next = workbook.addWorksheet(part === 1 ? ROWS_SHEET_NAME : `${ROWS_SHEET_NAME}（${part}）`, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    });
    // Widths from the column list (sized for typical content) or the header, whichever is wider:
    // rows stream through once, so they cannot be measured before the columns are written.
    // No column styles here: a style on every cell of a million rows is most of exceljs's cost; text
    // is written as strings anyway, and the formula-like ones get their '@' cell by cell (addRow).
    next.columns = EXPORT_COLUMNS.map((column) => ({ header: column.header, width: Math.max(column.width, displayWidth(column.header) + 2) }));
    next.getRow(1).font = headerFont;
    next.getRow(1).commit();
    inSheet = 0;
    return next;
  };
  for await (const batch of exportRows(store, plan)) {
    for (const cells of batch) {
      if (sheet === null || inSheet === MAX_ROWS_PER_SHEET) {
        if (sheet) await sheet.commit();
        sheet = openSheet();
      }
      addLedgerRow(sheet, cells);
      inSheet++;
      written++;
    }
    if (sheet) await zipDrained(sheet);
    await drained(out);
  }
  if (sheet === null) sheet = openSheet(); // an empty subtree still gets its header row
  await sheet.commit();
  await workbook.commit();
  return written;
}

/** CSV (UTF-8 with BOM, CRLF, every field quoted, formula-like text prefixed with '): the rows only. */
export async function writeConsolidatedCsv(out: Writable, store: ReportStore, plan: ExportPlan, limit = Infinity): Promise<number> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`\uFEFF${csvLine(EXPORT_COLUMNS.map((column) => column.header))}`);
  let written = 0;
  for await (const batch of exportRows(store, plan, limit)) {
    await write(batch.map(csvLine).join(''));
    written += batch.length;
  }
  out.end();
  await finished(out);
  return written;
}
