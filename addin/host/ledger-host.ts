/**
 * The ONE interface task panes talk to. Panes never import Office.js: they get a LedgerHost
 * (addin/host/index.ts connectHost()) and call these methods. Two implementations:
 *  - office-host.ts — Excel via Office.js, a constant number of context.sync() per call;
 *  - memory-host.ts — an in-memory sheet, for the plain-browser preview and browser tests.
 *
 * Row numbers are Excel row numbers (1-based); column numbers are 0-based (0 = column A).
 */
import type { LedgerHeader } from '../../ledger/sheet';
import type { ColumnKey } from '../../ledger/columns';
import type { TemplateSheetRole } from '../../ledger/template';
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

/**
 * What readLedger returns: the read plus an identity. Marks, selections and writes name the
 * snapshot they refer to — never "whatever sheet was read last" — so a pane that read sheet A
 * marks sheet A even after another pane read sheet B.
 */
export interface LedgerSnapshot extends LedgerRead {
  /** Unique per read (increases). */
  readonly id: number;
}

/**
 * Which row a write goes to. Never a bare Excel row number: rows move when staff sort or insert.
 *  - rowId: the row carrying this 记录ID, wherever it is now;
 *  - excelRow (with the snapshot given to writeRows): that row AS READ in the snapshot — found again
 *    by its 记录ID, or, when it had none, by its 姓名 + 公民身份号码 (it then gets a 记录ID);
 *  - neither: a new row appended below the last used row (it gets a 记录ID).
 * Resolution happens inside the same Excel.run as the write. A row that cannot be found again
 * (deleted, or its identity edited meanwhile) fails the whole call with row.moved, nothing written.
 */
export interface RowWrite {
  rowId?: string;
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
  /** Rows and columns selected (1 × 1 for a single cell). */
  rows: number;
  columns: number;
}

/** A cell of a plain table written to its own sheet (the consolidated rows): text stays text, never a formula. */
export type TableCell = string | number | null;

/**
 * A worksheet the add-in added for a table (addTableSheet). Writes address it by `id` — the host's
 * own identity of the sheet, kept when staff rename it — never by a name staff may reuse, and the
 * hosts remember the id in the workbook as the add-in's: such a sheet is never taken for the ledger,
 * while a sheet of the staff's own is, whatever it is called.
 */
export interface TableSheet {
  id: string;
  /** The name it was given (free: "name (2)" when taken). */
  name: string;
}

export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };
/** Workbook-scoped settings of the add-in, e.g. { syncCursor: '2026-10-05T08:00:00Z' }. */
export type HostSettings = Record<string, SettingValue>;

/**
 * Extras beyond ExcelApi 1.1 (Office 2016 MSI), each gated by
 * Office.context.requirements.isSetSupported; the pane says which ones it cannot offer.
 */
export interface HostCapabilities {
  /** ExcelApi 1.6: marks as conditional formats. */
  conditionalFormats: boolean;
  /** ExcelApi 1.8: drop-down lists when adding the ledger sheet. */
  dataValidation: boolean;
  /** ExcelApi 1.9: getRanges — one conditional format over many areas. */
  multiAreas: boolean;
  /** ExcelApi 1.7: worksheet change / selection events (else the pane refreshes on request). */
  events: boolean;
  /** ExcelApi 1.13: merged areas passed to the validation. */
  merges: boolean;
  /** ExcelApi 1.7: the title and header rows frozen when adding the ledger sheet. */
  freezePanes: boolean;
  /** ExcelApi 1.9: the template's print setup (A3 landscape, titles repeated, signature footer). */
  printSetup: boolean;
  /** ExcelApi 1.18: the header notes (each column's help) when adding the ledger sheet or columns. */
  headerNotes: boolean;
}
export type Capability = keyof HostCapabilities;
export const CAPABILITIES: readonly Capability[] = ['conditionalFormats', 'dataValidation', 'multiAreas', 'events', 'merges', 'freezePanes', 'printSetup', 'headerNotes'];
export const ALL_CAPABILITIES: HostCapabilities = {
  conditionalFormats: true,
  dataValidation: true,
  multiAreas: true,
  events: true,
  merges: true,
  freezePanes: true,
  printSetup: true,
  headerNotes: true,
};
/** The extras of the template the add-in writes only where Excel supports them (the pane names the others). */
export const TEMPLATE_EXTRAS = ['dataValidation', 'freezePanes', 'printSetup', 'headerNotes'] as const satisfies readonly Capability[];
export type TemplateExtra = (typeof TEMPLATE_EXTRAS)[number];

/** What addLedgerSheets did. */
export interface AddedSheets {
  /** The name each sheet got: the template's, or a free one such as “台账 (2)” when the workbook already had that name. */
  names: Record<TemplateSheetRole, string>;
  /** Extras this Excel could not write (older requirement sets). */
  skipped: TemplateExtra[];
}

