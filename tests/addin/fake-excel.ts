/**
 * A fake of the Excel JavaScript object model, faithful where the host's correctness depends on it:
 *  - proxies queue commands; nothing happens until context.sync() (counted, with request and
 *    response sizes logged per sync);
 *  - reading a property that was not load()ed AND synced throws PropertyNotLoaded, as Office.js does;
 *  - a 2-D write must match the range's shape; null in a 2-D array leaves that cell unchanged;
 *  - getUsedRange(valuesOnly) is computed when the command runs; blank sheet → A1;
 *  - getItem of a missing sheet fails the sync with ItemNotFound; getItem takes a name or a sheet's id
 *    (a GUID-like id kept when the sheet is renamed), as Office.js does;
 *  - APIs newer than `apiVersion` (ExcelApi requirement set) throw ApiNotFound when called, so a
 *    host that uses an ungated 1.6+ API on an "Office 2016" fake fails its test;
 *  - activeCell may span several cells (a selected block); getSelectedRange is ExcelApi 1.1.
 * Only what the hosts use is modelled (ranges, used range, conditional formats, settings,
 * selection, hidden columns, calculation suspension, added sheets, and — for adding the template —
 * formats, merges, data validation (1.8), notes (1.18), frozen rows (1.7), page layout (1.9) and
 * protection, recorded as set so tests can read them back; reading them throws PropertyNotLoaded).
 */
import { cellA1 } from '../../addin/host/a1';

export class FakeOfficeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

interface Rect0 {
  r0: number;
  c0: number;
  rows: number;
  cols: number;
}

export interface FakeConditionalFormat {
  id: number;
  type: string;
  formula?: string;
  fill?: string;
  areas: Rect0[];
}

let sheetIds = 0;

export class FakeSheet {
  /** Excel's worksheet id: stays when the sheet is renamed (tests rename by setting `name`). */
  readonly id = `{00000000-0000-0000-0000-${String(++sheetIds).padStart(12, '0')}}`;
  values: unknown[][] = [];
  formats: string[][] = [];
  hiddenColumns = new Set<number>();
  conditionalFormats: FakeConditionalFormat[] = [];
  /** Merged areas as A1 ranges ('B3:B5'). */
  merges: string[] = [];
  /** Every format / data validation / page layout property set, in order: range (null = the sheet), path, value. */
  formatLog: { rect: Rect0 | null; path: string; value: unknown }[] = [];
  notes = new Map<string, string>();
  frozenRows = 0;
  visibility = 'Visible';
  protectedSheet = false;
  /** The last value set at `path` on a range covering the cell (e.g. 'dataValidation.rule' at 'E3'). */
  setAt(a1: string, path: string): unknown {
    const { r, c } = parseA1(a1);
    let value: unknown;
    for (const entry of this.formatLog) {
      const rect = entry.rect;
      if (entry.path === path && rect && r >= rect.r0 && r < rect.r0 + rect.rows && c >= rect.c0 && c < rect.c0 + rect.cols) value = entry.value;
    }
    return value;
  }
  /** The last sheet-level value set at `path` (e.g. 'pageLayout.orientation'). */
  sheetSetting(path: string): unknown {
    return this.formatLog.filter((entry) => entry.rect === null && entry.path === path).at(-1)?.value;
  }
  /**
   * Cells Excel would have made formulas: text starting with = (or + - @, which Excel also reads as
   * the start of a formula) written into a cell not formatted as text (@). Row,column 0-based.
   */
  formulas = new Set<string>();
  constructor(public name: string, values: readonly (readonly unknown[])[] = [], formats?: readonly (readonly string[])[]) {
    this.values = values.map((row) => [...row]);
    this.formats = (formats ?? []).map((row) => [...row]);
  }
  get(r: number, c: number): unknown {
    const v = this.values[r]?.[c];
    return v === undefined || v === null ? '' : v;
  }
  format(r: number, c: number): string {
    return this.formats[r]?.[c] ?? 'General';
  }
  set(grid: 'values' | 'formats', r: number, c: number, v: unknown): void {
    const g = grid === 'values' ? this.values : (this.formats as unknown[][]);
    while (g.length <= r) g.push([]);
    const row = g[r];
    while (row.length < c) row.push(grid === 'values' ? '' : 'General');
    row[c] = v;
  }
  used(valuesOnly: boolean): Rect0 {
    let top = Infinity, left = Infinity, bottom = -1, right = -1;
    const visit = (grid: unknown[][], isUsed: (v: unknown) => boolean) =>
      grid.forEach((row, r) =>
        row.forEach((v, c) => {
          if (!isUsed(v)) return;
          top = Math.min(top, r); bottom = Math.max(bottom, r);
          left = Math.min(left, c); right = Math.max(right, c);
        }),
      );
    visit(this.values, (v) => v !== '' && v !== null && v !== undefined);
    if (!valuesOnly) visit(this.formats, (v) => v !== undefined && v !== 'General');
    return bottom < 0 ? { r0: 0, c0: 0, rows: 1, cols: 1 } : { r0: top, c0: left, rows: bottom - top + 1, cols: right - left + 1 };
  }
  /** The fill colour a cell shows through our conditional formats (last added wins here). */
  markAt(a1: string): string | undefined {
    let fill: string | undefined;
    for (const cf of this.conditionalFormats) {
      for (const a of cf.areas) {
        for (let r = a.r0; r < a.r0 + a.rows; r++)
          for (let c = a.c0; c < a.c0 + a.cols; c++) if (cellA1(r + 1, c) === a1) fill = cf.fill;
      }
    }
    return fill;
  }
}

