/**
 * What the 台账校验 pane shows, computed from a snapshot and the core's validation (pure, no React):
 * the summary (by code and column, whole-column problems once), findings grouped by row, the
 * selection filter, and the safe one-click fixes with the old values kept for undo.
 */
import { VISIBLE_COLUMNS, columnByKey, type ColumnDef, type ColumnKey, type ColumnType } from '../../../ledger/columns';
import { checkIdNumber, normalizeIdText, upgradeLegacy15 } from '../../../ledger/id-number';
import { cellRef } from '../../../ledger/sheet';
import type { Finding, FindingCode, Severity } from '../../../ledger/types';
import { joinMultiValue, splitMultiValue } from '../../../ledger/vocabularies';
import type { SheetValidation } from '../../../ledger/validate';
import type { LedgerSnapshot } from '../../host/ledger-host';

export type SeverityFilter = 'all' | Severity;

export interface SummaryLine {
  code: FindingCode;
  column: string;
  severity: Severity;
  count: number;
  /** Every data row has it: stated once in the summary, not repeated under each row. */
  wholeColumn: boolean;
  /** The first finding of the group (its message and hint explain the group). */
  example: Finding;
}

export interface RowGroup {
  excelRow: number;
  /** 姓名 of the row, to recognise it (the working ledger: shown unmasked, as in the sheet). */
  name: string;
  findings: Finding[];
}

export interface ValidationView {
  errors: number;
  warnings: number;
  dataRows: number;
  summary: SummaryLine[];
  rows: RowGroup[];
}

/** Whole-column problems need at least this many rows to be called "the whole column". */
const WHOLE_COLUMN_MIN_ROWS = 3;

const groupKey = (f: Finding) => `${f.severity}\u0000${f.code}\u0000${f.column}`;

/**
 * Summary and row groups of the findings that fall in `rows` (an Excel row range, e.g. the
 * selection; undefined = the whole sheet), filtered by severity.
 */
export function buildView(
  validation: SheetValidation,
  options: { filter?: SeverityFilter; rows?: { from: number; to: number } } = {},
): ValidationView {
  const { filter = 'all', rows: range } = options;
  const inRange = (row: number) => !range || (row >= range.from && row <= range.to);
  const dataRows = validation.rows.filter((row) => inRange(row.excelRow)).length;
  const scoped = validation.findings.filter((f) => inRange(f.row) || f.code === 'header.missing');
  const groups = new Map<string, SummaryLine>();
  for (const finding of scoped) {
    const key = groupKey(finding);
    const line = groups.get(key);
    if (line) line.count++;
    else groups.set(key, { code: finding.code, column: finding.column, severity: finding.severity, count: 1, wholeColumn: false, example: finding });
  }
  for (const line of groups.values()) {
    line.wholeColumn = line.code === 'header.missing' || (dataRows >= WHOLE_COLUMN_MIN_ROWS && line.count >= dataRows);
  }
  const summary = [...groups.values()].sort(
    (a, b) => Number(b.wholeColumn) - Number(a.wholeColumn) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || b.count - a.count,
  );
  const wholeColumnKeys = new Set(summary.filter((l) => l.wholeColumn).map((l) => `${l.severity}\u0000${l.code}\u0000${l.column}`));
  const names = new Map<number, string>();
  for (const row of validation.rows) names.set(row.excelRow, typeof row.values.name === 'string' ? row.values.name : '');
  const byRow = new Map<number, Finding[]>();
  for (const finding of scoped) {
    if (wholeColumnKeys.has(groupKey(finding))) continue; // stated once in the summary
    if (filter !== 'all' && finding.severity !== filter) continue;
    const list = byRow.get(finding.row) ?? [];
    list.push(finding);
    byRow.set(finding.row, list);
  }
  const rowGroups = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([excelRow, findings]) => ({ excelRow, name: names.get(excelRow) ?? '', findings }));
  return {
    errors: scoped.filter((f) => f.severity === 'error').length,
    warnings: scoped.filter((f) => f.severity === 'warning').length,
    dataRows,
    summary,
    rows: rowGroups,
  };
}

// ---------------------------------------------------------------------------------------------
// One-click fixes (only changes that cannot alter what the cell means)
// ---------------------------------------------------------------------------------------------

export type FixKind = 'id.legacy15' | 'id.canonical' | 'halfWidth' | 'trim' | 'multi.join' | 'enum.synonym';

/** Fixes proposed in bulk (全部修正): none changes what a cell means. A synonym is fixed one finding at a time (the clerk confirms the reading). */
export const FIX_KINDS: readonly FixKind[] = ['id.legacy15', 'id.canonical', 'halfWidth', 'trim', 'multi.join'];

export interface CellFix {
  excelRow: number;
  key: ColumnKey;
  /** A1 reference on the ledger sheet. */
  cell: string;
  column: string;
  kind: FixKind;
  /** The cell as it is (written back by undo). */
  before: string;
  after: string;
}

/** Full-width ASCII (ＡＢ１２－) and the ideographic space → half-width. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Column types whose content is digits and Latin letters only: full-width forms are typing slips. */
const HALF_WIDTH_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(['idNumber', 'phone', 'date', 'integer', 'money', 'seq']);

