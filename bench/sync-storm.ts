/**
 * The sync storm: many clients of one village ledger make random edits, deletes and re-creates
 * offline, sync with random page sizes, lose answers and retry them with the same request, resolve
 * conflicts either way, and live through server restarts — then every invariant of the protocol is
 * checked against a log of what the server acknowledged and against the stored histories:
 *
 *   - nothing acknowledged is lost: every applied {rowId, version} is in the history, made by that
 *     request, with the values and the deleted flag the change sent;
 *   - nothing is overwritten silently: a version changes no field (and no deleted flag) that a
 *     version between its base and itself changed; a stale delete meets no edit;
 *   - histories are contiguous (1…n) and the current row is the last version;
 *   - a retried request id is answered exactly as the first time, and applies nothing twice;
 *   - an `unchanged` answer names the server's version; `applied` only versions the request made;
 *   - after everyone has synced, every replica equals the server's ledger.
 *
 * Pure of timing; the random choices come from a seeded PRNG. Used at a small size by
 * tests/server/sync-storm.test.ts (in-process server, sequential, deterministic) and at full size by
 * bench/sync-storm.bench.ts (child process, concurrent, SIGKILL restarts).
 */
import type { SyncConflict, SyncResponse } from '../ledger/api/sync';
import { normalizeValue, valuesEqual } from '../ledger/sync-merge';
import type { LedgerValue } from '../ledger/types';
import type { SqlDatabase } from '../server/db/database';
import { createRng, fabricateLedgerValues, type Rng } from '../server/seed/fabricate';

export type Values = Record<string, LedgerValue>;

/** One HTTP round trip; throws on a network failure (the answer is then unknown). */
export type Transport = (villageCode: string, token: string, body: unknown) => Promise<{ status: number; body: unknown; text: string }>;

export interface StormOptions {
  villageCode: string;
  token: string;
  clients: number;
  rounds: number;
  /** Clients syncing at once per round (1 = sequential and deterministic). */
  concurrency: number;
  seed: number | string;
  /** Probability that an answer is dropped after the server produced it. */
  dropRate: number;
  /** Rounds after which the server restarts (before the round's syncs; in-flight ones then fail). */
  restartAfter: readonly number[];
  send: Transport;
  restart(): Promise<void>;
  /** The server's database, read after the storm (the server may be stopped). */
  truth(): Promise<SqlDatabase>;
}

export interface StormReport {
  requests: number;
  answered: number;
  changesSent: number;
  applied: number;
  unchanged: number;
  conflicts: number;
  dropped: number;
  replaysChecked: number;
  networkErrors: number;
  restarts: number;
  rows: number;
  versions: number;
  /** Every broken invariant, described (empty = all held). */
  violations: string[];
}

interface ReplicaRow {
  version: number;
  values: Values;
  deleted: boolean;
}

interface PendingChange {
  baseVersion: number;
  values: Values;
  deleted: boolean;
}

interface SentRequest {
  clientId: string;
  requestId: string;
  cursor: number;
  pullLimit?: number;
  changes: Array<{ rowId: string; baseVersion: number; values: Values; deleted: boolean }>;
}

interface LoggedAnswer {
  request: SentRequest;
  response: SyncResponse;
}

const EDITABLE: ReadonlyArray<readonly [string, (rng: Rng) => LedgerValue]> = [
  ['notes', (rng) => (rng() < 0.15 ? '' : `走访记录${Math.floor(rng() * 1000)}`)],
  ['phone', (rng) => (rng() < 0.1 ? null : `138${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`)],
  ['householdSize', (rng) => (rng() < 0.15 ? '' : 1 + Math.floor(rng() * 8))],
  ['verifier', (rng) => ['李丽华', '王建国', '张敏', '赵强'][Math.floor(rng() * 4)]],
  ['address', (rng) => `鹿城镇示例社区${1 + Math.floor(rng() * 30)}组`],
  ['hardship', (rng) => (rng() < 0.2 ? '' : `困难情况${Math.floor(rng() * 100)}`)],
  ['routes', (rng) => (rng() < 0.2 ? '' : rng() < 0.5 ? ['临时救助'] : ['临时救助', '纳入低保'])],
  ['verifiedOn', (rng) => (rng() < 0.3 ? '' : `2026-10-${String(1 + Math.floor(rng() * 28)).padStart(2, '0')}`)],
];

function uuidFrom(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Compact values (empty dropped) for comparisons. */
function compact(values: Record<string, unknown>): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(values)) {
    const normal = normalizeValue(value as LedgerValue);
    if (normal !== null) out[key] = normal;
  }
  return out;
}

