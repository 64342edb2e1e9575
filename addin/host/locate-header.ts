/**
 * Finds the ledger's header row in the first rows of a sheet, tolerant of column order, extra
 * columns, full/half-width brackets, spaces and the aliases of ledger/columns.ts.
 *
 * Same contract as the validation owner's ledger/sheet.ts locateColumns/locateLedgerHeader
 * (header row within the first 10 rows); when that lands this file becomes a thin adapter.
 */
import { LEDGER_COLUMNS, type ColumnKey } from '../../ledger/columns';
import type { HeaderColumn, LedgerHeader } from './ledger-host';

export const HEADER_SCAN_ROWS = 10;
/** A row is a header when at least this many ledger columns are recognised in it. */
const MIN_MATCHES = 3;

/** Full-width → half-width (NFKC), no whitespace, lower case. */
export function normalizeHeader(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const KEY_BY_TEXT: ReadonlyMap<string, ColumnKey> = (() => {
  const map = new Map<string, ColumnKey>();
  for (const column of LEDGER_COLUMNS) {
    for (const text of [column.header, ...column.aliases]) {
      const norm = normalizeHeader(text);
      if (!map.has(norm)) map.set(norm, column.key as ColumnKey);
    }
  }
  return map;
})();

/** The ledger column a header text names, if any. */
export function keyOfHeader(text: unknown): ColumnKey | undefined {
  return KEY_BY_TEXT.get(normalizeHeader(text));
}

/**
 * @param values rows of the sheet starting at Excel row `firstRow`, column `firstColumn` (0 = A)
 * @returns the best header row among the first HEADER_SCAN_ROWS rows, or null
 */
export function locateHeader(
  values: readonly (readonly unknown[])[],
  firstRow = 1,
  firstColumn = 0,
): LedgerHeader | null {
  let best: { index: number; columns: HeaderColumn[] } | null = null;
  const scan = Math.min(values.length, HEADER_SCAN_ROWS);
  for (let index = 0; index < scan; index++) {
    const seen = new Set<ColumnKey>();
    const columns: HeaderColumn[] = [];
    values[index].forEach((cell, c) => {
      const key = keyOfHeader(cell);
      if (key && !seen.has(key)) {
        seen.add(key);
        columns.push({ key, header: String(cell), column: firstColumn + c });
      }
    });
    if (columns.length >= MIN_MATCHES && (!best || columns.length > best.columns.length)) best = { index, columns };
  }
  if (!best) return null;
  const found = new Set(best.columns.map((column) => column.key));
  return {
    excelRow: firstRow + best.index,
    columns: best.columns,
    missingRequired: LEDGER_COLUMNS.filter((column) => column.required && !found.has(column.key as ColumnKey)).map(
      (column) => column.header,
    ),
  };
}
