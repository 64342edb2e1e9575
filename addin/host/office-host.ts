/// <reference types="office-js" />
/**
 * LedgerHost on Excel via Office.js. Every call runs in ONE Excel.run and costs a constant
 * number of context.sync() round trips, whatever the row count (ARCHITECTURE.md principle 3):
 *
 * | call            | syncs                                                                          |
 * |-----------------|--------------------------------------------------------------------------------|
 * | readLedger      | 1 locate + 1 per ≤ readCellBudget cells (150,000 ≈ 5,000 rows × 30 columns) → 2 |
 * | writeRows       | 1 locate + 1 per ≤ maxRequestBytes chunk (4 MB) → 2 for any ordinary write      |
 * | markFindings    | ≤ 3: list conditional formats, read formulas of custom ones, delete ours + add  |
 * | clearMarks      | ≤ 3 (1 when the sheet has no custom conditional formats)                       |
 * | selectCell, getSelectedRow, readSettings | 1;  writeSettings 2 (read, merge, write)              |
 *
 * "locate" is one sync when the ledger is the sheet used last or the active sheet, one more when
 * the other sheets' first rows must be searched for the header. Reads are split by cells and
 * writes by bytes so that neither a response nor a request passes Excel on the web's 5 MB limit;
 * those extra syncs only happen for ledgers far larger than a village keeps.
 *
 * Only addin/host/ may touch the Office/Excel globals; Excel.run is injectable for tests.
 */
import type { SheetInput } from '../../ledger/types';
import { cellA1, parseAddress, parseCell, type Rect } from './a1';
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
import { MARK_COLORS, MARK_FORMULA, isMarkFormula, planMarks, planWrite, type PlanOptions } from './write-plan';

export type ExcelRun = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

export interface OfficeHostOptions extends PlanOptions {
  /** Defaults to Excel.run; tests pass a fake. */
  run?: ExcelRun;
  /** Cells loaded per sync when reading (values + number formats stay under ~4 MB). */
  readCellBudget?: number;
}

export const DEFAULT_READ_CELL_BUDGET = 150_000;
/**
 * Rows probed for the header: the core scans the first 10 rows of the used range, plus one row
 * below for a two-level header.
 */
const HEADER_PROBE_ROWS = 11;
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

export class OfficeHost implements LedgerHost {
  readonly kind = 'excel' as const;
  private readonly run: ExcelRun;
  private readonly readCellBudget: number;
  /** The sheet the ledger was found on last; tried first next time. */
  private ledgerSheet: string | undefined;

  constructor(private readonly options: OfficeHostOptions = {}) {
    this.run = options.run ?? ((batch) => Excel.run(batch));
    this.readCellBudget = options.readCellBudget ?? DEFAULT_READ_CELL_BUDGET;
  }

  async readLedger(): Promise<LedgerRead> {
    return this.run(async (context) => {
      const { sheet, name, used, header } = await this.locate(context);
      const rowsPerBlock = Math.max(1, Math.floor(this.readCellBudget / used.columns));
      const values: unknown[][] = [];
      const numberFormats: string[][] = [];
      for (let offset = 0; offset < used.rows; offset += rowsPerBlock) {
        const range = sheet.getRangeByIndexes(
          used.excelRow - 1 + offset,
          used.column,
          Math.min(rowsPerBlock, used.rows - offset),
          used.columns,
        );
        range.load('values,numberFormat');
        // one sync per block: bounded by size (readCellBudget), not by row count
        await context.sync();
        for (const row of range.values) values.push(row);
        for (const row of range.numberFormat) numberFormats.push(row as string[]);
      }
      const input: SheetInput = { name, values, numberFormats, firstRow: used.excelRow, firstColumn: used.column };
      return { sheetName: name, sheet: input, header };
    });
  }

  async writeRows(rows: readonly RowWrite[]): Promise<number[]> {
    if (rows.length === 0) return [];
    return this.run(async (context) => {
      const { sheet, used, header } = await this.locate(context);
      const plan = planWrite(
        { header, firstColumn: used.column, lastRow: used.excelRow + used.rows - 1, lastColumn: used.column + used.columns - 1 },
        rows,
        { maxRequestBytes: this.options.maxRequestBytes },
      );
      const chunks = plan.chunks.length > 0 ? plan.chunks : [[]];
      for (let i = 0; i < chunks.length; i++) {
        if (i === 0) {
          for (const column of plan.newColumns) {
            sheet.getRangeByIndexes(header.excelRow - 1, column.column, 1, 1).values = [[column.header]];
            if (column.hidden) sheet.getRangeByIndexes(header.excelRow - 1, column.column, 1, 1).getEntireColumn().columnHidden = true;
          }
        }
        for (const block of chunks[i]) {
          const range = sheet.getRangeByIndexes(block.excelRow - 1, block.column, block.values.length, block.values[0].length);
          // format first, so that text such as an ID number is stored as typed
          if (block.numberFormats) range.numberFormat = block.numberFormats;
          range.values = block.values;
        }
        // one sync per chunk of ≤ maxRequestBytes
        await context.sync();
      }
      return plan.rowNumbers;
    });
  }

