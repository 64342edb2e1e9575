/**
 * Reading spreadsheets the staff bring, recognised by their content, never by the extension:
 * .xlsx (exceljs; SheetJS when exceljs cannot read a file another tool wrote), Excel 97–2003 .xls,
 * WPS .et, .ods and XML Spreadsheet 2003 (SheetJS `@e965/xlsx`), Excel's “Unicode 文本” (UTF-16,
 * tab-separated) and .csv (csv-parse; UTF-8 with or without BOM, or GBK/GB18030 as Excel on Chinese
 * Windows saves it). An HTML page saved as .xls, a PDF, an encrypted workbook or anything else gets
 * a one-line message saying what the file really is and how to save it as .xlsx.

 *
 * - readTableFile: whole workbook into SheetInput[] (values as the sheet holds them: strings, numbers,
 *   Date objects for date cells, formula results, rich text flattened; numberFormats from the cells).
 * - streamTableRows: one sheet (or every sheet, allSheets) row by row, constant memory, for
 *   300k-row departmental files.
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
import * as XLSX from '@e965/xlsx';
import { cellValue } from '../../ledger/cell';
import type { SheetInput } from '../../ledger/types';
import { inspectZip, limitError, resolveReadLimits, type ReadLimits } from './read-limits';
import { openXlsxWorkbook, sheetNotFound } from './xlsx-stream';

import { TableReadError } from './table-read-error';
import { defined } from '../../ledger/defined';
export { TableReadError, type TableReadErrorCode } from './table-read-error';

/**
 * How a file is read: `xlsx` (exceljs, streamable), `workbook` (SheetJS: .xls, .et, .ods, XML
 * Spreadsheet, and xlsx files exceljs cannot open), `csv` (UTF-8 or GBK text), `utf16` (Excel's
 * “Unicode 文本”: UTF-16, tab-separated).
 */
export type TableFormat = 'xlsx' | 'workbook' | 'csv' | 'utf16';


// ---------------------------------------------------------------------------------------------
// Cell values

// What a cell holds, the way Office.js `range.values` would show it: cellValue, the ledger's one
// cell primitive (ledger/cell.ts).

function isBlank(value: unknown): boolean {
  return value === '' || value === null || value === undefined;
}

// ---------------------------------------------------------------------------------------------
// File checks

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

/** OLE2 compound file: an old .xls, a WPS .et, or an encrypted (password-protected) xlsx. */
function isCompoundFile(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
}

/** An encrypted OOXML package is an OLE2 file holding an `EncryptedPackage` stream (names are UTF-16LE). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

function isUtf16(head: Buffer): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}

/** The start of a text file, lower-cased, without BOM and leading whitespace. */
function textStart(head: Buffer): string {
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  return head.subarray(start, start + 2048).toString('latin1').trimStart().toLowerCase();
}

function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 1024);
  for (let i = 0; i < n; i++) if (head[i] === 0) return true;
  return false;
}

const SAVE_AS_XLSX_ZH = '请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再试';
const SAVE_AS_XLSX_EN = 'open it in Excel or WPS and save it as an Excel workbook (.xlsx)';

function unsupported(name: string, whatZh: string, whatEn: string): TableReadError {
  return new TableReadError('unsupported', `${name} ${whatZh}：${SAVE_AS_XLSX_ZH}`, `${name} ${whatEn}: ${SAVE_AS_XLSX_EN}`);
}

