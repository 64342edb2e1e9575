/**
 * SQLite implementation of SqlDatabase (node `sqlite3`, one connection per file).
 *
 * One connection means one transaction at a time, so every statement goes through a promise
 * queue: `transaction()` holds the queue from BEGIN IMMEDIATE to COMMIT/ROLLBACK, and a statement
 * issued outside it waits until the transaction has finished (it never sees half a transaction and
 * can never be swallowed into one). Code running *inside* the transaction's async context that
 * uses the outer handle by mistake runs on the transaction instead of dead-locking.
 *
 * Queues, first served first: urgent work (statements issued inside `urgently()`, urgency.ts: a
 * sign-in), then interactive work, then bulk work. A running group hands the connection over
 * between two of its members when work of an earlier queue waits, so a sign-in waits for at most
 * one running transaction.
 *
 * Bulk work (large sync pushes) must not make everyone else wait for it:
 * - a bulk group commits early and hands the connection over between two of its members as soon
 *   as interactive work is waiting (the rest of the group runs next, before later bulk work);
 * - a read outside any transaction (a single SELECT) runs on a second, query-only connection
 *   (WAL: readers never wait for the writer) unless an interactive write that must come before it
 *   has not finished yet (its own request's, see work-scope.ts) — then it queues behind that write,
 *   as before, and sees it. Otherwise it sees
 *   what was committed when it ran: a transaction still holding the connection has answered none
 *   of its callers yet (members settle at the COMMIT), so this is as if the read had been issued a
 *   moment before that transaction began. A sign-in's token check does not wait behind a burst.
 */
import { AsyncLocalStorage } from 'async_hooks';
import sqlite3 from 'sqlite3';
import type { RunResult, SqlDatabase, SqlParams, TransactionOptions } from './database';
import { defined } from '../../ledger/defined';
import { isUrgent, withoutUrgency } from './urgency';
import { currentWorkScope, type WorkScope } from './work-scope';
import { leastBusy } from '../least-busy';

export interface SqliteOptions {
  /** How long a statement waits for a lock held by another connection/process (ms). */
  busyTimeoutMs?: number;
  /** Open read-only (backup tools, inspection). */
  readOnly?: boolean;
}

type Raw = sqlite3.Database;

/**
 * SQLite's temporary files in memory: the statement and savepoint journals (copies of every page a
 * group member changes, so it can be rolled back alone), sorts and temporary indexes. On disk they
 * are personal data outside the database file (removed on close, but written out first), and
 * writing them was about a tenth of the writer's time during a burst of sync pushes.
 */
const TEMP_IN_MEMORY = 'PRAGMA temp_store = MEMORY';

/**
 * The writer's mark of a running group transaction: a row in a table of its own temporary schema,
 * inserted right after BEGIN and deleted right before COMMIT. A rollback of the whole transaction
 * by SQLite takes it away with everything else, so IN_GROUP (TxHandle.writeGuard) tells a statement
 * that runs afterwards, outside any transaction, that its group is gone.
 */
const GROUP_MARK_TABLE = 'CREATE TEMP TABLE group_open (one INTEGER PRIMARY KEY CHECK (one = 1))';
const IN_GROUP = 'EXISTS (SELECT 1 FROM temp.group_open)';
const BEGIN_GROUP = 'BEGIN IMMEDIATE; INSERT INTO temp.group_open (one) VALUES (1)';
const COMMIT_GROUP = 'DELETE FROM temp.group_open; RELEASE gc_1; COMMIT';

/** A group commit's members, and its task as queued in its lane (see SqliteDatabase.transaction). */
interface FormingGroup {
  members: GroupMember[];
  queued?: () => void;
}

/** One transaction of a group commit (see SqliteDatabase.transaction). */
interface GroupMember {
  fn: (tx: SqlDatabase) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The caller's work scope: told when the member's turn comes (WorkScope.transactionBegins). */
  work: WorkScope | undefined;
}

/** A statement that only reads (a single SELECT: no RETURNING writes, no PRAGMA). */
function isPureSelect(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/;\s*\S/.test(sql);
}

