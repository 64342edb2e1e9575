/**
 * Reading the record rows under a located ledger header: which rows are records, and each present
 * column's cell through its reader (cells.ts). The validation engine and readLedgerRows (reading
 * without validating: the add-in's sync, the server) share this one path.
 */
import { cellText, formulaErrorOf, isBlankCell } from '../cell';
import { DEFAULT_POLICY, type Policy } from '../policy';
import { columnIndexOfLetters, columnLettersOfIndex, type LedgerHeader } from '../sheet';
import type { LedgerValues, SheetInput } from '../types';
import { COLUMN_CHECKS, columnCheckOf, markInvalid, type CellReporter, type ColumnCheckPlan, type ParsedRow, type ReadContext, type CheckedRow } from './cells';

export type { ParsedRow } from './cells';

/** A located ledger column with its checks. */
export interface PlannedColumn {
  check: ColumnCheckPlan;
  index: number;
  header: string;
  /** Column letters of the Excel column (firstColumn applied). */
  letters: string;
}

/** The located columns with their cell checks, in sheet order; `byOrdinal[ColumnCheckPlan.ordinal]`. */
export interface ColumnPlan {
  columns: PlannedColumn[];
  byOrdinal: (PlannedColumn | undefined)[];
  /**
   * Every present column's key set to null: each row's values start as a copy of it. (Adding 28
   * properties one by one through computed keys turns an object into a slow dictionary; copying a
   * template and overwriting existing keys keeps the fast shape — 100k rows need this.)
   */
  template: LedgerValues;
}

export function planColumns(sheet: SheetInput, header: LedgerHeader): ColumnPlan {
  const firstColumn = sheet.firstColumn ?? 0;
  const columns = header.columns.map((column) => ({
    check: columnCheckOf(column.key),
    index: column.index,
    header: column.header,
    letters: columnLettersOfIndex(firstColumn + column.index),
  }));
  const byOrdinal: (PlannedColumn | undefined)[] = new Array(COLUMN_CHECKS.length).fill(undefined);
  for (const column of columns) byOrdinal[column.check.ordinal] = column;
  const template = Object.fromEntries(columns.map((column) => [column.check.key, null])) as LedgerValues;
  return { columns, byOrdinal, template };
}

// ---------------------------------------------------------------------------------------------
// Rows that are not records

/** A label with a colon opening a row: 填表人：, 经办人：, 联系电话：, 日期：, 注：, 说明:. */
const LABEL = /^[^\d:：]{1,14}[:：]/;
/** Totals: 合计, 本月合计, 小计, 总计, 累计, 共计, 本页合计 … */
const TOTAL = /^(?:本[月页年季]|全[村乡镇])?(?:合\s*计|总\s*计|小\s*计|累\s*计|共\s*计)/;
/** Texts a 栏次 row may carry besides its numbers. */
const COLUMN_NUMBER_LABELS: ReadonlySet<string> = new Set(['栏次', '列次', '序次', '甲', '乙', '丙', '丁', 'A', 'B']);

/**
 * A 栏次 row: the columns numbered 1, 2, 3 … under the header (numbers rising with the column
 * position by a constant offset), perhaps with a 栏次 / 甲 / 乙 label. At least three numbers.
 */
function isColumnNumberRow(cells: readonly unknown[]): boolean {
  let numbers = 0;
  let offset: number | undefined;
  for (let c = 0; c < cells.length; c++) {
    const raw = cells[c];
    if (isBlankCell(raw)) continue;
    const text = cellText(raw);
    if (/^\d{1,3}$/.test(text)) {
      const n = Number(text);
      if (offset === undefined) offset = n - c;
      else if (n - c !== offset) return false;
      numbers++;
    } else if (!COLUMN_NUMBER_LABELS.has(text)) return false;
  }
  return numbers >= 3;
}

/** True when the text holds a colon (ASCII or full-width) or 计: what LABEL and TOTAL need. */
function mayOpenSignOff(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a || c === 0xff1a || c === 0x8ba1) return true;
  }
  return false;
}

/**
 * Sign-off, total and note rows are recognised by shape, not by a fixed list: the row opens with a
 * label and a colon (填表人：…, 村（社区）负责人（签字）：, 联系电话：, 注：) or a total (合计, 本月合计),
 * and most of the required cells the sheet has are empty.
 */
/**
 * True when the cell holds what can only be a person's ID number: 15 or more digits (text, perhaps
 * with an X, spaces or full-width digits), or a number of 15 or more digits.
 */
function holdsIdNumber(raw: unknown): boolean {
  if (typeof raw === 'number') return Math.abs(raw) >= 1e14;
  if (typeof raw !== 'string') return false;
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) digits++;
  }
  return digits >= 15;
}