/** Checks the file exists and decides by its content how to read it; throws TableReadError otherwise. */
export async function detectTableFormat(path: string): Promise<{ format: TableFormat; size: number }> {
  const name = basename(path);
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    throw new TableReadError('not_found', `找不到文件：${name}`, `File not found: ${name}`);
  }
  if (!stat.isFile()) throw new TableReadError('not_a_file', `不是文件：${name}`, `Not a file: ${name}`);
  let head: Buffer;
  try {
    head = await readHead(path, 4096);
  } catch {
    throw new TableReadError('not_found', `无法打开文件：${name}`, `Cannot open file: ${name}`);
  }
  if (isZip(head)) {
    // An OpenDocument file (.ods) starts with its uncompressed `mimetype` entry.
    if (head.includes(Buffer.from('application/vnd.oasis.opendocument.spreadsheet'))) return { format: 'workbook', size: stat.size };
    return { format: 'xlsx', size: stat.size };
  }
  if (isCompoundFile(head)) {
    // Small enough to look at whole (ledgers are a few MB): is it an encrypted xlsx?
    const bytes = stat.size <= 64 << 20 ? await fs.readFile(path) : head;
    if (bytes.includes(ENCRYPTED_PACKAGE)) {
      throw new TableReadError(
        'unsupported',
        `${name} 设置了打开密码：请在 Excel 中用密码打开，取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx 再试`,
        `${name} is password-protected: open it in Excel with the password, remove the password and save it as .xlsx`,
      );
    }
    return { format: 'workbook', size: stat.size };
  }
  if (isUtf16(head)) return { format: 'utf16', size: stat.size };
  const start = textStart(head);
  if (start.startsWith('%pdf')) throw unsupported(name, '是 PDF 文件，不是表格', 'is a PDF document, not a spreadsheet');
  if (start.startsWith('mime-version:') || /^(?:<!doctype html|<html|<head|<meta|<table|<body|<style)/.test(start)) {
    throw unsupported(
      name,
      '实际上是网页（HTML）文件，不是 Excel 工作簿（其他系统“导出Excel”时常见）',
      'is really a web page (HTML), not an Excel workbook (common for “export to Excel” from other systems)',
    );
  }
  if (start.startsWith('<?xml') && start.includes('urn:schemas-microsoft-com:office:spreadsheet')) return { format: 'workbook', size: stat.size };
  const workbookName = /\.(?:xlsx|xlsm|xls|et|ods)$/i.test(name);
  if (workbookName && !/[,\t;]/.test(start.split('\n')[0] ?? '')) {
    throw new TableReadError('corrupt', `${name} 不是有效的 Excel 工作簿（文件已损坏或扩展名不符）`, `${name} is not a valid workbook (corrupt or misnamed)`);
  }
  if (looksBinary(head)) throw unsupported(name, '不是可识别的表格文件（既不是 Excel/WPS 工作簿，也不是 CSV 文本）', 'is not a spreadsheet this tool recognises (neither an Excel/WPS workbook nor CSV text)');
  return { format: 'csv', size: stat.size };
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
      rowValues[c - 1] = mergedAway ? '' : cellValue(cell.value);
      rowFormats[c - 1] = cell.numFmt || 'General';
    }
    values.push(rowValues);
    numberFormats.push(rowFormats);
  }
  trimTrailingBlankRows(values, numberFormats);
  const merges = (worksheet.model as { merges?: string[] }).merges ?? [];
  return { name: worksheet.name, values, numberFormats, firstRow: 1, firstColumn: 0, merges };
}

/**
 * A SheetJS worksheet as Office.js would give it: numbers stay numbers with their number format
 * (dates are serials with a date format, as in Office.js), error cells show their text (#N/A),
 * merges as A1 ranges. Rows from Excel row 1, columns from A.
 */