/** JSON with object keys sorted: two answers compare by content, whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function sameValues(a: Values, b: Values): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!valuesEqual(a[key], b[key])) return false;
  return true;
}

class StormClient {
  readonly replica = new Map<string, ReplicaRow>();
  readonly pending = new Map<string, PendingChange>();
  /** Rows whose newer server version (merged, unchanged, conflict) is still to be pulled. */
  readonly awaiting = new Map<string, number>();
  cursor = 0;
  inFlight: SentRequest | null = null;
  /** An answered request to send again later (a replay check). */
  answered: { request: SentRequest; text: string } | null = null;
  private seq = 0;

  constructor(
    readonly clientId: string,
    private readonly rng: Rng,
  ) {}

  /** The user's view of a row: the replica with the pending change laid over it. */
  local(rowId: string): { values: Values; deleted: boolean } | undefined {
    const row = this.replica.get(rowId);
    const pending = this.pending.get(rowId);
    if (!row && !pending) return undefined;
    return { values: { ...(row?.values ?? {}), ...(pending?.values ?? {}) }, deleted: pending ? pending.deleted : (row?.deleted ?? false) };
  }

  private change(rowId: string): PendingChange {
    let pending = this.pending.get(rowId);
    if (!pending) {
      const row = this.replica.get(rowId);
      pending = { baseVersion: row?.version ?? 0, values: {}, deleted: row?.deleted ?? false };
      this.pending.set(rowId, pending);
    }
    return pending;
  }

  /** Random offline work: creates, edits, deletes, re-creates. */
  work(edits: number): void {
    if (this.inFlight) return; // the add-in resends a lost request before anything new
    const editable = [...this.replica.keys()].filter((rowId) => !this.awaiting.has(rowId));
    for (let i = 0; i < edits; i++) {
      const roll = this.rng();
      if (roll < 0.15 || editable.length === 0) {
        const rowId = uuidFrom(this.rng);
        const values = compact(fabricateLedgerValues(this.rng, { region: '532301', today: '2026-10-31' }) as Record<string, unknown>);
        delete values.seq;
        this.pending.set(rowId, { baseVersion: 0, values, deleted: false });
        continue;
      }
      const rowId = pick(this.rng, editable);
      const view = this.local(rowId)!;
      const pending = this.change(rowId);
      if (view.deleted) {
        if (roll < 0.6) pending.deleted = false; // re-create (sometimes with an edit)
        if (roll < 0.4) continue;
      } else if (roll < 0.25) {
        pending.deleted = true;
        continue;
      }
      const [key, make] = pick(this.rng, EDITABLE);
      pending.values[key] = make(this.rng);
    }
  }

  nextRequest(): SentRequest {
    if (this.inFlight) return this.inFlight;
    this.seq++;
    const request: SentRequest = {
      clientId: this.clientId,
      requestId: `${this.clientId}-r${this.seq}-${uuidFrom(this.rng).slice(0, 8)}`,
      cursor: this.cursor,
      changes: [...this.pending].map(([rowId, change]) => ({ rowId, baseVersion: change.baseVersion, values: { ...change.values }, deleted: change.deleted })),
    };
    if (this.rng() < 0.5) request.pullLimit = 1 + Math.floor(this.rng() * 40);
    this.inFlight = request;
    return request;
  }

  absorb(request: SentRequest, response: SyncResponse): void {
    this.inFlight = null;
    const sent = new Map(request.changes.map((change) => [change.rowId, change]));
    for (const applied of response.applied) {
      const change = sent.get(applied.rowId)!;
      this.pending.delete(applied.rowId);
      const row = this.replica.get(applied.rowId);
      if (!applied.merged && (row?.version ?? 0) === change.baseVersion) {
        // made on the version we hold: the server's row is ours with the change laid over it
        this.replica.set(applied.rowId, { version: applied.version, values: compact({ ...(row?.values ?? {}), ...change.values }), deleted: change.deleted });
      } else this.await(applied.rowId, applied.version);
    }
    for (const entry of response.unchanged) {
      this.pending.delete(entry.rowId);
      if ((this.replica.get(entry.rowId)?.version ?? 0) < entry.serverVersion) this.await(entry.rowId, entry.serverVersion);
    }
    for (const conflict of response.conflicts) this.resolve(conflict);
    for (const change of response.changes) {
      const row = this.replica.get(change.rowId);
      if (!row || row.version < change.version) {
        this.replica.set(change.rowId, { version: change.version, values: compact(change.values), deleted: change.deleted });
      }
      if ((this.awaiting.get(change.rowId) ?? Infinity) <= change.version) this.awaiting.delete(change.rowId);
    }
    this.cursor = response.cursor;
  }

  private await(rowId: string, version: number): void {
    this.awaiting.set(rowId, Math.max(version, this.awaiting.get(rowId) ?? 0));
  }

  /** Half keep theirs (the server row wins), half keep mine (re-based on the server's version). */
  private resolve(conflict: SyncConflict): void {
    const server = { version: conflict.server.version, values: compact(conflict.server.values as Record<string, unknown>), deleted: conflict.server.deleted };
    if (server.version > (this.replica.get(conflict.rowId)?.version ?? 0)) this.replica.set(conflict.rowId, server);
    const pending = this.pending.get(conflict.rowId);
    if (!pending) return;
    if (conflict.reason === 'unknown_base' || this.rng() < 0.5) this.pending.delete(conflict.rowId);
    else pending.baseVersion = server.version;
  }

  keepTheirsAll(): void {
    this.pending.clear();
  }
}

