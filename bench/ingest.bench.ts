/**
 * Ingest benchmark: a 10k-row first push of a village ledger through the sync service (the same
 * code the POST /sync route runs after zod: merge decisions, re-validation of every row with the
 * ledger core, bulk writes of current rows + version history, leads hook, pull page, stored answer,
 * audit — one transaction), against raw `sqlite3` prepared inserts of the same rows into a table
 * of the same shape, in one transaction, in the same process, on the same kind of database file
 * (WAL, synchronous=FULL). Goal: ≤ 3×.
 *
 * Rows are fabricated (server/seed/fabricate.ts, seeded): valid-checksum IDs belonging to nobody.
 */
import { randomUUID } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import sqlite3 from 'sqlite3';
import type { SyncRequest } from '../ledger/api/sync';
import type { AuditLog } from '../server/app-deps';
import { SqlAuditLog } from '../server/audit/audit-log';
import { migrate } from '../server/db/migrate';
import { SqliteDatabase } from '../server/db/sqlite';
import { createSqliteLedgerStore } from '../server/ledger/sqlite-store';
import { syncLedger } from '../server/ledger/sync';
import { createRng, fabricateLedgerValues } from '../server/seed/fabricate';
import { runWhenMain, collectGarbage, median, nowMs, round, type BenchResult } from './harness';

export const INGEST_ROWS = 10_000;
const REPEATS = 5;
const VILLAGE = '532301101201';
const NOW = new Date('2026-11-20T02:00:00Z');

export function fabricatePush(rows = INGEST_ROWS, seed = 20261120): SyncRequest {
  const rng = createRng(seed);
  const changes: SyncRequest['changes'] = [];
  for (let i = 0; i < rows; i++) {
    const values = fabricateLedgerValues(rng, { region: '532301', today: '2026-11-20' }) as Record<string, never>;
    delete (values as Record<string, unknown>).seq;
    changes.push({ rowId: randomUUID(), baseVersion: 0, values });
  }
  return { clientId: 'bench', requestId: randomUUID(), changes };
}

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/** Raw sqlite3: one prepared INSERT reused for every row, inside BEGIN … COMMIT. */
async function rawInsert(file: string, push: SyncRequest): Promise<number> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(handle)));
  });
  await exec(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON');
  await exec(
    db,
    `CREATE TABLE rows_raw (
       village_code TEXT NOT NULL, row_id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL,
       deleted INTEGER NOT NULL DEFAULT 0, values_json TEXT NOT NULL, id_number TEXT, lead_no TEXT, status TEXT,
       errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, findings_json TEXT,
       created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT,
       PRIMARY KEY (village_code, row_id));
     CREATE UNIQUE INDEX rows_raw_seq ON rows_raw (village_code, seq);`,
  );
  const at = NOW.toISOString();
  const start = nowMs();
  await exec(db, 'BEGIN IMMEDIATE');
  const stmt = db.prepare(
    `INSERT INTO rows_raw (village_code, row_id, version, seq, deleted, values_json, id_number, lead_no, status, errors, warnings,
                           findings_json, created_at, updated_at, updated_by)
     VALUES (?, ?, 1, ?, 0, ?, ?, ?, ?, 0, 0, NULL, ?, ?, 'bench')`,
  );
  await new Promise<void>((resolve, reject) => {
    let pending = push.changes.length;
    push.changes.forEach((change, i) => {
      const values = change.values as Record<string, unknown>;
      stmt.run(
        [VILLAGE, change.rowId, i + 1, JSON.stringify(values), values.idNumber ?? null, values.leadNo ?? null, values.status ?? null, at, at],
        (err: Error | null) => {
          if (err) reject(err);
          else if (--pending === 0) resolve();
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => stmt.finalize((err) => (err ? reject(err) : resolve())));
  await exec(db, 'COMMIT');
  const ms = nowMs() - start;
  await new Promise<void>((resolve) => db.close(() => resolve()));
  return ms;
}

/** The sync service on a fresh, migrated database. */
async function serviceInsert(file: string, push: SyncRequest): Promise<{ ms: number; applied: number; stored: number }> {
  const db = await SqliteDatabase.open(file);
  await migrate(db, undefined, () => NOW);
  const audit: AuditLog = new SqlAuditLog(db, () => NOW);
  const store = createSqliteLedgerStore(db);
  const start = nowMs();
  const outcome = await syncLedger({ store, audit, now: () => NOW }, VILLAGE, push, { user: null, httpRequestId: 'bench' });
  const ms = nowMs() - start;
  const stored = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_row_versions WHERE village_code = ?', [VILLAGE]);
  await db.close();
  return { ms, applied: outcome.response.applied.length, stored: stored?.n ?? 0 };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-ingest-bench-'));
  try {
    const push = fabricatePush();
    // warm-up (JIT, validation tables) on a small push
    await serviceInsert(join(dir, 'warm.sqlite'), { ...push, changes: push.changes.slice(0, 500) });
    await rawInsert(join(dir, 'warm-raw.sqlite'), { ...push, changes: push.changes.slice(0, 500) });
    const ours: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      collectGarbage();
      const r = await rawInsert(join(dir, `raw-${i}.sqlite`), push);
      collectGarbage();
      const s = await serviceInsert(join(dir, `sync-${i}.sqlite`), { ...push, requestId: randomUUID() });
      if (s.applied !== push.changes.length || s.stored !== push.changes.length) {
        throw new Error(`ingest lost rows: applied ${s.applied}, stored ${s.stored} of ${push.changes.length}`);
      }
      raw.push(r);
      ours.push(s.ms);
    }
    const oursMs = median(ours);
    const rawMs = median(raw);
    return [
      {
        name: `ledger ingest: ${INGEST_ROWS / 1000}k-row push through the sync service vs raw sqlite3 prepared inserts`,
        value: round(oursMs, 1),
        unit: 'ms',
        baseline: round(rawMs, 1),
        ratio: round(oursMs / rawMs, 2),
        goal: 'ratio ≤ 3',
      },
      {
        name: `ledger ingest: ${INGEST_ROWS / 1000}k-row push throughput`,
        value: Math.round(INGEST_ROWS / (oursMs / 1000)),
        unit: 'rows/s',
        baseline: Math.round(INGEST_ROWS / (rawMs / 1000)),
        ratio: null,
        goal: 'informational',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(module, run);
