/// <reference types="office-js" />
/**
 * LedgerHost on Excel via Office.js. Every call runs in ONE Excel.run and costs a constant
 * number of context.sync() round trips, whatever the row count (ARCHITECTURE.md principle 3):
 *
 * | call            | syncs                                                                          |
 * |-----------------|--------------------------------------------------------------------------------|
 * | readLedger      | 1 locate + 1 per ≤ readCellBudget entries (200,000 ≈ 5,700 rows × 35)          |
 * | writeRows       | 1 locate + 1 key read (记录ID/姓名/身份证号, skipped for pure appends) + 1 per  |
 * |                 | ≤ maxRequestBytes chunk (4 MB) → ≤ 3 for any ordinary write                     |
 * | markFindings    | ≤ 3: list conditional formats, read formulas of custom ones, delete ours + add  |
 * | clearMarks      | ≤ 3 (1 when the sheet has no custom conditional formats)                       |
 * | selectCell, getSelectedRow, readSettings | 1;  writeSettings 2 (read, merge, write)              |
 *
 * "locate" is one sync when the sheet is known (the snapshot's, the one used last, or the active
 * sheet), one more when the other sheets' first rows must be searched for the header. Reads are
 * split by cells and writes by bytes so neither passes Excel on the web's 5 MB request limit.
 *
 * Requirement sets: the core needs ExcelApi 1.1 only (getRange by A1 address, getUsedRange,
 * getSelectedRange). Newer APIs are used only when `isSetSupported` says so: conditional formats
 * (1.6), suspendApiCalculationUntilNextSync (1.6), getRanges (1.9), worksheet events (1.9),
 * workbook settings (1.4, else the document settings of the common API).
 *
 * Calls are serialised: a second call starts after the first one's Excel.run has finished
 * (React StrictMode runs effects twice; two Excel.run batches interleaving could each resolve
 * rows against a sheet the other is changing).
 *
 * Only addin/host/ may touch the Office/Excel globals; Excel.run is injectable for tests.
 */