function sheetjsToSheetInput(name: string, worksheet: XLSX.WorkSheet): SheetInput {
  const values: unknown[][] = [];
  const numberFormats: string[][] = [];
  const ref = worksheet['!ref'];
  const dense = (worksheet as { '!data'?: (XLSX.CellObject | undefined)[][] })['!data'];
  if (ref) {
    const range = XLSX.utils.decode_range(ref);
    for (let r = 0; r <= range.e.r; r++) {
      const rowValues: unknown[] = new Array(range.e.c + 1).fill('');
      const rowFormats: string[] = new Array(range.e.c + 1).fill('General');
      const row = dense?.[r];
      for (let c = range.s.c; c <= range.e.c; c++) {
        const cell = dense ? row?.[c] : worksheet[XLSX.utils.encode_cell({ r, c })];
        if (!cell) continue;
        if (cell.t === 'e') rowValues[c] = cell.w ?? XLSX.utils.format_cell(cell);
        else if (cell.t === 'z' || cell.v === undefined) rowValues[c] = '';
        else rowValues[c] = cell.v;
        if (typeof cell.z === 'string') rowFormats[c] = cell.z;
      }
      values.push(rowValues);
      numberFormats.push(rowFormats);
    }
  }
  trimTrailingBlankRows(values, numberFormats);
  const merges = (worksheet['!merges'] ?? []).map((merge) => XLSX.utils.encode_range(merge));
  return { name, values, numberFormats, firstRow: 1, firstColumn: 0, merges };
}

/** Reads a workbook with SheetJS (.xls, .et, .ods, XML Spreadsheet, or an xlsx exceljs cannot open). */
async function readWithSheetJs(path: string, options: ReadTableOptions): Promise<SheetInput[]> {
  const name = basename(path);
  let workbook: XLSX.WorkBook;
  const bytes = await fs.readFile(path);
  // SheetJS writes parse remarks (“ODS number format may be incorrect”) to console.error; the CLI and
  // the server print only their own lines. The read is synchronous, so the silence is this call's only.
  const consoleError = console.error;
  console.error = () => undefined;
  try {
    workbook = XLSX.read(bytes, { type: 'buffer', dense: true, cellDates: false, cellNF: true, cellStyles: false, cellHTML: false });
  } catch (error) {
    if (/password-protected|password protection/i.test(String((error as Error).message))) {
      throw new TableReadError('unsupported', `${name} 设置了打开密码：请在 Excel 或 WPS 中用密码打开，取消密码后另存为 .xlsx 再试`, `${name} is password-protected: remove the password and save it as .xlsx`);
    }
    throw new TableReadError(
      'corrupt',
      `无法读取 ${name}：文件已损坏，或不是 Excel/WPS 工作簿；${SAVE_AS_XLSX_ZH}`,
      `Cannot read ${name}: corrupt or not an Excel/WPS workbook; ${SAVE_AS_XLSX_EN}`,
    );
  } finally {
    console.error = consoleError;
  }
  const names = workbook.SheetNames;
  if (names.length === 0) throw new TableReadError('empty', `${name} 中没有工作表`, `${name} has no worksheet`);
  if (options.sheet !== undefined) {
    const wanted = names.find((n) => n === options.sheet) ?? names.find((n) => n.trim() === options.sheet?.trim());
    if (wanted === undefined) throw sheetNotFound(options.sheet, names);
    return [sheetjsToSheetInput(wanted, workbook.Sheets[wanted])];
  }
  return names.map((n) => sheetjsToSheetInput(n, workbook.Sheets[n]));
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
    // Files other tools wrote (openpyxl's comments part, LibreOffice, .ods in a zip) that exceljs
    // cannot open: SheetJS reads them; only when it cannot either is the file corrupt.
    try {
      return await readWithSheetJs(path, options);
    } catch (error) {
      if (error instanceof TableReadError && error.code !== 'corrupt') throw error;
      throw new TableReadError('corrupt', `无法读取 ${name}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${name}: corrupt or not an Excel workbook`);
    }
  }
  const worksheets = workbook.worksheets;
  // A zip exceljs opens without finding a worksheet in it (another tool's layout): SheetJS decides.
  if (worksheets.length === 0) return readWithSheetJs(path, options);
  if (options.sheet !== undefined) {
    const worksheet = worksheets.find((ws) => ws.name === options.sheet) ?? worksheets.find((ws) => ws.name.trim() === options.sheet?.trim());
    if (!worksheet) throw sheetNotFound(options.sheet, worksheets.map((ws) => ws.name));
    return [worksheetToSheetInput(worksheet, name, limits)];
  }
  return worksheets.map((worksheet) => worksheetToSheetInput(worksheet, name, limits));
}

