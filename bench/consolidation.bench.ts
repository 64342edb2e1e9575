/**
 * Consolidation benchmark over a county of 1,000,000 ledger rows (150 villages in 15 townships,
 * found over 24 months, a third closed), generated into a bench database through the real
 * migrations (so migration 010's trigger pre-aggregates as in production):
 *
 *   1. County summary (GET /reports/summary's service: rows by five dimensions, leads, submissions,
 *      duplicates, drill-down by township) against the raw SQL GROUP BY over the same ledger tables
 *      in the same process — the cheapest query that counts rows by 办理状态 per village (one of the
 *      summary's five breakdowns). Goal: ≤ 1.5× and < 300 ms.
 *   2. Consolidated workbook of the 1,000,000 rows (streamed .xlsx, to a sink that discards the bytes):
 *      rows/s and the process's peak RSS, sampled while it runs. Goal: peak RSS < 300 MB. Baseline:
 *      the same rows as CSV (same reader, no xlsx), rows/s on the first 200,000.
 *
 * Rows are fabricated (server/seed/fabricate.ts, seeded): valid-checksum IDs belonging to nobody.
 * The database is removed at the end.
 */
import { randomUUID } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Writable } from 'stream';
import { SqliteDatabase } from '../server/db/sqlite';
import { migrate } from '../server/db/migrate';
import { TRIGGER_SQL } from '../server/db/migrations/011_reports_township';
import { rowFacts } from '../ledger/reports/facts';
import type { LedgerValues } from '../ledger/types';
import { writeConsolidatedCsv, writeConsolidatedXlsx, type ExportPlan } from '../server/exports/consolidated';
import { summariesByLevel, unitSummary } from '../server/reports/service';
import { reportStoreOf } from '../server/reports/store';
import { createRng, fabricateLedgerValues, randomInt } from '../server/seed/fabricate';
import { collectGarbage, nowMs, perSecond, round, timeAsync, type BenchResult } from './harness';

export const BENCH_ROWS = Number(process.env.CONSOLIDATION_BENCH_ROWS ?? 1_000_000);
const COUNTY = '532301';
const TOWNSHIPS = 15;
const VILLAGES_PER_TOWNSHIP = 10;
const NOW = new Date('2026-11-20T04:00:00Z');
const CHUNK = 5_000;
/** Distinct fabricated rows reused with new ids and dates (fabricating 1M rows would dominate the run). */
const TEMPLATES = 1_000;
/** The CSV baseline's rate is taken on the first 200,000 rows (the suite's 10-minute budget). */
const CSV_BASELINE_ROWS = 200_000;

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

