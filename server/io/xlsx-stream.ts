/**
 * The worksheets of an .xlsx, row by row, read straight from the zip with yauzl (random access by
 * the central directory) and parsed with exceljs's streaming parsers.
 *
 * openXlsxWorkbook opens the workbook once (shared strings, styles) and its sheets one after
 * another (a departmental file with one sheet per hospital or per month); openXlsxSheet opens one.
 *
 * Why not exceljs's WorkbookReader on the file stream: it reads the zip front to back, so every
 * worksheet stored before workbook.xml and sharedStrings.xml (the usual layout of files written by
 * exceljs, and of the demo files) is inflated into a tmp file that holds full ID numbers and stays
 * until the process exits, with no limit on its size. Here the parts are opened in the order they
 * are needed (relationships, workbook, shared strings, styles, then the one sheet), so nothing is
 * ever written to disk, and every part is inflated through a ZipEntryGuard that enforces the read
 * limits (server/io/read-limits.ts) on the real inflated bytes.
 *
 * exceljs 4.4's WorkbookReader part parsers are not part of its typed API: ExcelJsPartParsers names
 * the ones used; tests/io/read-limits.test.ts reads real workbooks through them.
 */
import { basename, posix } from 'path';
import { Readable } from 'stream';
import ExcelJS from 'exceljs';
import { inspectZip, openGuardedEntry, type InspectedZip, type ReadLimitName, type ReadLimits, type ZipEntryGuard } from './read-limits';
import { TableReadError } from './table-read-error';
import { defined } from '../../ledger/defined';

interface ExcelJsRow {
  number: number;
  values: unknown[];
}

interface ExcelJsWorksheetReader extends AsyncIterable<ExcelJsRow> {
  name: string;
}

/** The WorkbookReader methods that parse one part each (exceljs 4.4, lib/stream/xlsx/workbook-reader.js). */
interface ExcelJsPartParsers {
  workbookRels?: { Id: string; Target: string; Type?: string }[];
  model?: { sheets?: { name: string; id: number; rId: string; state?: string }[] };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: ExcelJsWorksheetReader }>;
}

export interface XlsxSheetRows {
  sheetName: string;
  /** Rows as exceljs gives them: `values` is 1-based (index 0 unused). */
  rows: AsyncIterable<ExcelJsRow>;
  /** Inflated bytes of the sheet part read so far, and its declared size (for progress). */
  inflatedBytes(): number;
  sheetBytes: number;
  close(): void;
}

function corrupt(file: string): TableReadError {
  return new TableReadError('corrupt', `无法读取 ${file}：文件已损坏或不是 Excel 工作簿`, `Cannot read ${file}: corrupt or not an Excel workbook`);
}

export function sheetNotFound(sheet: string, available: string[]): TableReadError {
  return new TableReadError(
    'sheet_not_found',
    `找不到工作表“${sheet}”；文件中的工作表：${available.join('、') || '（无）'}`,
    `No worksheet named "${sheet}"; the workbook has: ${available.join(', ') || '(none)'}`,
  );
}

/** A relationship target ('worksheets/sheet1.xml', '/xl/worksheets/sheet1.xml') → the zip entry name. */
function partName(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
}

/** A workbook opened for reading its worksheets one after another, row by row; nothing touches the disk. */
export interface XlsxWorkbook {
  /** Names of every worksheet, in workbook order (those the file lists without a part included). */
  names: string[];
  /** The worksheets that can be read, in workbook order, with their declared inflated size. */
  sheets: { name: string; bytes: number }[];
  /**
   * Opens one worksheet, inflated through a guard (maxEntryBytes, maxTextBytes). All parts together
   * are under maxTotalBytes: inspectZip sums the declared sizes of every entry, and no entry may
   * inflate to more than it declares (yauzl validateEntrySizes).
   */
  openSheet(name: string): Promise<XlsxSheetRows>;
  close(): void;
}

/**
 * Opens the workbook: relationships, workbook, shared strings (held in memory while the sheets are
 * read) and styles, parsed once for all its sheets.
 */