async function readCsv(path: string, options: ReadTableOptions, utf16 = false): Promise<SheetInput[]> {
  const name = basename(path);
  const sheetName = basename(path, extname(path));
  if (options.sheet !== undefined && options.sheet !== sheetName) throw sheetNotFound(options.sheet, [sheetName]);
  const bytes = await fs.readFile(path);
  const text = utf16 ? decodeUtf16(bytes) : decodeText(bytes);
  let records: string[][];
  try {
    records = parseCsvSync(text, csvOptions(detectDelimiter(text))) as string[][];
  } catch (error) {
    throw csvError(name, error);
  }
  trimTrailingBlankRows(records, undefined);
  return [{ name: sheetName, values: records, firstRow: 1, firstColumn: 0 }];
}

/** Excel's “Unicode 文本”: UTF-16 (LE, or BE with its BOM), the BOM dropped. */
function decodeUtf16(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return new TextDecoder('utf-16le').decode(bytes);
}

/** Reads every worksheet of a workbook (or the one table of a text file) into SheetInputs. */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<SheetInput[]> {
  const { format } = await detectTableFormat(path);
  switch (format) {
    case 'xlsx':
      return readXlsx(path, options);
    case 'workbook':
      return readWithSheetJs(path, options);
    case 'utf16':
      return readCsv(path, options, true);
    case 'csv':
      return readCsv(path, options);
  }
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
   * Every worksheet of a workbook, one after another, as one file (a departmental file with one
   * sheet per hospital or per month): onHeaderSearch is asked for each sheet, and a sheet it finds
   * no header in is skipped (named in the result), not an error. The read limits apply to the
   * whole workbook (rows of all sheets together, inflated bytes of all sheets together).
   */
  allSheets?: boolean;
  /**
   * Called once per sheet with its first `headerScanRows` rows (fewer when the sheet is shorter), and
   * the number of worksheets in the file.
   * Return the Excel row number of the header: that row and those above it are not passed to onRow.
   * Return null/undefined when there is no header (the stream fails with `header_not_found`, or
   * with the error the callback throws; with allSheets the sheet is skipped). Without this callback
   * every row goes to onRow.
   */
  onHeaderSearch?: (head: SheetInput, file: { sheetCount: number }) => number | null | undefined;
  headerScanRows?: number;
  /** One row: 0-based cells (column A = 0), converted like readTableFile; excelRow is 1-based, of its sheet. */
  onRow: (values: unknown[], excelRow: number, sheet: string) => void;
  onProgress?: (progress: StreamProgress) => void;
  /** Rows between progress reports (default 1000); a final report is always sent. */
  progressEvery?: number;
  /** Overrides of DEFAULT_READ_LIMITS (server/io/read-limits.ts): zip caps, text length, rows, columns. */
  limits?: Partial<ReadLimits>;
}

/** One sheet read by streamTableRows. */
export interface StreamedSheet {
  name: string;
  /** Excel row of its header (onHeaderSearch); absent when skipped or without a header search. */
  headerRow?: number;
  /** Rows passed to onRow from this sheet. */
  rowsEmitted: number;
  /** No header found in it (allSheets): its rows were not read. */
  skipped: boolean;
}

