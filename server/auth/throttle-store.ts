/**
 * LoginThrottleStore: every read and write of the login throttling counters (table login_throttle,
 * migration 022) — and nothing else. The counters live in the database so that every server
 * instance sees the same ones (several instances behind a proxy share one PostgreSQL database).
 *
 * One row per account and per client address: the attempts counted in the current window, when the
 * window started, the last granted attempt, a lockout's end. A reservation is ONE statement (an
 * upsert of both rows, RETURNING them): each row grants the attempt or not from its own values, under
 * the row lock the upsert takes, so parallel attempts on any instance are counted one after another
 * and cannot all slip through. The SQL is the same on both engines; the limits are compiled into it
 * as integer literals (the backoff table: no power function needed, which SQLite lacks).
 */
import type { LoginLimits } from '../app-deps';
import type { SqlDatabase } from '../db/database';

export type ThrottleKind = 'account' | 'address';

export interface ThrottleRow {
  key: string;
  kind: ThrottleKind;
  /** Attempts counted in the window (a granted attempt counts until it succeeds). */
  failures: number;
  window_started_at: number;
  last_attempt_at: number;
  /** End of a lockout (ms since the epoch); 0 = none. */
  locked_until: number;
  /** 1 when the latest reservation was granted by this row. */
  granted: number;
}

export interface ThrottleReservation {
  account: ThrottleRow;
  address: ThrottleRow;
  /** The lockout end this reservation would set (to recognise it when taking it back). */
  lockUntil: number;
}

export interface LoginThrottleStore {
  readonly db: SqlDatabase;
  /** Counts an attempt on both rows where each allows it; returns both rows as they are now. */
  reserve(accountKey: string, addressKey: string, nowMs: number): Promise<ThrottleReservation>;
  /** Takes back a reservation one row granted while the other refused the attempt. */
  takeBack(row: ThrottleRow, lockUntil: number): Promise<void>;
  /** A verified password: the account starts afresh, the address forgets this attempt. */
  succeed(accountKey: string, addressKey: string, reservedAtMs: number): Promise<void>;
  /** Forgets an account's failures, backoff and lockout (admin-cli unlock-user); false when it has none. */
  resetAccount(accountKey: string): Promise<boolean>;
  /** Deletes rows whose window and lockout have run out; returns how many. */
  purge(nowMs: number): Promise<number>;
}

function integer(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`login limit ${name} must be a non-negative integer (got ${value})`);
  return String(value);
}

/** The wait after `failures` counted attempts of an account (failures ≥ freeAttempts), as an SQL CASE over the row. */
function backoffSql(limits: LoginLimits): string {
  const cases: string[] = [];
  for (let k = limits.freeAttempts; k < limits.lockoutAfter; k++) {
    cases.push(`WHEN ${k} THEN ${integer('backoff', Math.min(limits.backoffMaxMs, limits.backoffBaseMs * 2 ** (k - limits.freeAttempts)))}`);
  }
  const max = integer('backoffMaxMs', limits.backoffMaxMs);
  return cases.length === 0 ? max : `(CASE t.failures ${cases.join(' ')} ELSE ${max} END)`;
}

