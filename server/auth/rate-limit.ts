/**
 * Login throttling. An attempt is *reserved* before the password check's answer is used (the scrypt
 * check is asynchronous, so a check-then-count limiter lets any number of parallel guesses through):
 * a reservation counts as a failure until the verified password takes it back. The check itself may
 * run beside the reservation (startEarlyCheck); a refused attempt's answer is never used.
 *
 * - Per account (any address): the first `freeAttempts` failures are free, then each further attempt
 *   waits an exponentially growing backoff after the previous one, and at `lockoutAfter` failures the
 *   account is locked for `lockoutMs`. A success clears the account's failures.
 * - Per address: a generous failure budget (a whole office behind one NAT address shares it), so one
 *   address cannot spray guesses over many accounts, while colleagues who mistype now and then and
 *   other accounts' correct passwords are never blocked by someone else's lockout.
 *
 * The counters are in the database (throttle-store.ts), so they hold across every server instance
 * sharing it; a reservation is one statement, a success one more, a failure nothing further. Windows
 * are fixed (they start at the first counted failure and end `windowMs` later). Each of the two rows
 * decides on its own values; when one grants and the other refuses, the granting one gives the
 * attempt back right after (so for that instant a refused attempt counts on the other row; the
 * account also keeps that attempt's time as its last). An administrator's
 * unlock (admin-cli unlock-user, another process) deletes the account's counters: it applies at once.
 */
import type { LoginLimits } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import { loginThrottleStore, type LoginThrottleStore, type ThrottleRow } from './throttle-store';

export type { LoginLimits };

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  freeAttempts: 3,
  backoffBaseMs: 2_000,
  backoffMaxMs: 60_000,
  lockoutAfter: 10,
  lockoutMs: 15 * 60_000,
  maxFailuresPerIp: 300,
};

/** Why an attempt was refused: the account (backoff or lockout) or the address budget. */
export type LoginRefusal = 'account_backoff' | 'account_locked' | 'address_limit';

export type LoginReservation =
  | { ok: true; ticket: LoginTicket }
  | { ok: false; reason: LoginRefusal; retryAfterSeconds: number };

/**
 * One reserved attempt. It already counts as a failure (whatever happens: a wrong password, an
 * error, a crash); `succeed()` after a verified password takes it back (at most once).
 */
export interface LoginTicket {
  succeed(): Promise<void>;
}

/** The throttle counters' key of an account (usernames compare without case) and of an address. */
export function accountKey(username: string): string {
  return `account:${username.toLowerCase()}`;
}

export function addressKey(ip: string): string {
  return `address:${ip}`;
}

/** Rows whose window and lockout ran out are deleted at most this often per process. */
const PURGE_EVERY_MS = 60_000;

/** Password checks started ahead of their reservation at one time, per process (see startEarlyCheck). */
export const EARLY_CHECKS_MAX = 2;
/** Refusals remembered per process for startEarlyCheck; past this the memory starts afresh. */
const REFUSALS_REMEMBERED = 10_000;

export class LoginThrottle {
  private readonly store: LoginThrottleStore;
  private lastPurge = -Infinity;
  /** Early password checks in flight, and their accounts (see startEarlyCheck). */
  private earlyChecks = 0;
  private readonly earlyAccounts = new Set<string>();
  /** Accounts and addresses this process saw refused, and until when (ms since the epoch). */
  private readonly refusedUntil = new Map<string, number>();

  constructor(
    db: SqlDatabase,
    private readonly now: () => Date,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.store = loginThrottleStore(db, limits);
  }

