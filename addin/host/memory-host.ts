/**
 * LedgerHost over an in-memory workbook: backs the plain-browser preview (no Excel) and the
 * browser tests. Same placement rules as the Excel host (write-plan.ts), so what a pane does
 * here is what it does in Excel.
 */
import type { Severity, SheetInput } from '../../ledger/types';
import { cellA1, parseCell } from './a1';
import { locateLedgerHeader } from '../../ledger/sheet';
import {
  LedgerHostError,
  ledgerNotFound,
  type HostSettings,
  type LedgerHeader,
  type LedgerHost,
  type LedgerRead,
  type MarkableFinding,
  type RowWrite,
  type SelectedCell,
} from './ledger-host';
import { planMarks, planWrite, type PlanOptions } from './write-plan';

export interface MemorySheetSeed {
  name: string;
  /** Row 0 = Excel row 1, column 0 = A. */
  values: readonly (readonly unknown[])[];
  numberFormats?: readonly (readonly string[])[];
}

export interface MemoryHostOptions extends PlanOptions {
  sheets: readonly MemorySheetSeed[];
  /** Defaults to the first sheet. */
  activeSheet?: string;
  settings?: HostSettings;
}

export interface MemorySheet {
  name: string;
  values: unknown[][];
  numberFormats: string[][];
  hiddenColumns: Set<number>;
  /** A1 → severity of the current marks. */
  marks: Map<string, Severity>;
}

const isEmpty = (value: unknown) => value === '' || value === null || value === undefined;

export class MemoryHost implements LedgerHost {
  readonly kind = 'memory' as const;
  private readonly sheets: MemorySheet[];
  private active: string;
  private ledgerSheet: string | undefined;
  private settings: HostSettings;
  private selection: { sheet: string; excelRow: number; column: number } | null = null;
  /** Chunks (Excel: syncs) the last writeRows used — the preview shows it, tests check it. */
  lastWriteChunks = 0;

  constructor(private readonly options: MemoryHostOptions) {
    if (options.sheets.length === 0) throw new Error('MemoryHost needs at least one sheet');
    this.sheets = options.sheets.map((seed) => ({
      name: seed.name,
      values: seed.values.map((row) => [...row]),
      numberFormats: (seed.numberFormats ?? []).map((row) => [...row]),
      hiddenColumns: new Set<number>(),
      marks: new Map<string, Severity>(),
    }));
    this.active = options.activeSheet ?? this.sheets[0].name;
    this.settings = structuredClone(options.settings ?? {});
  }