import type { SheetInput } from '../../ledger/types';
import { parseAddress, parseCell, rectAddress, type Rect } from './a1';
import { locateLedgerHeader } from '../../ledger/sheet';
import type { ColumnType } from '../../ledger/columns';
import {
  LedgerHostError,
  ledgerNotFound,
  type HostCapabilities,
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
import { TABLE_SHEETS_KEY, freeSheetName, parseTableSheetIds } from './sheet-name';
import {
  MARK_COLORS,
  MARK_FORMULA,
  isMarkFormula,
  newRowId,
  planMarks,
  planWrite,
  resolveRowTargets,
  type CurrentKeys,
  type PlanOptions,
} from './write-plan';
import { Debouncer } from './debounce';
import { planMissingColumns, planTemplateSheets, templateSheetNames } from './template-plan';
import { queueSheetPlan, type ExtraSupport } from './office-template';
import type { AddedColumns, AddedSheets, TemplateExtra } from './ledger-host';
import { columnByKey, type ColumnKey } from '../../ledger/columns';
import { cellA1 } from './a1';
import { defined } from '../../ledger/defined';

export type ExcelRun = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;
/** Office.context.requirements.isSetSupported('ExcelApi', version). */
export type ApiSupport = (version: string) => boolean;

/** Where workbook events come from (Office.js by default; tests drive them by hand). */
export interface HostEventSource {
  /** Calls back on every selection change; resolves with the unsubscribe. */
  onSelectionChanged(callback: () => void): Promise<() => Promise<void>>;
  /** Calls back with the sheet name on every cell change; null when the host cannot (ExcelApi < 1.9). */
  onSheetChanged(callback: (sheetName: string) => void): Promise<(() => Promise<void>) | null>;
}

/** Workbook settings when ExcelApi 1.4 is missing: Office.context.document.settings. */
export interface DocumentSettings {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  save(): Promise<void>;
}

export interface OfficeHostOptions extends PlanOptions {
  /** Defaults to Excel.run; tests pass a fake. */
  run?: ExcelRun;
  /** Defaults to every set supported (tests) — connectHost passes Office's isSetSupported. */
  supports?: ApiSupport;
  events?: HostEventSource;
  documentSettings?: DocumentSettings;
  /** Cells loaded per sync when reading (values + number formats stay under ~4 MB). */
  readCellBudget?: number;
  newRowId?: () => string;
  /** Quiet time before a selection / sheet change is reported. */
  selectionDebounceMs?: number;
  sheetDebounceMs?: number;
}

/**
 * Entries (values + the number formats loaded) per read sync: 10,000 rows × 30 columns plus their
 * date/ID/phone formats fit in two syncs, each response ≈ 3 MB at most, under Excel on the web's 5 MB.
 */
export const DEFAULT_READ_CELL_BUDGET = 200_000;
/** Column types whose number format is read: dates (the core parses them with it), ID and phone (text or not). */
const FORMAT_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(['date', 'idNumber', 'phone']);
/**
 * Rows probed for the header: the core scans the first 10 rows of the used range, plus one row
 * below for a two-level header.
 */
const HEADER_PROBE_ROWS = 11;
/** Rows whose content sets the column widths of a table sheet (finishTable). */
const FIT_ROWS = 200;
/** Workbook setting that holds the add-in's settings object (JSON text). */
export const SETTINGS_KEY = 'chuxiong.ledger.settings';

interface Located {
  sheet: Excel.Worksheet;
  name: string;
  used: Rect;
  header: LedgerHeader;
}

interface Probe {
  used: Excel.Range;
  top: Excel.Range;
}

export function capabilitiesOf(supports: ApiSupport): HostCapabilities {
  return {
    conditionalFormats: supports('1.6'),
    dataValidation: supports('1.8'),
    multiAreas: supports('1.9'),
    events: supports('1.9'),
    merges: supports('1.13'),
    freezePanes: supports('1.7'),
    printSetup: supports('1.9'),
    headerNotes: supports('1.18'),
  };
}

const range = (sheet: Excel.Worksheet, rect: Rect): Excel.Range => sheet.getRange(rectAddress(rect));

export class OfficeHost implements LedgerHost {
  readonly kind = 'excel' as const;
  readonly capabilities: HostCapabilities;
  private readonly excelRun: ExcelRun;
  private readonly supports: ApiSupport;
  private readonly readCellBudget: number;
  /** The sheet the ledger was found on last; tried first next time. */
  private ledgerSheet: string | undefined;
  private snapshots = 0;
  /** Tail of the queue of calls (serialisation). */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<HostListener>();
  private unsubscribeEvents: (() => Promise<void>)[] = [];
  private readonly selectionDebounce: Debouncer;
  private readonly sheetDebounce: Debouncer<string>;

  constructor(private readonly options: OfficeHostOptions = {}) {
    this.excelRun = options.run ?? ((batch) => Excel.run(batch));
    this.supports = options.supports ?? (() => true);
    this.capabilities = capabilitiesOf(this.supports);
    this.readCellBudget = options.readCellBudget ?? DEFAULT_READ_CELL_BUDGET;
    this.selectionDebounce = new Debouncer(options.selectionDebounceMs ?? 150, () => void this.reportSelection());
    this.sheetDebounce = new Debouncer<string>(options.sheetDebounceMs ?? 400, (sheetName) => this.emit({ type: 'sheet', sheetName }));
  }

  /** One Excel.run at a time, in call order; a failed call does not block the next. */
  private run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> {
    const next = this.tail.then(
      () => this.excelRun(batch),
      () => this.excelRun(batch),
    );
    this.tail = next.catch(() => undefined);
    return next;
  }

  async readLedger(): Promise<LedgerSnapshot> {
    return this.run(async (context) => {
      const { sheet, name, used, header } = await this.locate(context);
      // Number formats matter only where the core reads them (dates) or staff must see them (ID, phone
      // as text): loading them for those columns only keeps a 10,000-row read in 2 data syncs.
      const formatColumns = header.columns.filter((c) => FORMAT_TYPES.has(columnByKey(c.key).type)).map((c) => c.index);
      const perRow = used.columns + formatColumns.length;
      const rowsPerBlock = Math.max(1, Math.floor(this.readCellBudget / perRow));
      const values: unknown[][] = [];
      const numberFormats: string[][] = [];
      // merged areas (ExcelApi 1.13): the core gives vertically merged cells the top cell's value
      let merged: Excel.RangeAreas | undefined;
      if (this.capabilities.merges) {
        merged = range(sheet, used).getMergedAreasOrNullObject();
        merged.load('address');
      }
      // Each row's formats start as a copy of an all-'General' row (one memcpy, not 30 writes).
      const generalRow = new Array<string>(used.columns).fill('General');
      for (let offset = 0; offset < used.rows; offset += rowsPerBlock) {
        const rows = Math.min(rowsPerBlock, used.rows - offset);
        const block = range(sheet, { excelRow: used.excelRow + offset, column: used.column, rows, columns: used.columns });
        block.load('values');
        const formats = formatColumns.map((index) => {
          const column = range(sheet, { excelRow: used.excelRow + offset, column: used.column + index, rows, columns: 1 });
          column.load('numberFormat');
          return column;
        });
        // one sync per block: bounded by size (readCellBudget), not by row count
        await context.sync();
        const blockValues = block.values;
        const blockFormats = formats.map((column) => column.numberFormat);
        for (let r = 0; r < blockValues.length; r++) {
          values.push(blockValues[r]);
          const rowFormats = generalRow.slice();
          for (let i = 0; i < blockFormats.length; i++) rowFormats[formatColumns[i]] = String(blockFormats[i][r][0]);
          numberFormats.push(rowFormats);
        }
      }
      const merges = merged && !merged.isNullObject && merged.address ? merged.address.split(',').map((area) => area.slice(area.lastIndexOf('!') + 1)) : [];
      const input: SheetInput = { name, values, numberFormats, firstRow: used.excelRow, firstColumn: used.column, ...(merges.length > 0 ? { merges } : {}) };
      return { id: ++this.snapshots, sheetName: name, sheet: input, header };
    });
  }

  async writeRows(rows: readonly RowWrite[], snapshot?: LedgerSnapshot): Promise<number[]> {
    if (rows.length === 0) return [];
    return this.run(async (context) => {
      const { sheet, used, header } = await this.locate(context, snapshot?.sheetName);
      const lastRow = used.excelRow + used.rows - 1;
      // Where each row is NOW: read 记录ID / 姓名 / 身份证号 in this same Excel.run (sync 2)
      const needsKeys = rows.some((row) => row.rowId !== undefined || row.excelRow !== undefined);
      const current: CurrentKeys = { firstRow: header.excelRow + 1, rowIds: [], names: [], idNumbers: [] };
      if (needsKeys && lastRow > header.excelRow) {
        const keyRanges = (['rowId', 'name', 'idNumber'] as const).map((key) => {
          const located = header.columns.find((c) => c.key === key);
          if (!located) return null;
          const column = range(sheet, { excelRow: header.excelRow + 1, column: used.column + located.index, rows: lastRow - header.excelRow, columns: 1 });
          column.load('values');
          return column;
        });
        await context.sync();
        const flat = (r: Excel.Range | null): unknown[] => (r ? r.values.map((row) => row[0]) : []);
        current.rowIds = flat(keyRanges[0]);
        current.names = flat(keyRanges[1]);
        current.idNumbers = flat(keyRanges[2]);
      }
      const resolved = resolveRowTargets(rows, snapshot, current, this.options.newRowId ?? newRowId);
      const plan = planWrite(
        { header, firstColumn: used.column, lastRow, lastColumn: used.column + used.columns - 1 },
        resolved.rows,
        { maxRequestBytes: this.options.maxRequestBytes },
      );
      const chunks = plan.chunks.length > 0 ? plan.chunks : [[]];
      for (let i = 0; i < chunks.length; i++) {
        // formulas elsewhere need not recalculate after every chunk (ExcelApi 1.6)
        if (this.supports('1.6')) context.application.suspendApiCalculationUntilNextSync();
        if (i === 0) {
          for (const column of plan.newColumns) {
            const cell = range(sheet, { excelRow: header.excelRow, column: column.column, rows: 1, columns: 1 });
            cell.values = [[column.header]];
            if (column.hidden) cell.getEntireColumn().columnHidden = true;
          }
        }
        for (const block of chunks[i]) {
          const target = range(sheet, { excelRow: block.excelRow, column: block.column, rows: block.values.length, columns: block.values[0].length });
          // format first, so that text such as an ID number is stored as typed
          if (block.numberFormats) target.numberFormat = block.numberFormats;
          target.values = block.values;
        }
        // one sync per chunk of ≤ maxRequestBytes
        await context.sync();
      }
      this.emit({ type: 'sheet', sheetName: snapshot?.sheetName ?? this.ledgerSheet ?? '' });
      return plan.rowNumbers;
    });
  }

  async addTableSheet(baseName: string): Promise<TableSheet> {
    return this.run(async (context) => {
      const sheets = context.workbook.worksheets;
      sheets.load('items/name,items/id');
      const recorded = this.queueTableSheetIds(context);
      await context.sync();
      const name = freeSheetName(
        baseName,
        sheets.items.map((sheet) => sheet.name),
      );
      const added = sheets.add(name);
      added.load('id');
      await context.sync();
      // the list keeps only sheets that still exist, so it never grows with sheets staff deleted
      const existing = new Set(sheets.items.map((sheet) => sheet.id));
      const ids = [...recorded().filter((id) => existing.has(id)), added.id];
      await this.recordTableSheetIds(context, ids);
      return { id: added.id, name };
    });
  }

  /** Queues the read of the recorded table-sheet ids (no sync of its own); call the result after the next sync. */
  private queueTableSheetIds(context: Excel.RequestContext): () => string[] {
    if (!this.supports('1.4')) {
      // document settings are read at once; without them (a test host) nothing is recorded
      const stored = this.options.documentSettings?.get(TABLE_SHEETS_KEY);
      return () => parseTableSheetIds(stored);
    }
    const item = context.workbook.settings.getItemOrNullObject(TABLE_SHEETS_KEY);
    item.load('value');
    return () => parseTableSheetIds(item.isNullObject ? undefined : item.value);
  }

  private async recordTableSheetIds(context: Excel.RequestContext, ids: readonly string[]): Promise<void> {
    const value = JSON.stringify(ids);
    if (!this.supports('1.4')) {
      const settings = this.documentSettings();
      settings.set(TABLE_SHEETS_KEY, value);
      await settings.save();
      return;
    }
    context.workbook.settings.add(TABLE_SHEETS_KEY, value);
    await context.sync();
  }

  async writeTable(table: TableSheet, excelRow: number, rows: readonly (readonly TableCell[])[]): Promise<void> {
    const columns = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
    if (columns === 0) return;
    await this.run(async (context) => {
      if (this.supports('1.6')) context.application.suspendApiCalculationUntilNextSync();
      // by id: the sheet we added, even if staff renamed it or gave another sheet its old name
      const sheet = context.workbook.worksheets.getItem(table.id);
      const target = range(sheet, { excelRow, column: 0, rows: rows.length, columns });
      // format first: text cells are text (@) before their value arrives, so nothing is read as a formula
      target.numberFormat = rows.map((row) => Array.from({ length: columns }, (_, c) => (typeof row[c] === 'string' ? '@' : 'General')));
      target.values = rows.map((row) => Array.from({ length: columns }, (_, c) => row[c] ?? ''));
      await context.sync();
    });
  }

  async finishTable(table: TableSheet, columns: number): Promise<void> {
    await this.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(table.id);
      if (this.supports('1.7')) sheet.freezePanes.freezeRows(1);
      // fit to the header and the first rows: fitting a 100,000-row column would stall Excel
      if (this.supports('1.2') && columns > 0) range(sheet, { excelRow: 1, column: 0, rows: FIT_ROWS, columns }).format.autofitColumns();
      sheet.activate();
      await context.sync();
    });
  }

  async markFindings(snapshot: LedgerSnapshot, findings: readonly MarkableFinding[]): Promise<void> {
    if (!this.capabilities.conditionalFormats) return;
    const areas = planMarks(findings);
    await this.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(snapshot.sheetName);
      await this.deleteOurMarks(context, sheet, false);
      for (const severity of ['error', 'warning'] as const) {
        for (const address of areas[severity]) {
          // ExcelApi 1.9: one rule over many areas; before that, one rule per area (still one sync)
          const targets = this.capabilities.multiAreas ? [sheet.getRanges(address)] : address.split(',').map((area) => sheet.getRange(area));
          for (const target of targets) {
            const format = target.conditionalFormats.add('Custom');
            format.custom.rule.formula = MARK_FORMULA;
            format.custom.format.fill.color = MARK_COLORS[severity];
          }
        }
      }
      await context.sync();
    });
    this.emit({ type: 'marks', sheetName: snapshot.sheetName });
  }

  async clearMarks(snapshot?: LedgerSnapshot): Promise<void> {
    if (!this.capabilities.conditionalFormats) return;
    await this.run(async (context) => {
      const name = snapshot?.sheetName ?? this.ledgerSheet;
      const sheet = name ? context.workbook.worksheets.getItem(name) : context.workbook.worksheets.getActiveWorksheet();
      await this.deleteOurMarks(context, sheet, true);
    });
    this.emit({ type: 'marks', sheetName: snapshot?.sheetName ?? this.ledgerSheet ?? '' });
  }

  async selectCell(a1: string, snapshot?: LedgerSnapshot): Promise<void> {
    const ref = parseCell(a1);
    if (!ref) throw new LedgerHostError('cell.invalid', `无法识别的单元格：${a1}`, `Not a cell reference: ${a1}`);
    await this.run(async (context) => {
      const name = snapshot?.sheetName ?? this.ledgerSheet;
      const sheet = name ? context.workbook.worksheets.getItem(name) : context.workbook.worksheets.getActiveWorksheet();
      sheet.activate();
      range(sheet, { excelRow: ref.excelRow, column: ref.column, rows: 1, columns: 1 }).select();
      await this.syncForSheet(context);
    });
  }

  /** Sync 1: the sheet names (free names for the new sheets); sync 2: every write of the three sheets. */
  async addLedgerSheets(): Promise<AddedSheets> {
    const result = await this.run(async (context) => {
      const worksheets = context.workbook.worksheets;
      worksheets.load('items/name');
      await context.sync();
      const names = templateSheetNames(worksheets.items.map((sheet) => sheet.name));
      const skipped = new Set<TemplateExtra>();
      let ledger: Excel.Worksheet | undefined;
      for (const plan of planTemplateSheets(names)) {
        const sheet = worksheets.add(plan.name);
        for (const extra of queueSheetPlan(sheet, plan, this.extraSupport(), this.supports('1.2'))) skipped.add(extra);
        if (plan.role === 'ledger') ledger = sheet;
      }
      if (ledger) {
        ledger.activate();
        ledger.getRange('A3').select();
      }
      if (this.supports('1.6')) context.application.suspendApiCalculationUntilNextSync();
      await context.sync();
      this.ledgerSheet = names.ledger;
      return { names, skipped: [...skipped] };
    });
    this.emit({ type: 'sheet', sheetName: result.names.ledger });
    return result;
  }

  /**
   * Sync 1: locate the snapshot's sheet (its used range now, not as read); sync 2: the columns'
   * writes, right of the used range, so no cell holding anything is touched.
   */
  async addMissingColumns(snapshot: LedgerSnapshot, keys: readonly ColumnKey[]): Promise<AddedColumns> {
    if (keys.length === 0) return { sheetName: snapshot.sheetName, columns: [], skipped: [] };
    const result = await this.run(async (context) => {
      const { sheet, name, used, header } = await this.locate(context, snapshot.sheetName);
      const present = keys.filter((key) => header.columns.some((c) => c.key === key));
      if (present.length > 0) {
        throw new LedgerHostError(
          'columns.present',
          `台账已有这些列：${present.map((key) => columnByKey(key).header).join('、')}。请重新校验后再添加。`,
          `The ledger already has these columns: ${present.map((key) => columnByKey(key).en).join(', ')}. Check again before adding.`,
        );
      }
      const firstFree = used.column + used.columns;
      const plan = planMissingColumns(name, keys, { excelRow: header.excelRow, firstFree, lastRow: used.excelRow + used.rows - 1 });
      const skipped = queueSheetPlan(sheet, plan, this.extraSupport(), this.supports('1.2'));
      await context.sync();
      return {
        sheetName: name,
        columns: keys.map((key, i) => ({ key, header: columnByKey(key).header, cell: cellA1(header.excelRow, firstFree + i) })),
        skipped,
      };
    });
    this.emit({ type: 'sheet', sheetName: result.sheetName });
    return result;
  }

  private extraSupport(): ExtraSupport {
    const { dataValidation, freezePanes, printSetup, headerNotes } = this.capabilities;
    return { dataValidation, freezePanes, printSetup, headerNotes };
  }

  async getSelectedRow(): Promise<SelectedCell | null> {
    return this.run(async (context) => {
      // getSelectedRange is ExcelApi 1.1 (getActiveCell needs 1.7)
      const selected = context.workbook.getSelectedRange();
      selected.load('address,rowCount,columnCount');
      selected.worksheet.load('name');
      try {
        await context.sync();
      } catch (error) {
        // a chart or shape is selected: no cell, which is not an error; anything else is
        if ((error as { code?: string }).code === 'InvalidSelection') return null;
        throw error;
      }
      const rect = parseAddress(selected.address);
      return {
        sheetName: selected.worksheet.name,
        excelRow: rect.excelRow,
        column: rect.column,
        cell: rectAddress({ ...rect, rows: 1, columns: 1 }),
        rows: selected.rowCount,
        columns: selected.columnCount,
      };
    });
  }

  async readSettings(): Promise<HostSettings> {
    if (!this.supports('1.4')) return parseSettings(this.documentSettings().get(SETTINGS_KEY));
    return this.run(async (context) => {
      const item = context.workbook.settings.getItemOrNullObject(SETTINGS_KEY);
      item.load('value');
      await context.sync();
      return parseSettings(item.isNullObject ? undefined : item.value);
    });
  }

  async writeSettings(patch: HostSettings): Promise<void> {
    const merge = (stored: unknown): string => {
      const merged = parseSettings(stored);
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return JSON.stringify(merged);
    };
    if (!this.supports('1.4')) {
      const settings = this.documentSettings();
      settings.set(SETTINGS_KEY, merge(settings.get(SETTINGS_KEY)));
      await settings.save();
      return;
    }
    await this.run(async (context) => {
      const item = context.workbook.settings.getItemOrNullObject(SETTINGS_KEY);
      item.load('value');
      await context.sync();
      context.workbook.settings.add(SETTINGS_KEY, merge(item.isNullObject ? undefined : item.value));
      await context.sync();
    });
  }

  subscribe(listener: HostListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.startEvents();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stopEvents();
    };
  }

  private documentSettings(): DocumentSettings {
    if (!this.options.documentSettings) throw new Error('document settings are not available');
    return this.options.documentSettings;
  }

  private emit(event: Parameters<HostListener>[0]): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private async reportSelection(): Promise<void> {
    try {
      this.emit({ type: 'selection', selection: await this.getSelectedRow() });
    } catch (error) {
      this.emit({ type: 'error', error });
    }
  }

  private async startEvents(): Promise<void> {
    const source = this.options.events;
    if (!source) return;
    try {
      this.unsubscribeEvents.push(await source.onSelectionChanged(() => this.selectionDebounce.trigger(undefined)));
      const sheet = await source.onSheetChanged((name) => this.sheetDebounce.trigger(name));
      if (sheet) this.unsubscribeEvents.push(sheet);
    } catch (error) {
      this.emit({ type: 'error', error });
    }
  }

  private async stopEvents(): Promise<void> {
    const stops = this.unsubscribeEvents;
    this.unsubscribeEvents = [];
    this.selectionDebounce.cancel();
    this.sheetDebounce.cancel();
    for (const stop of stops) {
      try {
        await stop();
      } catch (error) {
        this.emit({ type: 'error', error });
      }
    }
  }

  /** A sync whose ItemNotFound means the ledger sheet has gone (renamed or deleted). */
  private async syncForSheet(context: Excel.RequestContext): Promise<void> {
    try {
      await context.sync();
    } catch (error) {
      if ((error as { code?: string }).code === 'ItemNotFound') {
        this.ledgerSheet = undefined;
        throw ledgerNotFound();
      }
      throw error;
    }
  }

  /** Deletes the conditional formats markFindings made (found by their formula); syncs ≤ 2 (+1 if `commit`). */
  private async deleteOurMarks(context: Excel.RequestContext, sheet: Excel.Worksheet, commit: boolean): Promise<void> {
    const formats = sheet.getRange().conditionalFormats;
    formats.load('items/type');
    await this.syncForSheet(context);
    const custom = formats.items.filter((format) => format.type === 'Custom');
    if (custom.length === 0) return;
    for (const format of custom) format.custom.rule.load('formula');
    await context.sync();
    const ours = custom.filter((format) => isMarkFormula(format.custom.rule.formula));
    for (const format of ours) format.delete();
    if (commit && ours.length > 0) await context.sync();
  }

  /**
   * Finds the ledger sheet and its header. With `sheetName` (a snapshot's sheet) only that sheet,
   * in one sync. Otherwise sync 1: the remembered or active sheet; sync 2, only if needed: the
   * first rows of every other sheet.
   */
  private async locate(context: Excel.RequestContext, sheetName?: string): Promise<Located> {
    if (sheetName) {
      const sheet = context.workbook.worksheets.getItem(sheetName);
      const p = probe(sheet);
      await this.syncForSheet(context);
      const result = probed(p);
      if (!result) throw ledgerNotFound();
      this.ledgerSheet = sheetName;
      return { sheet, name: sheetName, ...result };
    }
    const worksheets = context.workbook.worksheets;
    worksheets.load('items/name,items/id');
    const active = worksheets.getActiveWorksheet();
    active.load('name');
    const activeProbe = probe(active);
    const recorded = this.queueTableSheetIds(context);
    await context.sync();

    const names = worksheets.items.map((sheet) => sheet.name);
    const remembered = this.ledgerSheet && names.includes(this.ledgerSheet) ? this.ledgerSheet : undefined;
    // a sheet of consolidated rows the add-in added looks like a ledger but never is one: known by
    // the id recorded when it was added, whatever it is called now (a sheet of the staff's own named
    // 汇总明细… is theirs and may well be their ledger)
    const tableIds = new Set(recorded());
    const tables = new Set(worksheets.items.filter((sheet) => tableIds.has(sheet.id)).map((sheet) => sheet.name));
    const order = [...new Set([remembered, active.name, ...names].filter((n): n is string => n !== undefined && !tables.has(n)))];
    const probes = new Map<string, { sheet: Excel.Worksheet; probe: Probe }>([[active.name, { sheet: active, probe: activeProbe }]]);
    if (order[0] !== active.name || !probed(activeProbe)) {
      for (const name of order) {
        if (probes.has(name)) continue;
        const sheet = worksheets.getItem(name);
        probes.set(name, { sheet, probe: probe(sheet) });
      }
      if (probes.size > 1) await context.sync();
    }
    for (const name of order) {
      const found = defined(probes.get(name), `probe ${name}`);
      const result = probed(found.probe);
      if (result) {
        this.ledgerSheet = name;
        return { sheet: found.sheet, name, ...result };
      }
    }
    throw ledgerNotFound();
  }
}

