/**
 * The small SQL interface every store is written against, with two implementations: SQLite
 * (sqlite.ts, the embedded default) and PostgreSQL (postgres.ts, DATABASE_URL=postgres://…).
 *
 * Stores write one SQL text for both: SQLite's dialect restricted to what PostgreSQL can be made
 * to accept (`?` placeholders, `ON CONFLICT … DO UPDATE` with the target table named where a
 * column is ambiguous, `CAST(… AS INTEGER)` where a JSON value or a bare parameter lands in an
 * integer column, json_each / json_extract / `->>`). postgres.ts translates placeholders and
 * identifiers, and migration 001's PostgreSQL half defines the JSON functions.
 */
export interface RunResult {
  changes: number;
  lastID: number;
}

export type SqlParams = readonly unknown[] | Record<string, unknown>;

/** The storage engines: one list, everything engine-specific is chosen from it. */
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface SqlDatabase {
  readonly engine: Engine;
  /**
   * A SQL condition that holds only while a statement runs inside the transaction this handle
   * belongs to ('1' outside any). SQLite may roll a whole transaction back under its statements
   * (SQLITE_FULL on a one-row write, an I/O error) and then runs the statements already issued to it
   * each on its own, committed at once: a write issued beside others in one round trip adds
   * `WHERE <writeGuard>` and checks what it changed (TransactionLostError), so it does nothing
   * there. PostgreSQL fails every later statement of an aborted transaction by itself: TRUE.
   */
  readonly writeGuard: string;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Several statements, no parameters (migrations), in the engine's own dialect (not translated). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` as one transaction, as if no other transaction ran at the same time (SQLite:
   * BEGIN IMMEDIATE, one writer at a time; PostgreSQL: SERIALIZABLE, and `fn` runs again from the
   * start when PostgreSQL refuses the commit as not serialisable — so `fn` must not change
   * anything outside the database before it returns). ROLLBACK when it throws (the error is
   * rethrown). All or nothing.
   */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** A guarded write found its transaction gone (see SqlDatabase.writeGuard): it did nothing. */
export class TransactionLostError extends Error {
  constructor(what: string) {
    super(`${what}: the transaction was rolled back by the database before it ran; nothing was written`);
    this.name = 'TransactionLostError';
  }
}

/**
 * Waits for every promise (fulfilled or not) and then rethrows the first failure: statements issued
 * together inside a transaction must all have finished before the caller can roll it back. The
 * database's own error comes before a TransactionLostError it caused in a statement beside it.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  const failed = failures.find((result) => !(result.reason instanceof TransactionLostError)) ?? failures[0];
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Resolves once the database answers a trivial statement (the readiness probe); rejects when it cannot. */
export async function databaseAnswers(db: SqlDatabase): Promise<void> {
  await db.get('SELECT 1 AS ok');
}

export interface TransactionOptions {
  /**
   * Bulk work (a sync push of many rows) waits behind interactive work — single statements and
   * ordinary transactions (a sign-in, a one-row push) — so a burst of large pushes cannot hold
   * everyone else's short requests for its whole length. FIFO within each lane.
   */
  bulk?: boolean;
  /**
   * Runs the transaction while holding this application-wide lock (PostgreSQL: an advisory lock
   * taken before the transaction starts, so it sees everything committed by the previous holder,
   * on any instance). SQLite needs none: its transactions already run one at a time.
   */
  exclusiveKey?: number;
}
