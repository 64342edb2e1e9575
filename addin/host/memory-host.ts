/**
 * LedgerHost over an in-memory workbook: backs the plain-browser preview (no Excel) and the
 * browser tests. Same placement rules as the Excel host (write-plan.ts), so what a pane does
 * here is what it does in Excel.
 */
import type { Severity, SheetInput } from '../../ledger/types';
import { cellA1, parseCell } from './a1';
import { locateLedgerHeader } from '../../ledger/sheet';
import {
  ALL_CAPABILITIES,
  LedgerHostError,
  ledgerNotFound,
  type HostCapabilities,
  type HostEvent,
  type HostListener,
  type HostSettings,
  type LedgerHeader,
  type LedgerHost,
  type LedgerSnapshot,
  type MarkableFinding,
  type RowWrite,
  type SelectedCell,
  type TableCell,
  type TableSheet,
} from './ledger-host';
import { freeSheetName } from './sheet-name';
import { newRowId, planMarks, planWrite, resolveRowTargets, type PlanOptions } from './write-plan';
import { defined } from '../../ledger/defined';
import { columnByKey, type ColumnKey } from '../../ledger/columns';
import { planMissingColumns, planTemplateSheets, templateSheetNames, type PlannedValidation, type SheetPlan } from './template-plan';
import { TEMPLATE_EXTRAS, type AddedColumns, type AddedSheets, type TemplateExtra } from './ledger-host';

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
  /** Defaults to everything supported; tests switch extras off to see the pane's fallbacks. */
  capabilities?: Partial<HostCapabilities>;
  /** Defaults to crypto.randomUUID. */
  newRowId?: () => string;
}

export interface MemorySheet {
  /** The sheet's identity (kept when renamed), as Excel's worksheet id. */
  id: string;
  name: string;
  values: unknown[][];
  numberFormats: string[][];
  hiddenColumns: Set<number>;
  /** A1 → severity of the current marks. */
  marks: Map<string, Severity>;
  /** Data validations written by addLedgerSheets / addMissingColumns (the preview shows dropdowns from them). */
  validations: PlannedValidation[];
  /** Header notes: A1 → text. */
  notes: Map<string, string>;
  /** Hidden sheet (字典). */
  hidden: boolean;
  /** Rows frozen at the top (finishTable). */
  frozenRows: number;
}

const isEmpty = (value: unknown) => value === '' || value === null || value === undefined;

export class MemoryHost implements LedgerHost {
  readonly kind = 'memory' as const;
  readonly capabilities: HostCapabilities;
  private readonly sheets: MemorySheet[];
  private readonly listeners = new Set<HostListener>();
  private snapshots = 0;
  private active: string;
  private ledgerSheet: string | undefined;
  private settings: HostSettings;
  private selection: { sheet: string; excelRow: number; column: number } | null = null;
  /** Chunks (Excel: syncs) the last writeRows used — the preview shows it, tests check it. */
  lastWriteChunks = 0;

  constructor(private readonly options: MemoryHostOptions) {
    if (options.sheets.length === 0) throw new Error('MemoryHost needs at least one sheet');
    this.sheets = options.sheets.map((seed) => ({
      id: this.newSheetId(),
      name: seed.name,
      values: seed.values.map((row) => [...row]),
      numberFormats: (seed.numberFormats ?? []).map((row) => [...row]),
      hiddenColumns: new Set<number>(),
      marks: new Map<string, Severity>(),
      validations: [],
      notes: new Map<string, string>(),
      hidden: false,
      frozenRows: 0,
    }));
    this.active = options.activeSheet ?? this.sheets[0].name;
    this.settings = cloneSettings(options.settings ?? {});
    this.capabilities = { ...ALL_CAPABILITIES, ...options.capabilities };
  }