export interface SyncRecord {
  requestBytes: number;
  responseBytes: number;
  commands: number;
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');

function parseA1(text: string): { r: number; c: number } {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/i.exec(text.trim());
  if (!m) throw new FakeOfficeError('InvalidArgument', `bad address ${text}`);
  let c = 0;
  for (const ch of m[1].toUpperCase()) c = c * 26 + ch.charCodeAt(0) - 64;
  return { r: Number(m[2]) - 1, c: c - 1 };
}

function parseRect(address: string): Rect0 {
  const [a, b = a] = address.split(':');
  const p = parseA1(a);
  const q = parseA1(b);
  return { r0: Math.min(p.r, q.r), c0: Math.min(p.c, q.c), rows: Math.abs(q.r - p.r) + 1, cols: Math.abs(q.c - p.c) + 1 };
}

function rectAddress(sheet: FakeSheet, r: Rect0): string {
  const name = /^[A-Za-z0-9_]+$/.test(sheet.name) ? sheet.name : `'${sheet.name.replace(/'/g, "''")}'`;
  const from = cellA1(r.r0 + 1, r.c0);
  const to = cellA1(r.r0 + r.rows, r.c0 + r.cols - 1);
  return `${name}!${from === to ? from : `${from}:${to}`}`;
}

const intersects = (a: Rect0, b: Rect0) =>
  a.r0 < b.r0 + b.rows && b.r0 < a.r0 + a.rows && a.c0 < b.c0 + b.cols && b.c0 < a.c0 + a.cols;

interface Op {
  requestBytes: number;
  /** Returns the response bytes. */
  exec(): number;
}

export class FakeExcel {
  sheets: FakeSheet[];
  active: string;
  settings = new Map<string, unknown>();
  activeCell: { sheet: string; r: number; c: number; rows?: number; cols?: number } | null = null;
  /** When set, the next sync fails with this Office error code (e.g. to test that errors reach the pane). */
  failNextSync: string | null = null;
  syncLog: SyncRecord[] = [];
  runs = 0;
  /** ExcelApi requirement set the fake implements (the minor of 1.x): 1 = Office 2016 MSI, 13 = Microsoft 365. */
  apiMinor = 13;
  /** suspendApiCalculationUntilNextSync calls. */
  calculationSuspensions = 0;
  /** Excel.run batches running now (to see that the host never overlaps them). */
  concurrentRuns = 0;
  maxConcurrentRuns = 0;
  private nextCfId = 1;