/** An error SQLite itself raised (node-sqlite3 gives it a SQLITE_* code). */
function isSqliteError(error: unknown): boolean {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** ':memory:', '' (a temporary file) and memory URIs are private to one connection. */
function isPrivateFile(file: string): boolean {
  return file === '' || file === ':memory:' || /^file:.*(mode=memory|:memory:)/.test(file);
}

/**
 * Copies of one prepared SELECT on the reader (see StatementCache): as many as the pool threads that
 * can run them at once (threadpool.ts gives the server 16; a copy is prepared only when all are busy).
 */
const READER_COPIES_PER_SQL = 8;

/** Most transactions in one group (bounds how long the first member waits for the COMMIT). */
const MAX_GROUP = 16;
/**
 * Most bulk transactions in one group: a group holds the connection until its COMMIT, so this
 * bounds how long interactive work waits behind a burst of large pushes.
 */
const MAX_BULK_GROUP = 4;

/**
 * The queues of the connection, first served first: urgent work (a sign-in's few statements, see
 * urgency.ts), then interactive work, then bulk work (TransactionOptions.bulk).
 */
const LANES = ['urgent', 'interactive', 'bulk'] as const;
type Lane = (typeof LANES)[number];

/** The lane of work issued by the caller: urgent inside `urgently()`, unless it is bulk work. */
function laneOfCaller(bulk = false): Lane {
  if (bulk) return 'bulk';
  return isUrgent() ? 'urgent' : 'interactive';
}

function bindable(params: SqlParams | undefined): unknown[] | Record<string, unknown> {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(toSqlValue);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    out[/^[:$@]/.test(key) ? key : `$${key}`] = toSqlValue(value);
  }
  return out;
}

function toSqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** One prepared copy of an SQL text and how many callers are using it now. */
interface PreparedCopy {
  statement: Promise<sqlite3.Statement>;
  users: number;
}

/** The copies of one SQL text; `evicted` once the cache has dropped it (finalized when unused). */
interface CachedSql {
  copies: PreparedCopy[];
  evicted: boolean;
}

function finalize(copy: PreparedCopy): Promise<void> {
  return copy.statement.then(
    (statement) => new Promise<void>((resolve) => statement.finalize(() => resolve())),
    () => undefined,
  );
}

/**
 * Prepared statements are cached per connection (SQL text → statement), so a store issuing the same
 * INSERT ten thousand times in one transaction prepares it once. Bounded; finalized on close.
 *
 * node-sqlite3 runs the calls of ONE statement object one after the other, each a round trip from
 * the event loop to a pool thread and back. On the writer that order is wanted (a transaction's
 * statements run in the order issued: one copy per SQL text). On the reader it is a queue nobody
 * needs: a hundred villages' token checks arriving together went through one statement a round
 * trip at a time, and a sign-in's check waited 230 ms behind them. There a busy statement gets more
 * copies (up to `copiesPerSql`), which the pool threads run side by side.
 */
export class StatementCache {
  private readonly entries = new Map<string, CachedSql>();
  constructor(
    private readonly raw: Raw,
    private readonly copiesPerSql = 1,
    private readonly max = 256,
  ) {}

  /** Runs `use` with a statement for `sql`: a free copy, a new one while there are fewer than allowed, else the least busy. */
  async with<T>(sql: string, use: (statement: sqlite3.Statement) => Promise<T>): Promise<T> {
    const entry = this.entryFor(sql);
    const copy = leastBusy(entry.copies, (candidate) => candidate.users, this.copiesPerSql, () => this.prepare(sql, entry));
    copy.users++;
    try {
      return await use(await copy.statement);
    } finally {
      copy.users--;
      if (entry.evicted && copy.users === 0) void finalize(copy);
    }
  }

  private entryFor(sql: string): CachedSql {
    const cached = this.entries.get(sql);
    if (cached) {
      this.entries.delete(sql); // move to the back (least recently used first)
      this.entries.set(sql, cached);
      return cached;
    }
    const entry: CachedSql = { copies: [], evicted: false };
    this.entries.set(sql, entry);
    if (this.entries.size > this.max) {
      const [oldest, stale] = this.entries.entries().next().value as [string, CachedSql];
      this.entries.delete(oldest);
      stale.evicted = true;
      for (const copy of stale.copies) if (copy.users === 0) void finalize(copy);
    }
    return entry;
  }