/** Runs the storm and checks every invariant. */
export async function runStorm(options: StormOptions): Promise<StormReport> {
  const rng = createRng(options.seed);
  const clients = Array.from({ length: options.clients }, (_, i) => new StormClient(`storm-${i}`, createRng(`${String(options.seed)}:${i}`)));
  const report: StormReport = {
    requests: 0, answered: 0, changesSent: 0, applied: 0, unchanged: 0, conflicts: 0, dropped: 0,
    replaysChecked: 0, networkErrors: 0, restarts: 0, rows: 0, versions: 0, violations: [],
  };
  const log = new Map<string, LoggedAnswer>();
  const violation = (text: string) => {
    if (report.violations.length < 50) report.violations.push(text);
  };

  async function syncOnce(client: StormClient, allowDrop: boolean): Promise<SyncResponse | undefined> {
    // Now and then, first re-send an answered request: it must come back byte for byte.
    if (client.answered && rng() < 0.1) {
      const { request, text } = client.answered;
      client.answered = null;
      try {
        const again = await options.send(options.villageCode, options.token, request);
        report.requests++;
        if (again.status !== 200 || canonical(again.body) !== canonical(JSON.parse(text))) violation(`replay of ${request.requestId} differs from the first answer (status ${again.status})`);
        report.replaysChecked++;
      } catch {
        report.networkErrors++;
      }
    }
    const request = client.nextRequest();
    report.requests++;
    let answer: { status: number; body: unknown; text: string };
    try {
      answer = await options.send(options.villageCode, options.token, request);
    } catch {
      report.networkErrors++;
      return undefined; // unknown outcome: resent as is next time
    }
    if (answer.status !== 200) {
      violation(`request ${request.requestId} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      client.inFlight = null;
      return undefined;
    }
    const response = answer.body as SyncResponse;
    const first = log.get(request.requestId);
    if (first) {
      if (canonical(first.response) !== canonical(response)) violation(`retry of ${request.requestId} answered differently`);
    } else {
      log.set(request.requestId, { request, response });
      report.changesSent += request.changes.length;
      report.applied += response.applied.length;
      report.unchanged += response.unchanged.length;
      report.conflicts += response.conflicts.length;
    }
    if (allowDrop && rng() < options.dropRate) {
      report.dropped++;
      return undefined; // the answer is lost on the way: the client resends the same request
    }
    report.answered++;
    client.absorb(request, response);
    if (!client.answered && rng() < 0.2) client.answered = { request, text: answer.text };
    return response;
  }

  for (let round = 0; round < options.rounds; round++) {
    if (options.restartAfter.includes(round)) {
      await options.restart();
      report.restarts++;
    }
    const active = clients.filter(() => rng() < 0.6);
    for (const client of active) client.work(1 + Math.floor(rng() * 4));
    for (let i = 0; i < active.length; i += options.concurrency) {
      await Promise.all(active.slice(i, i + options.concurrency).map((client) => syncOnce(client, true)));
    }
  }

  // Settle: everyone resends what is in flight, gives up open conflicts (keep theirs) and pulls
  // until nothing is left; twice over, so each client sees the others' last changes.
  for (let pass = 0; pass < 3; pass++) {
    for (const client of clients) {
      for (let i = 0; i < 500; i++) {
        const response = await syncOnce(client, false);
        if (!response) continue;
        if (response.conflicts.length > 0) client.keepTheirsAll();
        if (!response.hasMore && client.pending.size === 0 && !client.inFlight) break;
      }
    }
  }

  await checkInvariants(options, clients, log, report, violation);
  return report;
}

interface VersionRecord {
  row_id: string;
  version: number;
  deleted: number;
  values_json: string;
  changed_json: string;
  request_id: string | null;
}

async function checkInvariants(
  options: StormOptions,
  clients: readonly StormClient[],
  log: ReadonlyMap<string, LoggedAnswer>,
  report: StormReport,
  violation: (text: string) => void,
): Promise<void> {
  const db = await options.truth();
  const versions = await db.all<VersionRecord>(
    'SELECT row_id, version, deleted, values_json, changed_json, request_id FROM ledger_row_versions WHERE village_code = ? ORDER BY row_id, version',
    [options.villageCode],
  );
  const current = await db.all<{ row_id: string; version: number; deleted: number }>('SELECT row_id, version, deleted FROM ledger_rows WHERE village_code = ?', [options.villageCode]);
  report.versions = versions.length;
  report.rows = current.length;

  const history = new Map<string, VersionRecord[]>();
  for (const record of versions) {
    let list = history.get(record.row_id);
    if (!list) history.set(record.row_id, (list = []));
    list.push(record);
  }
  // Contiguous histories; the current row is the last version.
  for (const row of current) {
    const list = history.get(row.row_id) ?? [];
    list.forEach((record, index) => {
      if (record.version !== index + 1) violation(`${row.row_id}: history not contiguous at ${index + 1} (found ${record.version})`);
    });
    const last = list[list.length - 1];
    if (!last || last.version !== row.version || last.deleted !== row.deleted) violation(`${row.row_id}: current row v${row.version} is not its last version`);
  }

  // Every version was made by one logged request (each request at most once per row), with the
  // values and flag it sent; no version overwrote what a version after its base changed.
  const made = new Map<string, { request: SentRequest; change: SentRequest['changes'][number]; merged: boolean }>();
  for (const { request, response } of log.values()) {
    const sent = new Map(request.changes.map((change) => [change.rowId, change]));
    for (const applied of response.applied) {
      const key = `${applied.rowId}@${applied.version}`;
      if (made.has(key)) violation(`${key} acknowledged to two requests`);
      made.set(key, { request, change: sent.get(applied.rowId)!, merged: applied.merged });
      const record = history.get(applied.rowId)?.[applied.version - 1];
      if (!record) {
        violation(`acknowledged ${key} (request ${request.requestId}) is not in the history: lost`);
        continue;
      }
      if (record.request_id !== request.requestId) violation(`${key} answered applied to ${request.requestId} but made by ${record.request_id}`);
      const change = sent.get(applied.rowId)!;
      const stored = JSON.parse(record.values_json) as Values;
      if ((record.deleted === 1) !== change.deleted) violation(`${key}: deleted flag is ${record.deleted}, the change sent ${change.deleted}`);
      if (!change.deleted) {
        for (const [field, value] of Object.entries(change.values)) {
          // a merged change applies only the fields it changed against its base
          if (!applied.merged && !valuesEqual(stored[field], value)) violation(`${key}: ${field} is not what the change sent`);
        }
      }
    }
    for (const entry of response.unchanged) {
      const list = history.get(entry.rowId) ?? [];
      if (entry.serverVersion > list.length) violation(`${entry.rowId}: unchanged at v${entry.serverVersion}, beyond its history`);
    }
  }
  for (const [rowId, list] of history) {
    for (const record of list) {
      const key = `${rowId}@${record.version}`;
      const origin = made.get(key);
      if (!origin) {
        violation(`${key} (request ${record.request_id}) was never acknowledged to anyone`);
        continue;
      }
      const base = origin.change.baseVersion;
      const changed = JSON.parse(record.changed_json) as string[];
      const flagChanged = (list[record.version - 2]?.deleted ?? 0) !== record.deleted;
      // The versions the change did not see (after its base, before itself) must not have touched
      // what it changes: that is a conflict, never an overwrite.
      for (let v = base + 1; v < record.version; v++) {
        const between = list[v - 1];
        const betweenChanged = JSON.parse(between.changed_json) as string[];
        const betweenFlag = (list[v - 2]?.deleted ?? 0) !== between.deleted;
        for (const field of changed) if (betweenChanged.includes(field)) violation(`${key} overwrote ${field}, changed by v${v} after its base v${base}`);
        if (betweenFlag && (changed.length > 0 || flagChanged)) violation(`${key} changed a row deleted or re-created by v${v} after its base v${base}`);
        if (flagChanged && record.deleted === 1 && betweenChanged.length > 0) violation(`${key}: a stale delete dropped the edit of v${v}`);
      }
    }
  }

  // Convergence: every replica's live rows equal the server's.
  const live = new Map<string, Values>();
  for (const [rowId, list] of history) {
    const last = list[list.length - 1];
    if (last.deleted === 0) live.set(rowId, JSON.parse(last.values_json) as Values);
  }
  for (const client of clients) {
    let differing = 0;
    const seen = new Set<string>();
    for (const [rowId, row] of client.replica) {
      if (row.deleted) continue;
      seen.add(rowId);
      const server = live.get(rowId);
      if (!server || !sameValues(server, row.values)) differing++;
    }
    for (const rowId of live.keys()) if (!seen.has(rowId)) differing++;
    if (differing > 0) violation(`${client.clientId}: ${differing} row(s) differ from the server after settling`);
    if (client.pending.size > 0) violation(`${client.clientId}: ${client.pending.size} change(s) never settled`);
  }
}
