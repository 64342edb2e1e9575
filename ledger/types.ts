/** Shapes shared by every part of the ledger core. */
import type { ColumnKey } from './columns';

/**
 * A worksheet as both Office.js (`range.values`, `range.numberFormat`) and an xlsx reader give it:
 * row-major 2-D arrays, row 0 = Excel row 1 (unless `firstRow` says otherwise), column 0 = column A.
 * Values are strings, numbers, booleans, Date objects (xlsx readers) or empty ('' / null / undefined).
 */
export interface SheetInput {
  name?: string;
  values: readonly (readonly unknown[])[];
  /** Same shape as values; Excel number format codes ('@' = text, 'yyyy-mm-dd', 'General', …). */
  numberFormats?: readonly (readonly string[])[];
  /** Excel row number of values[0]; default 1. */
  firstRow?: number;
  /** Excel column index (0 = A) of values[r][0]; default 0. */
  firstColumn?: number;
  /**
   * Merged areas as A1 ranges ('B3:B5'; a 'Sheet1!' prefix is ignored), in Excel coordinates.
   * xlsx readers fill it from the file; the add-in host from `getMergedAreasOrNullObject()` where
   * the Excel API supports it. Vertically merged cells carry the top cell's value.
   */
  merges?: readonly string[];
}

export type Severity = 'error' | 'warning';

/** Finding codes: derived from the message table (ledger/validation/messages.ts), the one list. */
export type { FindingCode } from './validation/messages';
import type { FindingCode } from './validation/messages';

export interface Finding {
  /** Excel row number (1-based). */
  row: number;
  /** Header text as it appears in the sheet. */
  column: string;
  /** Column key of the ledger core. */
  key?: ColumnKey;
  /** A1 reference, e.g. F5. */
  cell: string;
  severity: Severity;
  code: FindingCode;
  /** zh-CN */
  message: string;
  /** zh-CN: how to fix it */
  hint: string;
  en: { message: string; hint: string };
  /**
   * What to write into the cell to fix it, when the finding knows (full-width → half-width text, a
   * synonym → the allowed value, a 15-digit ID → its 18-digit form). Never part of the texts.
   */
  fix?: string;
}

/** Normalised values of one ledger row, keyed by column key (the sync API's `values`). */
export type LedgerValue = string | number | string[] | null;
export type LedgerValues = Partial<Record<ColumnKey, LedgerValue>>;