/** Queues a load of a sheet's used range address and its first rows (the header search). */
function probe(sheet: Excel.Worksheet): Probe {
  // getUsedRange (not …OrNullObject) returns A1 on a blank sheet, so chaining is always valid
  const used = sheet.getUsedRange(true);
  used.load('address');
  const top = used.getRow(0).getResizedRange(HEADER_PROBE_ROWS - 1, 0);
  top.load('values');
  return { used, top };
}

function probed(p: Probe): { used: Rect; header: LedgerHeader } | null {
  const used = parseAddress(p.used.address);
  // the probe starts at the used range's top-left, like the full read: same indexes
  const header = locateLedgerHeader({ values: p.top.values.slice(0, used.rows), firstRow: used.excelRow });
  return header ? { used, header } : null;
}

/**
 * The stored settings object. Absent → {}. Anything else that is not a JSON object is an error
 * the pane shows (never silently replaced by {} — the next write would wipe what was there).
 */
export function parseSettings(stored: unknown): HostSettings {
  if (stored === undefined || stored === null || stored === '') return {};
  let parsed: unknown = stored;
  if (typeof stored === 'string') {
    try {
      parsed = JSON.parse(stored);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as HostSettings;
  throw new LedgerHostError(
    'settings.corrupt',
    `工作簿中保存的加载项设置已损坏（${SETTINGS_KEY}），无法读取。请联系县级管理员；在修复前不会改写这些设置。`,
    `The add-in settings stored in this workbook (${SETTINGS_KEY}) are corrupt and cannot be read. Contact the county administrator; they are not overwritten until repaired.`,
  );
}

export function createOfficeHost(options?: OfficeHostOptions): OfficeHost {
  return new OfficeHost(options);
}