/** What addMissingColumns did. */
export interface AddedColumns {
  sheetName: string;
  /** Header cell (A1) of each added column, in the order added. */
  columns: { key: ColumnKey; header: string; cell: string }[];
  skipped: TemplateExtra[];
}

/** Something changed in the workbook (debounced by the host). */
export type HostEvent =
  | { type: 'selection'; selection: SelectedCell | null }
  | { type: 'sheet'; sheetName: string }
  /** The add-in's own marks changed (display only: the data did not, so results are not stale). */
  | { type: 'marks'; sheetName: string }
  /** A background step (event registration, a selection read) failed: show it, never swallow it. */
  | { type: 'error'; error: unknown };

export type HostListener = (event: HostEvent) => void;

export interface LedgerHost {
  /** 'excel' inside Excel, 'memory' in the plain-browser preview and tests. */
  readonly kind: 'excel' | 'memory';
  readonly capabilities: HostCapabilities;
  /**
   * Finds the ledger sheet (the one last used, else the active sheet, else the first sheet whose
   * first rows hold a ledger header) and reads its used range.
   */
  readLedger(): Promise<LedgerSnapshot>;
  /**
   * Writes rows (see RowWrite for how each finds its row): values are placed under the sheet's own
   * header positions; other cells are left as staff typed them. Missing machine columns (记录ID,
   * 版本号) are created hidden at the right. Returns the Excel row number written for each input row.
   */
  writeRows(rows: readonly RowWrite[], snapshot?: LedgerSnapshot): Promise<number[]>;
  /** Replaces the previous marks on the snapshot's sheet: errors red, warnings yellow, by conditional format (cell fills stay the user's). */
  markFindings(snapshot: LedgerSnapshot, findings: readonly MarkableFinding[]): Promise<void>;
  /** Removes the marks made by markFindings on the snapshot's sheet (else the ledger sheet), nothing else. */
  clearMarks(snapshot?: LedgerSnapshot): Promise<void>;
  /** Activates the snapshot's sheet (else the ledger sheet) and selects the cell (e.g. a finding's F5). */
  selectCell(a1: string, snapshot?: LedgerSnapshot): Promise<void>;
  /** The active cell, or null when the selection is not cells (e.g. a chart). Errors are thrown, not hidden. */
  getSelectedRow(): Promise<SelectedCell | null>;
  readSettings(): Promise<HostSettings>;
  /** Merges the patch into the settings (a null value deletes the key) and persists them with the workbook. */
  writeSettings(patch: HostSettings): Promise<void>;
  /**
   * Adds the template's 台账, 填表说明 and 字典 sheets (as templates/village-ledger.xlsx has them:
   * ledger/template.ts) to a workbook without a ledger. Nothing existing is changed: a sheet name
   * already in use gets a free one (“台账 (2)”). The new 台账 becomes the active sheet.
   */
  addLedgerSheets(): Promise<AddedSheets>;
  /**
   * Adds ledger columns the snapshot's sheet lacks at the right of its used range (header text,
   * note, width, number format, dropdown with the allowed values inline). Cells already holding
   * anything are never written: the columns go right of everything used.
   */
  addMissingColumns(snapshot: LedgerSnapshot, keys: readonly ColumnKey[]): Promise<AddedColumns>;
  /** Selection and sheet changes, debounced; returns the unsubscribe function. */
  subscribe(listener: HostListener): () => void;
  /**
   * Adds a worksheet at the end named `baseName`, or the first free "baseName (2)", "(3)"…
   * (sheet-name.ts: Excel's rules), and records it in the workbook as the add-in's table sheet
   * (never a ledger: readLedger skips it, renamed or not). Excel: 3 syncs (2 before ExcelApi 1.4,
   * plus saving the document settings).
   */
  addTableSheet(baseName: string): Promise<TableSheet>;
  /**
   * Writes a block of rows from `excelRow`, column A, on the table sheet: text as text (number
   * format @ first, so "=…" or "+1" is never run as a formula), numbers as numbers, null empty.
   * ONE sync per call whatever the size: callers keep a block under Excel on the web's 5 MB
   * request (tableBlockRows).
   */
  writeTable(sheet: TableSheet, excelRow: number, rows: readonly (readonly TableCell[])[]): Promise<void>;
  /**
   * Freezes the header row (ExcelApi 1.7), fits the columns to the first rows (1.2) and shows the
   * sheet. Excel: 1 sync; what the version lacks is skipped.
   */
  finishTable(sheet: TableSheet, columns: number): Promise<void>;
}

/** Rows per writeTable call that keep a request near 1 MB (≈ 40 bytes a cell with its format). */
export function tableBlockRows(columns: number, maxCells = 25_000): number {
  return Math.max(1, Math.floor(maxCells / Math.max(1, columns)));
}

export type LedgerHostErrorCode =
  | 'ledger.not_found'
  | 'row.invalid'
  | 'row.duplicate'
  | 'row.moved'
  | 'cell.invalid'
  | 'settings.corrupt'
  | 'snapshot.required'
  | 'columns.present';

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
