/**
 * A workbook held in memory (the CLI's `ledger match`) read as one departmental file or roster, by
 * the same rules as the server's streamed imports (server/imports/read-files.ts): every sheet with
 * the file's header is read with its own header, rows numbered per sheet; 说明 and other sheets
 * without the header and without an ID column are skipped and named; a sheet with an ID column
 * whose header cannot be read refuses the file; a sheet named 汇总 is read only when no other
 * sheet holds the data (judgeSheet). A one-sheet file is read as it always was.
 */
import type { LocalizedText } from '../sources';
import type { SheetInput } from '../types';
import { judgeSheet, noSheetHasHeader, SUMMARY_SHEET_SKIPPED } from './locate';
import type { HeaderResult, LocatedHeader } from './types';

/** What the core's matcher and roster builder take of a file's rows. */
export interface SheetRowSink {
  useSheet(header: LocatedHeader, sheet: string): void;
  addRow(cells: readonly unknown[], excelRow: number): void;
}

/** The sheets of a workbook of several: those read, and those left out with why. */
export interface WorkbookSheets {
  read: string[];
  skipped: { name: string; reason: LocalizedText }[];
}

export type WorkbookFeed<S> = { ok: true; sink: S; sheets?: WorkbookSheets } | { ok: false; error: LocalizedText };

export function feedWorkbook<S extends SheetRowSink>(
  sheets: readonly SheetInput[],
  fileName: string,
  locate: (sheet: SheetInput) => HeaderResult,
  hasIdColumn: (sheet: SheetInput) => boolean,
  create: (header: LocatedHeader) => S,
): WorkbookFeed<S> {
  const rowsOf = (sink: S, sheet: SheetInput, header: LocatedHeader) => {
    const firstRow = sheet.firstRow ?? 1;
    for (let r = header.rowIndex + 1; r < sheet.values.length; r++) sink.addRow(sheet.values[r] ?? [], firstRow + r);
  };
  if (sheets.length <= 1) {
    const only = sheets[0] ?? { values: [] };
    const located = locate(only);
    if (!located.ok) return located;
    const sink = create(located.header);
    rowsOf(sink, only, located.header);
    return { ok: true, sink };
  }
  let sink: S | undefined;
  const read: string[] = [];
  const skipped: WorkbookSheets['skipped'] = [];
  const summaries: { sheet: SheetInput; header: LocatedHeader }[] = [];
  const take = (sheet: SheetInput, header: LocatedHeader) => {
    sink ??= create(header);
    sink.useSheet(header, sheet.name ?? '');
    read.push(sheet.name ?? '');
    rowsOf(sink, sheet, header);
  };
  for (const sheet of sheets) {
    const verdict = judgeSheet(sheet, locate(sheet), hasIdColumn);
    if (verdict.kind === 'refuse') return { ok: false, error: verdict.error };
    if (verdict.kind === 'skip') skipped.push({ name: sheet.name ?? '', reason: verdict.reason });
    else if (verdict.kind === 'summary') summaries.push({ sheet, header: verdict.header });
    else take(sheet, verdict.header);
  }
  // Only a sheet named 汇总 holds the data (the county's whole list under that name): it is the data.
  const first = read.length === 0 ? summaries.shift() : undefined;
  if (first) take(first.sheet, first.header);
  for (const { sheet } of summaries) skipped.push({ name: sheet.name ?? '', reason: SUMMARY_SHEET_SKIPPED });
  if (sink === undefined) {
    return { ok: false, error: noSheetHasHeader(fileName, sheets.map((s) => s.name ?? ''), skipped[0]?.reason) };
  }
  return { ok: true, sink, sheets: { read, skipped } };
}
