/**
 * Decompression bombs (issue 8 part 2): how long the streaming reader takes to refuse each bomb and
 * how far the process RSS rises meanwhile, against reading an ordinary 20,000-row file in the same
 * process (the baseline). Goal: every bomb refused, in about the time of an ordinary read or less,
 * with RSS rising no more than for the ordinary file (~tens of MB), and no temp file written.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { streamTableRows } from '../server/io/read-table';
import { collectGarbage, nowMs, round, type BenchResult } from './harness';
import { manyEntryZip, sharedStringBomb, worksheetBomb } from './zip-bombs';

const ORDINARY_ROWS = 20_000;

async function measure(path: string): Promise<{ ms: number; peakMb: number; refused: string | null }> {
  collectGarbage();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = nowMs();
  let refused: string | null = null;
  try {
    await streamTableRows(path, { onRow: () => undefined });
  } catch (error) {
    refused = (error as { code?: string }).code ?? 'error';
  }
  const ms = nowMs() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms: round(ms, 1), peakMb: round((peak - start) / 1024 ** 2, 1), refused };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bombs-'));
  const privateTmp = mkdtempSync(join(tmpdir(), 'bench-bombs-tmp-'));
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
  try {
    const ordinary = join(dir, 'ordinary.xlsx');
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: ordinary, useSharedStrings: true, useStyles: false });
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '身份证号', '金额']).commit();
    for (let i = 0; i < ORDINARY_ROWS; i++) sheet.addRow([`虚构${i}`, `53230119800101${String(i % 10000).padStart(4, '0')}`, i]).commit();
    await workbook.commit();
    const baseline = await measure(ordinary);

    const bombs: [string, Buffer][] = [
      ['shared-string bomb (one 300 MB string)', await sharedStringBomb(300)],
      ['shared-string bomb lying about its size', await sharedStringBomb(300, 4096)],
      ['worksheet bomb (1 GB of rows)', await worksheetBomb(1024)],
      ['worksheet bomb lying about its size (256 MB)', await worksheetBomb(256, 100_000)],
      ['zip of 5,000 entries', await manyEntryZip(5000)],
    ];
    const results: BenchResult[] = [];
    for (const [name, bytes] of bombs) {
      const path = join(dir, 'bomb.xlsx');
      writeFileSync(path, bytes);
      const m = await measure(path);
      const kb = Math.round(bytes.length / 1024);
      if (m.refused !== 'limit_exceeded') throw new Error(`${name} was not refused (${m.refused ?? 'read through'})`);
      results.push(
        { name: `bomb refused: ${name}, ${kb} KB file (time)`, value: m.ms, unit: 'ms', baseline: baseline.ms, ratio: round(m.ms / baseline.ms), goal: `refused; ratio ≤ 1 vs reading ${ORDINARY_ROWS} ordinary rows` },
        { name: `bomb refused: ${name}, ${kb} KB file (RSS rise)`, value: m.peakMb, unit: 'MB', baseline: baseline.peakMb, ratio: null, goal: '≤ 100 MB (the ordinary read is the baseline)' },
      );
    }
    const left = readdirSync(privateTmp);
    results.push({ name: 'bomb reads: files left in the temp dir', value: left.length, unit: 'files', baseline: null, ratio: null, goal: '0' });
    return results;
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(dir, { recursive: true, force: true });
    rmSync(privateTmp, { recursive: true, force: true });
  }
}
