/**
 * The ONE interface task panes talk to. Panes never import Office.js: they get a LedgerHost
 * (addin/host/index.ts connectHost()) and call these methods. Two implementations:
 *  - office-host.ts — Excel via Office.js, a constant number of context.sync() per call;
 *  - memory-host.ts — an in-memory sheet, for the plain-browser preview and browser tests.
 *
 * Row numbers are Excel row numbers (1-based); column numbers are 0-based (0 = column A).
 */
import type { LedgerHeader } from '../../ledger/sheet';
import type { LedgerValues, Severity, SheetInput } from '../../ledger/types';

/**
 * The ledger core's header location (ledger/sheet.ts locateLedgerHeader): header row, each
 * column's index in a row of `sheet.values` (add sheet.firstColumn for the Excel column),
 * missing required keys. Pass it straight to readLedgerRows / the validation.
 */
export type { LedgerHeader } from '../../ledger/sheet';

export interface LedgerRead {
  sheetName: string;
  /** The used range as ONE 2-D read: values and number formats, with firstRow/firstColumn set. */
  sheet: SheetInput;
  /** Found by the core's locateLedgerHeader(sheet); never null (readLedger throws ledger.not_found). */
  header: LedgerHeader;
}

export interface RowWrite {
  /** Excel row to update; undefined = append after the last used row. */
  excelRow?: number;
  /**
   * Values by column key. A key that is absent leaves its cell untouched; null or '' clears it.
   * Multi-value columns accept string[] (joined with 、). Dates as YYYY-MM-DD text.
   */
  values: LedgerValues;
}

/** What markFindings needs of a ledger Finding (a Finding fits as it is). */
export interface MarkableFinding {
  /** A1 reference on the ledger sheet, e.g. F5. */
  cell: string;
  severity: Severity;
}

export interface SelectedCell {
  sheetName: string;
  excelRow: number;
  /** 0 = A */
  column: number;
  /** A1 reference without the sheet name. */
  cell: string;
}

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };
/** Workbook-scoped settings of the add-in, e.g. { syncCursor: '2026-10-05T08:00:00Z' }. */
export type HostSettings = Record<string, SettingValue>;

export interface LedgerHost {
  /** 'excel' inside Excel, 'memory' in the plain-browser preview and tests. */
  readonly kind: 'excel' | 'memory';
  /**
   * Finds the ledger sheet (the one last used, else the active sheet, else the first sheet whose
   * first rows hold a ledger header) and reads its used range.
   */
  readLedger(): Promise<LedgerRead>;
  /**
   * Writes rows: values are placed under the sheet's own header positions; other cells (extra
   * columns, keys not given) are left as staff typed them. Missing machine columns (记录ID, 版本号)
   * are created hidden at the right. Returns the Excel row number written for each input row.
   */
  writeRows(rows: readonly RowWrite[]): Promise<number[]>;
  /** Replaces the previous marks: errors red, warnings yellow, by conditional format (cell fills stay the user's). */
  markFindings(findings: readonly MarkableFinding[]): Promise<void>;
  /** Removes the marks made by markFindings, nothing else. */
  clearMarks(): Promise<void>;
  /** Activates the ledger sheet and selects the cell (e.g. a finding's F5). */
  selectCell(a1: string): Promise<void>;
  /** The active cell, or null when nothing is selected. */
  getSelectedRow(): Promise<SelectedCell | null>;
  readSettings(): Promise<HostSettings>;
  /** Merges the patch into the settings (a null value deletes the key) and persists them with the workbook. */
  writeSettings(patch: HostSettings): Promise<void>;
}

export type LedgerHostErrorCode = 'ledger.not_found' | 'row.invalid' | 'row.duplicate' | 'cell.invalid';

/** An error a pane can show as it is: zh-CN message with en-US beside it. */
export class LedgerHostError extends Error {
  constructor(
    readonly code: LedgerHostErrorCode,
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} (${en})`);
    this.name = 'LedgerHostError';
  }
}

export function ledgerNotFound(): LedgerHostError {
  return new LedgerHostError(
    'ledger.not_found',
    '未找到台账表头：请打开台账工作表（前10行内应有“姓名”“公民身份号码”等列标题）。',
    'No ledger header found: open the ledger sheet (its first 10 rows must hold headers such as 姓名 and 公民身份号码).',
  );
}