  constructor(sheets: FakeSheet[], active?: string) {
    this.sheets = sheets;
    this.active = active ?? sheets[0].name;
  }

  get syncs(): number {
    return this.syncLog.length;
  }

  /** The sheet by name (case-insensitive, as Excel) or by id. */
  sheet(name: string): FakeSheet {
    const s = this.sheets.find((x) => x.id === name) ?? this.sheets.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!s) throw new FakeOfficeError('ItemNotFound', `worksheet ${name} not found`);
    return s;
  }

  /** Office.context.requirements.isSetSupported('ExcelApi', version) against apiVersion. */
  supports = (version: string): boolean => Number(version.split('.')[1]) <= this.apiMinor;

  requires(minor: number, api: string): void {
    if (minor > this.apiMinor) throw new FakeOfficeError('ApiNotFound', `${api} needs ExcelApi 1.${minor}; this Excel has 1.${this.apiMinor}`);
  }

  newCfId(): number {
    return this.nextCfId++;
  }

  /** Stand-in for Excel.run: one context per batch; pending commands are synced at the end. */
  run = async <T>(batch: (context: never) => Promise<T>): Promise<T> => {
    this.runs++;
    this.concurrentRuns++;
    this.maxConcurrentRuns = Math.max(this.maxConcurrentRuns, this.concurrentRuns);
    try {
      const context = new FakeContext(this);
      const result = await batch(context as never);
      if (context.pending.length > 0) await context.sync();
      return result;
    } finally {
      this.concurrentRuns--;
    }
  };
}

export class FakeContext {
  pending: Op[] = [];
  readonly workbook: FakeWorkbook;
  readonly application: FakeApplication;
  constructor(readonly excel: FakeExcel) {
    this.workbook = new FakeWorkbook(this);
    this.application = new FakeApplication(this);
  }
  queue(op: Op): void {
    this.pending.push(op);
  }
  async sync(): Promise<void> {
    // a real sync yields to the event loop; so must the fake, or overlapping runs could not interleave
    await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0))); // jsdom has no setImmediate
    const ops = this.pending;
    this.pending = [];
    const record: SyncRecord = { requestBytes: 0, responseBytes: 0, commands: ops.length };
    this.excel.syncLog.push(record);
    if (this.excel.failNextSync) {
      const code = this.excel.failNextSync;
      this.excel.failNextSync = null;
      throw new FakeOfficeError(code, `fake failure ${code}`);
    }
    for (const op of ops) {
      record.requestBytes += op.requestBytes;
      record.responseBytes += op.exec();
    }
  }
}

