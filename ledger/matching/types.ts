/** Shapes of departmental matching (pure core; the server and `ledger match` share them). */
import { EXCLUSION_KEYS, EXCLUSION_LABELS, type ExclusionKey, type LocalizedText, type SourceCode } from '../sources';
import type { Category, Channel, Coverage } from '../vocabularies';
import type { MatchRuleCode } from './rules';
import type { IdKeyTable } from '../id-key-table';

export type { ExclusionKey, LocalizedText, MatchRuleCode, SourceCode };
export { EXCLUSION_KEYS, EXCLUSION_LABELS };

/** A row left out of matching because it cannot be read (bad ID number, bad amount, …). */
export interface RejectedRow {
  /** Excel row number (1-based), of its sheet. */
  row: number;
  /** The sheet of the row, when the file's rows came from more than one sheet (「住院2」第 12 行). */
  sheet?: string;
  /** id.format, id.checksum, id.birthdate, id.region, id.excel_number, required, money.format, grade.format, status.enum, … */
  code: string;
  /** zh-CN */
  message: string;
  en: string;
}

/**
 * Rejected rows kept with their row numbers (the first ones, in file order); beyond that only the
 * counts by code are kept, so a file of 500k bad rows never makes a plan of hundreds of MB.
 */
export const REJECTED_ROWS_KEPT = 500;

/** Rejected rows: the first REJECTED_ROWS_KEPT of them, the total, and the total per code. */
export interface RejectedRows {
  rows: RejectedRow[];
  count: number;
  byCode: Record<string, number>;
}

export function emptyRejected(): RejectedRows {
  return { rows: [], count: 0, byCode: {} };
}

export function addRejected(into: RejectedRows, row: RejectedRow): void {
  into.count++;
  into.byCode[row.code] = (into.byCode[row.code] ?? 0) + 1;
  if (into.rows.length < REJECTED_ROWS_KEPT) into.rows.push(row);
}

/**
 * A row the county should look at although it was read: an ID number whose roster name differs
 * (id.name_mismatch), a person whose refunds exceed the charges (amount.negative_total), a roster
 * status or category nobody defined (roster.status_unknown, roster.category_unknown).
 */
export interface RowWarning {
  row: number;
  /** The sheet of the row, when the file's rows came from more than one sheet. */
  sheet?: string;
  code: string;
  /** zh-CN; never names a person (the lead does, as the reader's role allows). */
  message: string;
  en: string;
}

export interface LeadLink {
  kind: 'lead';
  /** The open lead's number. */
  target: string;
}

export interface MatchLead {
  /** Normalised 18-character ID number (mask it wherever it leaves the working ledger). */
  idNumber: string;
  name: string;
  rule: MatchRuleCode;
  /** 人员类别 for the ledger row. */
  category: Category;
  /** 发现渠道 for the ledger row. */
  channel: Channel;
  /** 已纳入保障 for the ledger row, from the roster (无 when not on it or stopped). */
  coverage: Coverage;
  reason: LocalizedText;
  township: string;
  village: string;
  placeFrom: 'file' | 'roster' | 'none';
  /** Excel rows of the source file behind this lead, in file order. */
  sourceRows: number[];
  /** The sheet of each of sourceRows, when the file's rows came from more than one sheet. */
  sourceSheets?: string[];
  /**
   * The roster's name for this ID when it differs from the file's (id.name_mismatch): the person
   * was not treated as covered, and the ID may be damaged. Shown as the reader's role allows.
   */
  rosterName?: string;
  /** Set by linkLeads when the person is already on an open lead or an open ledger row. */
  linkedTo?: LeadLink;
}

/** A person's self-paid total of one month (personal data: totals only, purged with the retention rules). */
export interface MonthlyTotal {
  idNumber: string;
  /** YYYY-MM */
  month: string;
  cents: number;
}

export interface MatchResult {
  source: SourceCode;
  period: string;
  /** Data rows read (blank rows skipped). */
  rowsRead: number;
  leads: MatchLead[];
  excluded: Partial<Record<ExclusionKey, number>>;
  /** The first REJECTED_ROWS_KEPT rejected rows (rejectedCount and rejectedByCode are complete). */
  rejected: RejectedRow[];
  rejectedCount: number;
  rejectedByCode: Record<string, number>;
  /** The first REJECTED_ROWS_KEPT warnings; warningCount is complete. */
  warnings: RowWarning[];
  warningCount: number;
  /** Leads with no township in the file or the roster (they wait in the county queue). */
  leadsWithoutTownship: number;
  /** Windowed sources: each person's total of each month the file holds (to keep for the window). */
  monthlyTotals?: MonthlyTotal[];
}

/** One person of the roster, as stored by the server or read from a roster file. */
export interface RosterRecord {
  idNumber: string;
  name: string;
  /** 保障类别 (低保, 特困供养, 低保边缘, 临时救助, …). */
  category: string;
  /** 在保 | 停保 (missing = 在保). */
  status?: string;
  township?: string;
  village?: string;
}

export interface RosterEntry {
  name: string;
  township: string;
  village: string;
  /** Canonical categories of the person's 在保 rows. */
  active: string[];
}

/** The roster keyed by normalised ID number. */
export interface RosterIndex {
  readonly people: ReadonlyMap<string, RosterEntry>;
  readonly size: number;
  /**
   * The same people by numeric ID key (idNumberKey → position in `entries`), made by the roster
   * builder for the matcher's per-person look-up; absent on hand-made indexes (the Map is used).
   */
  readonly byIdKey?: { readonly table: IdKeyTable; readonly entries: readonly RosterEntry[] };
}

/** Where each column sits, as ledger/sheet.ts locateColumns finds it. */
export interface LocatedHeader {
  /** Index in `values` of the header row. */
  rowIndex: number;
  /** Excel row number of the header row. */
  excelRow: number;
  /** Column index in a row of `values`, by column key (absent = column not in the file). */
  indexByKey: Readonly<Record<string, number>>;
}

export type HeaderResult = { ok: true; header: LocatedHeader } | { ok: false; error: LocalizedText };

/** Where a row is, as messages say it: 「住院2」第 12 行 (第 12 行 without a sheet). */
export function rowPlace(row: number, sheet?: string): LocalizedText {
  return sheet === undefined ? { zh: `第 ${row} 行`, en: `row ${row}` } : { zh: `「${sheet}」第 ${row} 行`, en: `sheet “${sheet}” row ${row}` };
}