  async markFindings(findings: readonly MarkableFinding[]): Promise<void> {
    const areas = planMarks(findings);
    await this.run(async (context) => {
      const sheet = this.markedSheet(context);
      await this.deleteOurMarks(context, sheet, false);
      for (const severity of ['error', 'warning'] as const) {
        for (const address of areas[severity]) {
          const format = sheet.getRanges(address).conditionalFormats.add('Custom');
          format.custom.rule.formula = MARK_FORMULA;
          format.custom.format.fill.color = MARK_COLORS[severity];
        }
      }
      await context.sync();
    });
  }

  async clearMarks(): Promise<void> {
    await this.run(async (context) => {
      await this.deleteOurMarks(context, this.markedSheet(context), true);
    });
  }

  async selectCell(a1: string): Promise<void> {
    if (!parseCell(a1)) throw new LedgerHostError('cell.invalid', `无法识别的单元格：${a1}`, `Not a cell reference: ${a1}`);
    await this.run(async (context) => {
      const sheet = this.markedSheet(context);
      sheet.activate();
      sheet.getRange(a1.slice(a1.lastIndexOf('!') + 1)).select();
      await this.syncForSheet(context);
    });
  }

  async getSelectedRow(): Promise<SelectedCell | null> {
    return this.run(async (context) => {
      const cell = context.workbook.getActiveCell();
      cell.load('rowIndex,columnIndex');
      cell.worksheet.load('name');
      try {
        await context.sync();
      } catch {
        return null; // the selection is not a range (e.g. a chart)
      }
      return {
        sheetName: cell.worksheet.name,
        excelRow: cell.rowIndex + 1,
        column: cell.columnIndex,
        cell: cellA1(cell.rowIndex + 1, cell.columnIndex),
      };
    });
  }

  async readSettings(): Promise<HostSettings> {
    return this.run(async (context) => {
      const item = context.workbook.settings.getItemOrNullObject(SETTINGS_KEY);
      item.load('value');
      await context.sync();
      return parseSettings(item);
    });
  }

  async writeSettings(patch: HostSettings): Promise<void> {
    await this.run(async (context) => {
      const item = context.workbook.settings.getItemOrNullObject(SETTINGS_KEY);
      item.load('value');
      await context.sync();
      const merged = parseSettings(item);
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      context.workbook.settings.add(SETTINGS_KEY, JSON.stringify(merged));
      await context.sync();
    });
  }

  /** The sheet last read as the ledger (findings refer to it), else the active sheet. */
  private markedSheet(context: Excel.RequestContext): Excel.Worksheet {
    return this.ledgerSheet
      ? context.workbook.worksheets.getItem(this.ledgerSheet)
      : context.workbook.worksheets.getActiveWorksheet();
  }

  /** A sync whose ItemNotFound means the remembered ledger sheet has gone (renamed or deleted). */
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
   * Finds the ledger sheet and its header (sync 1: the remembered or active sheet; sync 2, only
   * if needed: the first rows of every other sheet).
   */
  private async locate(context: Excel.RequestContext): Promise<Located> {
    const worksheets = context.workbook.worksheets;
    worksheets.load('items/name');
    const active = worksheets.getActiveWorksheet();
    active.load('name');
    const activeProbe = probe(active);
    await context.sync();

    const names = worksheets.items.map((sheet) => sheet.name);
    const remembered = this.ledgerSheet && names.includes(this.ledgerSheet) ? this.ledgerSheet : undefined;
    const order = [...new Set([remembered, active.name, ...names].filter((n): n is string => n !== undefined))];
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
      const found = probes.get(name)!;
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

function parseSettings(item: Excel.Setting): HostSettings {
  if (item.isNullObject) return {};
  const value: unknown = item.value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as HostSettings;
    } catch {
      return {};
    }
  }
  return {};
}

export function createOfficeHost(options?: OfficeHostOptions): OfficeHost {
  return new OfficeHost(options);
}
