/**
 * Reading an uploaded departmental file or roster row by row (xlsx streamed with exceljs, csv
 * with csv-parse), so a 300k-row file never sits in memory as a sheet; every sheet of a workbook
 * with the file's header is read, as one file (readWithHeader). The header is located in
 * the first rows with the matching core's locateSourceHeader, then each row goes straight into
 * the core's streaming matcher / roster builder. Progress = compressed bytes read of the file.
 */
import {
  createRosterBuilder,
  createSourceMatcher,
  judgeSheet,
  rosterSheetHasIdColumn,
  sourceSheetHasIdColumn,
  noSheetHasHeader,
  SUMMARY_SHEET_SKIPPED,
  type SheetRowSink,
  type WorkbookSheets,
  linkLeads,
  locateRosterHeader,
  locateSourceHeader,
  HEADER_SCAN_ROWS,
  type HeaderResult,
  type LinkedResult,
  type OpenLeadRef,
  type LocatedHeader,
  type RosterIndex,
  type RosterParse,
} from '../../ledger/matching';
import { basename } from 'path';
import type { Policy } from '../../ledger/policy';
import type { ReadLimits } from '../io/read-limits';
import type { SheetInput } from '../../ledger/types';
import { sourceByCode, type SourceCode } from '../../ledger/sources';
import { streamTableRows, TableReadError } from '../io/read-table';
import { defined } from '../../ledger/defined';

export type ProgressFn = (rowsRead: number, bytesRead: number) => void;

/** The sheets of a workbook with more than one: those read, and those left out with why (the core's shape). */
export type SheetsRead = WorkbookSheets;

/**
 * Streams the file (server/io streamTableRows) and finds the header in the first HEADER_SCAN_ROWS
 * rows with the core's `locate` (locateSourceHeader, locateRosterHeader); every row below it goes
 * to the sink `create` makes. A file without the header fails with the core's message
 * (TableReadError header_not_found).
 *
 * A workbook of several sheets (one per hospital, per month) is read whole, as one file: every
 * sheet with the header is read (with its own header: columns may sit elsewhere), its rows
 * numbered per sheet; a sheet without the header and without an ID column (说明, 汇总) is skipped
 * and named; a sheet with an ID column whose header cannot be read refuses the file (its people
 * would be missed); a workbook where no sheet has the header is refused with the message naming
 * the expected columns. A sheet named 汇总/合计 with the header is left out (and named) when other
 * sheets hold the data, and read when none does. The read limits apply to the whole workbook.
 */
async function readWithHeader(
  path: string,
  locate: (head: SheetInput) => HeaderResult,
  hasIdColumn: (head: SheetInput) => boolean,
  create: (header: LocatedHeader) => SheetRowSink,
  onProgress: ProgressFn,
  limits: Partial<ReadLimits> | undefined,
): Promise<SheetsRead | undefined> {
  let sink: SheetRowSink | undefined;
  let several = false;
  const read: string[] = [];
  const skipped: SheetsRead['skipped'] = [];
  // Sheets named 汇总/合计 with the header: left out while detail sheets hold the data (isSummarySheetName)
  const summaries: string[] = [];
  const pass = (only?: string) =>
    streamTableRows(path, {
      allSheets: only === undefined,
      sheet: only,
      headerScanRows: HEADER_SCAN_ROWS,
      onHeaderSearch(head, file) {
        const located = locate(head);
        const name = head.name ?? '';
        several = file.sheetCount > 1;
        if (!several) {
          if (!located.ok) throw new TableReadError('header_not_found', located.error.zh, located.error.en);
          sink = create(located.header);
          if (only !== undefined) read.push(name); // an old-format workbook read for its one 汇总 sheet
          return located.header.excelRow;
        }
        const verdict = judgeSheet(head, located, hasIdColumn);
        if (verdict.kind === 'refuse') throw new TableReadError('header_not_found', verdict.error.zh, verdict.error.en);
        if (verdict.kind === 'skip') {
          skipped.push({ name, reason: verdict.reason });
          return null;
        }
        if (verdict.kind === 'summary' && only === undefined) {
          summaries.push(name);
          return null;
        }
        sink ??= create(verdict.header);
        sink.useSheet(verdict.header, name);
        read.push(name);
        return verdict.header.excelRow;
      },
      onRow: (values, excelRow) => defined(sink, 'the row sink').addRow(values, excelRow),
      onProgress: (p) => onProgress(p.rowsRead, p.bytesRead),
      progressEvery: 2000,
      limits,
    });
  const result = await pass();
  if (!several) return undefined;
  if (read.length === 0 && summaries.length > 0) {
    // Only a sheet named 汇总 holds the data (the county's whole list under that name): it is the data.
    await pass(summaries.shift());
  }
  for (const name of summaries) skipped.push({ name, reason: SUMMARY_SHEET_SKIPPED });
  if (read.length === 0) {
    const error = noSheetHasHeader(basename(path), result.sheets.map((s) => s.name), skipped[0]?.reason);
    throw new TableReadError('header_not_found', error.zh, error.en);
  }
  return { read, skipped };
}