export async function openXlsxWorkbook(path: string, options: { limits: ReadLimits }): Promise<XlsxWorkbook> {
  const file = basename(path);
  const { limits } = options;
  let zip: InspectedZip;
  try {
    zip = await inspectZip(path, limits);
  } catch (error) {
    if (error instanceof TableReadError) throw error;
    throw corrupt(file);
  }
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      entries: 'ignore',
    }) as unknown as ExcelJsPartParsers;
    const open = async (name: string, cap: { bytes: number; limit: ReadLimitName } = { bytes: limits.maxEntryBytes, limit: 'maxEntryBytes' }) => {
      const info = zip.entries.get(name);
      return info ? openGuardedEntry(zip, info, file, limits, cap) : undefined;
    };
    const parse = async (name: string, required: boolean, run: (entry: Readable) => Promise<void>) => {
      const entry = await open(name);
      if (!entry) {
        if (required) throw corrupt(file);
        return;
      }
      await run(entry);
    };
    await parse('xl/_rels/workbook.xml.rels', true, (entry) => reader._parseRels(entry));
    await parse('xl/workbook.xml', true, (entry) => reader._parseWorkbook(entry));
    const strings = await open('xl/sharedStrings.xml', { bytes: Math.min(limits.maxSharedStringsBytes, limits.maxEntryBytes), limit: 'maxSharedStringsBytes' });
    if (strings) for await (const _ of reader._parseSharedStrings(strings)) void _;
    await parse('xl/styles.xml', false, (entry) => reader._parseStyles(entry));

    const all = (reader.model?.sheets ?? []).map((sheet) => {
      const rel = (reader.workbookRels ?? []).find((r) => r.Id === sheet.rId);
      return { name: sheet.name, part: rel ? partName(rel.Target) : undefined };
    });
    const readable = all.flatMap((s) => {
      const info = s.part === undefined ? undefined : zip.entries.get(s.part);
      return info && s.part !== undefined ? [{ name: s.name, part: s.part, bytes: info.uncompressed }] : [];
    });
    const guards = new Set<ZipEntryGuard>();
    return {
      names: all.map((s) => s.name),
      sheets: readable.map(({ name, bytes }) => ({ name, bytes })),
      async openSheet(name) {
        const chosen = readable.find((s) => s.name === name);
        if (!chosen) throw sheetNotFound(name, all.map((s) => s.name));
        const guard = defined(await open(chosen.part), `zip entry ${chosen.part}`);
        guards.add(guard);
        try {
          const sheetNo = /(\d+)\.xml$/.exec(chosen.part)?.[1] ?? '1';
          const worksheet = reader._parseWorksheet(guard, sheetNo).next().value?.value;
          if (!worksheet) throw corrupt(file);
          worksheet.name = chosen.name;
          let closed = false;
          return {
            sheetName: chosen.name,
            rows: worksheet,
            inflatedBytes: () => guard.inflated,
            sheetBytes: chosen.bytes,
            close: () => {
              if (closed) return;
              closed = true;
              guard.destroy();
              guards.delete(guard);
            },
          };
        } catch (error) {
          guard.destroy();
          guards.delete(guard);
          if (error instanceof TableReadError) throw error;
          throw corrupt(file);
        }
      },
      close() {
        for (const guard of guards) guard.destroy();
        zip.close();
      },
    };
  } catch (error) {
    zip.close();
    if (error instanceof TableReadError) throw error;
    throw corrupt(file);
  }
}

/** Opens one worksheet (by name, or the workbook's first) for row-by-row reading; nothing touches the disk. */
export async function openXlsxSheet(path: string, options: { sheet?: string; limits: ReadLimits }): Promise<XlsxSheetRows> {
  const file = basename(path);
  const workbook = await openXlsxWorkbook(path, options);
  try {
    const chosen = options.sheet !== undefined ? workbook.sheets.find((s) => s.name === options.sheet) : workbook.sheets[0];
    if (!chosen) {
      if (options.sheet !== undefined) throw sheetNotFound(options.sheet, workbook.names);
      throw new TableReadError('empty', `${file} 中没有工作表`, `${file} has no worksheet`);
    }
    const sheet = await workbook.openSheet(chosen.name);
    return {
      ...sheet,
      close: () => {
        sheet.close();
        workbook.close();
      },
    };
  } catch (error) {
    workbook.close();
    throw error;
  }
}