  /**
   * Reserves an attempt for `username` from `ip`, or says how long to wait. Atomic across instances.
   * `tx`: run it (and the ticket's success) inside that transaction instead.
   */
  async reserve(username: string, ip: string, tx?: SqlDatabase): Promise<LoginReservation> {
    const t = this.now().getTime();
    const account = accountKey(username);
    const address = addressKey(ip);
    const store = tx ? loginThrottleStore(tx, this.limits) : this.store;
    const reserved = await store.reserve(account, address, t);
    const accountGranted = reserved.account.granted === 1;
    const addressGranted = reserved.address.granted === 1;
    if (accountGranted && addressGranted) {
      let settled = false;
      return {
        ok: true,
        ticket: {
          succeed: async () => {
            if (settled) return;
            settled = true;
            await store.succeed(account, address, t);
          },
        },
      };
    }
    // Refused: the row that did grant it gives the attempt back.
    if (accountGranted) await store.takeBack(reserved.account, reserved.lockUntil);
    if (addressGranted) await store.takeBack(reserved.address, reserved.lockUntil);
    if (!addressGranted) {
      const ms = Math.max(1000, reserved.address.window_started_at + this.limits.windowMs - t);
      this.rememberRefusal(address, t + ms);
      return { ok: false, reason: 'address_limit', retryAfterSeconds: Math.ceil(ms / 1000) };
    }
    const wait = this.accountWait(reserved.account, t);
    this.rememberRefusal(account, t + Math.max(1000, wait.ms));
    return { ok: false, reason: wait.reason, retryAfterSeconds: Math.max(1, Math.ceil(wait.ms / 1000)) };
  }

  /**
   * Whether a sign-in's password check may start before its reservation is answered, alongside the
   * reservation's statement (which, during a burst of pushes, waits for the database writer: the
   * two waits then overlap instead of adding up). The reservation still decides: the caller drops a
   * refused attempt's check unseen (429 whatever the password), so what is counted and what is
   * refused do not change. Early checks are few — EARLY_CHECKS_MAX at a time, one per account — and
   * never for an account or address this process saw refused and still waiting, so a refused
   * guesser cannot make the server compute scrypt for attempts it refuses anyway. Returns the
   * release to call when the check has ended, or undefined: reserve first, then check.
   */
  startEarlyCheck(username: string, ip: string): (() => void) | undefined {
    const account = accountKey(username);
    const t = this.now().getTime();
    if (this.earlyChecks >= EARLY_CHECKS_MAX || this.earlyAccounts.has(account)) return undefined;
    for (const key of [account, addressKey(ip)]) if ((this.refusedUntil.get(key) ?? -Infinity) > t) return undefined;
    this.earlyChecks++;
    this.earlyAccounts.add(account);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.earlyChecks--;
      this.earlyAccounts.delete(account);
    };
  }

  private rememberRefusal(key: string, untilMs: number): void {
    if (this.refusedUntil.size >= REFUSALS_REMEMBERED && !this.refusedUntil.has(key)) this.refusedUntil.clear();
    this.refusedUntil.set(key, untilMs);
  }

  /** How long a refused account must still wait, and why. */
  private accountWait(row: ThrottleRow, t: number): { ms: number; reason: LoginRefusal } {
    if (row.locked_until > t) return { ms: row.locked_until - t, reason: 'account_locked' };
    if (row.failures >= this.limits.lockoutAfter) return { ms: this.limits.backoffMaxMs, reason: 'account_locked' };
    const backoff = Math.min(this.limits.backoffMaxMs, this.limits.backoffBaseMs * 2 ** (row.failures - this.limits.freeAttempts));
    return { ms: Math.max(0, row.last_attempt_at + backoff - t), reason: 'account_backoff' };
  }

  /** Forgets the account's failures, backoff and lockout (admin-cli unlock-user). */
  unlock(username: string): Promise<boolean> {
    return this.store.resetAccount(accountKey(username));
  }

  /** Deletes counters with nothing left to remember, at most once a minute (bounded table under a username spray). */
  async purgeSoon(): Promise<number> {
    const t = this.now().getTime();
    if (t - this.lastPurge < PURGE_EVERY_MS && t >= this.lastPurge) return 0;
    this.lastPurge = t;
    return this.store.purge(t);
  }
}
