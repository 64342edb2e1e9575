/**
 * Pure planning shared by both hosts: which cells a writeRows call touches, as contiguous
 * blocks chunked under the request-size limit, and which cells markFindings colours.
 * No Office.js here, so the memory host and the Excel host place values identically.
 */
import { LEDGER_COLUMNS, columnByKey, isColumnKey, type ColumnDef, type ColumnKey } from '../../ledger/columns';
import { joinMultiValue } from '../../ledger/vocabularies';
import type { LedgerValue, Severity } from '../../ledger/types';
import { columnLettersOfIndex } from '../../ledger/sheet';
import { cellA1, parseCell } from './a1';
import type { LedgerHeader } from '../../ledger/sheet';
import { LedgerHostError, type LedgerSnapshot, type MarkableFinding, type RowWrite } from './ledger-host';
import { defined } from '../../ledger/defined';

export type CellWrite = string | number | boolean;

/**
 * Excel on the web rejects requests and responses over 5 MB; we keep each sync's payload under
 * 4 MB (estimated as the UTF-8 size of the JSON arrays) to leave room for the envelope.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 4_000_000;
/** Room kept per block for the range address and the command envelope. */
const BLOCK_OVERHEAD_BYTES = 256;
/** Text number format: what the template uses for 公民身份号码 and 联系电话. */
export const TEXT_FORMAT = '@';

export interface SheetLayout {
  /** From locateLedgerHeader over values starting at column `firstColumn`. */
  header: LedgerHeader;
  /** Excel column (0 = A) of values[r][0] the header was located in. */
  firstColumn: number;
  /** Last Excel row holding any value (≥ the header row). */
  lastRow: number;
  /** Last 0-based column holding any value. */
  lastColumn: number;
}

export interface WriteBlock {
  /** Top-left cell. */
  excelRow: number;
  column: number;
  /** null = leave that cell as it is (Office.js semantics for 2-D arrays). */
  values: (CellWrite | null)[][];
  /** '@' where a text value must not be coerced by Excel into a number, date or formula; else null. */
  numberFormats: (string | null)[][] | null;
  /** Estimated request bytes of this block. */
  bytes: number;
}

export interface NewColumn {
  key: ColumnKey;
  header: string;
  column: number;
  hidden: boolean;
}

export interface WritePlan {
  /** Excel row written for each input row, in input order. */
  rowNumbers: number[];
  /** Columns the sheet lacked, created at the right (header text written in the header row). */
  newColumns: NewColumn[];
  /** Blocks grouped so that one chunk (= one sync) stays under maxRequestBytes. */
  chunks: WriteBlock[][];
}

/** Number-, date-, boolean- or formula-looking text that Excel would convert when written as a value. */
export function excelWouldCoerce(text: string): boolean {
  if (/^[=+\-@]/.test(text)) return true;
  if (/^\s*(true|false)\s*$/i.test(text)) return true;
  return /\d/.test(text) && /^[\s\d.,:/\-+eE%$¥￥()年月日时分秒]*$/.test(text);
}

/** One ledger value → the cell value to write, and whether the cell needs the text format. */
export function toCell(column: ColumnDef, value: LedgerValue | undefined): { value: CellWrite; text: boolean } {
  if (value === null || value === undefined) return { value: '', text: false };
  if (Array.isArray(value)) value = joinMultiValue(value);
  if (typeof value === 'number') {
    if (column.type === 'idNumber' || column.type === 'phone') return { value: String(value), text: true };
    return { value, text: false };
  }
  const text = String(value);
  if (text === '') return { value: '', text: false };
  // ISO dates are written as values so that Excel stores real date cells.
  if (column.type === 'date') return { value: text, text: false };
  if (column.type === 'idNumber' || column.type === 'phone') return { value: text, text: true };
  return { value: text, text: excelWouldCoerce(text) };
}

