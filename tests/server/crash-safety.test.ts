/**
 * Crash safety: the real server (server/main.ts, transpiled once with esbuild into a temp dir) runs
 * in a child process over a real SQLite file; a client pushes 50 batches; the server is killed
 * with SIGKILL at random moments (before, during or after a batch's transaction) and restarted,
 * and the client retries the batch in flight with the same request id. Afterwards:
 *   - every acknowledged row is in the database with its acknowledged version and values;
 *   - every batch is applied exactly once and whole (no batch half-applied, none twice);
 *   - a retried batch that had been answered before the kill gets the same answer again;
 *   - the database passes SQLite's integrity check.
 */
import { spawnServer, type ChildServer } from '../../bench/child-server';
import { randomUUID } from 'crypto';
import { readdirSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import { build } from 'esbuild';
import { SqliteDatabase } from '../../server/db/sqlite';
import { createRng, fabricateLedgerValues, mulberry32 } from '../../server/seed/fabricate';
import { describeSqliteOnly } from './helpers';
import { makeTestDir } from '../temp-dirs';

const ROOT = resolve(__dirname, '..', '..');
const VILLAGE = '532301101201';
const BATCHES = 50;
const NEW_PER_BATCH = 60;
const EDITS_PER_BATCH = 10;
const KILLS = 5;
const SEED = Number(process.env.CRASH_SEED ?? 20261129);

type Values = Record<string, unknown>;

type Running = ChildServer;

function sourceFiles(folder: string): string[] {
  return (readdirSync(join(ROOT, folder), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(ROOT, folder, file));
}

function compact(values: Values): Values {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)),
  );
}