const CANONICAL_ID = /^\d{17}[\dX]$/;
/** A multi-value cell that is not already "a、b、c": other separators, or spaces around them or at the ends. */
const UNTIDY_MULTI = /[，,；;]|^[\s\u3000]|[\s\u3000]$|[\s\u3000]、|、[\s\u3000]|、、/;

/** Characters String.prototype.trim and the regex class \s remove: spaces, line breaks, U+3000, NBSP … */
function isTrimmable(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * True when neither the halfWidth nor the trim fix can apply: no full-width form, no ideographic
 * space, nothing trimmable at either end. One character scan and no allocation — proposeFixes
 * looks at every cell of the sheet (300k at 10,000 rows) and nearly all of them are tidy.
 */
function isTidyText(text: string): boolean {
  if (isTrimmable(text.charCodeAt(0)) || isTrimmable(text.charCodeAt(text.length - 1))) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) return false;
  }
  return true;
}

/** The fix for one cell, or null when the cell is fine or no safe fix exists. */
export function fixForCell(key: ColumnKey, raw: unknown, today: string): { kind: FixKind; after: string } | null {
  return fixForColumn(columnByKey(key), raw, today);
}

function fixForColumn(column: ColumnDef, raw: unknown, today: string): { kind: FixKind; after: string } | null {
  if (typeof raw !== 'string' || raw === '') return null; // numbers and dates as Excel stores them are left alone
  if (column.type === 'machine') return null;
  if (column.type === 'idNumber') {
    if (CANONICAL_ID.test(raw)) return null; // the common case, without the full check
    const half = toHalfWidth(raw);
    const text = normalizeIdText(half);
    if (/^\d{15}$/.test(text)) {
      const upgraded = upgradeLegacy15(text);
      return checkIdNumber(upgraded, today).problems.length === 0 ? { kind: 'id.legacy15', after: upgraded } : null;
    }
    if (text !== raw && checkIdNumber(text, today).problems.length === 0) return { kind: half !== raw ? 'halfWidth' : 'id.canonical', after: text };
    return null;
  }
  if (column.type === 'multi') {
    if (!UNTIDY_MULTI.test(raw)) return null;
    const joined = joinMultiValue(splitMultiValue(raw));
    return joined !== raw && joined !== '' ? { kind: 'multi.join', after: joined } : null;
  }
  if (isTidyText(raw)) return null;
  if (HALF_WIDTH_TYPES.has(column.type)) {
    const half = toHalfWidth(raw).trim();
    if (half !== raw.trim()) return { kind: 'halfWidth', after: half };
  }
  const trimmed = raw.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  return trimmed !== raw && trimmed !== '' ? { kind: 'trim', after: trimmed } : null;
}

/** Every safe fix on the sheet (or in `rows`), in row order. */
export function proposeFixes(snapshot: LedgerSnapshot, today: string, rows?: { from: number; to: number }): CellFix[] {
  const { sheet, header } = snapshot;
  const firstRow = sheet.firstRow ?? 1;
  const firstColumn = sheet.firstColumn ?? 0;
  const fixes: CellFix[] = [];
  const columns = header.columns.map((column) => ({ ...column, def: columnByKey(column.key) }));
  for (let r = header.rowIndex + 1; r < sheet.values.length; r++) {
    const excelRow = firstRow + r;
    if (rows && (excelRow < rows.from || excelRow > rows.to)) continue;
    const cells = sheet.values[r];
    if (!cells) continue;
    for (const column of columns) {
      const raw = cells[column.index];
      const fix = fixForColumn(column.def, raw, today);
      if (fix) fixes.push({ excelRow, key: column.key, cell: cellRef(excelRow, firstColumn + column.index), column: column.header, kind: fix.kind, before: raw as string, after: fix.after });
    }
  }
  return fixes;
}

/** Today as YYYY-MM-DD in the user's own time zone (the day the clerk is checking). */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The one-click fix of an `enum.synonym` finding: the allowed value the validation read the cell as
 * (Finding.fix), with the cell as it is kept for undo. Null when the finding is not one, or the cell
 * no longer holds what was read (the snapshot is the reference).
 */
export function synonymFix(snapshot: LedgerSnapshot, finding: Finding): CellFix | null {
  if (finding.code !== 'enum.synonym' || finding.fix === undefined || finding.key === undefined) return null;
  const located = snapshot.header.columns.find((c) => c.key === finding.key);
  if (!located) return null;
  const raw = snapshot.sheet.values[finding.row - (snapshot.sheet.firstRow ?? 1)]?.[located.index];
  if (typeof raw !== 'string' || raw === finding.fix) return null;
  return { excelRow: finding.row, key: finding.key, cell: finding.cell, column: finding.column, kind: 'enum.synonym', before: raw, after: finding.fix };
}

/** Ledger columns the snapshot's sheet lacks (machine columns are added by the first write), required first. */
export function missingColumns(snapshot: LedgerSnapshot): ColumnKey[] {
  const present = new Set(snapshot.header.columns.map((c) => c.key));
  const missing = VISIBLE_COLUMNS.filter((c) => !present.has(c.key));
  return [...missing.filter((c) => c.required), ...missing.filter((c) => !c.required)].map((c) => c.key);
}