/** Base of every proxy: properties readable only after load() + sync(). */
class Proxy {
  protected loaded = new Map<string, unknown>();
  constructor(protected readonly ctx: FakeContext) {}
  protected prop<T>(name: string): T {
    if (!this.loaded.has(name)) {
      throw new FakeOfficeError('PropertyNotLoaded', `The property '${name}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
    }
    return this.loaded.get(name) as T;
  }
  protected names(spec: string | string[]): string[] {
    return (Array.isArray(spec) ? spec : spec.split(',')).map((s) => s.trim()).filter(Boolean);
  }
}

class FakeApplication {
  constructor(private readonly ctx: FakeContext) {}
  suspendApiCalculationUntilNextSync(): void {
    this.ctx.excel.requires(6, 'suspendApiCalculationUntilNextSync');
    this.ctx.queue({ requestBytes: 20, exec: () => { this.ctx.excel.calculationSuspensions++; return 0; } });
  }
}

class FakeWorkbook {
  readonly worksheets: FakeWorksheets;
  private settingsProxy?: FakeSettings;
  constructor(private readonly ctx: FakeContext) {
    this.worksheets = new FakeWorksheets(ctx);
  }
  get settings(): FakeSettings {
    this.ctx.excel.requires(4, 'workbook.settings');
    return (this.settingsProxy ??= new FakeSettings(this.ctx));
  }
  getSelectedRange(): FakeRange {
    const excel = this.ctx.excel;
    return new FakeRange(this.ctx, () => {
      if (!excel.activeCell) throw new FakeOfficeError('InvalidSelection', 'the selection is not a range');
      const a = excel.activeCell;
      return { sheet: excel.sheet(a.sheet), rect: { r0: a.r, c0: a.c, rows: a.rows ?? 1, cols: a.cols ?? 1 } };
    });
  }
  getActiveCell(): FakeRange {
    this.ctx.excel.requires(7, 'getActiveCell');
    const excel = this.ctx.excel;
    const range = new FakeRange(this.ctx, () => {
      if (!excel.activeCell) throw new FakeOfficeError('InvalidSelection', 'no active cell');
      return { sheet: excel.sheet(excel.activeCell.sheet), rect: { r0: excel.activeCell.r, c0: excel.activeCell.c, rows: 1, cols: 1 } };
    });
    return range;
  }
}

class FakeWorksheets extends Proxy {
  load(spec: string): this {
    const props = this.names(spec).map((p) => p.replace(/^items\//, ''));
    this.ctx.queue({
      requestBytes: 50,
      exec: () => {
        const items = this.ctx.excel.sheets.map((s) => {
          const ws = new FakeWorksheet(this.ctx, () => s);
          ws.setLoaded(props, s);
          return ws;
        });
        this.loaded.set('items', items);
        return bytes(items.length * 20);
      },
    });
    return this;
  }
  get items(): FakeWorksheet[] {
    return this.prop('items');
  }
  getActiveWorksheet(): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx.excel.sheet(this.ctx.excel.active));
  }
  getItem(name: string): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx.excel.sheet(name));
  }
  /** Adds a sheet at the end (ExcelApi 1.1); a name in use (case-insensitive) fails the sync, as in Excel. */
  add(name: string): FakeWorksheet {
    this.ctx.queue({
      requestBytes: 40,
      exec: () => {
        if (this.ctx.excel.sheets.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw new FakeOfficeError('ItemAlreadyExists', `a sheet named ${name} exists`);
        this.ctx.excel.sheets.push(new FakeSheet(name));
        return 20;
      },
    });
    return new FakeWorksheet(this.ctx, () => this.ctx.excel.sheet(name));
  }
}

/** Minimum ExcelApi minor per recorded property (those newer than 1.1). */
const RECORDED_MIN: Record<string, number> = { columnWidth: 2, rowHeight: 2 };
/** Properties that are objects holding further properties. */
const RECORDED_NESTED = new Set(['font', 'fill', 'borders', 'headersFooters', 'defaultForAllPages']);

/**
 * A write-only proxy for format-like objects: setting a property queues a command that records
 * it on the sheet; getItem(x) and nested objects extend the path; set…(v) methods record v;
 * reading a value throws PropertyNotLoaded (the host never reads these back).
 */
function recorder(ctx: FakeContext, target: () => { sheet: FakeSheet; rect: Rect0 | null }, path: string): Record<string, unknown> {
  const record = (name: string, value: unknown) =>
    ctx.queue({
      requestBytes: bytes(value) + 20,
      exec: () => {
        const { sheet, rect } = target();
        sheet.formatLog.push({ rect, path: `${path}.${name}`, value: structuredClone(value) });
        return 0;
      },
    });
  return new globalThis.Proxy({} as Record<string, unknown>, {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop === 'getItem') return (key: string) => recorder(ctx, target, `${path}.${key}`);
      // format.autofitColumns() (ExcelApi 1.2) is recorded like a property set to true
      if (prop === 'autofitColumns') return () => (ctx.excel.requires(2, prop), record(prop, true));
      if (RECORDED_NESTED.has(prop)) return recorder(ctx, target, `${path}.${prop}`);
      if (/^set[A-Z]/.test(prop)) return (value: unknown) => record(prop[3].toLowerCase() + prop.slice(4), value);
      throw new FakeOfficeError('PropertyNotLoaded', `The property '${path}.${prop}' is not available (the fake records writes only).`);
    },
    set(_target, prop, value) {
      if (typeof prop !== 'string') return false;
      const min = RECORDED_MIN[prop];
      if (min !== undefined) ctx.excel.requires(min, prop);
      record(prop, value);
      return true;
    },
  });
}

class FakeWorksheet extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => FakeSheet) {
    super(ctx);
  }
  setLoaded(props: string[], s: FakeSheet): void {
    for (const p of props) {
      if (p === 'name') this.loaded.set('name', s.name);
      if (p === 'id') this.loaded.set('id', s.id);
    }
  }
  load(spec: string): this {
    const props = this.names(spec);
    this.ctx.queue({ requestBytes: 30, exec: () => { this.setLoaded(props, this.resolve()); return 20; } });
    return this;
  }
  get name(): string {
    return this.prop('name');
  }
  get id(): string {
    return this.prop('id');
  }
  activate(): void {
    this.ctx.queue({ requestBytes: 20, exec: () => { this.ctx.excel.active = this.resolve().name; return 0; } });
  }
  set visibility(value: string) {
    this.ctx.queue({ requestBytes: 20, exec: () => { this.resolve().visibility = value; return 0; } });
  }
  get freezePanes(): { freezeRows(count: number): void } {
    this.ctx.excel.requires(7, 'freezePanes');
    return { freezeRows: (count) => this.ctx.queue({ requestBytes: 20, exec: () => { this.resolve().frozenRows = count; return 0; } }) };
  }
  get notes(): { add(cell: string, text: string): void } {
    this.ctx.excel.requires(18, 'notes');
    return {
      add: (cell, text) =>
        this.ctx.queue({
          requestBytes: bytes(text) + 20,
          exec: () => {
            const sheet = this.resolve();
            if (sheet.notes.has(cell)) throw new FakeOfficeError('InvalidArgument', `cell ${cell} already has a note`);
            sheet.notes.set(cell, text);
            return 0;
          },
        }),
    };
  }
  get protection(): { protect(options?: unknown): void } {
    this.ctx.excel.requires(2, 'protection');
    return { protect: () => this.ctx.queue({ requestBytes: 20, exec: () => { this.resolve().protectedSheet = true; return 0; } }) };
  }
  get pageLayout(): Record<string, unknown> {
    this.ctx.excel.requires(9, 'pageLayout');
    return recorder(this.ctx, () => ({ sheet: this.resolve(), rect: null }), 'pageLayout');
  }
  getUsedRange(valuesOnly = false): FakeRange {
    return new FakeRange(this.ctx, () => {
      const sheet = this.resolve();
      return { sheet, rect: sheet.used(valuesOnly) };
    });
  }
  getRangeByIndexes(r0: number, c0: number, rows: number, cols: number): FakeRange {
    this.ctx.excel.requires(7, 'getRangeByIndexes');
    if (rows < 1 || cols < 1) throw new FakeOfficeError('InvalidArgument', 'empty range');
    return new FakeRange(this.ctx, () => ({ sheet: this.resolve(), rect: { r0, c0, rows, cols } }));
  }
  getRange(address?: string): FakeRange {
    return new FakeRange(this.ctx, () => ({
      sheet: this.resolve(),
      rect: address === undefined ? { r0: 0, c0: 0, rows: 1048576, cols: 16384 } : parseRect(address),
    }));
  }
  getRanges(address: string): FakeRangeAreas {
    this.ctx.excel.requires(9, 'getRanges');
    return new FakeRangeAreas(this.ctx, () => ({ sheet: this.resolve(), rects: address.split(',').map(parseRect) }), address);
  }
}

type RangeTarget = { sheet: FakeSheet; rect: Rect0 };

class FakeRange extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => RangeTarget) {
    super(ctx);
  }
  load(spec: string): this {
    const props = this.names(spec);
    this.ctx.queue({
      requestBytes: 40,
      exec: () => {
        const { sheet, rect } = this.resolve();
        let out = 0;
        for (const p of props) {
          let v: unknown;
          if (p === 'values' || p === 'numberFormat') {
            const grid: unknown[][] = [];
            for (let r = rect.r0; r < rect.r0 + rect.rows; r++) {
              const row: unknown[] = [];
              for (let c = rect.c0; c < rect.c0 + rect.cols; c++) row.push(p === 'values' ? sheet.get(r, c) : sheet.format(r, c));
              grid.push(row);
            }
            v = grid;
          } else if (p === 'address') v = rectAddress(sheet, rect);
          else if (p === 'rowIndex') v = rect.r0;
          else if (p === 'columnIndex') v = rect.c0;
          else if (p === 'rowCount') v = rect.rows;
          else if (p === 'columnCount') v = rect.cols;
          else throw new FakeOfficeError('InvalidArgument', `fake does not model Range.${p}`);
          this.loaded.set(p, v);
          out += bytes(v);
        }
        return out;
      },
    });
    return this;
  }
  get values(): unknown[][] { return this.prop('values'); }
  get numberFormat(): string[][] { return this.prop('numberFormat'); }
  get address(): string { return this.prop('address'); }
  get rowIndex(): number { return this.prop('rowIndex'); }
  get columnIndex(): number { return this.prop('columnIndex'); }
  get rowCount(): number { return this.prop('rowCount'); }
  get columnCount(): number { return this.prop('columnCount'); }

  set values(grid: unknown[][]) { this.write('values', grid); }
  set numberFormat(grid: unknown[][]) { this.write('formats', grid); }
  set columnHidden(hidden: boolean) {
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const { sheet, rect } = this.resolve();
        for (let c = rect.c0; c < rect.c0 + rect.cols; c++) {
          if (hidden) sheet.hiddenColumns.add(c);
          else sheet.hiddenColumns.delete(c);
        }
        return 0;
      },
    });
  }
  private write(grid: 'values' | 'formats', data: unknown[][]): void {
    this.ctx.queue({
      requestBytes: bytes(data),
      exec: () => {
        const { sheet, rect } = this.resolve();
        if (data.length !== rect.rows || data.some((row) => row.length !== rect.cols)) {
          throw new FakeOfficeError('InvalidArgument', `array of ${data.length}×${data[0]?.length} does not match range ${rect.rows}×${rect.cols}`);
        }
        data.forEach((row, r) => row.forEach((v, c) => {
          if (v === null) return;
          sheet.set(grid, rect.r0 + r, rect.c0 + c, v);
          if (grid === 'values' && typeof v === 'string' && /^[=+\-@]/.test(v) && sheet.format(rect.r0 + r, rect.c0 + c) !== '@') sheet.formulas.add(`${rect.r0 + r},${rect.c0 + c}`);
        }));
        return 0;
      },
    });
  }
  private worksheetProxy?: FakeWorksheet;
  /** Navigation properties are cached per proxy, as in Office.js. */
  get worksheet(): FakeWorksheet {
    return (this.worksheetProxy ??= new FakeWorksheet(this.ctx, () => this.resolve().sheet));
  }
  getRow(i: number): FakeRange {
    return new FakeRange(this.ctx, () => {
      const { sheet, rect } = this.resolve();
      return { sheet, rect: { r0: rect.r0 + i, c0: rect.c0, rows: 1, cols: rect.cols } };
    });
  }
  /** ExcelApi 1.13: the merged areas inside this range, as RangeAreas (null object when none). */
  getMergedAreasOrNullObject(): FakeMergedAreas {
    this.ctx.excel.requires(13, 'getMergedAreasOrNullObject');
    return new FakeMergedAreas(this.ctx, () => this.resolve());
  }
  getResizedRange(dr: number, dc: number): FakeRange {
    return new FakeRange(this.ctx, () => {
      const { sheet, rect } = this.resolve();
      return { sheet, rect: { ...rect, rows: rect.rows + dr, cols: rect.cols + dc } };
    });
  }
  getEntireColumn(): FakeRange {
    return new FakeRange(this.ctx, () => {
      const { sheet, rect } = this.resolve();
      return { sheet, rect: { r0: 0, c0: rect.c0, rows: 1048576, cols: rect.cols } };
    });
  }
  select(): void {
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const { sheet, rect } = this.resolve();
        if (this.ctx.excel.active !== sheet.name) throw new FakeOfficeError('InvalidSelection', 'select() on a sheet that is not active');
        this.ctx.excel.activeCell = { sheet: sheet.name, r: rect.r0, c: rect.c0, rows: rect.rows, cols: rect.cols };
        return 0;
      },
    });
  }
  get format(): Record<string, unknown> {
    return recorder(this.ctx, () => this.resolve(), 'format');
  }
  get dataValidation(): Record<string, unknown> {
    this.ctx.excel.requires(8, 'dataValidation');
    return recorder(this.ctx, () => this.resolve(), 'dataValidation');
  }
  merge(): void {
    this.ctx.excel.requires(2, 'merge');
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const { sheet, rect } = this.resolve();
        sheet.merges.push(rectAddress(sheet, rect).split('!')[1]);
        return 0;
      },
    });
  }
  private formatsProxy?: FakeConditionalFormats;
  get conditionalFormats(): FakeConditionalFormats {
    this.ctx.excel.requires(6, 'conditionalFormats');
    return (this.formatsProxy ??= new FakeConditionalFormats(this.ctx, () => {
      const { sheet, rect } = this.resolve();
      return { sheet, rects: [rect] };
    }));
  }
}

type AreasTarget = { sheet: FakeSheet; rects: Rect0[] };

class FakeMergedAreas extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => RangeTarget) {
    super(ctx);
  }
  load(spec: string): this {
    const props = this.names(spec);
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const { sheet, rect } = this.resolve();
        const inside = sheet.merges.map(parseRect).filter((m) => intersects(m, rect));
        this.loaded.set('isNullObject', inside.length === 0);
        if (props.includes('address')) this.loaded.set('address', inside.length === 0 ? '' : inside.map((m) => rectAddress(sheet, m)).join(','));
        return 40;
      },
    });
    return this;
  }
  get isNullObject(): boolean {
    return this.prop('isNullObject');
  }
  get address(): string {
    return this.prop('address');
  }
}

class FakeRangeAreas extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => AreasTarget, readonly address: string) {
    super(ctx);
  }
  private formatsProxy?: FakeConditionalFormats;
  get conditionalFormats(): FakeConditionalFormats {
    return (this.formatsProxy ??= new FakeConditionalFormats(this.ctx, this.resolve, this.address.length));
  }
}

class FakeConditionalFormats extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => AreasTarget, private readonly addressBytes = 20) {
    super(ctx);
  }
  load(spec: string): this {
    const props = this.names(spec).map((p) => p.replace(/^items\//, ''));
    this.ctx.queue({
      requestBytes: 40,
      exec: () => {
        const { sheet, rects } = this.resolve();
        const hits = sheet.conditionalFormats.filter((cf) => cf.areas.some((a) => rects.some((r) => intersects(a, r))));
        const items = hits.map((cf) => {
          const item = new FakeConditionalFormatItem(this.ctx, () => cf, sheet);
          item.markLoaded(props, cf);
          return item;
        });
        this.loaded.set('items', items);
        return items.length * 20;
      },
    });
    return this;
  }
  get items(): FakeConditionalFormatItem[] {
    return this.prop('items');
  }
  add(type: string): FakeConditionalFormatItem {
    let created: FakeConditionalFormat | undefined;
    let sheetRef: FakeSheet | undefined;
    this.ctx.queue({
      requestBytes: this.addressBytes + 30,
      exec: () => {
        const { sheet, rects } = this.resolve();
        created = { id: this.ctx.excel.newCfId(), type, areas: rects };
        sheet.conditionalFormats.push(created);
        sheetRef = sheet;
        return 0;
      },
    });
    return new FakeConditionalFormatItem(
      this.ctx,
      () => {
        if (!created) throw new Error('conditional format used before it was created');
        return created;
      },
      undefined,
      () => sheetRef,
    );
  }
}

class FakeConditionalFormatItem extends Proxy {
  readonly custom: { rule: FakeRule; format: { fill: { color: string } } };
  constructor(
    ctx: FakeContext,
    readonly resolve: () => FakeConditionalFormat,
    private sheet?: FakeSheet,
    private sheetLater?: () => FakeSheet | undefined,
  ) {
    super(ctx);
    const item = this;
    const rule = new FakeRule(ctx, resolve);
    this.custom = {
      rule,
      format: {
        fill: {
          set color(value: string) {
            ctx.queue({ requestBytes: 30, exec: () => { item.resolve().fill = value; return 0; } });
          },
          get color(): string {
            throw new FakeOfficeError('PropertyNotLoaded', 'fill.color not loaded');
          },
        },
      },
    };
  }
  markLoaded(props: string[], cf: FakeConditionalFormat): void {
    for (const p of props) {
      if (p === 'type') this.loaded.set('type', cf.type);
      else if (p === 'id') this.loaded.set('id', String(cf.id));
      else throw new FakeOfficeError('InvalidArgument', `fake does not model ConditionalFormat.${p}`);
    }
  }
  get type(): string {
    return this.prop('type');
  }
  delete(): void {
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const cf = this.resolve();
        const sheet = this.sheet ?? this.sheetLater?.();
        if (sheet) sheet.conditionalFormats = sheet.conditionalFormats.filter((x) => x !== cf);
        return 0;
      },
    });
  }
}

class FakeRule extends Proxy {
  constructor(ctx: FakeContext, readonly resolve: () => FakeConditionalFormat) {
    super(ctx);
  }
  load(spec: string): this {
    const props = this.names(spec);
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const cf = this.resolve();
        if (cf.type !== 'Custom') throw new FakeOfficeError('InvalidOperation', 'custom rule of a non-custom conditional format');
        for (const p of props) this.loaded.set(p, cf.formula);
        return 40;
      },
    });
    return this;
  }
  get formula(): string {
    return this.prop('formula');
  }
  set formula(value: string) {
    this.ctx.queue({ requestBytes: bytes(value), exec: () => { this.resolve().formula = value; return 0; } });
  }
}

class FakeSettings {
  constructor(private readonly ctx: FakeContext) {}
  getItemOrNullObject(key: string): FakeSetting {
    return new FakeSetting(this.ctx, key);
  }
  add(key: string, value: unknown): void {
    this.ctx.queue({ requestBytes: bytes(value), exec: () => { this.ctx.excel.settings.set(key, structuredClone(value)); return 0; } });
  }
}

class FakeSetting extends Proxy {
  constructor(ctx: FakeContext, readonly key: string) {
    super(ctx);
  }
  load(spec: string): this {
    const props = this.names(spec);
    this.ctx.queue({
      requestBytes: 30,
      exec: () => {
        const has = this.ctx.excel.settings.has(this.key);
        this.loaded.set('isNullObject', !has);
        for (const p of props) if (has) this.loaded.set(p, structuredClone(this.ctx.excel.settings.get(this.key)));
        return has ? bytes(this.ctx.excel.settings.get(this.key)) : 4;
      },
    });
    return this;
  }
  get isNullObject(): boolean {
    return this.prop('isNullObject');
  }
  get value(): unknown {
    return this.prop('value');
  }
}