/** UTF-8 byte length of a string, without allocating. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value));
}

interface PlacedRow {
  excelRow: number;
  cells: Map<number, { value: CellWrite; text: boolean }>;
}

export interface PlanOptions {
  maxRequestBytes?: number;
}

export function planWrite(layout: SheetLayout, rows: readonly RowWrite[], options: PlanOptions = {}): WritePlan {
  const maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const { header } = layout;
  const columnOf = new Map<string, number>(header.columns.map((column) => [column.key, layout.firstColumn + column.index]));

  // Columns to create: every machine column, plus any ledger column this write has a value for.
  const wanted = new Set<string>();
  for (const column of LEDGER_COLUMNS) if (column.hidden) wanted.add(column.key);
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.values)) {
      if (!isColumnKey(key)) throw new Error(`unknown ledger column key: ${key}`);
      if (value !== undefined && value !== null && value !== '') wanted.add(key);
    }
  }
  const newColumns: NewColumn[] = [];
  let nextColumn = Math.max(layout.lastColumn, ...columnOf.values()) + 1;
  const missing = LEDGER_COLUMNS.filter((column) => wanted.has(column.key) && !columnOf.has(column.key));
  // visible ones first, machine columns last: hidden columns stay at the right
  for (const column of [...missing.filter((c) => !c.hidden), ...missing.filter((c) => c.hidden)]) {
    newColumns.push({ key: column.key as ColumnKey, header: column.header, column: nextColumn, hidden: !!column.hidden });
    columnOf.set(column.key, nextColumn++);
  }

  // Row numbers: updates where asked, appends after everything else.
  const used = new Set<number>();
  let maxRow = Math.max(layout.lastRow, header.excelRow);
  for (const row of rows) {
    if (row.excelRow === undefined) continue;
    if (!Number.isInteger(row.excelRow) || row.excelRow <= header.excelRow) {
      throw new LedgerHostError(
        'row.invalid',
        `第${row.excelRow}行不是台账数据行（表头在第${header.excelRow}行）。`,
        `Row ${row.excelRow} is not a ledger data row (the header is on row ${header.excelRow}).`,
      );
    }
    if (used.has(row.excelRow)) {
      throw new LedgerHostError('row.duplicate', `第${row.excelRow}行被重复写入。`, `Row ${row.excelRow} is written twice.`);
    }
    used.add(row.excelRow);
    maxRow = Math.max(maxRow, row.excelRow);
  }
  let append = maxRow + 1;
  const rowNumbers = rows.map((row) => row.excelRow ?? append++);

  const placed: PlacedRow[] = rows.map((row, i) => {
    const cells = new Map<number, { value: CellWrite; text: boolean }>();
    for (const [key, value] of Object.entries(row.values)) {
      if (value === undefined) continue;
      const column = columnOf.get(key);
      if (column === undefined || !isColumnKey(key)) continue; // an empty value for a column the sheet does not have
      cells.set(column, toCell(columnByKey(key), value));
    }
    return { excelRow: rowNumbers[i], cells };
  });
  placed.sort((a, b) => a.excelRow - b.excelRow);

  // Runs of consecutive rows → blocks (split when a block would pass the byte budget).
  const blocks: WriteBlock[] = [];
  let start = 0;
  while (start < placed.length) {
    let end = start + 1;
    while (end < placed.length && placed[end].excelRow === placed[end - 1].excelRow + 1) end++;
    blocks.push(...runBlocks(placed.slice(start, end), maxBytes));
    start = end;
  }

  // Pack blocks into chunks (one sync each).
  const chunks: WriteBlock[][] = [];
  let chunk: WriteBlock[] = [];
  let chunkBytes = 0;
  for (const block of blocks) {
    if (chunk.length > 0 && chunkBytes + block.bytes > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push(block);
    chunkBytes += block.bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return { rowNumbers, newColumns, chunks };
}

function runBlocks(run: PlacedRow[], maxBytes: number): WriteBlock[] {
  let minCol = Infinity;
  let maxCol = -Infinity;
  for (const row of run) {
    for (const column of row.cells.keys()) {
      minCol = Math.min(minCol, column);
      maxCol = Math.max(maxCol, column);
    }
  }
  if (minCol === Infinity) return [];
  const width = maxCol - minCol + 1;
  const blocks: WriteBlock[] = [];
  let current: WriteBlock | null = null;
  let needsFormat = false;
  const close = () => {
    if (current) {
      if (!needsFormat) current.numberFormats = null;
      blocks.push(current);
    }
    current = null;
    needsFormat = false;
  };
  for (const row of run) {
    const values: (CellWrite | null)[] = new Array(width).fill(null);
    const formats: (string | null)[] = new Array(width).fill(null);
    let rowNeedsFormat = false;
    for (const [column, cell] of row.cells) {
      values[column - minCol] = cell.value;
      if (cell.text) {
        formats[column - minCol] = TEXT_FORMAT;
        rowNeedsFormat = true;
      }
    }
    // conservative: count the format row whether or not the block ends up needing it
    const rowBytes = jsonBytes(values) + jsonBytes(formats) + 2;
    const block = current as WriteBlock | null;
    if (block && block.bytes + rowBytes > maxBytes - BLOCK_OVERHEAD_BYTES) close();
    if (!current) {
      current = { excelRow: row.excelRow, column: minCol, values: [], numberFormats: [], bytes: BLOCK_OVERHEAD_BYTES };
    }
    const open = current as WriteBlock;
    open.values.push(values);
    defined(open.numberFormats, 'number formats of the open block').push(formats);
    open.bytes += rowBytes;
    needsFormat ||= rowNeedsFormat;
  }
  close();
  return blocks;
}

/** Marks: the cells of each severity as comma-joined A1 area lists, each under maxAddressLength. */
export interface MarkAreas {
  error: string[];
  warning: string[];
}

