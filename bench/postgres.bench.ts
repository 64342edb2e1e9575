/**
 * The two storage engines side by side (issue 13), each figure a ratio to the raw insert of the
 * same rows on the same engine, in the same process:
 * - 10k-row ingest: a first push of 10 000 rows through the sync service (the POST /sync code after
 *   zod) vs raw inserts of the rows into a table of the same shape in one transaction: 500-row
 *   INSERTs on both engines, the fastest plain way on each. That baseline is several times faster
 *   than the one-prepared-statement-per-row baseline of bench/ingest.bench.ts, whose ratio ≤ 3 goal
 *   therefore is not restated here: these ratios compare the engines with each other.
 * - 100-village burst: 100 villages push 100 new rows each at once through the sync service vs the
 *   raw insert of the 10 000 rows.
 * - PostgreSQL, two connection pools against one database (what two instances give the database:
 *   twice the connections; both in this one process, so the ledger core's validation still shares
 *   one CPU thread) vs one pool, on the same burst.
 * PostgreSQL runs in a throwaway cluster (Debian package postgresql; fsync on, default settings)
 * started and removed by this bench.
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { SyncRequest } from '../ledger/api/sync';
import { SqlAuditLog } from '../server/audit/audit-log';
import type { SqlDatabase } from '../server/db/database';
import { migrate } from '../server/db/migrate';
import { PostgresDatabase } from '../server/db/postgres';
import { SqliteDatabase } from '../server/db/sqlite';
import { createSqliteLedgerStore } from '../server/ledger/sqlite-store';
import { syncLedger } from '../server/ledger/sync';
import { collectGarbage, median, nowMs, round, runWhenMain, type BenchResult } from './harness';
import { fabricatePush } from './ingest.bench';

const ROWS = 10_000;
const VILLAGES = 100;
// one round by default: the whole npm run bench shares a 10-minute budget (ENGINES_BENCH_REPEATS for medians)
const REPEATS = Number(process.env.ENGINES_BENCH_REPEATS) || 1;
const NOW = new Date('2026-11-20T02:00:00Z');
const villageCode = (i: number) => `5323011012${String(i).padStart(2, '0')}`;

interface Cluster {
  url: string;
  stop(): void;
}

/** A throwaway PostgreSQL cluster on a unix socket in a temp dir (as npm run test:pg starts one). */
function startCluster(): Cluster {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  const bin = process.env.PG_BIN ?? (version ? join(root, version, 'bin') : undefined);
  if (!bin) throw new Error('PostgreSQL server programs not found: install the Debian package postgresql (or set PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-pg-'));
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asUser.length > 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (program: string, args: string[]) => (asUser.length > 0 ? execFileSync(asUser[0], [...asUser.slice(1), join(bin, program), ...args]) : execFileSync(join(bin, program), args));
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'ledger', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -c listen_addresses='' -c max_connections=100`, 'start']);
  return {
    url: `postgres://ledger@localhost/postgres?host=${dir}`,
    stop() {
      try {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const RAW_TABLE = `(village_code TEXT NOT NULL, row_id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0, values_json TEXT NOT NULL, id_number TEXT, lead_no TEXT, status TEXT,
  errors INTEGER NOT NULL DEFAULT 0, warnings INTEGER NOT NULL DEFAULT 0, findings_json TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT, PRIMARY KEY (village_code, row_id))`;

function rawRows(pushes: ReadonlyArray<{ village: string; push: SyncRequest }>): unknown[][] {
  const at = NOW.toISOString();
  return pushes.flatMap(({ village, push }) =>
    push.changes.map((change, i) => {
      const values = change.values as Record<string, unknown>;
      return [village, change.rowId, i + 1, JSON.stringify(values), values.idNumber ?? null, values.leadNo ?? null, values.status ?? null, at, at];
    }),
  );
}

/** Raw insert on either engine through its own client: one transaction, the fastest plain way per engine. */
async function rawInsert(db: SqlDatabase, rows: unknown[][]): Promise<number> {
  const table = `rows_raw_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  await db.exec(`CREATE TABLE ${table} ${RAW_TABLE}`);
  const sql = (n: number) =>
    `INSERT INTO ${table} (village_code, row_id, version, seq, deleted, values_json, id_number, lead_no, status, errors, warnings, findings_json, created_at, updated_at, updated_by)
     VALUES ${Array.from({ length: n }, () => "(?, ?, 1, ?, 0, ?, ?, ?, ?, 0, 0, NULL, ?, ?, 'bench')").join(', ')}`;
  const per = 500; // multi-row INSERTs on both engines (9 parameters a row)
  const start = nowMs();
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await tx.run(sql(chunk.length), chunk.flat());
    }
  });
  return nowMs() - start;
}

async function serviceBurst(dbs: readonly SqlDatabase[], pushes: ReadonlyArray<{ village: string; push: SyncRequest }>): Promise<number> {
  const start = nowMs();
  await Promise.all(
    pushes.map(({ village, push }, i) => {
      const db = dbs[i % dbs.length];
      return syncLedger({ store: createSqliteLedgerStore(db), audit: new SqlAuditLog(db, () => NOW), now: () => NOW }, village, { ...push, requestId: randomUUID() }, { user: null, httpRequestId: 'bench' });
    }),
  );
  return nowMs() - start;
}

type Opener = (label: string) => Promise<SqlDatabase>;

async function measure(open: Opener, label: string, single: { village: string; push: SyncRequest }[], burst: { village: string; push: SyncRequest }[], pools = 1): Promise<{ ingest: number; burst: number; rawSingle: number; rawBurst: number }> {
  const ingest: number[] = [];
  const burstMs: number[] = [];
  const rawSingle: number[] = [];
  const rawBurst: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const dbs: SqlDatabase[] = [];
    for (let i = 0; i < pools; i++) dbs.push(await open(`${label}-${r}`));
    try {
      await migrate(dbs[0], undefined, () => NOW);
      collectGarbage();
      rawSingle.push(await rawInsert(dbs[0], rawRows(single)));
      collectGarbage();
      ingest.push(await serviceBurst(dbs.slice(0, 1), single));
      collectGarbage();
      rawBurst.push(await rawInsert(dbs[0], rawRows(burst)));
      collectGarbage();
      burstMs.push(await serviceBurst(dbs, burst));
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  }
  return { ingest: median(ingest), burst: median(burstMs), rawSingle: median(rawSingle), rawBurst: median(rawBurst) };
}

export async function run(): Promise<BenchResult[]> {
  const single = [{ village: villageCode(1), push: fabricatePush(ROWS) }];
  const burst = Array.from({ length: VILLAGES }, (_, i) => ({ village: villageCode(i + 1), push: fabricatePush(ROWS / VILLAGES, 1000 + i) }));
  const dir = mkdtempSync(join(tmpdir(), 'ledger-engines-bench-'));
  const cluster = startCluster();
  try {
    const sqlite: Opener = (label) => SqliteDatabase.open(join(dir, `${label}.sqlite`));
    const schemas = new Map<string, string>();
    const postgres: Opener = (label) => {
      const schema = schemas.get(label) ?? `b_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      schemas.set(label, schema);
      return PostgresDatabase.open(cluster.url, { schema, poolSize: 10 });
    };
    const lite = await measure(sqlite, 'sqlite', single, burst);
    const one = await measure(postgres, 'pg1', single, burst, 1);
    const two = await measure(postgres, 'pg2', single, burst, 2);
    const results: BenchResult[] = [];
    for (const [engine, m] of [
      ['SQLite', lite],
      ['PostgreSQL', one],
    ] as const) {
      results.push(
        { name: `engines: ${engine} 10k-row ingest through the sync service vs raw insert on ${engine}`, value: round(m.ingest, 1), unit: 'ms', baseline: round(m.rawSingle, 1), ratio: round(m.ingest / m.rawSingle, 2), goal: 'informational (the ≤ 3 goal is ledger ingest\'s, against one prepared INSERT per row)' },
        { name: `engines: ${engine} ${VILLAGES}-village burst (${ROWS / VILLAGES} rows each, at once) vs raw insert on ${engine}`, value: round(m.burst, 1), unit: 'ms', baseline: round(m.rawBurst, 1), ratio: round(m.burst / m.rawBurst, 2), goal: 'informational' },
      );
    }
    results.push({
      name: `engines: PostgreSQL ${VILLAGES}-village burst, two connection pools (two instances' worth, one process) vs one`,
      value: round(two.burst, 1),
      unit: 'ms',
      baseline: round(one.burst, 1),
      ratio: round(two.burst / one.burst, 2),
      goal: 'informational (< 1 = two instances help)',
    });
    return results;
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(module, run);
