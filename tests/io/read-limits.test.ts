/**
 * Read limits against decompression bombs (issue 8 part 2): refused from the central directory
 * when the file admits what it is, stopped while inflating when it lies, strings/rows/columns
 * capped, and no inflated copy of any sheet ever written to the temp directory.
 */
import { execFileSync } from 'child_process';
import { rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import ExcelJS from 'exceljs';
import { DEFAULT_READ_LIMITS, IN_MEMORY_READ_LIMITS, type ReadLimits } from '../../server/io/read-limits';
import { readTableFile, streamTableRows, TableReadError } from '../../server/io/read-table';
import { toCsv } from './helpers';
import { deflateParts, inlineSheet, manyEntryZip, manySheetRowsBomb, sharedStringBomb, worksheetBomb, xlsxBytes } from '../../bench/zip-bombs';
import { makeTestDir } from '../temp-dirs';

jest.setTimeout(120_000);

const files = makeTestDir('limits-files').dir;
afterAll(() => rmSync(files, { recursive: true, force: true }));

function write(name: string, bytes: Buffer | string): string {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
}

async function limitHit(path: string, limits?: Partial<ReadLimits>, allSheets?: boolean): Promise<TableReadError> {
  try {
    await streamTableRows(path, { onRow: () => undefined, limits, allSheets });
  } catch (error) {
    expect(error).toBeInstanceOf(TableReadError);
    const e = error as TableReadError;
    expect(e.code).toBe('limit_exceeded');
    expect(e.zh).toMatch(/超出读取上限/);
    expect(e.en).toMatch(/exceeds a read limit/);
    return e;
  }
  throw new Error('expected the read to be refused');
}

async function readOrdinary(): Promise<string[]> {
  const path = join(files, 'ordinary.xlsx');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  sheet.addRow(['姓名', '身份证号']);
  for (let i = 0; i < 300; i++) sheet.addRow([`张${i}`, `53230119800101${String(i).padStart(4, '0')}`]);
  await workbook.xlsx.writeFile(path);
  const rows: string[] = [];
  await streamTableRows(path, { onRow: (values) => void rows.push(String(values[0])) });
  return rows;
}

describe('read limits', () => {
  it('reading every sheet (allSheets), the caps count the whole workbook: rows of many sheets, each under the cap, and parts each under the part cap', async () => {
    const path = write('sheets-bomb.xlsx', await manySheetRowsBomb(12, 1000));
    // Each sheet alone is under the cap…
    const one = await streamTableRows(path, { onRow: () => undefined, limits: { maxRows: 2000 } });
    expect(one.rowsRead).toBe(1001);
    // …all of them together are not.
    const rows = await limitHit(path, { maxRows: 2000 }, true);
    expect(rows).toMatchObject({ limit: 'maxRows' });
    expect(rows.zh).toMatch(/各工作表合计行数超过上限 2000 行/);
    // Inflated bytes: every sheet part under maxEntryBytes, all of them over maxTotalBytes.
    const bytes = await limitHit(path, { maxEntryBytes: 1024 ** 2, maxTotalBytes: 256 * 1024 }, true);
    expect(bytes).toMatchObject({ limit: 'maxTotalBytes' });
  });

  it('a shared-string bomb (one 200 MB string in a ~200 KB file) is refused from the central directory, memory untouched', async () => {
    const bytes = await sharedStringBomb(200);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const path = write('strings-bomb.xlsx', bytes);
    const before = process.memoryUsage().rss;
    const error = await limitHit(path);
    expect(error.zh).toMatch(/xl\/sharedStrings\.xml 压缩比为 \d+:1，上限为 100:1/);
    expect(error.zh).toMatch(/IMPORT_MAX_COMPRESSION_RATIO/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('the same bomb lying about its size in the central directory is stopped while inflating', async () => {
    const path = write('strings-liar.xlsx', await sharedStringBomb(200, 4096));
    const before = process.memoryUsage().rss;
    const error = await limitHit(path);
    expect(error.zh).toMatch(/声明的大小|解压后超过/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a long string inside the ratio limit is stopped by the text-length cap', async () => {
    const text = Array.from({ length: 40_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    const strings = await deflateParts('xl/sharedStrings.xml', [`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${text}</t></si></sst>`]);
    const sheet = await deflateParts('xl/worksheets/sheet1.xml', [
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
    ]);
    const path = write('long-string.xlsx', await xlsxBytes(sheet, strings));
    const error = await limitHit(path, { maxTextBytes: 64 * 1024 });
    expect(error.zh).toMatch(/单段文本/);
    expect(error.zh).toMatch(/IMPORT_MAX_TEXT_BYTES/);
  });

  it('a worksheet bomb (256 MB of rows in a file of under 1 MB) is refused before anything is inflated', async () => {
    const bytes = await worksheetBomb(256);
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const path = write('sheet-bomb.xlsx', bytes);
    const started = Date.now();
    const error = await limitHit(path);
    expect(error.zh).toMatch(/xl\/worksheets\/sheet1\.xml 压缩比/);
    // Refused from the directory: far quicker than inflating 256 MB (not a timing assertion of the code under test's speed, a sanity bound).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a worksheet over the per-part size (ratio allowed) is stopped at the cap while streaming; the declared-size liar too', async () => {
    const path = write('sheet-big.xlsx', await worksheetBomb(8));
    const error = await limitHit(path, { maxEntryBytes: 4 * 1024 * 1024, maxCompressionRatio: 100_000 });
    expect(error.zh).toMatch(/IMPORT_MAX_ENTRY_BYTES/);
    const liar = write('sheet-liar.xlsx', await worksheetBomb(64, 100_000));
    const lied = await limitHit(liar);
    expect(lied.zh).toMatch(/声明的大小/);
  });

  it('a zip of 5,000 entries is refused by the entry count', async () => {
    const path = write('many.xlsx', await manyEntryZip(5000));
    const error = await limitHit(path);
    expect(error.zh).toMatch(/压缩包内有 5005 个条目，上限为 1000 个/);
    expect(error.en).toMatch(/IMPORT_MAX_ZIP_ENTRIES/);
  });

  it('rows and columns are capped (xlsx and csv)', async () => {
    const xlsx = write('wide.xlsx', await xlsxBytes(await inlineSheet([Array.from({ length: 30 }, (_, i) => `c${i}`)])));
    expect((await limitHit(xlsx, { maxColumns: 20 })).zh).toMatch(/第 1 行有 30 列，上限为 20 列/);
    const csv = write('long.csv', toCsv(Array.from({ length: 50 }, (_, i) => [`r${i}`, 'x'])));
    expect((await limitHit(csv, { maxRows: 40 })).zh).toMatch(/行数超过上限 40 行/);
    const wideCsv = write('wide.csv', toCsv([Array.from({ length: 30 }, (_, i) => `c${i}`)]));
    expect((await limitHit(wideCsv, { maxColumns: 20 })).en).toMatch(/IMPORT_MAX_COLUMNS/);
    const unclosed = write('unclosed.csv', `a,b\n"${'x'.repeat(200_000)}`);
    expect((await limitHit(unclosed, { maxTextBytes: 64 * 1024 })).zh).toMatch(/引号未闭合/);
  });

  it('the whole-workbook reader (CLI) refuses the same bombs from the central directory', async () => {
    const path = write('cli-bomb.xlsx', await worksheetBomb(256));
    await expect(readTableFile(path)).rejects.toMatchObject({ code: 'limit_exceeded' });
  });

  it('whole-workbook reading: one cell at XFD1048576 (a 17-billion-cell rectangle) is refused before the walk; in-memory caps are tighter', async () => {
    const far = await deflateParts('xl/worksheets/sheet1.xml', [
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
      '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row>',
      '</sheetData></worksheet>',
    ]);
    const path = write('far-cell.xlsx', await xlsxBytes(far));
    const error = await readTableFile(path).then(() => undefined, (e: unknown) => e as TableReadError);
    expect(error?.code).toBe('limit_exceeded');
    expect(error?.zh).toMatch(/有 16384 列，上限为 1000 列/);
    const within = await readTableFile(path, { limits: { maxRows: 2_000_000, maxColumns: 20_000, maxCells: 10_000 } }).then(() => undefined, (e: unknown) => e as TableReadError);
    expect(within?.zh).toMatch(/超过 10000 个单元格/);
    const big = write('in-memory-big.xlsx', await worksheetBomb(80));
    const inMemory = await readTableFile(big, { limits: { ...IN_MEMORY_READ_LIMITS, maxCompressionRatio: 100_000 } }).then(() => undefined, (e: unknown) => e as TableReadError);
    expect(inMemory?.zh).toMatch(/单个部分上限为 64 MB/);
  });

  it('an ordinary file (sheet before workbook.xml, as exceljs writes it) reads right after the bombs', async () => {
    const rows = await readOrdinary();
    expect(rows).toHaveLength(301);
    expect(rows[300]).toBe('张299');
  });

  it('no inflated sheet is ever parked in the temp dir (real process, private TMPDIR: jest cannot redirect os.tmpdir())', async () => {
    // Three sheets before workbook.xml, reading only the first: exceljs's reader used to park all three
    // (full ID numbers) in tmp files that stayed until the process exited. (tsx keeps its own cache there.)
    const path = join(files, 'three-sheets.xlsx');
    const workbook = new ExcelJS.Workbook();
    for (const name of ['A', 'B', 'C']) {
      const sheet = workbook.addWorksheet(name);
      for (let i = 0; i < 2000; i++) sheet.addRow([`${name}${i}`, `53230119800101${String(i).padStart(4, '0')}`]);
    }
    await workbook.xlsx.writeFile(path);
    const bomb = write('child-bomb.xlsx', await worksheetBomb(16, 100_000));
    const privateTmp = makeTestDir('limits-tmp').dir;
    try {
      const script = `
        const { readdirSync } = require('fs');
        const { streamTableRows } = require(${JSON.stringify(resolve(__dirname, '..', '..', 'server', 'io', 'read-table.ts'))});
        (async () => {
          let rows = 0;
          await streamTableRows(${JSON.stringify(path)}, { sheet: 'A', onRow: () => void rows++ });
          let refused = '';
          await streamTableRows(${JSON.stringify(bomb)}, { onRow: () => undefined }).catch((e) => (refused = e.code));
          process.stdout.write(JSON.stringify({ rows, refused, left: readdirSync(process.env.TMPDIR).filter((name) => !name.startsWith('tsx-')) }));
        })();`;
      const out = execFileSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'), ['-e', script], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TMPDIR: privateTmp },
      });
      expect(JSON.parse(out)).toEqual({ rows: 2000, refused: 'limit_exceeded', left: [] });
    } finally {
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  it('defaults leave room for a 300k-row file (measured: sheet 108 MB at 6:1, shared strings 7 MB, 10 entries)', () => {
    expect(DEFAULT_READ_LIMITS.maxEntryBytes).toBeGreaterThanOrEqual(5 * 108 * 1024 ** 2);
    expect(DEFAULT_READ_LIMITS.maxSharedStringsBytes).toBeGreaterThanOrEqual(5 * 7 * 1024 ** 2);
    expect(DEFAULT_READ_LIMITS.maxCompressionRatio).toBeGreaterThanOrEqual(5 * 6);
    expect(DEFAULT_READ_LIMITS.maxRows).toBeGreaterThanOrEqual(300_001);
  });
});
