/**
 * Reading a worksheet as staff keep it: the header row is somewhere in the first rows (a title row
 * above it is normal, a two-level header is tolerated), columns come in any order, extra columns are
 * ignored, header texts are normalised and matched against the canonical header and its aliases.
 *
 * locateColumns is generic — the ledger uses it with LEDGER_COLUMNS, the county's source files
 * (roster, 医保, 残联 …) with their own specs. readLedgerRows turns the rows under the ledger's header
 * into normalised LedgerValues (the same reading the validation uses: one code path).
 */
import { LEDGER_COLUMNS, type ColumnKey } from './columns';
import { normalizeHeaderText, withoutTrailingParenthetical } from './header-text';
import type { LedgerValues, SheetInput } from './types';
import {
  cellString,
  COLUMN_CHECKS,
  columnCheckOf,
  isBlankCell,
  type CellReporter,
  type ColumnCheckPlan,
  type ParsedRow,
  type RowState,
} from './validation/cells';
import { joinMultiValue } from './vocabularies';

export { cellString, isBlankCell } from './validation/cells';

// ---------------------------------------------------------------------------------------------
// A1 references

/** 0 → A, 25 → Z, 26 → AA, 701 → ZZ, 702 → AAA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A1 reference of an Excel row number and a 0-based column index. */
export function cellRef(excelRow: number, columnIndex: number): string {
  return `${columnLetters(columnIndex)}${excelRow}`;
}

// ---------------------------------------------------------------------------------------------
// Locating columns

/** A column to look for: the ledger's ColumnDef and the source files' SourceColumnSpec both fit. */
export interface ColumnSpec<K extends string = string> {
  key: K;
  header: string;
  aliases?: readonly string[];
  required?: boolean;
}

export interface LocatedColumn<K extends string = string> {
  key: K;
  /** Index in a row of `values` (add SheetInput.firstColumn for the Excel column). */
  index: number;
  /** Header text as it appears in the sheet (trimmed). */
  header: string;
}

export interface LocatedColumns<K extends string = string> {
  /** Index in `values` of the (last) header row; data starts on the next row. */
  rowIndex: number;
  /** Excel row number of that header row. */
  excelRow: number;
  /** Found columns, in sheet order. */
  columns: LocatedColumn<K>[];
  /** Keys of required specs not found. */
  missingRequired: K[];
  indexByKey: Partial<Record<K, number>>;
  /** 2 when the header spans two rows (a group row above sub-headers), else 1. */
  headerRows: 1 | 2;
}

export interface LocateOptions {
  /** Excel row number of values[0] (SheetInput.firstRow); default 1. */
  firstRow?: number;
  /** Fewest matched columns for a row to count as the header; default min(2, specs.length). */
  minMatches?: number;
}

/** Spec index of a normalised header text, and whether the text is the spec's canonical header. */
type Lookup = Map<string, { spec: number; canonical: boolean }>;
const lookupCache = new WeakMap<readonly ColumnSpec[], Lookup>();

function lookupOf(specs: readonly ColumnSpec[]): Lookup {
  let lookup = lookupCache.get(specs);
  if (lookup) return lookup;
  lookup = new Map();
  // Canonical headers first, so an alias of one column never shadows another column's header.
  specs.forEach((spec, i) => {
    const key = normalizeHeaderText(spec.header);
    if (!lookup!.has(key)) lookup!.set(key, { spec: i, canonical: true });
  });
  specs.forEach((spec, i) => {
    for (const alias of spec.aliases ?? []) {
      const key = normalizeHeaderText(alias);
      if (!lookup!.has(key)) lookup!.set(key, { spec: i, canonical: false });
    }
  });
  lookupCache.set(specs, lookup);
  return lookup;
}

/**
 * Spec index each cell of a row matches (-1 = none), whether that cell carries the spec's canonical
 * header, and how many distinct specs matched.
 */
