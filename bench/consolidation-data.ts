/**
 * The consolidation benches' data (bench/consolidation-1-summary.bench.ts, consolidation-2-export.bench.ts):
 * a county of 1,000,000 ledger rows (150 villages in 15 townships,
 * found over 24 months, a third closed), generated into a bench database through the real
 * migrations, its summaries' facts and counts written as the sync writer writes them:
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
import { existsSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SqliteDatabase } from '../server/db/sqlite';
import { migrate } from '../server/db/migrate';
import { CountDeltas, factsRecord } from '../server/reports/pre-aggregation';
import { countWrites } from '../server/reports/facts-store';
import { settleAll } from '../server/db/database';
import type { LedgerValues } from '../ledger/types';
import { createRng, fabricateLedgerValues, randomInt } from '../server/seed/fabricate';
import { nowMs } from './harness';

export const BENCH_ROWS = Number(process.env.CONSOLIDATION_BENCH_ROWS ?? 1_000_000);
export const COUNTY = '532301';
const TOWNSHIPS = 15;
const VILLAGES_PER_TOWNSHIP = 10;
export const NOW = new Date('2026-11-20T04:00:00Z');
const CHUNK = 5_000;
/** Distinct fabricated rows reused with new ids and dates (fabricating 1M rows would dominate the run). */
const TEMPLATES = 1_000;
/** The CSV baseline's rate is taken on the first 200,000 rows (the suite's 10-minute budget). */
export const CSV_BASELINE_ROWS = 200_000;

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

async function generate(db: SqliteDatabase, rows: number): Promise<void> {
  // a bench database: no fsync while loading (what is measured afterwards only reads)
  // and a large page cache while loading (set back to the default before anything is measured)
  await db.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
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

  // Bulk load: the rows, their facts and the counts are written as the sync writer writes them
  // (server/reports/pre-aggregation.ts: facts by the ledger core's rowFacts), the counts summed over
  // the whole load and written once at the end. The open-ID table gets the duplicated ID numbers
  // only: the duplicate query reads it through a partial index (villages > 1), whatever else it holds.
  const started = nowMs();
  const rng = createRng('consolidation-bench');
  const templates = Array.from({ length: TEMPLATES }, () => fabricateLedgerValues(rng, { region: COUNTY, today: '2026-11-15', maxAgeDays: 30 }));
  const start = Date.parse('2024-12-01T00:00:00Z') / 86_400_000;
  const span = Date.parse('2026-11-15T00:00:00Z') / 86_400_000 - start;
  const seqByVillage = new Map<string, number>();
  const perVillage = Math.ceil(rows / villages.length);
  const deltas = new CountDeltas();
  for (let offset = 0; offset < rows; offset += CHUNK) {
    const payload: unknown[] = [];
    const facts: unknown[] = [];
    for (let i = offset; i < Math.min(rows, offset + CHUNK); i++) {
      // village by village, row ids ascending: inserts append to the B-trees instead of landing at random
      const village = villages[Math.min(villages.length - 1, Math.floor(i / perVillage))];
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
      if (i % 1000 === 999 && i >= perVillage) values.idNumber = `${COUNTY}${String(19_400_101_000 + i - perVillage).padStart(12, '0')}`; // the same person open in the previous village
      const rowId = `${i.toString(16).padStart(8, '0')}-${randomUUID().slice(9)}`;
      payload.push({ v: village, r: rowId, s: seq, x: values, i: values.idNumber, t: values.status });
      const record = factsRecord(rowId, values as LedgerValues);
      facts.push({ ...record, v: village });
      deltas.add(village, record);
    }
    await db.transaction(async (tx) => {
      const json = JSON.stringify(payload);
      await tx.run(
        `INSERT INTO ledger_row_versions (village_code, row_id, version, seq, deleted, values_json, changed_json, merged, at)
         SELECT j.value ->> 'v', j.value ->> 'r', 1, j.value ->> 's', 0, j.value -> 'x', '[]', 0, '2026-11-15T00:00:00Z' FROM jsonb_each(?) AS j`,
        [json],
      );
      await tx.run(
        `INSERT INTO ledger_rows (village_code, row_id, version, seq, deleted, id_number, status, created_at, updated_at)
         SELECT j.value ->> 'v', j.value ->> 'r', 1, j.value ->> 's', 0, j.value ->> 'i', j.value ->> 't', '2026-11-15T00:00:00Z', '2026-11-15T00:00:00Z'
           FROM jsonb_each(?) AS j`,
        [json],
      );
      await tx.run(
        `INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
         SELECT j.value ->> 'v', j.value ->> 'r', j.value ->> 'fm', j.value ->> 'cm', j.value -> 'd', j.value ->> 'i', j.value ->> 'o' FROM jsonb_each(?) AS j`,
        [JSON.stringify(facts)],
      );
    });
  }
  await db.transaction(async (tx) => {
    const openInVillages = new Map<string, number>();
    for (const [id] of deltas.openIdRows()) openInVillages.set(id, (openInVillages.get(id) ?? 0) + 1);
    await settleAll(countWrites(tx, deltas, (rows) => rows.filter(([id]) => (openInVillages.get(id) ?? 0) > 1)));
  });
  if (process.env.CONSOLIDATION_BENCH_VERBOSE) console.log(`  load ${Math.round(nowMs() - started)} ms`);
  await db.exec('ANALYZE');
  await db.exec('PRAGMA cache_size = -2000; PRAGMA synchronous = FULL');
}


/** Where the two benches share the generated database (the export bench removes it). */
export function benchDbPath(rows = BENCH_ROWS): string {
  return join(tmpdir(), `consolidation-bench-${rows}-v1.sqlite`);
}

export function removeBenchDb(rows = BENCH_ROWS): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${benchDbPath(rows)}${suffix}`, { force: true });
}

/** Opens the bench database, generating it first when it is not there (or was left half-made). */
export async function openBenchDb(rows = BENCH_ROWS): Promise<{ db: SqliteDatabase; generatedMs: number | null }> {
  const file = benchDbPath(rows);
  if (existsSync(file)) {
    const db = await SqliteDatabase.open(file);
    const done = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'bench_complete'");
    if (done?.n === 1) {
      // a database generated before a later migration (e.g. an index) gets it, as production would
      await migrate(db);
      return { db, generatedMs: null };
    }
    await db.close();
    removeBenchDb(rows);
  }
  const db = await SqliteDatabase.open(file);
  await migrate(db);
  const started = nowMs();
  await generate(db, rows);
  await db.exec('CREATE TABLE bench_complete (rows INTEGER)');
  return { db, generatedMs: nowMs() - started };
}

export const rowsLabel = (rows = BENCH_ROWS) => (rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1000}k`);

// `node dist/bench/consolidation-data.js`: generate the shared database ahead of `npm run bench`, so
// the suite's 10-minute budget goes to the measurements on a busy machine.
if (require.main === module) {
  void openBenchDb().then(async ({ db, generatedMs }) => {
    await db.close();
    console.log(generatedMs === null ? `already there: ${benchDbPath()}` : `generated ${BENCH_ROWS} rows in ${Math.round(generatedMs / 1000)} s: ${benchDbPath()}`);
  });
}