/** Excel caps a multi-area address; stay well below it. */
export const MAX_AREAS_ADDRESS = 2000;

export function planMarks(findings: readonly MarkableFinding[], maxAddressLength = MAX_AREAS_ADDRESS): MarkAreas {
  const bySeverity: Record<Severity, Map<number, Set<number>>> = { error: new Map(), warning: new Map() };
  const errorCells = new Set<string>();
  for (const finding of findings) {
    const ref = parseCell(finding.cell);
    if (!ref) {
      throw new LedgerHostError('cell.invalid', `无法识别的单元格：${finding.cell}`, `Not a cell reference: ${finding.cell}`);
    }
    if (finding.severity === 'error') errorCells.add(`${ref.column}:${ref.excelRow}`);
  }
  for (const finding of findings) {
    const ref = defined(parseCell(finding.cell), `cell ${finding.cell}`);
    // a cell with an error is red only: no overlapping yellow rule
    if (finding.severity === 'warning' && errorCells.has(`${ref.column}:${ref.excelRow}`)) continue;
    const columns = bySeverity[finding.severity];
    if (!columns.has(ref.column)) columns.set(ref.column, new Set());
    defined(columns.get(ref.column), `column ${ref.column}`).add(ref.excelRow);
  }
  const areasOf = (columns: Map<number, Set<number>>): string[] => {
    const areas: string[] = [];
    for (const column of [...columns.keys()].sort((a, b) => a - b)) {
      const rows = [...defined(columns.get(column), `column ${column}`)].sort((a, b) => a - b);
      let from = rows[0];
      for (let i = 1; i <= rows.length; i++) {
        if (i < rows.length && rows[i] === rows[i - 1] + 1) continue;
        const to = rows[i - 1];
        areas.push(from === to ? cellA1(from, column) : `${columnLettersOfIndex(column)}${from}:${columnLettersOfIndex(column)}${to}`);
        from = rows[i];
      }
    }
    const groups: string[] = [];
    let group = '';
    for (const area of areas) {
      if (group && group.length + 1 + area.length > maxAddressLength) {
        groups.push(group);
        group = '';
      }
      group = group ? `${group},${area}` : area;
    }
    if (group) groups.push(group);
    return groups;
  };
  return { error: areasOf(bySeverity.error), warning: areasOf(bySeverity.warning) };
}

export const MARK_COLORS: Record<Severity, string> = { error: '#FFC7CE', warning: '#FFEB9C' };
/**
 * The custom conditional-format formula that identifies our marks (always TRUE): clearMarks
 * deletes only rules with exactly this formula, never the user's own conditional formats.
 */
export const MARK_TAG = 'chuxiong-ledger-mark';
export const MARK_FORMULA = `=ISTEXT("${MARK_TAG}")`;

/** Whether a conditional-format formula read back from Excel is one of ours (tolerant of re-casing). */
export function isMarkFormula(formula: unknown): boolean {
  return typeof formula === 'string' && formula.toLowerCase().includes(MARK_TAG);
}

// ---------------------------------------------------------------------------------------------
// Finding a write's row again (rows move between read and write: sort, insert, delete)
// ---------------------------------------------------------------------------------------------

/** The identifying cells of the sheet's data rows as they are NOW (read inside the write's Excel.run). */
export interface CurrentKeys {
  /** Excel row of index 0 (the row below the header). */
  firstRow: number;
  /** 记录ID, 姓名, 公民身份号码 of each row; missing column = empty array. */
  rowIds: readonly unknown[];
  names: readonly unknown[];
  idNumbers: readonly unknown[];
}

/** Where a snapshot row came from: its 记录ID, or its identity when it had none. */
interface SnapshotRowKeys {
  rowId: string;
  identity: string;
}

const keyText = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim());
const identityOf = (name: unknown, idNumber: unknown): string => `${keyText(name)}\u0000${keyText(idNumber).toUpperCase()}`;

/** The 记录ID / identity of a row of the snapshot (an Excel row number as read). */
export function snapshotRowKeys(snapshot: LedgerSnapshot, excelRow: number): SnapshotRowKeys {
  const { sheet, header } = snapshot;
  const r = excelRow - (sheet.firstRow ?? 1);
  const row = sheet.values[r];
  if (!row || excelRow <= header.excelRow) {
    throw new LedgerHostError(
      'row.invalid',
      `第${excelRow}行不是读取时台账中的数据行（表头在第${header.excelRow}行）。`,
      `Row ${excelRow} is not a data row of the ledger as read (the header is on row ${header.excelRow}).`,
    );
  }
  const at = (key: string): unknown => {
    const column = header.columns.find((c) => c.key === key);
    return column ? row[column.index] : '';
  };
  return { rowId: keyText(at('rowId')), identity: identityOf(at('name'), at('idNumber')) };
}