  /** The live sheet (for the preview's table and for tests). */
  sheet(name: string): MemorySheet {
    const sheet = this.sheets.find((s) => s.name === name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    return sheet;
  }

  activate(name: string): void {
    this.sheet(name);
    this.active = name;
  }

  /** The preview lets a person click a cell; tests use it as the user's selection. */
  select(a1: string, sheetName = this.active): void {
    const ref = parseCell(a1);
    if (!ref) throw new LedgerHostError('cell.invalid', `无法识别的单元格：${a1}`, `Not a cell reference: ${a1}`);
    this.active = sheetName;
    this.selection = { sheet: sheetName, ...ref };
  }

  async readLedger(): Promise<LedgerRead> {
    const { sheet, used, header } = this.findLedgerSheet();
    const input: SheetInput = {
      name: sheet.name,
      values: sliceRect(sheet.values, used, ''),
      numberFormats: sliceRect(sheet.numberFormats, used, 'General') as string[][],
      firstRow: used.top + 1,
      firstColumn: used.left,
    };
    return { sheetName: sheet.name, sheet: input, header };
  }

  async writeRows(rows: readonly RowWrite[]): Promise<number[]> {
    const { sheet, used, header } = this.findLedgerSheet();
    const plan = planWrite(
      { header, firstColumn: used.left, lastRow: used.bottom + 1, lastColumn: used.right },
      rows,
      { maxRequestBytes: this.options.maxRequestBytes },
    );
    for (const column of plan.newColumns) {
      setCell(sheet.values, header.excelRow - 1, column.column, column.header, '');
      if (column.hidden) sheet.hiddenColumns.add(column.column);
    }
    for (const chunk of plan.chunks) {
      for (const block of chunk) {
        block.values.forEach((row, r) =>
          row.forEach((value, c) => {
            const format = block.numberFormats?.[r][c];
            if (format !== null && format !== undefined) setCell(sheet.numberFormats, block.excelRow - 1 + r, block.column + c, format, 'General');
            if (value !== null) setCell(sheet.values, block.excelRow - 1 + r, block.column + c, value, '');
          }),
        );
      }
    }
    this.lastWriteChunks = plan.chunks.length;
    return plan.rowNumbers;
  }

  async markFindings(findings: readonly MarkableFinding[]): Promise<void> {
    const { sheet } = this.findLedgerSheet();
    const areas = planMarks(findings);
    sheet.marks.clear();
    for (const severity of ['error', 'warning'] as const) {
      for (const group of areas[severity]) {
        for (const area of group.split(',')) {
          const [from, to = from] = area.split(':');
          const a = parseCell(from)!;
          const b = parseCell(to)!;
          for (let row = a.excelRow; row <= b.excelRow; row++) sheet.marks.set(cellA1(row, a.column), severity);
        }
      }
    }
  }

  async clearMarks(): Promise<void> {
    for (const sheet of this.sheets) sheet.marks.clear();
  }

  async selectCell(a1: string): Promise<void> {
    const sheet = this.ledgerSheet ?? this.active;
    this.select(a1, sheet);
  }

  async getSelectedRow(): Promise<SelectedCell | null> {
    if (!this.selection) return null;
    const { sheet, excelRow, column } = this.selection;
    return { sheetName: sheet, excelRow, column, cell: cellA1(excelRow, column) };
  }

  async readSettings(): Promise<HostSettings> {
    return structuredClone(this.settings);
  }

  async writeSettings(patch: HostSettings): Promise<void> {
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete this.settings[key];
      else this.settings[key] = structuredClone(value);
    }
  }

  /** The sheet used last, else the active sheet, else the first sheet with a ledger header. */
  private findLedgerSheet(): { sheet: MemorySheet; used: Bounds; header: LedgerHeader } {
    const order = [this.ledgerSheet, this.active, ...this.sheets.map((s) => s.name)];
    for (const name of order) {
      const sheet = name === undefined ? undefined : this.sheets.find((s) => s.name === name);
      if (!sheet) continue;
      const used = usedBounds(sheet);
      if (!used) continue;
      const header = locateLedgerHeader({ values: sliceRect(sheet.values, used, ''), firstRow: used.top + 1 });
      if (header) {
        this.ledgerSheet = sheet.name;
        return { sheet, used, header };
      }
    }
    throw ledgerNotFound();
  }
}

interface Bounds {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Bounding box of non-empty values (Excel's getUsedRange(valuesOnly = true)), 0-based. */
function usedBounds(sheet: MemorySheet): Bounds | null {
  let top = Infinity;
  let left = Infinity;
  let bottom = -1;
  let right = -1;
  sheet.values.forEach((row, r) => {
    row.forEach((value, c) => {
      if (isEmpty(value)) return;
      top = Math.min(top, r);
      bottom = Math.max(bottom, r);
      left = Math.min(left, c);
      right = Math.max(right, c);
    });
  });
  return bottom < 0 ? null : { top, left, bottom, right };
}

function sliceRect<T>(grid: readonly (readonly T[])[], b: Bounds, fill: T): T[][] {
  const out: T[][] = [];
  for (let r = b.top; r <= b.bottom; r++) {
    const row = grid[r] ?? [];
    const line: T[] = [];
    for (let c = b.left; c <= b.right; c++) line.push(isEmpty(row[c]) ? fill : row[c]);
    out.push(line);
  }
  return out;
}

function setCell<T>(grid: T[][], r: number, c: number, value: T, fill: T): void {
  while (grid.length <= r) grid.push([]);
  const row = grid[r];
  while (row.length < c) row.push(fill);
  row[c] = value;
}
