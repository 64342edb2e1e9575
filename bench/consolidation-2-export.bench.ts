/**
 * Consolidated workbook of 1,000,000 ledger rows (bench/consolidation-data.ts), streamed .xlsx to a
 * sink that discards the bytes: rows/s and the process's peak RSS, sampled while it runs.
 * Goal: peak RSS < 300 MB. Baseline: the same rows as CSV (same reader, no xlsx), rows/s on the
 * first 200,000. Removes the shared bench database at the end.
 */
import { Writable } from 'stream';
import { writeConsolidatedCsv, writeConsolidatedXlsx, type ExportPlan } from '../server/exports/consolidated';
import { summariesByLevel } from '../server/reports/service';
import { reportStoreOf } from '../server/reports/store';
import { BENCH_ROWS, COUNTY, CSV_BASELINE_ROWS, NOW, openBenchDb, removeBenchDb, rowsLabel } from './consolidation-data';
import { collectGarbage, nowMs, perSecond, round, type BenchResult } from './harness';

/** The CSV baseline's rate is taken on the first 200,000 rows (the suite's 10-minute budget). */

/** A sink that counts bytes and drops them (the export's own cost, not the disk's). */
function sink(): Writable & { bytes: number } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      (out as Writable & { bytes: number }).bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
  return out;
}

async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number; ms: number }> {
  collectGarbage();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = nowMs();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: peak / 1024 / 1024, ms: nowMs() - started };
  } finally {
    clearInterval(timer);
  }
}

export async function run(): Promise<BenchResult[]> {
  const { db } = await openBenchDb();
  try {
    const store = reportStoreOf(db);
    const county = (await store.unit(COUNTY))!;
    const window = { from: '2026-10', to: '2026-10' };
    const plan: ExportPlan = { unit: county, window, levels: await summariesByLevel(store, county, window, NOW), view: { masked: true, phonesMasked: true } };
    const csv = await withPeakRss(() => writeConsolidatedCsv(sink(), store, plan, CSV_BASELINE_ROWS));
    const xlsx = await withPeakRss(() => writeConsolidatedXlsx(sink(), store, plan));
    if (xlsx.result !== BENCH_ROWS || csv.result !== Math.min(BENCH_ROWS, CSV_BASELINE_ROWS)) throw new Error(`exported ${xlsx.result}/${csv.result} rows`);
    const xlsxRate = perSecond(xlsx.result, xlsx.ms);
    const csvRate = perSecond(csv.result, csv.ms);
    const label = rowsLabel();
    return [
      {
        name: `consolidation: consolidated .xlsx export of ${label} rows (rows/s; baseline: the same rows as CSV, first 200k)`,
        value: round(xlsxRate, 0),
        unit: 'rows/s',
        baseline: round(csvRate, 0),
        ratio: round(xlsxRate / csvRate, 3),
        goal: 'informational',
      },
      {
        name: `consolidation: peak RSS during the ${label}-row .xlsx export (MB; baseline: CSV export of the first 200k)`,
        value: round(xlsx.peakMb, 0),
        unit: 'MB',
        baseline: round(csv.peakMb, 0),
        ratio: round(xlsx.peakMb / csv.peakMb, 3),
        goal: '< 300 MB',
      },
    ];
  } finally {
    await db.close();
    removeBenchDb();
  }
}
