/**
 * Streaming reads of large departmental files (issue 5: 300k-row imports), server/io/read-table:
 * streamTableRows over a fabricated 医保-like xlsx and a GBK csv, in rows/s against the bare library
 * reader on the same file (exceljs WorkbookReader / csv-parse stream, no cell conversion), and the
 * peak heap growth while streaming (constant memory: it must not grow with the row count).
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { streamTableRows } from '../server/io/read-table';
import { createRng, fabricateIdNumber, fabricateName, randomInt } from '../server/seed/fabricate';
import { runWhenMain, collectGarbage, perSecond, round, timeOnce, type BenchResult } from './harness';

export const IO_ROWS = Number(process.env.BENCH_IO_ROWS ?? 100_000);
const HEADER = ['姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构', '乡镇（街道）', '村（社区）'];

function fabricatedRow(rng: () => number): (string | number)[] {
  const day = randomInt(rng, 1, 25);
  const selfPaid = randomInt(rng, 100, 30000);
  return [
    fabricateName(rng),
    fabricateIdNumber(rng),
    `2026-10-${String(day).padStart(2, '0')}`,
    `2026-10-${String(day + 3).padStart(2, '0')}`,
    selfPaid * 3,
    selfPaid,
    '楚雄州人民医院',
    '鹿城镇',
    '青山村委会',
  ];
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  const rng = createRng(5);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = workbook.addWorksheet('医保');
  sheet.addRow(['楚雄市2026年10月医保住院数据']).commit();
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(fabricatedRow(rng)).commit();
  sheet.commit();
  await workbook.commit();
}

function writeGbkCsv(path: string, rows: number): void {
  const rng = createRng(6);
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) lines.push(fabricatedRow(rng).join(','));
  const text = lines.join('\r\n');
  // GB18030 bytes via Node's decoder table (no encoder library needed): ASCII as is, CJK two bytes.
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...table.get(ch)!);
  }
  writeFileSync(path, Buffer.from(bytes));
}

const headerSearch = (head: { values: readonly (readonly unknown[])[] }) => {
  const index = head.values.findIndex((row) => row[0] === '姓名');
  return index < 0 ? null : index + 1;
};

/** Streams the file once for time. */
async function streamTimed(path: string): Promise<{ ms: number; rows: number }> {
  let rows = 0;
  const { ms } = await timeOnce(() => streamTableRows(path, { onHeaderSearch: headerSearch, onRow: () => void rows++ }));
  return { ms, rows };
}

/**
 * Streams the file again for memory: a full GC every `every` rows, then the live heap is sampled, so
 * the figure is what the reader retains (shared strings, buffers), not garbage awaiting collection.
 */
async function streamRetainedHeapMb(path: string, every = 20_000): Promise<number> {
  collectGarbage();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let rows = 0;
  await streamTableRows(path, {
    onHeaderSearch: headerSearch,
    onRow: () => {
      if (++rows % every === 0) {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    },
  });
  return round(peak / 1e6, 1);
}

async function bareExcelJs(path: string): Promise<number> {
  let rows = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const worksheet of reader) {
    for await (const row of worksheet) if (row.number > 0) rows++;
    break;
  }
  return rows;
}

async function bareCsv(path: string): Promise<number> {
  let rows = 0;
  const parser = createReadStream(path).pipe(parseCsv({ relax_column_count: true }));
  for await (const record of parser as AsyncIterable<unknown[]>) if (record) rows++;
  return rows;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-io-'));
  const rows = IO_ROWS;
  try {
    const xlsx = join(dir, 'medical.xlsx');
    const csv = join(dir, 'medical-gbk.csv');
    await writeXlsx(xlsx, rows);
    writeGbkCsv(csv, rows);

    await bareExcelJs(xlsx); // warm-up (JIT, file cache)
    const bareX = await timeOnce(() => bareExcelJs(xlsx));
    const streamX = await streamTimed(xlsx);
    const heapX = await streamRetainedHeapMb(xlsx);
    if (streamX.rows !== rows) throw new Error(`io bench: xlsx streamed ${streamX.rows} rows, expected ${rows}`);

    await bareCsv(csv);
    const bareC = await timeOnce(() => bareCsv(csv));
    const streamC = await streamTimed(csv);
    if (streamC.rows !== rows) throw new Error(`io bench: csv streamed ${streamC.rows} rows, expected ${rows}`);

    const k = `${rows / 1000}k`;
    const xRate = perSecond(rows, streamX.ms);
    const xBare = perSecond(bareX.result, bareX.ms);
    const cRate = perSecond(rows, streamC.ms);
    const cBare = perSecond(bareC.result, bareC.ms);
    return [
      { name: `io: streamTableRows, ${k}-row xlsx (vs. bare exceljs streaming reader)`, value: Math.round(xRate), unit: 'rows/s', baseline: Math.round(xBare), ratio: round(xRate / xBare), goal: 'ratio ≥ 0.7' },
      { name: `io: streamTableRows, ${k}-row GBK csv (vs. bare csv-parse stream of the same bytes, no decoding)`, value: Math.round(cRate), unit: 'rows/s', baseline: Math.round(cBare), ratio: round(cRate / cBare), goal: 'informational (the baseline skips GB18030 decoding)' },
      { name: `io: streamTableRows, ${k}-row xlsx, live heap retained while streaming (after GC)`, value: heapX, unit: 'MB', baseline: null, ratio: null, goal: '≤ 64 MB (shared strings only; no rows kept)' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(module, run);
