/**
 * County summary over 1,000,000 ledger rows (bench/consolidation-data.ts) — GET /reports/summary's
 * service: rows by five dimensions, leads, submissions, duplicates, drill-down by township — against
 * the raw SQL GROUP BY over the same ledger tables in the same process (the cheapest query that
 * counts rows by 办理状态 per village, one of the summary's five breakdowns). Goal: ≤ 1.5× and < 300 ms.
 * Generates the shared bench database (the export bench reuses and removes it).
 */
import { reportStoreOf } from '../server/reports/store';
import { unitSummary } from '../server/reports/service';
import { BENCH_ROWS, COUNTY, NOW, openBenchDb, rowsLabel } from './consolidation-data';
import { perSecond, round, timeAsync, type BenchResult } from './harness';

export async function run(): Promise<BenchResult[]> {
  const { db, generatedMs } = await openBenchDb();
  try {
    const store = reportStoreOf(db);
    const county = (await store.unit(COUNTY))!;
    const window = { from: '2026-10', to: '2026-10' };
    const summary = await timeAsync(() => unitSummary(store, county, window, NOW), { warmup: 1, repeats: 7 });
    const raw = await timeAsync(
      () =>
        db.all(
          `SELECT village_code, status, COUNT(*) AS n FROM ledger_rows
            WHERE village_code >= ? AND village_code < ? AND deleted = 0 GROUP BY village_code, status`,
          [COUNTY, `${COUNTY}:`],
        ),
      { warmup: 1, repeats: 7 },
    );
    if (summary.result.figures.rows.total === 0) throw new Error('the summary counted no rows');
    const label = rowsLabel();
    const results: BenchResult[] = [
      {
        name: `consolidation: county summary over ${label} ledger rows (ms) vs raw SQL GROUP BY 办理状态 per village`,
        value: round(summary.ms, 1),
        unit: 'ms',
        baseline: round(raw.ms, 1),
        ratio: round(summary.ms / raw.ms, 3),
        goal: 'ratio ≤ 1.5 and < 300 ms',
      },
    ];
    if (generatedMs !== null) {
      results.push({
        name: `consolidation: generating the ${label}-row bench database (rows/s: bulk insert, facts and counts by rowFacts)`,
        value: round(perSecond(BENCH_ROWS, generatedMs), 0),
        unit: 'rows/s',
        baseline: null,
        ratio: null,
        goal: 'informational',
      });
    }
    return results;
  } finally {
    await db.close();
  }
}
