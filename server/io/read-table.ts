/**
 * Reading spreadsheets the staff bring: .xlsx (exceljs) and .csv (csv-parse; UTF-8 with or without
 * BOM, or GBK/GB18030 as Excel on Chinese Windows saves it).
 *
 * - readTableFile: whole workbook into SheetInput[] (values as the sheet holds them: strings, numbers,
 *   Date objects for date cells, formula results, rich text flattened; numberFormats from the cells).
 * - streamTableRows: one sheet row by row, constant memory, for 300k-row departmental files.
 *
 * Every failure is a TableReadError with a one-line zh-CN message (and en-US beside it); callers
 * print that message, never a stack trace.
 */
import { createReadStream, promises as fs } from 'fs';
import { basename, extname } from 'path';
import { Transform, type TransformCallback } from 'stream';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { SheetInput } from '../../ledger/types';
import { inspectZip, limitError, resolveReadLimits, type ReadLimits } from './read-limits';
import { openXlsxSheet, sheetNotFound } from './xlsx-stream';

import { TableReadError } from './table-read-error';
export { TableReadError, type TableReadErrorCode } from './table-read-error';

export type TableFormat = 'xlsx' | 'csv';

// ---------------------------------------------------------------------------------------------
// Cell values

/**
 * What a cell holds, the way Office.js `range.values` would show it: empty → '', formulas → their
 * result, rich text and hyperlinks → their text, error values → '#N/A' etc.; numbers, strings,
 * booleans and Date objects (date-formatted cells) unchanged.
 */
export function cellToValue(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object' || value instanceof Date) return value;
  const v = value as Record<string, unknown>;
  if ('richText' in v && Array.isArray(v.richText)) {
    return (v.richText as { text?: unknown }[]).map((part) => String(part.text ?? '')).join('');
  }
  if ('formula' in v || 'sharedFormula' in v) return 'result' in v ? cellToValue(v.result) : '';
  if ('result' in v) return cellToValue(v.result);
  if ('hyperlink' in v || 'text' in v) return cellToValue(v.text);
  if ('error' in v) return String(v.error);
  return String(value);
}

function isBlank(value: unknown): boolean {
  return value === '' || value === null || value === undefined;
}

// ---------------------------------------------------------------------------------------------
// File checks

const XLSX_EXTENSIONS = new Set(['.xlsx', '.xlsm']);
const CSV_EXTENSIONS = new Set(['.csv', '.txt']);
const OLD_EXCEL_EXTENSIONS = new Set(['.xls', '.et', '.ods', '.numbers', '.xlsb']);

async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** OLE2 compound file: an old .xls, or an encrypted (password-protected) xlsx. */
function isCompoundFile(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
}