function reserveSql(limits: LoginLimits): string {
  const free = integer('freeAttempts', limits.freeAttempts);
  const lockoutAfter = integer('lockoutAfter', limits.lockoutAfter);
  const perAddress = integer('maxFailuresPerIp', limits.maxFailuresPerIp);
  // Counting starts over when the window has run out, or a lockout has (never while one runs).
  const fresh = '(t.locked_until <= $now AND (t.window_started_at <= $windowCutoff OR t.locked_until > 0))';
  const counted = `(CASE WHEN ${fresh} THEN 0 ELSE t.failures END)`;
  const accountAllows = `(t.locked_until <= $now AND (${fresh} OR t.failures < ${free} OR (t.failures < ${lockoutAfter} AND t.last_attempt_at + ${backoffSql(limits)} <= $now)))`;
  const addressAllows = `(${fresh} OR t.failures < ${perAddress})`;
  const allows = `(CASE WHEN t.kind = 'account' THEN ${accountAllows} ELSE ${addressAllows} END)`;
  return `INSERT INTO login_throttle AS t (key, kind, failures, window_started_at, last_attempt_at, locked_until, granted)
VALUES ($account, 'account', 1, CAST($now AS BIGINT), CAST($now AS BIGINT), CAST($firstLock AS BIGINT), 1),
       ($address, 'address', 1, CAST($now AS BIGINT), CAST($now AS BIGINT), 0, 1)
ON CONFLICT (key) DO UPDATE SET
  granted = CASE WHEN ${allows} THEN 1 ELSE 0 END,
  failures = CASE WHEN ${allows} THEN ${counted} + 1 ELSE t.failures END,
  window_started_at = CASE WHEN ${fresh} THEN CAST($now AS BIGINT) ELSE t.window_started_at END,
  last_attempt_at = CASE WHEN ${allows} THEN CAST($now AS BIGINT) ELSE t.last_attempt_at END,
  locked_until = CASE WHEN t.kind = 'account' AND ${allows} AND ${counted} + 1 >= ${lockoutAfter} THEN CAST($lockUntil AS BIGINT)
                      WHEN ${fresh} THEN 0 ELSE t.locked_until END
RETURNING key, kind, failures, window_started_at, last_attempt_at, locked_until, granted`;
}

class SqlLoginThrottleStore implements LoginThrottleStore {
  private readonly reserveText: string;

  constructor(
    readonly db: SqlDatabase,
    private readonly limits: LoginLimits,
  ) {
    this.reserveText = reserveSql(limits);
  }

  async reserve(accountKey: string, addressKey: string, nowMs: number): Promise<ThrottleReservation> {
    const lockUntil = nowMs + this.limits.lockoutMs;
    const rows = await this.db.all<ThrottleRow>(this.reserveText, {
      $account: accountKey,
      $address: addressKey,
      $now: nowMs,
      $windowCutoff: nowMs - this.limits.windowMs,
      $lockUntil: lockUntil,
      $firstLock: this.limits.lockoutAfter <= 1 ? lockUntil : 0,
    });
    const account = rows.find((row) => row.key === accountKey);
    const address = rows.find((row) => row.key === addressKey);
    if (!account || !address) throw new Error('login throttle: the reservation returned no row');
    return { account, address, lockUntil };
  }

  async takeBack(row: ThrottleRow, lockUntil: number): Promise<void> {
    await this.db.run(
      `UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END,
              locked_until = CASE WHEN locked_until = CAST(? AS BIGINT) THEN 0 ELSE locked_until END
        WHERE key = ? AND window_started_at = CAST(? AS BIGINT)`,
      [lockUntil, row.key, row.window_started_at],
    );
  }

  async succeed(accountKey: string, addressKey: string, reservedAtMs: number): Promise<void> {
    // The address forgets the attempt only if its window is still the one the attempt was counted in.
    await this.db.run(
      `UPDATE login_throttle SET
          failures = CASE WHEN kind = 'account' OR failures <= 0 THEN 0 ELSE failures - 1 END,
          locked_until = CASE WHEN kind = 'account' THEN 0 ELSE locked_until END
        WHERE key = ? OR (key = ? AND window_started_at <= CAST(? AS BIGINT))`,
      [accountKey, addressKey, reservedAtMs],
    );
  }

  async resetAccount(accountKey: string): Promise<boolean> {
    const result = await this.db.run('DELETE FROM login_throttle WHERE key = ?', [accountKey]);
    return result.changes > 0;
  }

  async purge(nowMs: number): Promise<number> {
    const result = await this.db.run('DELETE FROM login_throttle WHERE window_started_at <= CAST(? AS BIGINT) AND locked_until <= CAST(? AS BIGINT)', [
      nowMs - this.limits.windowMs,
      nowMs,
    ]);
    return result.changes;
  }
}

/** The throttle store on a handle, with the limits compiled into its statements. */
export function loginThrottleStore(db: SqlDatabase, limits: LoginLimits): LoginThrottleStore {
  return new SqlLoginThrottleStore(db, limits);
}
