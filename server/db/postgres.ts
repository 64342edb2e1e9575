/**
 * PostgreSQL implementation of SqlDatabase (client `pg`, a connection pool), selected by
 * DATABASE_URL=postgres://…; several server instances may share one database.
 *
 * - Statements are the stores' SQL (see database.ts), translated once per text: `?` and named
 *   parameters → `$n`, the reserved column name `user` quoted, camelCase aliases quoted (PostgreSQL
 *   folds unquoted names to lower case), `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`, and
 *   `RETURNING id` added to INSERTs into tables with a generated id (RunResult.lastID).
 * - Results look like SQLite's: 64-bit integers and numerics as numbers, booleans as 1/0.
 * - transaction(): SERIALIZABLE on a connection of its own (transactions run in parallel, across
 *   instances too). A transaction PostgreSQL refuses as not serialisable (40001) or picks as a
 *   deadlock victim (40P01) is run again from the start; from its second attempt on it also takes
 *   a database-wide advisory lock, so transactions that keep colliding go one at a time and always
 *   finish. Nested transaction() = SAVEPOINT.
 * - Lanes: at most half the pool runs bulk transactions at once, so a burst of large pushes
 *   leaves connections for interactive work (the SQLite lanes' promise, with real parallelism).
 */
import { AsyncLocalStorage } from 'async_hooks';
import pg from 'pg';
import type { RunResult, SqlDatabase, SqlParams, TransactionOptions } from './database';
import { currentWorkScope } from './work-scope';

export interface PostgresOptions {
  /** Connections in the pool (default 10, env PG_POOL_SIZE). */
  poolSize?: number;
  /** Schema to work in (search_path), e.g. one per test; created when missing. */
  schema?: string;
  /** Longest a transaction keeps retrying after serialisation failures (ms, default 60 000). */
  retryForMs?: number;
}

/** Column names that are reserved words in PostgreSQL and must be quoted there. */
const RESERVED_COLUMNS: ReadonlySet<string> = new Set(['user']);

/** SQLSTATEs after which a transaction is run again: serialization_failure, deadlock_detected. */
const RETRYABLE: ReadonlySet<string> = new Set(['40001', '40P01']);

/** The advisory lock taken by retried transactions (any constant unique to this application; migrations use …614). */
const RETRY_LOCK_KEY = 4_120_150_613;

export interface TranslatedSql {
  text: string;
  /** Named parameters in $n order (undefined when the statement uses `?`). */
  names?: string[];
  /** The table of an INSERT without RETURNING (its generated id, if it has one, is RunResult.lastID). */
  insertInto?: string;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

/** The stores' SQL (SQLite dialect, see database.ts) as PostgreSQL accepts it. */
export function translateSql(sql: string): TranslatedSql {
  let out = '';
  let positional = 0;
  const names: string[] = [];
  let previousWord = '';
  let i = 0;
  let ignore = false;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1] ?? '';
    if (ch === "'" || ch === '"') {
      // a quoted string or identifier, '' / "" inside it escape the quote
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      previousWord = '';
      continue;
    }
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === '?') {
      out += `$${++positional}`;
      i++;
      continue;
    }
    if ((ch === '$' || ch === ':' || ch === '@') && IDENT_START.test(next) && sql[i - 1] !== ':') {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql[j])) j++;
      const name = sql.slice(i + 1, j);
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i = j;
      continue;
    }
    if (IDENT_START.test(ch) && !IDENT_PART.test(sql[i - 1] ?? ' ')) {
      let j = i + 1;
      while (j < sql.length && IDENT_PART.test(sql[j])) j++;
      const word = sql.slice(i, j);
      const upper = word.toUpperCase();
      if (upper === 'OR' && previousWord === 'INSERT') {
        // INSERT OR IGNORE / INSERT OR REPLACE
        const rest = /^\s+(IGNORE|REPLACE)\b/i.exec(sql.slice(j));
        if (rest) {
          if (rest[1].toUpperCase() === 'REPLACE') {
            throw new Error('INSERT OR REPLACE has no PostgreSQL equivalent without the conflict target: write INSERT … ON CONFLICT (key) DO UPDATE');
          }
          ignore = true;
          i = j + rest[0].length;
          out = out.replace(/\s+$/, ''); // the whitespace before INTO follows
          previousWord = 'INSERT';
          continue;
        }
      }
      if (RESERVED_COLUMNS.has(word)) out += `"${word}"`;
      else if (previousWord === 'AS' && /[a-z]/.test(word) && /[A-Z]/.test(word)) out += `"${word}"`; // camelCase alias, not a type name
      else out += word;
      previousWord = upper;
      i = j;
      continue;
    }
    if (!/\s/.test(ch)) previousWord = '';
    out += ch;
    i++;
  }
  if (positional > 0 && names.length > 0) throw new Error('a statement uses both ? and named parameters');
  let text = out.trim().replace(/;\s*$/, '');
  if (ignore) text += ' ON CONFLICT DO NOTHING';
  const insert = /^INSERT\s+INTO\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(text);
  const insertInto = insert !== null && !/\bRETURNING\b/i.test(text) ? insert[1].toLowerCase() : undefined;
  return { text, ...(names.length > 0 ? { names } : {}), ...(insertInto ? { insertInto } : {}) };
}

function toSqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function bind(translated: TranslatedSql, params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(toSqlValue);
  const byName = params as Record<string, unknown>;
  const lookup = (name: string): unknown => {
    for (const key of [name, `$${name}`, `:${name}`, `@${name}`]) if (key in byName) return byName[key];
    return undefined;
  };
  return (translated.names ?? []).map((name) => toSqlValue(lookup(name)));
}

/** SQLite-like results: int8 and numeric as numbers, booleans as 1/0. */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700 || oid === 701 || oid === 700) return (text: string) => Number(text);
    if (oid === 16) return (text: string) => (text === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A client or pool: whatever answers `query`. */
interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

class Translations {
  private readonly cache = new Map<string, TranslatedSql>();
  get(sql: string): TranslatedSql {
    let translated = this.cache.get(sql);
    if (!translated) {
      translated = translateSql(sql);
      if (this.cache.size > 2000) this.cache.clear();
      this.cache.set(sql, translated);
    }
    return translated;
  }
}

const translations = new Translations();

/**
 * Which tables have a generated `id` (asked of the catalog once per table and database): an INSERT
 * into one gets `RETURNING id`, so RunResult.lastID means what it means on SQLite.
 */
class GeneratedIds {
  private readonly known = new Map<string, boolean>();
  async has(on: Queryable, table: string): Promise<boolean> {
    let has = this.known.get(table);
    if (has === undefined) {
      const result = await on.query({
        text: "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES'",
        values: [table],
      });
      has = result.rows.length > 0;
      this.known.set(table, has);
    }
    return has;
  }
}

async function query(on: Queryable, sql: string, params: SqlParams | undefined): Promise<pg.QueryResult> {
  const translated = translations.get(sql);
  return on.query({ text: translated.text, values: bind(translated, params) });
}

async function runOn(on: Queryable, ids: GeneratedIds, sql: string, params?: SqlParams): Promise<RunResult> {
  const translated = translations.get(sql);
  const returning = translated.insertInto !== undefined && (await ids.has(on, translated.insertInto));
  const result = await on.query({ text: returning ? `${translated.text} RETURNING id` : translated.text, values: bind(translated, params) });
  const last = returning ? (result.rows[result.rows.length - 1] as { id?: number } | undefined) : undefined;
  return { changes: result.rowCount ?? 0, lastID: Number(last?.id ?? 0) };
}

async function getOn<T>(on: Queryable, sql: string, params?: SqlParams): Promise<T | undefined> {
  return (await query(on, sql, params)).rows[0] as T | undefined;
}

async function allOn<T>(on: Queryable, sql: string, params?: SqlParams): Promise<T[]> {
  return (await query(on, sql, params)).rows as T[];
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryableConflict(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && RETRYABLE.has(code);
}

/** The handle a transaction body gets: every statement on the transaction's own connection. */
class PgTxHandle implements SqlDatabase {
  readonly engine = 'postgres' as const;
  readonly writeGuard = 'TRUE';
  active = true;
  /** The first error a statement raised (PostgreSQL aborts the transaction there, even when the body catches it). */
  failure: unknown = undefined;
  private savepoints = 0;
  constructor(
    private readonly client: pg.PoolClient,
    private readonly ids: GeneratedIds,
  ) {}

  /** Statements issued at once (e.g. under Promise.all) go to the connection one after the other. */
  private tail: Promise<unknown> = Promise.resolve();

  private guard<T>(work: () => Promise<T>): Promise<T> {
    if (!this.active) return Promise.reject(new Error('transaction handle used after its transaction ended'));
    const run = async () => {
      try {
        return await work();
      } catch (error) {
        if (this.failure === undefined) this.failure = error;
        throw error;
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.guard(() => runOn(this.client, this.ids, sql, params));
  }
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.guard(() => getOn<T>(this.client, sql, params));
  }
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.guard(() => allOn<T>(this.client, sql, params));
  }
  async exec(sql: string): Promise<void> {
    await this.guard(() => this.client.query(sql));
  }
  /** Nested transaction = SAVEPOINT: rolls back only its own part when it throws. */
  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.exec(`SAVEPOINT ${name}`);
    const failureBefore = this.failure;
    try {
      const result = await fn(this);
      await this.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.guard(() => this.client.query(`ROLLBACK TO SAVEPOINT ${name}`)).catch(() => undefined);
      // rolled back to before the failure: the transaction can go on (unless it must be retried)
      if (!isRetryableConflict(this.failure)) this.failure = failureBefore;
      throw error;
    }
  }
  async close(): Promise<void> {
    throw new Error('cannot close the database from inside a transaction');
  }
}

/** A counting semaphore (FIFO). */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PostgresDatabase implements SqlDatabase {
  readonly engine = 'postgres' as const;
  readonly writeGuard = 'TRUE';
  private readonly context = new AsyncLocalStorage<PgTxHandle>();
  private readonly bulkSlots: Slots;
  private readonly ids = new GeneratedIds();
  private closed = false;
  /** Transactions run again after a serialisation failure or deadlock (for tests and the bench). */
  retries = 0;

  private constructor(
    private readonly pool: pg.Pool,
    readonly url: string,
    private readonly retryForMs: number,
    poolSize: number,
  ) {
    this.bulkSlots = new Slots(Math.max(1, Math.floor(poolSize / 2)));
  }

  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const poolSize = options.poolSize ?? (Number(process.env.PG_POOL_SIZE) || 10);
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
    if (schema !== undefined) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } catch (error) {
        // another instance created it at the same moment (IF NOT EXISTS is not atomic): fine
        if (sqlState(error) !== '23505' && sqlState(error) !== '42P06') throw error;
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      types: TYPES,
      ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    });
    // an idle connection the server drops (restart, failover) must not crash the process
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDatabase(pool, url, options.retryForMs ?? 60_000, poolSize);
  }

  private route<T>(direct: (tx: PgTxHandle) => Promise<T>, pooled: () => Promise<T>): Promise<T> {
    const tx = this.context.getStore();
    if (tx && tx.active) return direct(tx);
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return pooled();
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.route((tx) => tx.run(sql, params), () => runOn(this.pool, this.ids, sql, params));
  }
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.route((tx) => tx.get<T>(sql, params), () => getOn<T>(this.pool, sql, params));
  }
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.route((tx) => tx.all<T>(sql, params), () => allOn<T>(this.pool, sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.route(
      (tx) => tx.exec(sql),
      async () => {
        await this.pool.query(sql);
      },
    );
  }

  async transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const outer = this.context.getStore();
    if (outer && outer.active) return outer.transaction(fn);
    if (this.closed) throw new Error('database is closed');
    const releaseSlot = options.bulk ? await this.bulkSlots.acquire() : () => undefined;
    currentWorkScope()?.transactionBegins();
    try {
      const deadline = Date.now() + this.retryForMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.attempt(fn, options.exclusiveKey ?? (attempt > 1 ? RETRY_LOCK_KEY : undefined));
        } catch (error) {
          if (!isRetryableConflict(error) || Date.now() > deadline) throw error;
          this.retries++;
          // jittered backoff, short: the advisory lock of the next attempt does the ordering
          await sleep(Math.random() * Math.min(50, 2 ** attempt));
        }
      }
    } finally {
      releaseSlot();
    }
  }

  /** One try; `lockKey`: an advisory lock held from before BEGIN (so the snapshot is taken after it) to the end. */
  private async attempt<T>(fn: (tx: SqlDatabase) => Promise<T>, lockKey: number | undefined): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PgTxHandle(client, this.ids);
    let broken = false;
    let locked = false;
    try {
      if (lockKey !== undefined) {
        await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
        locked = true;
      }
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      let value: T;
      try {
        value = await this.context.run(tx, () => fn(tx));
      } finally {
        tx.active = false;
      }
      // a statement failed and the body went on: PostgreSQL has aborted the transaction anyway
      if (tx.failure !== undefined) throw tx.failure;
      const commit = await client.query('COMMIT');
      if (commit.command !== 'COMMIT') throw new Error(`transaction was not committed (${commit.command})`);
      return value;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not hand it out again
      }
      // the body's error hides the serialisation failure it caught: retry on that
      throw isRetryableConflict(tx.failure) ? tx.failure : error;
    } finally {
      if (locked && !broken) {
        try {
          await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
        } catch {
          broken = true;
        }
      }
      client.release(broken);
    }
  }

  /** Lets in-flight work finish, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

export function openPostgres(url: string, options?: PostgresOptions): Promise<PostgresDatabase> {
  return PostgresDatabase.open(url, options);
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}