export interface StreamTableResult {
  format: TableFormat;
  /** The first sheet read (with allSheets: the first with a header, else the first). */
  sheetName: string;
  /** Rows read from the file (including the header and anything above it), all sheets together. */
  rowsRead: number;
  /** Rows passed to onRow. */
  rowsEmitted: number;
  /** Excel row number of the header when onHeaderSearch found it (the first sheet's). */
  headerRow?: number;
  /** Every sheet looked at, in workbook order (one for a csv file). */
  sheets: StreamedSheet[];
  /** Worksheets in the file (a csv file: 1). */
  sheetCount: number;
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
 * Row-by-row reading of one sheet (or, with allSheets, of every sheet) with constant memory (xlsx:
 * exceljs's streaming parsers, the shared-strings table the only thing kept; csv: csv-parse's
 * stream). Rows go to onRow in file order; blank rows are passed too (csv) or skipped (xlsx does
 * not store them).
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
  const sheets: StreamedSheet[] = [];
  let sheetCount = 1;
  // The sheet being read.
  let current: StreamedSheet = { name, rowsEmitted: 0, skipped: false };
  let head: unknown[][] = [];
  let searching = false;

  // Errors thrown by the caller's callbacks pass through unchanged (not reported as a corrupt file).
  let callbackError: unknown;
  const report = () => options.onProgress?.({ rowsRead, bytesRead: bytesRead(), totalBytes: size });
  const startSheet = (sheetName: string) => {
    current = { name: sheetName, rowsEmitted: 0, skipped: false };
    sheets.push(current);
    head = [];
    searching = options.onHeaderSearch !== undefined;
  };
  /** The sheet's last rows were read: a header search still open ends now. */
  const endSheet = () => {
    if (searching) finishHeaderSearch();
  };
  const finishHeaderSearch = () => {
    try {
      searchHeader();
    } catch (error) {
      callbackError = error;
      throw error;
    }
  };
  const emit = (values: unknown[], excelRow: number) => {
    options.onRow(values, excelRow, current.name);
    rowsEmitted++;
    current.rowsEmitted++;
  };
  const searchHeader = () => {
    searching = false;
    const rows = head.splice(0);
    const found = defined(options.onHeaderSearch, 'onHeaderSearch')({ name: current.name, values: rows, firstRow: 1, firstColumn: 0 }, { sheetCount });
    if (found === null || found === undefined) {
      if (options.allSheets) {
        current.skipped = true;
        return;
      }
      throw new TableReadError('header_not_found', `${name} 的前 ${scanRows} 行中没有找到表头`, `No header row in the first ${scanRows} rows of ${name}`);
    }
    current.headerRow = found;
    for (let r = found; r < rows.length; r++) emit(rows[r], r + 1);
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
    limitError('maxColumns', name, { zh: `${sheetCount > 1 ? `工作表“${current.name}”` : ''}第 ${excelRow} 行有 ${columns} 列，上限为 ${limits.maxColumns} 列`, en: `${sheetCount > 1 ? `sheet "${current.name}" ` : ''}row ${excelRow} has ${columns} columns, the limit is ${limits.maxColumns}` }, {
      zh: '请删去表格右侧无关的列后再导入',
      en: 'delete the unrelated columns on the right and upload again',
    });
  const acceptRow = (values: unknown[], excelRow: number) => {
    rowsRead++;
    if (rowsRead > limits.maxRows) {
      const whole = sheetCount > 1 && options.allSheets;
      throw limitError('maxRows', name, { zh: `${whole ? '各工作表合计' : ''}行数超过上限 ${limits.maxRows} 行`, en: `it has more than ${limits.maxRows} rows${whole ? ' in all its sheets together' : ''}` }, {
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
        if (!current.skipped) emit(values, excelRow);
      }
    } else if (!current.skipped) {
      emit(values, excelRow);
    }
    if (rowsRead % every === 0) {
      report();
      turnDue = true;
    }
  };
  // A long read gives the event loop a turn at every progress report: other users' requests and the
  // client's progress polls are answered while a 100k-row file is read, not after it.
  let turnDue = false;
  const giveTurnIfDue = async () => {
    if (!turnDue) return;
    turnDue = false;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  if (format === 'workbook' || format === 'utf16') {
    // Old-format workbooks and UTF-16 text are read whole (they are small: .xls caps at 65,536 rows),
    // then handed out row by row like the streamed formats (row and column limits still apply).
    const read = await readTableFile(path, { sheet: options.sheet, limits: options.limits });
    const chosen = options.allSheets && options.sheet === undefined ? read : read.slice(0, 1);
    sheetCount = read.length;
    bytesRead = () => size;
    try {
      for (const sheet of chosen) {
        startSheet(sheet.name ?? name);
        for (let r = 0; r < sheet.values.length && !current.skipped; r++) accept([...sheet.values[r]], r + 1);
        endSheet();
      }
    } catch (error) {
      if (error === callbackError || error instanceof TableReadError) throw error;
      throw new TableReadError('corrupt', `无法读取 ${name}`, `Cannot read ${name}`);
    }
  } else if (format === 'xlsx') {
    const workbook = await openXlsxWorkbook(path, { limits });
    try {
      let chosen = workbook.sheets;
      if (options.sheet !== undefined) {
        chosen = chosen.filter((s) => s.name === options.sheet);
        if (chosen.length === 0) throw sheetNotFound(options.sheet, workbook.names);
      } else if (!options.allSheets) chosen = chosen.slice(0, 1);
      if (chosen.length === 0) throw new TableReadError('empty', `${name} 中没有工作表`, `${name} has no worksheet`);
      sheetCount = workbook.sheets.length;
      // Progress: the share of the sheet parts inflated so far, in bytes of the uploaded file.
      const allBytes = Math.max(1, chosen.reduce((sum, s) => sum + s.bytes, 0));
      let doneBytes = 0;
      for (const entry of chosen) {
        const sheet = await workbook.openSheet(entry.name);
        bytesRead = () => Math.min(size, Math.round((size * (doneBytes + sheet.inflatedBytes())) / allBytes));
        startSheet(sheet.sheetName);
        try {
          for await (const row of sheet.rows) {
            const raw = row.values;
            if (raw.length - 1 > limits.maxColumns) throw tooManyColumns(row.number, raw.length - 1);
            const values: unknown[] = [];
            for (let c = 1; c < raw.length; c++) values.push(cellValue(raw[c]));
            accept(values, row.number);
            // A sheet without the header (说明, 汇总) is not read further.
            if (current.skipped) break;
            await giveTurnIfDue();
          }
          endSheet();
        } finally {
          doneBytes += entry.bytes;
          sheet.close();
        }
      }
    } catch (error) {
      if (error === callbackError || error instanceof TableReadError) throw error;
      throw new TableReadError('corrupt', `无法读取 ${name}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${name}: corrupt or not an Excel workbook`);
    } finally {
      workbook.close();
    }
  } else {
    const sheetName = basename(path, extname(path));
    if (options.sheet !== undefined && options.sheet !== sheetName) throw sheetNotFound(options.sheet, [sheetName]);
    startSheet(sheetName);
    // The encoding is decided from the first 64 KiB: UTF-8 goes to csv-parse as is (it drops a BOM),
    // anything else is decoded as GB18030 (GBK) on the way.
    const start = await readHead(path, 65536);
    const encoding = detectTextEncoding(start);
    const delimiter = detectDelimiter(new TextDecoder(encoding).decode(start));
    const input = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    const bytes = input.pipe(counter);
    const parser = (encoding === 'utf-8' ? bytes : bytes.pipe(new GbkToUtf8Stream())).pipe(parseCsv(csvOptions(delimiter, limits)));
    let excelRow = 0;
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        accept(record, ++excelRow);
        await giveTurnIfDue();
      }
      endSheet();
    } catch (error) {
      if (error === callbackError || error instanceof TableReadError) throw error;
      throw csvLimitError(name, error, limits) ?? csvError(name, error);
    } finally {
      input.destroy();
    }
  }
  report();
  const first = sheets.find((s) => !s.skipped) ?? sheets[0];
  return { format, sheetName: first?.name ?? name, rowsRead, rowsEmitted, headerRow: first?.headerRow, sheets, sheetCount, totalBytes: size };
}