function matchRow(row: readonly unknown[] | undefined, lookup: Lookup): { matches: number[]; canonical: boolean[]; count: number } {
  const matches: number[] = [];
  const canonical: boolean[] = [];
  const seen = new Set<number>();
  if (row) {
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      let found: { spec: number; canonical: boolean } | undefined;
      if (typeof cell === 'string' && cell.length > 0) {
        const normalized = normalizeHeaderText(cell);
        found = lookup.get(normalized) ?? lookup.get(withoutTrailingParenthetical(normalized));
      }
      matches.push(found ? found.spec : -1);
      canonical.push(found ? found.canonical : false);
      if (found) seen.add(found.spec);
    }
  }
  return { matches, canonical, count: seen.size };
}

/**
 * Find the header row among the first `maxScanRows` rows of `values` and where each spec's column
 * is. The header row is the row matching the most specs (at least `minMatches`); when the row just
 * below or above it matches two or more specs too, the two rows form a two-level header (merged
 * group cells above sub-headers) and the lower row's texts win. Returns null when no row qualifies.
 */
export function locateColumns<K extends string>(
  values: SheetInput['values'],
  specs: readonly ColumnSpec<K>[],
  maxScanRows = 10,
  options: LocateOptions = {},
): LocatedColumns<K> | null {
  const lookup = lookupOf(specs);
  const minMatches = options.minMatches ?? Math.min(2, specs.length);
  const scan = Math.min(maxScanRows, values.length);
  const rows: ReturnType<typeof matchRow>[] = [];
  let best = -1;
  for (let r = 0; r < scan; r++) {
    const matched = matchRow(values[r], lookup);
    rows.push(matched);
    if (matched.count >= minMatches && (best < 0 || matched.count > rows[best].count)) best = r;
  }
  if (best < 0) return null;

  let upper = best;
  let lower = best;
  const below = best + 1 < values.length ? (rows[best + 1] ?? matchRow(values[best + 1], lookup)) : undefined;
  if (below && below.count >= 2) lower = best + 1;
  else if (best > 0 && rows[best - 1].count >= 2) upper = best - 1;

  const taken = new Map<number, LocatedColumn<K>>(); // spec index → column
  const usedIndex = new Set<number>();
  // A canonical header beats an alias wherever it sits (残疾人证号, an alias, left of 身份证号 must
  // not take the ID column); among texts of the same kind the leftmost wins.
  const take = (r: number): void => {
    const { matches, canonical } = r === best ? rows[best] : (rows[r] ?? below)!;
    for (const pass of [true, false]) {
      matches.forEach((specIndex, c) => {
        if (specIndex < 0 || canonical[c] !== pass || taken.has(specIndex) || usedIndex.has(c)) return;
        taken.set(specIndex, { key: specs[specIndex].key, index: c, header: cellString(values[r][c]) });
        usedIndex.add(c);
      });
    }
  };
  take(lower);
  if (upper !== lower) take(upper);

  const columns = [...taken.values()].sort((a, b) => a.index - b.index);
  const indexByKey: Partial<Record<K, number>> = {};
  for (const column of columns) indexByKey[column.key] = column.index;
  const missingRequired = specs.filter((spec, i) => spec.required && !taken.has(i)).map((spec) => spec.key);
  return {
    rowIndex: lower,
    excelRow: (options.firstRow ?? 1) + lower,
    columns,
    missingRequired,
    indexByKey,
    headerRows: upper === lower ? 1 : 2,
  };
}

// ---------------------------------------------------------------------------------------------
// The ledger

export type LedgerHeader = LocatedColumns<ColumnKey>;

/** The ledger's header texts in LEDGER_COLUMNS order (the synthetic sheet of validateRecords, write-back). */
export const LEDGER_HEADER_ROW: readonly string[] = LEDGER_COLUMNS.map((column) => column.header);

/** Fewest ledger columns a header row must show before the sheet counts as a ledger. */
export const LEDGER_MIN_MATCHES = 3;
const LEDGER_SPECS = LEDGER_COLUMNS as readonly ColumnSpec<ColumnKey>[];

/** The ledger header of a sheet, or null when the sheet is not a ledger. */
export function locateLedgerHeader(sheet: SheetInput): LedgerHeader | null {
  return locateColumns(sheet.values, LEDGER_SPECS, 10, { firstRow: sheet.firstRow, minMatches: LEDGER_MIN_MATCHES });
}

