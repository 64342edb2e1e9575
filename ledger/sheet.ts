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
import { displayHeaderText, normalizeHeaderText, withoutTrailingParenthetical } from './header-text';
import type { LedgerValues, SheetInput } from './types';
import { cellText } from './cell';
import { joinMultiValue } from './vocabularies';
import { defined } from './defined';

// ---------------------------------------------------------------------------------------------
// A1 references

/**
 * THE column-letter conversion, 0-based both ways (the whole code base counts columns from 0; exceljs's
 * 1-based numbers are converted where they are read): 0 → A, 25 → Z, 26 → AA, 701 → ZZ, 702 → AAA.
 */
export function columnLettersOfIndex(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`bad column index ${index}`);
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A → 0, Z → 25, AA → 26 (case-insensitive): the inverse of columnLettersOfIndex. */
export function columnIndexOfLetters(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** A1 reference of an Excel row number and a 0-based column index. */
export function cellRef(excelRow: number, columnIndex: number): string {
  return `${columnLettersOfIndex(columnIndex)}${excelRow}`;
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
  /** Header text as the sheet shows it, without line breaks, spaces or `*` marks (displayHeaderText). */
  header: string;
}

/** A header cell that names no known column (reported once, as a note: its cells are not checked). */
export interface UnrecognizedColumn {
  index: number;
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
  /** Header cells that match no spec, in sheet order. */
  unrecognized: UnrecognizedColumn[];
}

export interface LocateOptions {
  /** Excel row number of values[0] (SheetInput.firstRow); default 1. */
  firstRow?: number;
  /** Fewest matched columns for a row to count as the header; default min(2, specs.length). */
  minMatches?: number;
}

/** Normalised header text → spec index, and whether the text is the spec's canonical header. */
type Lookup = Map<string, { spec: number; canonical: boolean }>;
const lookupCache = new WeakMap<readonly ColumnSpec[], Lookup>();

function lookupOf(specs: readonly ColumnSpec[]): Lookup {
  const lookup = lookupCache.get(specs);
  if (lookup) return lookup;
  const built: Lookup = new Map();
  // Canonical headers first, so an alias of one column never shadows another column's header.
  specs.forEach((spec, i) => {
    const key = normalizeHeaderText(spec.header);
    if (!built.has(key)) built.set(key, { spec: i, canonical: true });
  });
  specs.forEach((spec, i) => {
    for (const alias of spec.aliases ?? []) {
      const key = normalizeHeaderText(alias);
      if (!built.has(key)) built.set(key, { spec: i, canonical: false });
    }
  });
  lookupCache.set(specs, built);
  return built;
}

interface RowMatch {
  /** Spec index each cell matches (-1 = none). */
  matches: number[];
  /** Whether that match is the spec's canonical header (not an alias). */
  canonical: boolean[];
  /** Distinct specs matched. */
  count: number;
}

function matchRow(row: readonly unknown[] | undefined, lookup: Lookup): RowMatch {
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
  const rows: RowMatch[] = [];
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
  // A canonical header wins over an alias wherever the two sit (姓名 over 风险线索人员), and the
  // lower (sub-header) row over the group row above it.
  const take = (r: number, canonicalPass: boolean): void => {
    const { matches, canonical } = r === best ? rows[best] : defined(rows[r] ?? below, `header row ${r}`);
    matches.forEach((specIndex, c) => {
      if (specIndex < 0 || canonical[c] !== canonicalPass || taken.has(specIndex) || usedIndex.has(c)) return;
      taken.set(specIndex, { key: specs[specIndex].key, index: c, header: displayHeaderText(cellText(values[r][c])) });
      usedIndex.add(c);
    });
  };
  for (const canonicalPass of [true, false]) {
    take(lower, canonicalPass);
    if (upper !== lower) take(upper, canonicalPass);
  }
  const unrecognized: UnrecognizedColumn[] = [];
  const headerCells = values[lower] ?? [];
  for (let c = 0; c < headerCells.length; c++) {
    if (usedIndex.has(c)) continue;
    let text = cellText(headerCells[c]);
    if (text === '' && upper !== lower) text = cellText(values[upper]?.[c]); // a group cell merged down
    if (text !== '') unrecognized.push({ index: c, header: displayHeaderText(text) });
  }

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
    unrecognized,
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
