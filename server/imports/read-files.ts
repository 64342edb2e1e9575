/**
 * Reading an uploaded departmental file or roster row by row (xlsx streamed with exceljs, csv
 * with csv-parse), so a 300k-row file never sits in memory as a sheet: the header is located in
 * the first rows with the matching core's locateSourceHeader, then each row goes straight into
 * the core's streaming matcher / roster builder. Progress = compressed bytes read of the file.
 */
import {
  createRosterBuilder,
  createSourceMatcher,
  linkLeads,
  locateRosterHeader,
  locateSourceHeader,
  HEADER_SCAN_ROWS,
  type HeaderResult,
  type LinkedResult,
  type OpenLeadRef,
  type OpenLedgerRowRef,
  type LocatedHeader,
  type RosterIndex,
  type RosterParse,
} from '../../ledger/matching';
import type { Policy } from '../../ledger/policy';
import type { ReadLimits } from '../io/read-limits';
import type { SheetInput } from '../../ledger/types';
import { sourceByCode, type SourceCode } from '../../ledger/sources';
import { streamTableRows, TableReadError } from '../io/read-table';
import { defined } from '../../ledger/defined';

export type ProgressFn = (rowsRead: number, bytesRead: number) => void;

/**
 * Streams the file (server/io streamTableRows), finds the header in the first HEADER_SCAN_ROWS rows
 * with the core's `locate` (locateSourceHeader, locateRosterHeader), and hands every row below it
 * to the sink `onHeader` returns. A file without the header fails with the core's message
 * (TableReadError header_not_found).
 */
async function readWithHeader(
  path: string,
  locate: (head: SheetInput) => HeaderResult,
  onHeader: (header: LocatedHeader) => (cells: readonly unknown[], excelRow: number) => void,
  onProgress: ProgressFn,
  limits: Partial<ReadLimits> | undefined,
): Promise<number> {
  let sink: ((cells: readonly unknown[], excelRow: number) => void) | undefined;
  const result = await streamTableRows(path, {
    headerScanRows: HEADER_SCAN_ROWS,
    onHeaderSearch(head) {
      const located = locate(head);
      if (!located.ok) throw new TableReadError('header_not_found', located.error.zh, located.error.en);
      sink = onHeader(located.header);
      return located.header.excelRow;
    },
    onRow: (values, excelRow) => defined(sink, 'the row sink')(values, excelRow),
    onProgress: (p) => onProgress(p.rowsRead, p.bytesRead),
    progressEvery: 2000,
    limits,
  });
  return result.rowsRead;
}

export interface SourceFileOptions {
  roster: RosterIndex;
  openLeads: OpenLeadRef[];
  openLedgerRows: OpenLedgerRowRef[];
  policy: Policy;
  today: string;
  onProgress?: ProgressFn;
  /** Read limits (ServerConfig.readLimits); defaults when absent. */
  limits?: Partial<ReadLimits>;
  /** Windowed sources: each person's kept monthly totals of earlier imports (ID → YYYYMM → cents). */
  priorMonths?: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/** Reads and matches a departmental file; duplicates of open leads and ledger rows are linked. */
export async function matchSourceFile(path: string, source: SourceCode, period: string, options: SourceFileOptions): Promise<LinkedResult> {
  const def = sourceByCode(source);
  let matcher: ReturnType<typeof createSourceMatcher> | undefined;
  await readWithHeader(
    path,
    (head) => locateSourceHeader(def.columns, head, def.name, def.requiredOneOf),
    (header) => {
      matcher = createSourceMatcher({
        source: def, period, roster: options.roster, policy: options.policy, today: options.today, header, priorMonths: options.priorMonths,
      });
      return (cells, excelRow) => defined(matcher, 'the matcher').addRow(cells, excelRow);
    },
    options.onProgress ?? (() => undefined),
    options.limits,
  );
  const result = defined(matcher, 'the matcher').finish();
  return linkLeads(result, { openLeads: options.openLeads, openLedgerRows: options.openLedgerRows });
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
}

/** Reads a roster file with the core's roster builder; one record per person and category in force. */
export async function readRosterFile(path: string, options: { today: string; policy?: Policy; onProgress?: ProgressFn; limits?: Partial<ReadLimits> }): Promise<RosterFileRead> {
  let builder: ReturnType<typeof createRosterBuilder> | undefined;
  await readWithHeader(
    path,
    locateRosterHeader,
    (header) => {
      builder = createRosterBuilder(options.today, header, options.policy);
      return (cells, excelRow) => defined(builder, 'the roster builder').addRow(cells, excelRow);
    },
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
  };
}