export type { ParsedRow } from './validation/cells';

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
    letters: columnLetters(firstColumn + column.index),
  }));
  const byOrdinal: (PlannedColumn | undefined)[] = new Array(COLUMN_CHECKS.length).fill(undefined);
  for (const column of columns) byOrdinal[column.check.ordinal] = column;
  const template = Object.fromEntries(columns.map((column) => [column.check.key, null])) as LedgerValues;
  return { columns, byOrdinal, template };
}

/** Rows under a table that are not records: 填表人：… 审核人：… 注：… and totals. */
const FOOTER = /^(?:填表|填报|制表|审核|审批|负责|统计|单位|注|说明|备注|附注)[^:：]{0,6}[:：]|^(?:合\s*计|总\s*计|小\s*计)$/;

export interface ScanHooks {
  /** YYYY-MM-DD: the future-date and birth-date checks. */
  today: string;
  /** Receives each cell problem; null to only read. */
  report: CellReporter | null;
  /** Called after each record row is read. */
  onRow?(state: RowState): void;
}

/**
 * Read every record row under the header: blank rows, rows with only 序号 / machine columns, and
 * footer rows (填表人：…, 合计) are skipped. Each present column's cell goes through its reader.
 */
export function scanLedgerRows(sheet: SheetInput, header: LedgerHeader, plan: ColumnPlan, hooks: ScanHooks): ParsedRow[] {
  const { values, numberFormats } = sheet;
  const firstRow = sheet.firstRow ?? 1;
  const columns = plan.columns;
  const count = columns.length;
  const { today, report, onRow } = hooks;
  const template = plan.template;
  const rows: ParsedRow[] = [];
  for (let r = header.rowIndex + 1; r < values.length; r++) {
    const cells = values[r];
    if (!cells || cells.length === 0) continue;
    let hasContent = false;
    let first: unknown;
    for (let i = 0; i < count; i++) {
      const column = columns[i];
      const raw = cells[column.index];
      if (isBlankCell(raw)) continue;
      if (first === undefined) first = raw;
      if (column.check.content) {
        hasContent = true;
        break;
      }
    }
    if (!hasContent) continue;
    if (typeof first === 'string' && FOOTER.test(first.trim())) continue;

    const formats = numberFormats?.[r];
    const rowValues: LedgerValues = { ...template };
    // The row's state is its ParsedRow (one object per row), carrying what the rules need.
    const state: RowState = { excelRow: firstRow + r, values: rowValues, raw: cells, invalid: 0, idKey: undefined, idGender: undefined };
    for (let i = 0; i < count; i++) {
      const column = columns[i];
      const check = column.check;
      const raw = cells[column.index];
      if (isBlankCell(raw)) {
        if (check.required && report) report(state, check, 'required', 'error', {});
        continue;
      }
      rowValues[check.key] = check.read(raw, formats?.[column.index], check, state, report, today);
    }
    rows.push(state);
    if (onRow) onRow(state);
  }
  return rows;
}

/** Sentinel "today" for reading without validation: no date counts as future. */
const FAR_FUTURE = '9999-12-31';

/** The record rows under a located ledger header, normalised (no validation). */
export function readLedgerRows(sheet: SheetInput, header: LedgerHeader): ParsedRow[] {
  return scanLedgerRows(sheet, header, planColumns(sheet, header), { today: FAR_FUTURE, report: null });
}

/**
 * A row for write-back in LEDGER_COLUMNS order: multi-values joined with 、, blanks as '',
 * numbers as numbers, dates as their YYYY-MM-DD text.
 */
export function valuesToCells(values: LedgerValues): (string | number)[] {
  const cells: (string | number)[] = new Array(LEDGER_COLUMNS.length);
  for (let i = 0; i < LEDGER_COLUMNS.length; i++) {
    const value = values[LEDGER_COLUMNS[i].key];
    cells[i] = value === null || value === undefined ? '' : Array.isArray(value) ? joinMultiValue(value) : value;
  }
  return cells;
}