function isSignOffOrTotal(cells: readonly unknown[], required: readonly PlannedColumn[], markers: ReadonlySet<string>, idIndex: number): boolean {
  let first: string | undefined;
  for (let c = 0; c < cells.length; c++) {
    const raw = cells[c];
    if (!isBlankCell(raw)) {
      // A record opens with its 序号 (a number) or a name: only text holding a colon or 计 can be
      // a label or a total — one character scan per row instead of three regular expressions.
      if (typeof raw === 'number' || typeof raw === 'boolean' || raw instanceof Date) return false;
      first = cellText(raw);
      break;
    }
  }
  if (first === undefined || !mayOpenSignOff(first)) return false;
  // A row with an ID number is a person (李四： with a stray colon), never a sign-off row: skipping
  // it would drop the person from the check, the upload and the sync without a word.
  if (idIndex >= 0 && holdsIdNumber(cells[idIndex])) return false;
  const opening = first.replace(/\s+/g, '');
  if (!LABEL.test(opening) && !TOTAL.test(opening)) return false;
  let filled = 0;
  for (const column of required) {
    const raw = cells[column.index];
    if (!isBlankCell(raw) && !markers.has(cellText(raw))) filled++;
  }
  return filled * 2 < required.length || required.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Merged cells

/** A1 range (B3:B5, Sheet1!B3:B5, $B$3:$B$5) → Excel rows and 0-based columns; undefined when unreadable. */
function parseRange(range: string): { top: number; left: number; bottom: number; right: number } | undefined {
  const match = /^(?:.*!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/i.exec(range.trim());
  if (!match) return undefined;
  const top = Number(match[2]);
  const left = columnIndexOfLetters(match[1]);
  const bottom = match[4] ? Number(match[4]) : top;
  const right = match[3] ? columnIndexOfLetters(match[3]) : left;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}

/**
 * The sheet with vertically merged cells filled in: a household on several rows with 发现渠道,
 * 发现日期 or 家庭住址 merged holds the value in the top cell only, and the covered cells carry it.
 * Rows not covered by a merge are shared with the input (no copy of a 100k-row sheet).
 */
export function withMergesFilled(sheet: SheetInput): SheetInput {
  const merges = sheet.merges;
  if (!merges || merges.length === 0) return sheet;
  const firstRow = sheet.firstRow ?? 1;
  const firstColumn = sheet.firstColumn ?? 0;
  const values = sheet.values.slice();
  const copied = new Set<number>();
  for (const merge of merges) {
    const range = parseRange(merge);
    if (!range || range.bottom === range.top) continue;
    const top = range.top - firstRow;
    const c = range.left - firstColumn;
    if (top < 0 || c < 0 || top >= values.length) continue;
    const value = values[top]?.[c];
    if (isBlankCell(value)) continue;
    for (let r = top + 1; r <= range.bottom - firstRow && r < values.length; r++) {
      if (!copied.has(r)) {
        const row = (values[r] ?? []).slice();
        while (row.length <= c) row.push('');
        values[r] = row;
        copied.add(r);
      }
      const row = values[r] as unknown[];
      if (isBlankCell(row[c])) row[c] = value;
    }
  }
  return { ...sheet, values };
}

// ---------------------------------------------------------------------------------------------
// Reading the rows

export interface ScanHooks {
  /** YYYY-MM-DD, the policy's synonyms: what the readers need. */
  read: ReadContext;
  /** Cell texts that mean “left empty on purpose” (policy.blankMarkers). */
  blankMarkers: ReadonlySet<string>;
  /** Receives each cell problem; null to only read. */
  report: CellReporter | null;
  /** Called after each record row is read. */
  onRow?(state: CheckedRow): void;
}

/** The blank marker a cell holds (“/”, “无”, “—” …), or undefined. Cheap for long texts. */
function markerOf(raw: unknown, markers: ReadonlySet<string>, longest: number): string | undefined {
  if (typeof raw !== 'string' || raw.length > longest + 4) return undefined;
  const text = raw.trim();
  return markers.has(text) ? text : undefined;
}

const markerStartCache = new WeakMap<ReadonlySet<string>, Uint8Array>();

/** 1 at the char code of every marker's first character (a marker can only start with one of these). */
function markerStartsOf(markers: ReadonlySet<string>): Uint8Array {
  let starts = markerStartCache.get(markers);
  if (!starts) {
    starts = new Uint8Array(0x10000);
    for (const marker of markers) if (marker.length > 0) starts[marker.charCodeAt(0)] = 1;
    markerStartCache.set(markers, starts);
  }
  return starts;
}

/**
 * A test for “this cell is one of the blank markers” that costs one character read for nearly every
 * cell (a marker can only start with one of their first characters, or with a space). For readers
 * outside the ledger's scan: the departmental files' amounts and places.
 */
export function blankMarkerTest(markers: ReadonlySet<string>): (raw: unknown) => boolean {
  const starts = markerStartsOf(markers);
  return (raw) => {
    if (typeof raw !== 'string' || raw.length === 0) return false;
    const c = raw.charCodeAt(0);
    if (starts[c] === 0 && c > 32 && c !== 0x3000 && c !== 0xa0) return false;
    return markers.has(raw.trim());
  };
}

/**
 * True when the cell is certainly not blank, not a blank marker and not a formula error: a number,
 * or text whose first character is no space, no #, and no marker's first character. Nearly every
 * filled cell answers here with one or two character reads; the rest take the full checks.
 */
function isPlainCell(raw: unknown, markerStarts: Uint8Array): boolean {
  if (typeof raw === 'number') return true;
  if (typeof raw !== 'string' || raw.length === 0) return false;
  const c = raw.charCodeAt(0);
  return c > 32 && c !== 35 /* # */ && c !== 0x3000 && c !== 0xa0 && c !== 0x200b && c !== 0xfeff && markerStarts[c] === 0;
}

/**
 * Read every record row under the header: blank rows, rows holding only 序号 / machine columns or
 * blank markers, 栏次 rows, and sign-off / total rows are skipped. Each present column's cell goes
 * through its reader; a blank marker (“/”, “无”) is an empty cell (in a required column: not filled
 * in, said so), a formula error is a finding of its own.
 */
export function scanLedgerRows(sheet: SheetInput, header: LedgerHeader, plan: ColumnPlan, hooks: ScanHooks): ParsedRow[] {
  const { values, numberFormats } = sheet;
  const firstRow = sheet.firstRow ?? 1;
  const columns = plan.columns;
  const count = columns.length;
  const { read, report, onRow, blankMarkers } = hooks;
  let longest = 0;
  for (const marker of blankMarkers) longest = Math.max(longest, marker.length);
  const markerStarts = markerStartsOf(blankMarkers);
  const required = columns.filter((column) => column.check.required);
  const idIndex = columns.find((column) => column.check.key === 'idNumber')?.index ?? -1;
  const template = plan.template;
  const rows: ParsedRow[] = [];
  for (let r = header.rowIndex + 1; r < values.length; r++) {
    const cells = values[r];
    if (!cells || cells.length === 0) continue;
    let hasContent = false;
    for (let i = 0; i < count; i++) {
      const column = columns[i];
      if (!column.check.content) continue;
      const raw = cells[column.index];
      if (isPlainCell(raw, markerStarts)) {
        hasContent = true;
        break;
      }
      if (isBlankCell(raw)) continue;
      const marker = markerOf(raw, blankMarkers, longest);
      if (marker !== undefined && !column.check.allowed?.has(marker)) continue;
      hasContent = true;
      break;
    }
    if (!hasContent) continue;
    if (r <= header.rowIndex + 2 && isColumnNumberRow(cells)) continue;
    if (isSignOffOrTotal(cells, required, blankMarkers, idIndex)) continue;

    const formats = numberFormats?.[r];
    const rowValues: LedgerValues = { ...template };
    // The row's state is its ParsedRow (one object per row), carrying what the rules need.
    const state: CheckedRow = { excelRow: firstRow + r, values: rowValues, raw: cells, invalid: undefined, idKey: undefined, idGender: undefined };
    for (let i = 0; i < count; i++) {
      const column = columns[i];
      const check = column.check;
      const raw = cells[column.index];
      if (!isPlainCell(raw, markerStarts)) {
        if (isBlankCell(raw)) {
          if (check.required && report) report(state, check, 'required', 'error', {});
          continue;
        }
        if (typeof raw === 'string') {
          const marker = markerOf(raw, blankMarkers, longest);
          if (marker !== undefined && !check.allowed?.has(marker)) {
            if (check.required && report) report(state, check, 'required/marker', 'error', { value: marker });
            continue;
          }
        }
        const formulaError = formulaErrorOf(raw);
        if (formulaError !== undefined) {
          markInvalid(state, check);
          rowValues[check.key] = formulaError;
          if (report) report(state, check, 'cell.formula_error', 'error', { value: formulaError });
          continue;
        }
      }
      rowValues[check.key] = check.read(raw, formats?.[column.index], check, state, report, read);
    }
    rows.push(state);
    if (onRow) onRow(state);
  }
  return rows;
}

/** Sentinel "today" for reading without validation: no date counts as future. */
const FAR_FUTURE = '9999-12-31';

/** The record rows under a located ledger header, normalised (no validation). */
export function readLedgerRows(sheet: SheetInput, header: LedgerHeader, policy: Policy = DEFAULT_POLICY): ParsedRow[] {
  const filled = withMergesFilled(sheet);
  return scanLedgerRows(filled, header, planColumns(filled, header), {
    read: readContextOf(FAR_FUTURE, policy),
    blankMarkers: blankMarkersOf(policy),
    report: null,
  });
}

const synonymCache = new WeakMap<Policy, ReadContext['synonyms']>();
const markerCache = new WeakMap<Policy, ReadonlySet<string>>();

/** The readers' context for a day under a policy (synonym tables cached per policy object). */
export function readContextOf(today: string, policy: Policy): ReadContext {
  let synonyms = synonymCache.get(policy);
  if (!synonyms) {
    synonyms = policy.vocabularySynonyms;
    synonymCache.set(policy, synonyms);
  }
  return { today, synonyms };
}

/** policy.blankMarkers as a set. */
export function blankMarkersOf(policy: Policy): ReadonlySet<string> {
  let markers = markerCache.get(policy);
  if (!markers) {
    markers = new Set(policy.blankMarkers.map((marker) => marker.trim()));
    markerCache.set(policy, markers);
  }
  return markers;
}