describeSqliteOnly('kills a server and checks the SQLite file and its WAL afterwards; PostgreSQL does its own crash recovery')('crash safety (SIGKILL during sync, restart, retry)', () => {
  let dir: string;
  let outdir: string;
  let running: Running | undefined;

  beforeAll(async () => {
    dir = makeTestDir('crash').dir;
    outdir = join(dir, 'build');
    await build({
      entryPoints: [...sourceFiles('server'), ...sourceFiles('ledger')],
      outdir,
      outbase: ROOT,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      bundle: false,
      logLevel: 'error',
    });
  });

  afterAll(async () => {
    if (running && running.proc.exitCode === null) {
      running.proc.kill('SIGKILL');
      await running.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function start(dbFile: string): Promise<Running> {
    return spawnServer([join(outdir, 'server', 'main.js')], { LEDGER_DB: dbFile, NODE_PATH: join(ROOT, 'node_modules'), NODE_ENV: 'test' }, { timeoutMs: 30_000 });
  }

  async function post(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any; replayed: boolean }> {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') === 'true' };
  }

  it('keeps every acknowledged row and applies every batch exactly once', async () => {
    const dbFile = join(dir, 'ledger.sqlite');
    const rng = mulberry32(SEED);
    const people = createRng(SEED + 1);
    const killAt = new Set<number>();
    while (killAt.size < KILLS) killAt.add(1 + Math.floor(rng() * (BATCHES - 2)));

    const started = Date.now();
    running = await start(dbFile);
    const login = await post(running.url, '/api/v1/auth/login', { username: 'demo-village', password: 'demo1234' });
    expect(login.status).toBe(200);
    const token: string = login.body.token;

    /** The client's view: what the server acknowledged (rowId → version and whole values). */
    const acked = new Map<string, { version: number; values: Values }>();
    const batchSizes = new Map<string, number>();
    let killedMidFlight = 0;
    let answeredBeforeKill = 0;
    let committedBeforeKill = 0;

    for (let i = 0; i < BATCHES; i++) {
      const requestId = `crash-${SEED}-${i}-${randomUUID()}`;
      const local = new Map<string, Values>();
      const changes: { rowId: string; baseVersion: number; values: Values }[] = [];
      for (let n = 0; n < NEW_PER_BATCH; n++) {
        const values = fabricateLedgerValues(people, { region: '532301' }) as Values;
        delete values.seq;
        const rowId = randomUUID();
        local.set(rowId, values);
        changes.push({ rowId, baseVersion: 0, values });
      }
      const ids = [...acked.keys()];
      for (let n = 0; n < EDITS_PER_BATCH && ids.length > 0; n++) {
        const rowId = ids[Math.floor(rng() * ids.length)];
        if (local.has(rowId)) continue;
        const row = acked.get(rowId)!;
        const notes = `第${i}批修改`;
        local.set(rowId, { ...row.values, notes });
        changes.push({ rowId, baseVersion: row.version, values: { notes } });
      }
      batchSizes.set(requestId, changes.length);
      const body = { clientId: 'crash-client', requestId, cursor: 0, pullLimit: 1, changes };

      let answer: { status: number; body: any; replayed: boolean } | null;
      if (killAt.has(i)) {
        const inFlight = post(running.url, `/api/v1/ledgers/${VILLAGE}/sync`, body, token).catch(() => null);
        await new Promise((r) => setTimeout(r, Math.floor(rng() * 80)));
        running.proc.kill('SIGKILL');
        await running.exited;
        const before = await inFlight;
        const restart = Date.now();
        running = await start(dbFile);
        if (process.env.CRASH_DEBUG) process.stderr.write(`restart ${Date.now() - restart} ms\n`);
        answer = await post(running.url, `/api/v1/ledgers/${VILLAGE}/sync`, body, token);
        if (before && before.status === 200) {
          answeredBeforeKill++;
          expect(answer.body).toEqual(before.body); // the stored first answer
        } else {
          killedMidFlight++;
          // committed before the kill (answer lost) → the stored answer; else applied now
          if (answer.replayed) committedBeforeKill++;
        }
      } else {
        answer = await post(running.url, `/api/v1/ledgers/${VILLAGE}/sync`, body, token);
      }
      expect(answer.status).toBe(200);
      expect(answer.body.conflicts).toEqual([]);
      expect(answer.body.applied).toHaveLength(changes.length);
      for (const applied of answer.body.applied as { rowId: string; version: number }[]) {
        acked.set(applied.rowId, { version: applied.version, values: local.get(applied.rowId)! });
      }
    }
    expect(killedMidFlight + answeredBeforeKill).toBe(KILLS);
    if (process.env.CRASH_DEBUG) process.stderr.write(`kills: ${killedMidFlight} in flight (${committedBeforeKill} of them committed before the kill), ${answeredBeforeKill} after the answer; ${acked.size} rows; ${Date.now() - started} ms\n`);

    running.proc.kill('SIGKILL');
    await running.exited;

    const db = await SqliteDatabase.open(dbFile);
    try {
      expect(await db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      const rows = await db.all<{ row_id: string; version: number; values_json: string }>(
        `SELECT r.row_id, r.version, v.values_json FROM ledger_rows r
         JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version
         WHERE r.village_code = ?`,
        [VILLAGE],
      );
      const stored = new Map(rows.map((row) => [row.row_id, row]));
      const lost: string[] = [];
      const wrong: string[] = [];
      for (const [rowId, ack] of acked) {
        const row = stored.get(rowId);
        if (!row) lost.push(rowId);
        else if (row.version !== ack.version || JSON.stringify(compact(JSON.parse(row.values_json))) !== JSON.stringify(compact(ack.values))) {
          // key order may differ: compare as sorted entries
          const a = Object.entries(compact(JSON.parse(row.values_json))).sort();
          const b = Object.entries(compact(ack.values)).sort();
          if (row.version !== ack.version || JSON.stringify(a) !== JSON.stringify(b)) wrong.push(rowId);
        }
      }
      expect({ lost: lost.length, wrong: wrong.length }).toEqual({ lost: 0, wrong: 0 });

      // every batch whole and exactly once
      const perRequest = await db.all<{ request_id: string; n: number }>(
        "SELECT request_id, COUNT(*) AS n FROM ledger_row_versions WHERE client_id = 'crash-client' GROUP BY request_id",
      );
      expect(perRequest).toHaveLength(BATCHES);
      for (const { request_id, n } of perRequest) expect({ request_id, n }).toEqual({ request_id, n: batchSizes.get(request_id) });
      const answers = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_sync_requests WHERE client_id = 'crash-client'");
      expect(answers!.n).toBe(BATCHES);
      // the change sequence has no gaps or repeats across the crashes
      const seq = await db.get<{ n: number; lo: number; hi: number; distinct_n: number }>(
        'SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi, COUNT(DISTINCT seq) AS distinct_n FROM ledger_row_versions WHERE village_code = ?',
        [VILLAGE],
      );
      expect(seq!.distinct_n).toBe(seq!.n);
      expect(seq!.hi - seq!.lo + 1).toBe(seq!.n);
    } finally {
      await db.close();
    }
  }, 120_000);
});
