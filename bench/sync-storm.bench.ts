/**
 * The sync storm at full size (bench/sync-storm.ts): 20 clients of one village ledger syncing
 * concurrently over loopback HTTP against the real server in a child process, with random edits,
 * deletes, re-creates, paging, lost answers and retries, and SIGKILLs of the server while requests
 * are in flight (7 by default) — then every protocol invariant is checked against what the server
 * acknowledged and against the SQLite file. Reported: changes, conflicts, kills, violations (goal 0).
 *
 * SYNC_STORM_CLIENTS / SYNC_STORM_ROUNDS / SYNC_STORM_KILLS change the size.
 */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { issueToken } from '../server/auth/tokens';
import type { SqlDatabase } from '../server/db/database';
import { migrate } from '../server/db/migrate';
import { SqliteDatabase } from '../server/db/sqlite';
import { upsertUnit } from '../server/units/store';
import { spawnServer, type ChildServer } from './child-server';
import { runWhenMain, nowMs, projectRoot, round, type BenchResult } from './harness';
import { runStorm } from './sync-storm';

const CLIENTS = Number(process.env.SYNC_STORM_CLIENTS ?? 20);
const ROUNDS = Number(process.env.SYNC_STORM_ROUNDS ?? 120);
const KILLS = Number(process.env.SYNC_STORM_KILLS ?? 7);
const VILLAGE = '532301101500';

async function prepare(file: string): Promise<string> {
  const db = await SqliteDatabase.open(file);
  try {
    await migrate(db);
    return await db.transaction(async (tx) => {
      await upsertUnit(tx, { code: '5323', name: '楚雄彝族自治州', level: 'prefecture', parentCode: null, invented: false });
      await upsertUnit(tx, { code: '532301', name: '楚雄市', level: 'county', parentCode: '5323', invented: false });
      await upsertUnit(tx, { code: '532301101', name: '鹿城镇', level: 'township', parentCode: '532301', invented: false });
      await upsertUnit(tx, { code: VILLAGE, name: '风暴村（虚构）', level: 'village', parentCode: '532301101', invented: true });
      const user = await tx.run(
        "INSERT INTO users (username, password_hash, role, unit_code, active, created_at) VALUES ('bench-storm', 'bench-no-login', 'village', ?, 1, ?)",
        [VILLAGE, new Date().toISOString()],
      );
      return (await issueToken(tx, user.lastID, new Date(), 4)).token;
    });
  } finally {
    await db.close();
  }
}

function startServer(dbFile: string): Promise<ChildServer> {
  const root = projectRoot(__dirname);
  const built = join(__dirname, '..', 'server', 'main.js');
  const args = existsSync(built) ? [built] : ['--import', 'tsx', resolve(root, 'server', 'main.ts')];
  return spawnServer(args, { LEDGER_DB: dbFile, NODE_ENV: 'production', LOG_LEVEL: 'warn' }, { cwd: root });
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-sync-storm-'));
  const dbFile = join(dir, 'ledger.sqlite');
  let server: ChildServer | undefined;
  let ready: Promise<ChildServer> | undefined;
  let truth: SqlDatabase | undefined;
  try {
    const token = await prepare(dbFile);
    ready = startServer(dbFile);
    server = await ready;
    let sent = 0;
    let kills = 0;
    // Kill points spread over the storm's requests (about 4 per client and round).
    const expected = CLIENTS * ROUNDS * 0.6 * 1.3;
    const killAt = new Set(Array.from({ length: KILLS }, (_, i) => Math.round(((i + 1) * expected) / (KILLS + 1))));
    const killAndRestart = () => {
      const victim = server!;
      kills++;
      ready = (async () => {
        victim.proc.kill('SIGKILL');
        await victim.exited;
        server = await startServer(dbFile);
        return server;
      })();
    };
    const started = nowMs();
    const report = await runStorm({
      villageCode: VILLAGE,
      token,
      clients: CLIENTS,
      rounds: ROUNDS,
      concurrency: CLIENTS,
      seed: 20261201,
      dropRate: 0.1,
      restartAfter: [],
      send: async (village, auth, body) => {
        const { url } = await ready!;
        sent++;
        // a SIGKILL a moment after this request leaves (others are in flight too)
        if (killAt.has(sent)) setTimeout(killAndRestart, 2);
        const res = await fetch(`${url}/api/v1/ledgers/${village}/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, text };
      },
      restart: async () => undefined,
      truth: async () => {
        const live = await ready!;
        live.proc.kill('SIGTERM');
        await live.exited;
        server = undefined;
        truth = await SqliteDatabase.open(dbFile, { readOnly: true });
        return truth;
      },
    });
    const seconds = (nowMs() - started) / 1000;
    const label = `ledger sync storm: ${CLIENTS} clients × ${ROUNDS} rounds, ${kills} SIGKILLs`;
    if (report.violations.length > 0) process.stderr.write(`sync storm violations:\n${report.violations.join('\n')}\n`);
    return [
      { name: `${label}, invariant violations`, value: report.violations.length, unit: `over ${report.changesSent} changes`, baseline: null, ratio: null, goal: '0' },
      { name: `${label}, changes applied / unchanged / conflicts`, value: report.applied, unit: `applied; ${report.unchanged} unchanged, ${report.conflicts} conflicts`, baseline: null, ratio: null, goal: 'informational' },
      { name: `${label}, answers dropped and replays checked`, value: report.dropped, unit: `dropped; ${report.replaysChecked} replays, ${report.networkErrors} network errors`, baseline: null, ratio: null, goal: 'informational' },
      { name: `${label}, wall time`, value: round(seconds, 1), unit: 's', baseline: null, ratio: null, goal: 'informational' },
    ];
  } finally {
    await truth?.close();
    if (server) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(module, run);