  /** A new copy of `sql` (leastBusy adds it to the entry's copies). */
  private prepare(sql: string, entry: CachedSql): PreparedCopy {
    const copy: PreparedCopy = {
      statement: new Promise<sqlite3.Statement>((resolve, reject) => {
        const statement: sqlite3.Statement = this.raw.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(statement)));
      }),
      users: 0,
    };
    // a statement that does not prepare is not kept (the next use tries again)
    copy.statement.catch(() => {
      entry.copies = entry.copies.filter((kept) => kept !== copy);
    });
    return copy;
  }

  async finalizeAll(): Promise<void> {
    const all = [...this.entries.values()].flatMap((entry) => entry.copies);
    this.entries.clear();
    await Promise.all(all.map(finalize));
  }
}

function rawRun(cache: StatementCache, sql: string, params?: SqlParams): Promise<RunResult> {
  return cache.with(
    sql,
    (statement) =>
      new Promise((resolve, reject) => {
        statement.run(bindable(params), function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
  );
}

function rawGet<T>(cache: StatementCache, sql: string, params?: SqlParams): Promise<T | undefined> {
  return cache.with(
    sql,
    (statement) =>
      new Promise((resolve, reject) => {
        statement.get(bindable(params), (err: Error | null, row: T | undefined) => {
          statement.reset(); // release the read cursor so the connection is not left mid-query
          if (err) reject(err);
          else resolve(row);
        });
      }),
  );
}

function rawAll<T>(cache: StatementCache, sql: string, params?: SqlParams): Promise<T[]> {
  return cache.with(
    sql,
    (statement) =>
      new Promise((resolve, reject) => {
        statement.all(bindable(params), (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
      }),
  );
}

function rawExec(raw: Raw, sql: string): Promise<void> {
  return new Promise((resolve, reject) => raw.exec(sql, (err: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * The handle passed to a transaction body: runs directly on the connection (the queue is held).
 *
 * `ready` is the member's SAVEPOINT (group commit), issued together with the body's first
 * statements rather than one round trip before them: a pure SELECT does not depend on it (a
 * savepoint changes nothing a read sees) and runs at once; anything that may write waits for it,
 * so every change of the member lies after its savepoint and a ROLLBACK TO undoes all of it.
 */
class TxHandle implements SqlDatabase {
  readonly engine = 'sqlite' as const;
  readonly writeGuard = IN_GROUP;
  active = true;
  private savepoints = 0;
  constructor(
    private readonly raw: Raw,
    private readonly cache: StatementCache,
    private readonly ready: Promise<void> = Promise.resolve(),
  ) {}

  private check(): void {
    if (!this.active) throw new Error('transaction handle used after its transaction ended');
  }
  /** Resolves when a statement of `sql` may run: at once for a pure SELECT, else after the savepoint. */
  private async mayRun(sql: string): Promise<void> {
    this.check();
    if (!isPureSelect(sql)) await this.ready;
  }
  async run(sql: string, params?: SqlParams): Promise<RunResult> {
    await this.mayRun(sql);
    return rawRun(this.cache, sql, params);
  }
  async get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined> {
    await this.mayRun(sql);
    return rawGet<T>(this.cache, sql, params);
  }
  async all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    await this.mayRun(sql);
    return rawAll<T>(this.cache, sql, params);
  }
  async exec(sql: string): Promise<void> {
    await this.mayRun(sql);
    return rawExec(this.raw, sql);
  }
  /** Nested transaction = SAVEPOINT: rolls back only its own part when it throws. */
  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    this.check();
    await this.ready;
    const name = `sp_${++this.savepoints}`;
    await rawExec(this.raw, `SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await rawExec(this.raw, `RELEASE ${name}`);
      return result;
    } catch (error) {
      await rawExec(this.raw, `ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    }
  }
  async close(): Promise<void> {
    throw new Error('cannot close the database from inside a transaction');
  }
}

export class SqliteDatabase implements SqlDatabase {
  readonly engine = 'sqlite' as const;
  readonly writeGuard = '1';
  /** Tasks waiting for the connection, per lane; one task runs at a time. */
  private readonly lanes: Record<Lane, Array<() => void>> = { urgent: [], interactive: [], bulk: [] };
  private busy = false;
  private closed = false;
  private readonly context = new AsyncLocalStorage<TxHandle>();
  private readonly cache: StatementCache;
  /** The transaction group waiting at the tail of each lane, which new transactions join. */
  private readonly forming: Record<Lane, FormingGroup | undefined> = { urgent: undefined, interactive: undefined, bulk: undefined };
  /**
   * Urgent and interactive writes and transactions enqueued and not finished: a read outside any
   * work scope must not overtake them (a scoped read waits only for its own scope's, work-scope.ts).
   */
  private pendingInteractiveWrites = 0;
  /** A bulk task is waiting for its setImmediate turn (see pump). */
  private bulkScheduled = false;
  private readonly reader: { raw: Raw; cache: StatementCache } | undefined;

  private constructor(
    private readonly raw: Raw,
    readonly file: string,
    reader: Raw | undefined,
  ) {
    this.cache = new StatementCache(raw);
    this.reader = reader ? { raw: reader, cache: new StatementCache(reader, READER_COPIES_PER_SQL) } : undefined;
  }

  /** Opens (creating when missing) with WAL, foreign keys on and a busy timeout. */
  static async open(file: string, options: SqliteOptions = {}): Promise<SqliteDatabase> {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const raw = await new Promise<Raw>((resolve, reject) => {
      const db: Raw = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
    });
    const busy = options.busyTimeoutMs ?? 5000;
    raw.configure('busyTimeout', busy);
    try {
      if (!options.readOnly) await rawExec(raw, 'PRAGMA journal_mode = WAL');
      await rawExec(raw, `PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${Math.floor(busy)}; PRAGMA synchronous = FULL; ${TEMP_IN_MEMORY}`);
      await rawExec(raw, GROUP_MARK_TABLE);
    } catch (error) {
      await new Promise<void>((resolve) => raw.close(() => resolve()));
      throw error;
    }
    // The reader connection (see the header): only for a file in WAL mode that others can share.
    let reader: Raw | undefined;
    if (!options.readOnly && !isPrivateFile(file)) {
      try {
        reader = await new Promise<Raw>((resolve, reject) => {
          const db: Raw = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (err) => (err ? reject(err) : resolve(db)));
        });
        reader.configure('busyTimeout', busy);
        await rawExec(reader, `PRAGMA query_only = ON; PRAGMA busy_timeout = ${Math.floor(busy)}; ${TEMP_IN_MEMORY}`);
      } catch {
        // without it, reads simply wait in the queue as every statement does
        if (reader) await new Promise<void>((resolve) => defined(reader, 'the reader').close(() => resolve()));
        reader = undefined;
      }
    }
    return new SqliteDatabase(raw, file, reader);
  }

  /**
   * Runs `task` when every earlier task of its lane has finished and no task of a lane before it
   * waits (interactive tasks when no urgent one waits, bulk tasks only when both are empty; one
   * task at a time either way).
   */
  private enqueue<T>(task: () => Promise<T>, readOnly = false, lane: Lane = laneOfCaller(), front = false): Promise<T> {
    if (this.closed && !front) return Promise.reject(new Error('database is closed'));
    // A transaction issued after this task must not run before it — unless the task only reads
    // (a SELECT outside any transaction): then a later transaction may still join the group
    // queued before it, which the read then sees committed, as if it had been issued a moment later.
    if (!readOnly && !front) this.forming[lane] = undefined;
    const countsAsWrite = !readOnly && lane !== 'bulk';
    const scope = countsAsWrite ? currentWorkScope() : undefined;
    if (countsAsWrite) this.pendingInteractiveWrites++;
    if (scope) scope.pendingWrites++;
    return new Promise<T>((resolve, reject) => {
      this.lanes[lane][front ? 'unshift' : 'push'](() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            this.busy = false;
            if (countsAsWrite) this.pendingInteractiveWrites--;
            if (scope) scope.pendingWrites--;
            this.pump();
          });
      });
      // never synchronously: the caller finishes its bookkeeping (e.g. marks its group as the
      // lane's tail) before the task starts, as with a promise chain
      queueMicrotask(() => this.pump());
    });
  }

  private pump(): void {
    if (this.busy) return;
    const first = this.lanes.urgent.shift() ?? this.lanes.interactive.shift();
    if (first) return this.start(first);
    if (this.lanes.bulk.length === 0 || this.bulkScheduled) return;
    // Bulk work starts one macrotask later: the interactive request whose statement just finished
    // usually issues its next one within a few promise hops, and should not find the connection
    // taken by a bulk group again in between.
    this.bulkScheduled = true;
    setImmediate(() => {
      this.bulkScheduled = false;
      if (this.busy) return;
      const next = this.lanes.urgent.shift() ?? this.lanes.interactive.shift() ?? this.lanes.bulk.shift();
      if (next) this.start(next);
    });
  }

  private start(task: () => void): void {
    this.busy = true;
    withoutUrgency(task);
  }

  /** Inside a transaction's own async context → that transaction; else wait in the queue. */
  private route<T>(direct: (tx: TxHandle) => Promise<T>, queued: () => Promise<T>, readOnly = false): Promise<T> {
    const tx = this.context.getStore();
    if (tx && tx.active) return direct(tx);
    return this.enqueue(queued, readOnly);
  }

  /** A read outside any transaction: on the reader connection unless a write it must see is unfinished (see the header). */
  private routeRead<T>(sql: string, direct: (tx: TxHandle) => Promise<T>, onConnection: (cache: StatementCache) => Promise<T>): Promise<T> {
    const tx = this.context.getStore();
    if (tx && tx.active) return direct(tx);
    const pure = isPureSelect(sql);
    const writesBefore = currentWorkScope()?.pendingWrites ?? this.pendingInteractiveWrites;
    if (pure && this.reader && !this.closed && writesBefore === 0) {
      return onConnection(this.reader.cache);
    }
    return this.enqueue(() => onConnection(this.cache), pure);
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.route((tx) => tx.run(sql, params), () => rawRun(this.cache, sql, params));
  }
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.routeRead(sql, (tx) => tx.get<T>(sql, params), (cache) => rawGet<T>(cache, sql, params));
  }
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.routeRead(sql, (tx) => tx.all<T>(sql, params), (cache) => rawAll<T>(cache, sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.route((tx) => tx.exec(sql), () => rawExec(this.raw, sql));
  }

  /**
   * Group commit. A transaction requested while another is running does not get its own
   * BEGIN … COMMIT (and its own fsync): every transaction that arrives meanwhile joins the next
   * group, run as ONE `BEGIN IMMEDIATE … COMMIT` with one SAVEPOINT per member, members one after
   * the other. A member that throws is rolled back to its savepoint (nothing of it stays) and gets
   * its error; the others are unaffected. No member's promise settles before the COMMIT has
   * returned, so nothing is acknowledged before it is durable. If the group's transaction itself
   * is lost (COMMIT fails, or SQLite rolled the whole transaction back after an I/O error), every
   * member fails and nothing of any of them is applied: all or nothing per member still holds.
   */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const tx = this.context.getStore();
    if (tx && tx.active) return tx.transaction(fn);
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const lane = laneOfCaller(options.bulk);
    let group = this.forming[lane];
    if (!group || group.members.length >= (lane === 'bulk' ? MAX_BULK_GROUP : MAX_GROUP)) {
      const members: GroupMember[] = [];
      const forming: FormingGroup = { members };
      const task = () => {
        if (this.forming[lane] === forming) this.forming[lane] = undefined; // closed: later arrivals form the next group
        return this.runGroup(members, lane);
      };
      this.enqueue(task, false, lane).catch((error: unknown) => members.forEach((member) => member.reject(error)));
      forming.queued = this.lanes[lane][this.lanes[lane].length - 1]; // enqueue() queues synchronously
      this.forming[lane] = group = forming; // enqueue() clears it; this group is the lane's tail
    }
    return new Promise<T>((resolve, reject) => {
      defined(group, 'the open commit group').members.push({
        fn: fn as (tx: SqlDatabase) => Promise<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        work: currentWorkScope(),
      });
    });
  }

  /**
   * The members of the groups waiting in the lanes served before `lane`, taken to run next in the
   * group that is running — when those groups are all that waits there (no statement and no other
   * task would be overtaken). Their tasks stay queued and find nothing left to run. Undefined when
   * something else waits: the running group then commits and hands over as before.
   */
  private takeGroupsAhead(lane: Lane): GroupMember[] | undefined {
    const taken: FormingGroup[] = [];
    for (const ahead of LANES) {
      if (ahead === lane) break;
      const queue = this.lanes[ahead];
      if (queue.length === 0) continue;
      const group = this.forming[ahead];
      if (queue.length !== 1 || !group || group.queued !== queue[0]) return undefined;
      taken.push(group);
    }
    return taken.flatMap((group) => group.members.splice(0));
  }

  /** Whether work of a lane served before `lane` is waiting (a running group then hands over). */
  private waitingAhead(lane: Lane): boolean {
    for (const ahead of LANES) {
      if (ahead === lane) return false;
      if (this.lanes[ahead].length > 0) return true;
    }
    return false;
  }

  /**
   * Runs a group as one transaction. A group stops taking members when work of a lane served
   * before its own is waiting (a bulk group for interactive or urgent work, an interactive group
   * for urgent work): it commits the members that ran, and the others form a group at the head of
   * their lane (they run right after the waiting work, before any later work of their lane).
   */
  private async runGroup(members: GroupMember[], lane: Lane): Promise<void> {
    if (members.length === 0) return; // its members joined a group that ran before it (takeGroupsAhead)
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await rawExec(this.raw, BEGIN_GROUP);
    } catch (error) {
      // the mark may have failed after BEGIN: leave no transaction open behind the group
      await rawExec(this.raw, 'ROLLBACK').catch(() => undefined);
      for (const member of members) member.reject(error);
      return;
    }
    let count = members.length;
    /** Members up to here joined from a lane ahead: they run whatever waits meanwhile. */
    let joinedUntil = 0;
    try {
      for (let i = 0; i < count; i++) {
        if (i > 0 && i >= joinedUntil && this.waitingAhead(lane)) {
          // Work of an earlier lane waits. When it is only transactions (a sign-in, a small push),
          // they join this group as its next members, and the group commits right after them: they
          // wait no longer than for a group of their own, and save its BEGIN and COMMIT (an fsync).
          const joining = this.takeGroupsAhead(lane) ?? [];
          members.splice(i, 0, ...joining);
          const stopAt = i + joining.length;
          if (stopAt === i) {
            count = i;
            break;
          }
          count = joinedUntil = stopAt;
        }
        const name = `gc_${i + 1}`;
        // Savepoints are not released: they nest until the COMMIT, which keeps them all
        // (one statement less per member); ROLLBACK TO undoes only this member's part. The
        // member's reads do not wait for it (TxHandle): one round trip less per member.
        const savepoint = rawExec(this.raw, `SAVEPOINT ${name}`);
        savepoint.catch(() => undefined); // seen below, and by the member's first write
        const tx = new TxHandle(this.raw, this.cache, savepoint);
        members[i].work?.transactionBegins();
        try {
          const value = await this.context.run(tx, () => members[i].fn(tx));
          tx.active = false;
          await savepoint; // a member that only read: its savepoint must stand before the next one
          outcomes.push({ ok: true, value });
        } catch (error) {
          tx.active = false;
          try {
            await savepoint;
            await rawExec(this.raw, `ROLLBACK TO ${name}`);
          } catch (lost) {
            // SQLite already rolled the whole transaction back (after SQLITE_FULL, an I/O error…), or
            // the savepoint was never made: the group is lost (catch below), for the member's reason
            // when the database gave one (a full disk is then a 503, not a 500).
            throw isSqliteError(error) ? error : lost;
          }
          outcomes.push({ ok: false, error });
        }
      }
      // RELEASE of the outermost savepoint fails when the transaction was lost on the way (SQLite
      // rolled it back after an I/O error and a later statement started another): then nothing commits.
      await rawExec(this.raw, COMMIT_GROUP);
    } catch (error) {
      try {
        await rawExec(this.raw, 'ROLLBACK');
      } catch {
        /* already rolled back by SQLite (e.g. after SQLITE_FULL); the original error matters */
      }
      for (const member of members) member.reject(error);
      return;
    }
    if (count < members.length) {
      const rest = members.slice(count);
      this.enqueue(() => this.runGroup(rest, lane), false, lane, true).catch((error: unknown) => rest.forEach((member) => member.reject(error)));
    }
    members.slice(0, count).forEach((member, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    });
  }

  /** Waits for queued work (both lanes), then closes the connection (checkpointing the WAL). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // the bulk lane's tail: it runs when every earlier task of either lane has run
    const done = this.enqueue(async () => {
      await this.cache.finalizeAll();
      if (this.reader) {
        const reader = this.reader;
        await reader.cache.finalizeAll();
        await new Promise<void>((resolve, reject) => reader.raw.close((err) => (err ? reject(err) : resolve())));
      }
      await new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
    }, false, 'bulk');
    this.closed = true;
    return done;
  }
}

/** Convenience: open a SQLite file as the SqlDatabase interface. */
export function openSqlite(file: string, options?: SqliteOptions): Promise<SqliteDatabase> {
  return SqliteDatabase.open(file, options);
}