/** Checks the file exists and decides how to read it; throws TableReadError otherwise. */
export async function detectTableFormat(path: string): Promise<{ format: TableFormat; size: number }> {
  const name = basename(path);
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    throw new TableReadError('not_found', `找不到文件：${name}`, `File not found: ${name}`);
  }
  if (!stat.isFile()) throw new TableReadError('not_a_file', `不是文件：${name}`, `Not a file: ${name}`);
  const ext = extname(path).toLowerCase();
  let head: Buffer;
  try {
    head = await readHead(path, 8);
  } catch {
    throw new TableReadError('not_found', `无法打开文件：${name}`, `Cannot open file: ${name}`);
  }
  if (isCompoundFile(head)) {
    throw new TableReadError(
      'unsupported',
      `${name} 是旧版 .xls 格式或已设置打开密码，请在 Excel 中取消密码并“另存为” .xlsx 后再试`,
      `${name} is an old .xls workbook or password-protected: remove the password and save it as .xlsx`,
    );
  }
  if (XLSX_EXTENSIONS.has(ext)) {
    if (!isZip(head)) {
      throw new TableReadError('corrupt', `${name} 不是有效的 .xlsx 文件（文件已损坏或扩展名不符）`, `${name} is not a valid .xlsx file (corrupt or misnamed)`);
    }
    return { format: 'xlsx', size: stat.size };
  }
  if (CSV_EXTENSIONS.has(ext)) {
    if (isZip(head)) return { format: 'xlsx', size: stat.size }; // an xlsx saved under a .csv name
    return { format: 'csv', size: stat.size };
  }
  if (OLD_EXCEL_EXTENSIONS.has(ext)) {
    throw new TableReadError(
      'unsupported',
      `不支持 ${ext} 格式：请在 Excel 或 WPS 中“另存为” .xlsx 后再试`,
      `${ext} files are not supported: save the file as .xlsx`,
    );
  }
  throw new TableReadError(
    'unsupported',
    `不支持的文件类型：${name}（仅支持 .xlsx 和 .csv）`,
    `Unsupported file type: ${name} (only .xlsx and .csv)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Text decoding for csv

/** 'utf-8' when the bytes are valid UTF-8 (a cut-off sequence at the end is allowed), else 'gb18030'. */
export function detectTextEncoding(bytes: Uint8Array): 'utf-8' | 'gb18030' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Decodes a whole csv file: UTF-8 (BOM dropped) or, when not valid UTF-8, GB18030 (a superset of GBK). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(detectTextEncoding(bytes)).decode(bytes);
}

/** Comma, tab or semicolon: whichever occurs most (outside quotes) in the first lines. */
function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  let lines = 0;
  for (let i = 0; i < text.length && i < 65536; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n' && ++lines >= 20) break;
    else if (!quoted && ch in counts) counts[ch]++;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return count > 0 ? best : ',';
}

function csvOptions(delimiter: string, limits?: ReadLimits): CsvOptions {
  return {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
    ...(limits ? { max_record_size: limits.maxTextBytes } : {}),
  };
}

/** csv-parse's record-size cap → the read limit's message. */
function csvLimitError(name: string, error: unknown, limits: ReadLimits): TableReadError | undefined {
  if ((error as { code?: string }).code !== 'CSV_MAX_RECORD_SIZE') return undefined;
  return limitError('maxTextBytes', name, {
    zh: `含有超过 ${limits.maxTextBytes} 个字符的一段文本（可能是引号未闭合）`,
    en: `it holds a text longer than ${limits.maxTextBytes} characters (perhaps an unclosed quote)`,
  });
}

function csvError(name: string, error: unknown): TableReadError {
  const line = (error as { lines?: number }).lines;
  const where = line ? `第 ${line} 行附近` : '';
  return new TableReadError('corrupt', `无法解析 CSV 文件 ${name}${where ? `（${where}）` : ''}：格式有误`, `Cannot parse the CSV file ${name}${line ? ` near line ${line}` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Whole-file reading

export interface ReadTableOptions {
  /** Only this worksheet (xlsx); error when missing. */
  sheet?: string;
  /** Overrides of DEFAULT_READ_LIMITS (server/io/read-limits.ts). */
  limits?: Partial<ReadLimits>;
}

function trimTrailingBlankRows(values: unknown[][], formats: string[][] | undefined): void {
  while (values.length > 0 && values[values.length - 1].every(isBlank)) {
    values.pop();
    formats?.pop();
  }
}

function worksheetToSheetInput(worksheet: ExcelJS.Worksheet, file: string, limits: ReadLimits): SheetInput {
  const values: unknown[][] = [];
  const numberFormats: string[][] = [];
  const rowCount = worksheet.rowCount;
  const columnCount = worksheet.columnCount;
  // One cell at XFD1048576 makes a 17-billion-cell rectangle: refuse before walking it.
  const split = { zh: '请删去无关的行和列（或把文件拆分）后再试', en: 'delete unrelated rows and columns (or split the file) and try again' };
  if (rowCount > limits.maxRows) throw limitError('maxRows', file, { zh: `工作表“${worksheet.name}”有 ${rowCount} 行，上限为 ${limits.maxRows} 行`, en: `sheet "${worksheet.name}" has ${rowCount} rows, the limit is ${limits.maxRows}` }, split);
  if (columnCount > limits.maxColumns) throw limitError('maxColumns', file, { zh: `工作表“${worksheet.name}”有 ${columnCount} 列，上限为 ${limits.maxColumns} 列`, en: `sheet "${worksheet.name}" has ${columnCount} columns, the limit is ${limits.maxColumns}` }, split);
  if (rowCount * columnCount > limits.maxCells) {
    throw limitError('maxCells', file, { zh: `工作表“${worksheet.name}”的使用区域有 ${rowCount} 行 × ${columnCount} 列，超过 ${limits.maxCells} 个单元格`, en: `sheet "${worksheet.name}" spans ${rowCount} rows × ${columnCount} columns, more than ${limits.maxCells} cells` }, split);
  }
  for (let r = 1; r <= rowCount; r++) {
    const row = worksheet.getRow(r);
    const rowValues: unknown[] = new Array(columnCount);
    const rowFormats: string[] = new Array(columnCount);
    for (let c = 1; c <= columnCount; c++) {
      const cell = row.findCell(c);
      if (!cell) {
        rowValues[c - 1] = '';
        rowFormats[c - 1] = 'General';
        continue;
      }
      // Merged cells: only the top-left cell holds the value (as Office.js shows it).
      const mergedAway = cell.isMerged && cell.master !== cell;
      rowValues[c - 1] = mergedAway ? '' : cellToValue(cell.value);
      rowFormats[c - 1] = cell.numFmt || 'General';
    }
    values.push(rowValues);
    numberFormats.push(rowFormats);
  }
  trimTrailingBlankRows(values, numberFormats);
  return { name: worksheet.name, values, numberFormats, firstRow: 1, firstColumn: 0 };
}

async function readXlsx(path: string, options: ReadTableOptions): Promise<SheetInput[]> {
  const name = basename(path);
  // The whole workbook is loaded into memory: refuse a bomb from its central directory first.
  const limits = resolveReadLimits(options.limits);
  (await inspectZip(path, limits).catch((error: unknown) => {
    if (error instanceof TableReadError) throw error;
    throw new TableReadError('corrupt', `无法读取 ${name}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${name}: corrupt or not an Excel workbook`);
  })).close();
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch {
    throw new TableReadError('corrupt', `无法读取 ${name}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${name}: corrupt or not an Excel workbook`);
  }
  const worksheets = workbook.worksheets;
  if (worksheets.length === 0) throw new TableReadError('empty', `${name} 中没有工作表`, `${name} has no worksheet`);
  if (options.sheet !== undefined) {
    const worksheet = worksheets.find((ws) => ws.name === options.sheet) ?? worksheets.find((ws) => ws.name.trim() === options.sheet!.trim());
    if (!worksheet) throw sheetNotFound(options.sheet, worksheets.map((ws) => ws.name));
    return [worksheetToSheetInput(worksheet, name, limits)];
  }
  return worksheets.map((worksheet) => worksheetToSheetInput(worksheet, name, limits));
}

async function readCsv(path: string, options: ReadTableOptions): Promise<SheetInput[]> {
  const name = basename(path);
  const sheetName = basename(path, extname(path));
  if (options.sheet !== undefined && options.sheet !== sheetName) throw sheetNotFound(options.sheet, [sheetName]);
  const text = decodeText(await fs.readFile(path));
  let records: string[][];
  try {
    records = parseCsvSync(text, csvOptions(detectDelimiter(text))) as string[][];
  } catch (error) {
    throw csvError(name, error);
  }
  trimTrailingBlankRows(records, undefined);
  return [{ name: sheetName, values: records, firstRow: 1, firstColumn: 0 }];
}

/** Reads every worksheet of an .xlsx (or the one .csv table) into SheetInputs. */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<SheetInput[]> {
  const { format } = await detectTableFormat(path);
  return format === 'xlsx' ? readXlsx(path, options) : readCsv(path, options);
}

// ---------------------------------------------------------------------------------------------
// Streaming

export interface StreamProgress {
  rowsRead: number;
  /** Bytes of the file consumed so far (compressed bytes for xlsx). */
  bytesRead: number;
  totalBytes: number;
}

export interface StreamTableOptions {
  /** Worksheet name (xlsx); default the first worksheet. */
  sheet?: string;
  /**
   * Called once with the first `headerScanRows` rows (fewer when the file is shorter). Return the
   * Excel row number of the header: that row and those above it are not passed to onRow. Return
   * null/undefined when there is no header (the stream fails with `header_not_found`, or with the
   * error the callback throws). Without this callback every row goes to onRow.
   */
  onHeaderSearch?: (head: SheetInput) => number | null | undefined;
  headerScanRows?: number;
  /** One row: 0-based cells (column A = 0), converted like readTableFile; excelRow is 1-based. */
  onRow: (values: unknown[], excelRow: number) => void;
  onProgress?: (progress: StreamProgress) => void;
  /** Rows between progress reports (default 1000); a final report is always sent. */
  progressEvery?: number;
  /** Overrides of DEFAULT_READ_LIMITS (server/io/read-limits.ts): zip caps, text length, rows, columns. */
  limits?: Partial<ReadLimits>;
}

export interface StreamTableResult {
  format: TableFormat;
  sheetName: string;
  /** Rows read from the file (including the header and anything above it). */
  rowsRead: number;
  /** Rows passed to onRow. */
  rowsEmitted: number;
  /** Excel row number of the header when onHeaderSearch found it. */
  headerRow?: number;
  totalBytes: number;
}

/** Larger reads than the 64 KiB default: fewer chunks through unzip / csv-parse. */
const READ_CHUNK_BYTES = 1 << 20;

class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Decodes GB18030 bytes chunk by chunk (characters split across chunks are kept) and re-emits UTF-8. */
class GbkToUtf8Stream extends Transform {
  private readonly decoder = new TextDecoder('gb18030');
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.decode(chunk, { stream: true });
    done(null, text ? Buffer.from(text, 'utf8') : undefined);
  }
  override _flush(done: TransformCallback): void {
    const rest = this.decoder.decode();
    done(null, rest ? Buffer.from(rest, 'utf8') : undefined);
  }
}

/**
 * Row-by-row reading of one sheet with constant memory (xlsx: exceljs's streaming WorkbookReader;
 * the shared-strings table is the only thing kept; csv: csv-parse's stream). Rows go to onRow in
 * file order; blank rows are passed too (csv) or skipped (xlsx does not store them).
 */
export async function streamTableRows(path: string, options: StreamTableOptions): Promise<StreamTableResult> {
  const { format, size } = await detectTableFormat(path);
  const name = basename(path);
  const every = options.progressEvery ?? 1000;
  const scanRows = options.headerScanRows ?? 10;
  const limits = resolveReadLimits(options.limits);
  const counter = new ByteCounter();
  let bytesRead = () => counter.bytes;
  let rowsRead = 0;
  let rowsEmitted = 0;
  let headerRow: number | undefined;
  const head: unknown[][] = [];
  let searching = options.onHeaderSearch !== undefined;
  let sheetName = name;

  // Errors thrown by the caller's callbacks pass through unchanged (not reported as a corrupt file).
  let callbackError: unknown;
  const report = () => options.onProgress?.({ rowsRead, bytesRead: bytesRead(), totalBytes: size });
  const finishHeaderSearch = () => {
    try {
      searchHeader();
    } catch (error) {
      callbackError = error;
      throw error;
    }
  };
  const searchHeader = () => {
    searching = false;
    const rows = head.splice(0);
    const found = options.onHeaderSearch!({ name: sheetName, values: rows, firstRow: 1, firstColumn: 0 });
    if (found === null || found === undefined) {
      throw new TableReadError('header_not_found', `${name} 的前 ${scanRows} 行中没有找到表头`, `No header row in the first ${scanRows} rows of ${name}`);
    }
    headerRow = found;
    for (let r = found; r < rows.length; r++) {
      options.onRow(rows[r], r + 1);
      rowsEmitted++;
    }
  };
  const accept = (values: unknown[], excelRow: number) => {
    try {
      acceptRow(values, excelRow);
    } catch (error) {
      callbackError = error;
      throw error;
    }
  };
  const tooManyColumns = (excelRow: number, columns: number) =>
    limitError('maxColumns', name, { zh: `第 ${excelRow} 行有 ${columns} 列，上限为 ${limits.maxColumns} 列`, en: `row ${excelRow} has ${columns} columns, the limit is ${limits.maxColumns}` }, {
      zh: '请删去表格右侧无关的列后再导入',
      en: 'delete the unrelated columns on the right and upload again',
    });
  const acceptRow = (values: unknown[], excelRow: number) => {
    rowsRead++;
    if (rowsRead > limits.maxRows) {
      throw limitError('maxRows', name, { zh: `行数超过上限 ${limits.maxRows} 行`, en: `it has more than ${limits.maxRows} rows` }, {
        zh: '请把文件按乡镇或月份拆分成几个文件分别导入',
        en: 'split it by township or month into several files and upload them one by one',
      });
    }
    if (values.length > limits.maxColumns) throw tooManyColumns(excelRow, values.length);
    if (searching) {
      while (head.length < Math.min(excelRow - 1, scanRows)) head.push([]); // rows xlsx did not store
      if (excelRow <= scanRows) {
        head.push(values);
        if (excelRow === scanRows) finishHeaderSearch();
      } else {
        finishHeaderSearch();
        options.onRow(values, excelRow);
        rowsEmitted++;
      }
    } else {
      options.onRow(values, excelRow);
      rowsEmitted++;
    }
    if (rowsRead % every === 0) report();
  };

  if (format === 'xlsx') {
    const sheet = await openXlsxSheet(path, { sheet: options.sheet, limits });
    sheetName = sheet.sheetName;
    // Progress: the share of the sheet part inflated so far, in bytes of the uploaded file.
    bytesRead = () => Math.min(size, Math.round((size * sheet.inflatedBytes()) / Math.max(1, sheet.sheetBytes)));
    try {
      for await (const row of sheet.rows) {
        const raw = row.values;
        if (raw.length - 1 > limits.maxColumns) throw tooManyColumns(row.number, raw.length - 1);
        const values: unknown[] = [];
        for (let c = 1; c < raw.length; c++) values.push(cellToValue(raw[c]));
        accept(values, row.number);
      }
      if (searching) finishHeaderSearch();
    } catch (error) {
      if (error === callbackError || error instanceof TableReadError) throw error;
      throw new TableReadError('corrupt', `无法读取 ${name}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${name}: corrupt or not an Excel workbook`);
    } finally {
      sheet.close();
    }
  } else {
    sheetName = basename(path, extname(path));
    if (options.sheet !== undefined && options.sheet !== sheetName) throw sheetNotFound(options.sheet, [sheetName]);
    // The encoding is decided from the first 64 KiB: UTF-8 goes to csv-parse as is (it drops a BOM),
    // anything else is decoded as GB18030 (GBK) on the way.
    const head = await readHead(path, 65536);
    const encoding = detectTextEncoding(head);
    const delimiter = detectDelimiter(new TextDecoder(encoding).decode(head));
    const input = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    const bytes = input.pipe(counter);
    const parser = (encoding === 'utf-8' ? bytes : bytes.pipe(new GbkToUtf8Stream())).pipe(parseCsv(csvOptions(delimiter, limits)));
    let excelRow = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) accept(record, ++excelRow);
      if (searching) finishHeaderSearch();
    } catch (error) {
      if (error === callbackError || error instanceof TableReadError) throw error;
      throw csvLimitError(name, error, limits) ?? csvError(name, error);
    } finally {
      input.destroy();
    }
  }
  report();
  return { format, sheetName, rowsRead, rowsEmitted, headerRow, totalBytes: size };
}