async function generate(db: SqliteDatabase, rows: number): Promise<void> {
  const units: Array<[string, string, string, string | null]> = [['5323', '楚雄彝族自治州', 'prefecture', null], [COUNTY, '楚雄市', 'county', '5323']];
  const villages: string[] = [];
  for (let t = 1; t <= TOWNSHIPS; t++) {
    const township = `${COUNTY}${String(100 + t)}`;
    units.push([township, `基准镇${t}`, 'township', COUNTY]);
    for (let v = 1; v <= VILLAGES_PER_TOWNSHIP; v++) {
      const village = `${township}${String(200 + v)}`;
      units.push([village, `基准村${t}-${v}`, 'village', township]);
      villages.push(village);
    }
  }
  await db.transaction(async (tx) => {
    for (const [code, name, level, parent] of units) {
      await tx.run('INSERT INTO units (code, name, level, parent_code, invented) VALUES (?, ?, ?, ?, 1)', [code, name, level, parent]);
    }
  });

  // Bulk load: the pre-aggregation trigger is dropped while the rows go in, and the facts and counts
  // are computed here with the ledger core's rowFacts (the rule the trigger mirrors; the two are
  // proven equal in tests/server/reports.test.ts), then the trigger is put back. The per-write cost
  // of the trigger is in the ingest bench. The open-ID tables get the duplicated ID numbers only:
  // the duplicate query reads them through a partial index (villages > 1), whatever else they hold.
  await db.exec('DROP TRIGGER ledger_facts_follow_versions');
  const started = nowMs();
  const rng = createRng('consolidation-bench');
  const templates = Array.from({ length: TEMPLATES }, () => fabricateLedgerValues(rng, { region: COUNTY, today: '2026-11-15', maxAgeDays: 30 }));
  const start = Date.parse('2024-12-01T00:00:00Z') / 86_400_000;
  const span = Date.parse('2026-11-15T00:00:00Z') / 86_400_000 - start;
  const seqByVillage = new Map<string, number>();
  const villageCounts = new Map<string, [number, number]>();
  const townshipCounts = new Map<string, [number, number]>();
  const openIds = new Map<string, string[]>();
  const bump = (table: Map<string, [number, number]>, key: string, which: 0 | 1) => {
    const entry = table.get(key) ?? [0, 0];
    entry[which]++;
    table.set(key, entry);
  };
  for (let offset = 0; offset < rows; offset += CHUNK) {
    const payload: unknown[] = [];
    const facts: unknown[] = [];
    for (let i = offset; i < Math.min(rows, offset + CHUNK); i++) {
      const village = villages[i % villages.length];
      const seq = (seqByVillage.get(village) ?? 0) + 1;
      seqByVillage.set(village, seq);
      const found = start + randomInt(rng, 0, span);
      const values = { ...templates[i % TEMPLATES] } as Record<string, unknown>;
      values.foundOn = isoDate(found);
      values.idNumber = `${COUNTY}${String(19_400_101_000 + i).padStart(12, '0')}`; // unique, not a real person
      if (i % 3 === 0) {
        values.status = '已办结';
        values.closedOn = isoDate(found + randomInt(rng, 5, 120));
      } else if (values.status === '已办结') {
        values.status = '办理中';
        values.closedOn = null;
      }
      if (i % 1000 === 999) values.idNumber = `${COUNTY}${String(19_400_101_000 + i - 1).padStart(12, '0')}`; // the same person in the next village
      const rowId = randomUUID();
      payload.push({ v: village, r: rowId, s: seq, x: values, i: values.idNumber, t: values.status });
      const f = rowFacts(values as LedgerValues);
      facts.push({ v: village, r: rowId, fm: f.foundMonth, cm: f.closedMonth, d: JSON.stringify(f.dims), i: values.idNumber, o: values.status === '已办结' ? 0 : 1 });
      if (f.foundMonth !== '') {
        for (const [dimension, value] of f.dims) {
          for (const [table, code] of [[villageCounts, village], [townshipCounts, village.slice(0, 9)]] as const) {
            bump(table, `${code}|${dimension}|${value}|${f.foundMonth}`, 0);
            if (f.closedMonth !== '') bump(table, `${code}|${dimension}|${value}|${f.closedMonth}`, 1);
          }
        }
      }
      if (values.status !== '已办结') {
        const id = String(values.idNumber);
        openIds.set(id, [...(openIds.get(id) ?? []), village]);
      }
    }
    await db.transaction(async (tx) => {
      const json = JSON.stringify(payload);
      await tx.run(
        `INSERT INTO ledger_row_versions (village_code, row_id, version, seq, deleted, values_json, changed_json, merged, at)
         SELECT j.value ->> 'v', j.value ->> 'r', 1, j.value ->> 's', 0, j.value -> 'x', '[]', 0, '2026-11-15T00:00:00Z' FROM json_each(?) AS j`,
        [json],
      );
      await tx.run(
        `INSERT INTO ledger_rows (village_code, row_id, version, seq, deleted, id_number, status, created_at, updated_at)
         SELECT j.value ->> 'v', j.value ->> 'r', 1, j.value ->> 's', 0, j.value ->> 'i', j.value ->> 't', '2026-11-15T00:00:00Z', '2026-11-15T00:00:00Z'
           FROM json_each(?) AS j`,
        [json],
      );
      await tx.run(
        `INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
         SELECT j.value ->> 'v', j.value ->> 'r', j.value ->> 'fm', j.value ->> 'cm', j.value ->> 'd', j.value ->> 'i', j.value ->> 'o' FROM json_each(?) AS j`,
        [JSON.stringify(facts)],
      );
    });
  }
  await db.transaction(async (tx) => {
    for (const [table, counts] of [['ledger_month_counts', villageCounts], ['ledger_month_counts_township', townshipCounts]] as const) {
      const entries = [...counts.entries()].map(([key, [found, closed]]) => [...key.split('|'), found, closed]);
      for (let i = 0; i < entries.length; i += 20_000) {
        await tx.run(
          `INSERT INTO ${table} (unit_code, dimension, value, month, found, closed)
           SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5 FROM json_each(?) AS j`,
          [JSON.stringify(entries.slice(i, i + 20_000))],
        );
      }
    }
    for (const [id, villagesOpen] of openIds) {
      if (new Set(villagesOpen).size < 2) continue;
      for (const village of new Set(villagesOpen)) await tx.run('INSERT INTO ledger_open_ids (id_number, village_code, n) VALUES (?, ?, 1)', [id, village]);
    }
  });
  if (process.env.CONSOLIDATION_BENCH_VERBOSE) console.log(`  load ${Math.round(nowMs() - started)} ms`);
  await db.exec(TRIGGER_SQL);
  await db.exec('ANALYZE');
}

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
  const dir = mkdtempSync(join(tmpdir(), 'consolidation-bench-'));
  const db = await SqliteDatabase.open(join(dir, 'bench.sqlite'));
  try {
    await migrate(db);
    const genStart = nowMs();
    await generate(db, BENCH_ROWS);
    const genMs = nowMs() - genStart;
    const store = reportStoreOf(db);
    const county = (await store.unit(COUNTY))!;
    const window = { from: '2026-10', to: '2026-10' };
    const label = BENCH_ROWS >= 1_000_000 ? `${BENCH_ROWS / 1_000_000}M` : `${BENCH_ROWS / 1000}k`;

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

    const plan: ExportPlan = { unit: county, window, levels: await summariesByLevel(store, county, window, NOW), maskPersonal: true };
    const csv = await withPeakRss(() => writeConsolidatedCsv(sink(), store, plan, CSV_BASELINE_ROWS));
    const xlsx = await withPeakRss(() => writeConsolidatedXlsx(sink(), store, plan));
    if (xlsx.result !== BENCH_ROWS || csv.result !== Math.min(BENCH_ROWS, CSV_BASELINE_ROWS)) throw new Error(`exported ${xlsx.result}/${csv.result} rows`);
    const xlsxRate = perSecond(xlsx.result, xlsx.ms);
    const csvRate = perSecond(csv.result, csv.ms);

    return [
      {
        name: `consolidation: county summary over ${label} ledger rows (ms) vs raw SQL GROUP BY 办理状态 per village`,
        value: round(summary.ms, 1),
        unit: 'ms',
        baseline: round(raw.ms, 1),
        ratio: round(summary.ms / raw.ms, 3),
        goal: 'ratio ≤ 1.5 and < 300 ms',
      },
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
      {
        name: `consolidation: generating the ${label}-row bench database (rows/s: bulk insert, then facts and counts set-wise)`,
        value: round(perSecond(BENCH_ROWS, genMs), 0),
        unit: 'rows/s',
        baseline: null,
        ratio: null,
        goal: 'informational',
      },
    ];
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
