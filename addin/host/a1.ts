/** A1 references: column letters, cell parsing, used-range addresses. Pure, no Office.js. */
import { columnIndexOfLetters, columnLettersOfIndex } from '../../ledger/sheet';

export function cellA1(excelRow: number, column: number): string {
  return `${columnLettersOfIndex(column)}${excelRow}`;
}

export interface CellRef {
  excelRow: number;
  column: number;
}

/** 'F5', '$F$5', 'Sheet1!F5', "'台账 10月'!F5" → {excelRow: 5, column: 5}; null when not a single cell. */
export function parseCell(a1: string): CellRef | null {
  const local = a1.includes('!') ? a1.slice(a1.lastIndexOf('!') + 1) : a1;
  const match = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(local.trim());
  if (!match) return null;
  const excelRow = Number(match[2]);
  if (excelRow < 1) return null;
  return { excelRow, column: columnIndexOfLetters(match[1]) };
}

export interface Rect {
  /** Excel row of the top edge. */
  excelRow: number;
  /** 0-based column of the left edge. */
  column: number;
  rows: number;
  columns: number;
}

/** "台账!B2:AC5001" / "Sheet1!A1" → Rect (the part after the last '!'). */
export function parseAddress(address: string): Rect {
  const local = address.slice(address.lastIndexOf('!') + 1);
  const [from, to = from] = local.split(':');
  const a = parseCell(from);
  const b = parseCell(to);
  if (!a || !b) throw new Error(`unparsable range address: ${address}`);
  return {
    excelRow: Math.min(a.excelRow, b.excelRow),
    column: Math.min(a.column, b.column),
    rows: Math.abs(b.excelRow - a.excelRow) + 1,
    columns: Math.abs(b.column - a.column) + 1,
  };
}

export function rectAddress(rect: Rect): string {
  const from = cellA1(rect.excelRow, rect.column);
  if (rect.rows === 1 && rect.columns === 1) return from;
  return `${from}:${cellA1(rect.excelRow + rect.rows - 1, rect.column + rect.columns - 1)}`;
}