export interface SourceFileOptions {
  roster: RosterIndex;
  openLeads: OpenLeadRef[];
  policy: Policy;
  today: string;
  onProgress?: ProgressFn;
  /** Read limits (ServerConfig.readLimits); defaults when absent. */
  limits?: Partial<ReadLimits>;
  /** Windowed sources: each person's kept monthly totals of earlier imports (ID → YYYYMM → cents). */
  priorMonths?: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** Reads and matches a departmental file; people on an open lead are linked to it. */
export async function matchSourceFile(
  path: string,
  source: SourceCode,
  period: string,
  options: SourceFileOptions,
): Promise<LinkedResult & { sheets?: SheetsRead }> {
  const def = sourceByCode(source);
  let matcher: ReturnType<typeof createSourceMatcher> | undefined;
  const sheets = await readWithHeader(
    path,
    (head) => locateSourceHeader(def.columns, head, def.name, def.requiredOneOf),
    sourceSheetHasIdColumn(def),
    (header) =>
      (matcher = createSourceMatcher({
        source: def, period, roster: options.roster, policy: options.policy, today: options.today, header, priorMonths: options.priorMonths,
      })),
    options.onProgress ?? (() => undefined),
    options.limits,
  );
  const result = defined(matcher, 'the matcher').finish();
  const linked = linkLeads(result, { openLeads: options.openLeads });
  return sheets ? { ...linked, sheets } : linked;
}

/** One stored roster row: a person and one category in force, or category '' / 停保 when none is. */
export interface RosterFileRecord {
  idNumber: string;
  name: string;
  category: string;
  status: '在保' | '停保';
  township?: string;
  village?: string;
}

/** The roster parse's counts, rejected rows and warnings (ledger/matching/roster.ts), with the records to store. */
export interface RosterFileRead extends Omit<RosterParse, 'index'> {
  records: RosterFileRecord[];
  people: number;
  /** Rows beyond the first for the same person (several categories or repeated rows). */
  duplicateRows: number;
  /** A workbook of several sheets: those read and those skipped. */
  sheets?: SheetsRead;
}

/** Reads a roster file with the core's roster builder; one record per person and category in force. */
export async function readRosterFile(path: string, options: { today: string; policy?: Policy; onProgress?: ProgressFn; limits?: Partial<ReadLimits> }): Promise<RosterFileRead> {
  let builder: ReturnType<typeof createRosterBuilder> | undefined;
  const sheets = await readWithHeader(
    path,
    locateRosterHeader,
    rosterSheetHasIdColumn,
    (header) => (builder = createRosterBuilder(options.today, header, options.policy)),
    options.onProgress ?? (() => undefined),
    options.limits,
  );
  const parse = defined(builder, 'the roster builder').finish();
  const records: RosterFileRecord[] = [];
  for (const [idNumber, entry] of parse.index.people) {
    const base = { idNumber, name: entry.name, township: entry.township || undefined, village: entry.village || undefined };
    if (entry.active.length === 0) records.push({ ...base, category: '', status: '停保' });
    for (const category of entry.active) records.push({ ...base, category, status: '在保' });
  }
  const accepted = parse.rowsRead - parse.rejectedCount;
  return {
    records,
    people: parse.index.size,
    rowsRead: parse.rowsRead,
    rejected: parse.rejected,
    rejectedCount: parse.rejectedCount,
    rejectedByCode: parse.rejectedByCode,
    warnings: parse.warnings,
    warningCount: parse.warningCount,
    duplicateRows: Math.max(0, accepted - parse.index.size),
    ...(sheets ? { sheets } : {}),
  };
}