  subscribe(listener: HostListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: HostEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /**
   * The preview grid and tests change cells as a person would (no 记录ID bookkeeping);
   * listeners hear a sheet change.
   */
  edit(sheetName: string, a1: string, value: unknown): void {
    const ref = parseCell(a1);
    if (!ref) throw new LedgerHostError('cell.invalid', `无法识别的单元格：${a1}`, `Not a cell reference: ${a1}`);
    setCell(this.sheet(sheetName).values, ref.excelRow - 1, ref.column, value, '');
    this.emit({ type: 'sheet', sheetName });
  }

  /** Inserts an empty row before `excelRow` (as staff do), moving the rows below down. */
  insertRow(sheetName: string, excelRow: number): void {
    const sheet = this.sheet(sheetName);
    sheet.values.splice(excelRow - 1, 0, []);
    sheet.numberFormats.splice(excelRow - 1, 0, []);
    this.emit({ type: 'sheet', sheetName });
  }

  /** Sorts the data rows below `headerRow` by a column (as Excel's sort does). */
  sortRows(sheetName: string, headerRow: number, column: number, descending = false): void {
    const sheet = this.sheet(sheetName);
    const rows = sheet.values.slice(headerRow).map((values, i) => ({ values, formats: sheet.numberFormats[headerRow + i] ?? [] }));
    rows.sort((a, b) => String(a.values[column] ?? '').localeCompare(String(b.values[column] ?? '')) * (descending ? -1 : 1));
    rows.forEach((row, i) => {
      sheet.values[headerRow + i] = row.values;
      sheet.numberFormats[headerRow + i] = row.formats;
    });
    this.emit({ type: 'sheet', sheetName });
  }

  /** The live sheet (for the preview's table and for tests). */
  sheet(name: string): MemorySheet {
    const sheet = this.sheets.find((s) => s.name === name);
    if (!sheet) throw new Error(`no sheet ${name}`);
    return sheet;
  }

  /** Sheet names in workbook order; `visibleOnly` leaves out hidden sheets (字典), as Excel's tabs do. */
  sheetNames(visibleOnly = false): string[] {
    return this.sheets.filter((s) => !visibleOnly || !s.hidden).map((s) => s.name);
  }

  get activeSheet(): string {
    return this.active;
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
    this.emit({ type: 'selection', selection: this.selected() });
  }

  private selected(): SelectedCell | null {
    if (!this.selection) return null;
    const { sheet, excelRow, column } = this.selection;
    return { sheetName: sheet, excelRow, column, cell: cellA1(excelRow, column), rows: 1, columns: 1 };
  }

  async readLedger(): Promise<LedgerSnapshot> {
    const { sheet, used, header } = this.findLedgerSheet();
    const input: SheetInput = {
      name: sheet.name,
      values: sliceRect(sheet.values, used, ''),
      numberFormats: sliceRect(sheet.numberFormats, used, 'General') as string[][],
      firstRow: used.top + 1,
      firstColumn: used.left,
    };
    return { id: ++this.snapshots, sheetName: sheet.name, sheet: input, header };
  }

  async writeRows(rows: readonly RowWrite[], snapshot?: LedgerSnapshot): Promise<number[]> {
    if (rows.length === 0) return [];
    const { sheet, used, header } = this.findLedgerSheet(snapshot?.sheetName);
    const column = (key: string) => header.columns.find((c) => c.key === key);
    const keysOf = (key: string): unknown[] => {
      const located = column(key);
      if (!located) return [];
      const out: unknown[] = [];
      for (let r = header.excelRow; r <= used.bottom; r++) out.push(sheet.values[r]?.[used.left + located.index] ?? '');
      return out;
    };
    const resolved = resolveRowTargets(
      rows,
      snapshot,
      { firstRow: header.excelRow + 1, rowIds: keysOf('rowId'), names: keysOf('name'), idNumbers: keysOf('idNumber') },
      this.options.newRowId ?? newRowId,
    );
    const plan = planWrite(
      { header, firstColumn: used.left, lastRow: used.bottom + 1, lastColumn: used.right },
      resolved.rows,
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
    this.emit({ type: 'sheet', sheetName: sheet.name });
    return plan.rowNumbers;
  }

  async addLedgerSheets(): Promise<AddedSheets> {
    const names = templateSheetNames(this.sheets.map((s) => s.name));
    const skipped = new Set<TemplateExtra>();
    for (const plan of planTemplateSheets(names)) {
      const sheet: MemorySheet = { id: this.newSheetId(), name: plan.name, values: [], numberFormats: [], hiddenColumns: new Set(), marks: new Map(), validations: [], notes: new Map(), hidden: false, frozenRows: 0 };
      this.sheets.push(sheet);
      for (const extra of this.applyPlan(sheet, plan)) skipped.add(extra);
    }
    this.active = names.ledger;
    this.ledgerSheet = names.ledger;
    this.selection = { sheet: names.ledger, excelRow: 3, column: 0 };
    this.emit({ type: 'sheet', sheetName: names.ledger });
    this.emit({ type: 'selection', selection: this.selected() });
    return { names, skipped: [...skipped] };
  }

  async addMissingColumns(snapshot: LedgerSnapshot, keys: readonly ColumnKey[]): Promise<AddedColumns> {
    if (keys.length === 0) return { sheetName: snapshot.sheetName, columns: [], skipped: [] };
    const { sheet, used, header } = this.findLedgerSheet(snapshot.sheetName);
    const present = keys.filter((key) => header.columns.some((c) => c.key === key));
    if (present.length > 0) {
      throw new LedgerHostError(
        'columns.present',
        `台账已有这些列：${present.map((key) => columnByKey(key).header).join('、')}。请重新校验后再添加。`,
        `The ledger already has these columns: ${present.map((key) => columnByKey(key).en).join(', ')}. Check again before adding.`,
      );
    }
    const firstFree = used.right + 1;
    const plan = planMissingColumns(sheet.name, keys, { excelRow: header.excelRow, firstFree, lastRow: used.bottom + 1 });
    const skipped = this.applyPlan(sheet, plan);
    this.emit({ type: 'sheet', sheetName: sheet.name });
    return { sheetName: sheet.name, columns: keys.map((key, i) => ({ key, header: columnByKey(key).header, cell: cellA1(header.excelRow, firstFree + i) })), skipped };
  }

  /** The plan's values, formats, hidden columns, dropdowns and notes; extras the capabilities lack are skipped. */
  private applyPlan(sheet: MemorySheet, plan: SheetPlan): TemplateExtra[] {
    for (const block of plan.values) {
      block.values.forEach((row, r) => row.forEach((value, c) => setCell(sheet.values, block.excelRow - 1 + r, block.column + c, value, '')));
    }
    for (const f of plan.numberFormats) {
      for (let r = 0; r < f.rows; r++) setCell(sheet.numberFormats, f.excelRow - 1 + r, f.column, f.format, 'General');
    }
    for (const column of plan.hiddenColumns) sheet.hiddenColumns.add(column);
    sheet.hidden = plan.hidden;
    const skipped: TemplateExtra[] = [];
    const used = { dataValidation: plan.validations.length > 0, headerNotes: plan.notes.length > 0, freezePanes: plan.freezeRows > 0, printSetup: plan.print !== undefined };
    for (const extra of TEMPLATE_EXTRAS) if (used[extra] && !this.capabilities[extra]) skipped.push(extra);
    if (this.capabilities.dataValidation) sheet.validations.push(...plan.validations);
    if (this.capabilities.headerNotes) for (const note of plan.notes) sheet.notes.set(note.cell, note.text);
    return skipped;
  }

  async markFindings(snapshot: LedgerSnapshot, findings: readonly MarkableFinding[]): Promise<void> {
    if (!this.capabilities.conditionalFormats) return;
    const sheet = this.sheet(snapshot.sheetName);
    const areas = planMarks(findings);
    sheet.marks.clear();
    for (const severity of ['error', 'warning'] as const) {
      for (const group of areas[severity]) {
        for (const area of group.split(',')) {
          const [from, to = from] = area.split(':');
          const a = defined(parseCell(from), `cell ${from}`);
          const b = defined(parseCell(to), `cell ${to}`);
          for (let row = a.excelRow; row <= b.excelRow; row++) sheet.marks.set(cellA1(row, a.column), severity);
        }
      }
    }
    this.emit({ type: 'marks', sheetName: sheet.name });
  }

  async clearMarks(snapshot?: LedgerSnapshot): Promise<void> {
    const name = snapshot?.sheetName ?? this.ledgerSheet;
    for (const sheet of this.sheets) {
      if (name && sheet.name !== name) continue;
      sheet.marks.clear();
      this.emit({ type: 'marks', sheetName: sheet.name });
    }
  }

  async selectCell(a1: string, snapshot?: LedgerSnapshot): Promise<void> {
    const sheet = snapshot?.sheetName ?? this.ledgerSheet ?? this.active;
    this.sheet(sheet);
    this.select(a1, sheet);
  }

  async getSelectedRow(): Promise<SelectedCell | null> {
    return this.selected();
  }

  /** Calls to writeTable so far (Excel: one sync each) — tests check the count per chunk. */
  tableWrites = 0;

  /** Ids of the sheets addTableSheet added (Excel: a workbook setting), never taken for the ledger. */
  private readonly tableSheetIds = new Set<string>();
  private sheetCount = 0;

  private newSheetId(): string {
    return `memory-sheet-${++this.sheetCount}`;
  }

  async addTableSheet(baseName: string): Promise<TableSheet> {
    const name = freeSheetName(baseName, this.sheetNames());
    const id = this.newSheetId();
    this.sheets.push({ id, name, values: [], numberFormats: [], hiddenColumns: new Set<number>(), marks: new Map<string, Severity>(), validations: [], notes: new Map<string, string>(), hidden: false, frozenRows: 0 });
    this.tableSheetIds.add(id);
    this.emit({ type: 'sheet', sheetName: name });
    return { id, name };
  }

  /** Renames a sheet as staff would (its id stays). */
  renameSheet(from: string, to: string): void {
    this.sheet(from).name = to;
    if (this.active === from) this.active = to;
    if (this.ledgerSheet === from) this.ledgerSheet = to;
    this.emit({ type: 'sheet', sheetName: to });
  }

  private tableSheet(table: TableSheet): MemorySheet {
    return defined(this.sheets.find((sheet) => sheet.id === table.id), `table sheet ${table.name}`);
  }

  async writeTable(table: TableSheet, excelRow: number, rows: readonly (readonly TableCell[])[]): Promise<void> {
    const sheet = this.tableSheet(table);
    const sheetName = sheet.name;
    this.tableWrites++;
    rows.forEach((row, r) =>
      row.forEach((value, c) => {
        setCell(sheet.numberFormats, excelRow - 1 + r, c, typeof value === 'string' ? '@' : 'General', 'General');
        setCell(sheet.values, excelRow - 1 + r, c, value ?? '', '');
      }),
    );
    this.emit({ type: 'sheet', sheetName });
  }

  async finishTable(table: TableSheet): Promise<void> {
    const sheet = this.tableSheet(table);
    sheet.frozenRows = 1;
    this.activate(sheet.name);
    this.emit({ type: 'sheet', sheetName: sheet.name });
  }

  async readSettings(): Promise<HostSettings> {
    return cloneSettings(this.settings);
  }

  async writeSettings(patch: HostSettings): Promise<void> {
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete this.settings[key];
      else this.settings[key] = cloneSettings(value);
    }
  }

  /** The given sheet, else the sheet used last, else the active sheet, else the first sheet with a ledger header. */
  private findLedgerSheet(preferred?: string): { sheet: MemorySheet; used: Bounds; header: LedgerHeader } {
    if (preferred && !this.sheets.some((s) => s.name === preferred)) throw ledgerNotFound();
    // a table sheet this host added looks like a ledger but never is one (known by its id, not its name)
    const tables = new Set(this.sheets.filter((s) => this.tableSheetIds.has(s.id)).map((s) => s.name));
    const order = preferred ? [preferred] : [this.ledgerSheet, this.active, ...this.sheets.map((s) => s.name)].filter((name) => name === undefined || !tables.has(name));
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

/** Settings are JSON by definition (they are stored as JSON text in the workbook). */
function cloneSettings<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
