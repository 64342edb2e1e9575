/**
 * The small SQL interface every store is written against. The SQLite implementation lives in
 * sqlite.ts; a PostgreSQL one can follow by implementing this and the stores' SQL.
 */
export interface RunResult {
  changes: number;
  lastID: number;
}

export type SqlParams = readonly unknown[] | Record<string, unknown>;

export interface SqlDatabase {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` inside BEGIN IMMEDIATE … COMMIT, serialised with every other transaction on this
   * connection; ROLLBACK when it throws (the error is rethrown). All or nothing.
   */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Bulk work (a sync push of many rows) waits behind interactive work — single statements and
   * ordinary transactions (a sign-in, a one-row push) — so a burst of large pushes cannot hold
   * everyone else's short requests for its whole length. FIFO within each lane.
   */
  bulk?: boolean;
}