export interface ResolvedWrites {
  /** Every write with excelRow = the row's CURRENT position (undefined = append) and a rowId value for rows that lacked one. */
  rows: RowWrite[];
  /** Rows given a new 记录ID by this write. */
  newRowIds: number;
}

function rowMoved(what: string, whatEn: string): LedgerHostError {
  return new LedgerHostError(
    'row.moved',
    `${what}已不在原位置（行被删除、排序后身份信息被改动，或有同名同号的重复行），未写入任何内容。请重新读取台账后再操作。`,
    `${whatEn} is no longer where it was (deleted, or its identity changed, or duplicated); nothing was written. Read the ledger again and retry.`,
  );
}

/**
 * Resolves each write's target to the row's current Excel row (see RowWrite). Throws before
 * anything is written when a row cannot be found unambiguously, so a write never lands on
 * another person's row. Rows without a 记录ID get one from `newRowId`.
 */
export function resolveRowTargets(
  rows: readonly RowWrite[],
  snapshot: LedgerSnapshot | undefined,
  current: CurrentKeys,
  newRowId: () => string,
): ResolvedWrites {
  const byRowId = new Map<string, number>();
  const byIdentity = new Map<string, number[]>();
  const count = Math.max(current.rowIds.length, current.names.length, current.idNumbers.length);
  for (let i = 0; i < count; i++) {
    const excelRow = current.firstRow + i;
    const rowId = keyText(current.rowIds[i]);
    if (rowId) {
      // a 记录ID copied onto two rows (copy-paste) identifies neither
      byRowId.set(rowId, byRowId.has(rowId) ? -1 : excelRow);
      continue;
    }
    const identity = identityOf(current.names[i], current.idNumbers[i]);
    if (identity === '\u0000') continue;
    const list = byIdentity.get(identity) ?? [];
    list.push(excelRow);
    byIdentity.set(identity, list);
  }
  const asked = new Set<string>();
  for (const row of rows) {
    const key = row.rowId ? `id:${row.rowId}` : row.excelRow !== undefined ? `row:${row.excelRow}` : undefined;
    if (key === undefined) continue;
    if (asked.has(key)) {
      const what = row.rowId ? `记录ID ${row.rowId}` : `第${row.excelRow}行`;
      throw new LedgerHostError('row.duplicate', `${what}被重复写入。`, `${row.rowId ? `Row ID ${row.rowId}` : `Row ${row.excelRow}`} is written twice.`);
    }
    asked.add(key);
  }
  const claimed = new Set<number>();
  let newRowIds = 0;
  const resolved = rows.map((row): RowWrite => {
    let rowId = row.rowId ? keyText(row.rowId) : '';
    let identity: string | undefined;
    if (!rowId && row.excelRow !== undefined) {
      if (!snapshot) {
        throw new LedgerHostError(
          'snapshot.required',
          '写入指定行时必须同时给出读取时的台账快照。',
          'Writing to a row needs the snapshot the row was read in.',
        );
      }
      const keys = snapshotRowKeys(snapshot, row.excelRow);
      rowId = keys.rowId;
      identity = keys.identity;
    }
    let excelRow: number | undefined;
    const label = row.excelRow !== undefined ? `第${row.excelRow}行` : `记录ID ${rowId}`;
    const labelEn = row.excelRow !== undefined ? `Row ${row.excelRow}` : `Row ID ${rowId}`;
    if (rowId) {
      const found = byRowId.get(rowId);
      if (found === undefined || found < 0) throw rowMoved(label, labelEn);
      excelRow = found;
    } else if (identity !== undefined) {
      const candidates = (byIdentity.get(identity) ?? []).filter((r) => !claimed.has(r));
      if (identity === '\u0000' || candidates.length === 0) throw rowMoved(label, labelEn);
      // same place first (nothing moved); elsewhere only when unambiguous
      if (row.excelRow !== undefined && candidates.includes(row.excelRow)) excelRow = row.excelRow;
      else if (candidates.length === 1) excelRow = candidates[0];
      else throw rowMoved(label, labelEn);
    }
    if (excelRow !== undefined) {
      if (claimed.has(excelRow)) {
        throw new LedgerHostError('row.duplicate', `第${excelRow}行被重复写入。`, `Row ${excelRow} is written twice.`);
      }
      claimed.add(excelRow);
    }
    const values = { ...row.values };
    if (!rowId && !keyText(values.rowId)) {
      values.rowId = newRowId();
      newRowIds++;
    }
    return { excelRow, values };
  });
  return { rows: resolved, newRowIds };
}

/** A fresh 记录ID (UUID v4) — crypto.randomUUID where present (Excel's browsers, Node ≥ 19). */
export function newRowId(): string {
  return globalThis.crypto.randomUUID();
}
