/**
 * Login throttling. An attempt is *reserved* synchronously before the password is verified (the
 * scrypt check is asynchronous, so a check-then-count limiter lets any number of parallel guesses
 * through): a reservation counts as a failure until the verification proves otherwise.
 *
 * - Per account (any address): the first `freeAttempts` failures are free, then each further attempt
 *   waits an exponentially growing backoff after the previous one, and at `lockoutAfter` failures the
 *   account is locked for `lockoutMs`. A success clears the account's failures.
 * - Per address: a generous failure budget (a whole office behind one NAT address shares it), so one
 *   address cannot spray guesses over many accounts, while colleagues who mistype now and then and
 *   other accounts' correct passwords are never blocked by someone else's lockout.
 *
 * In memory per app instance (one server process is the deployment model). An administrator can
 * lift an account's lockout early (`admin-cli unlock-user`, a separate process): the unlock is kept
 * in the database and applied here by `applyUnlock` when a refused attempt finds a newer one.
 */
import type { LoginLimits } from '../app-deps';

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

/** One reserved attempt: settle it exactly once with succeed() or fail(). */
export interface LoginTicket {
  succeed(): void;
  fail(): void;
}

interface Counter {
  /** Times of settled failures within the window (oldest first). */
  failures: number[];
  /** Reserved attempts not settled yet (counted as failures meanwhile). */
  pending: number;
  lastAttemptAt: number;
  lockedUntil: number;
  /** The newest administrator unlock already applied (ms; -Infinity = none). */
  unlockSeen: number;
}

const MAX_TRACKED_KEYS = 50_000;

export class LoginRateLimiter {
  private readonly accounts = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();

  constructor(
    private readonly now: () => Date,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private counter(map: Map<string, Counter>, key: string, t: number): Counter {
    let c = map.get(key);
    if (!c) {
      if (map.size >= MAX_TRACKED_KEYS) this.sweep(map, t);
      c = { failures: [], pending: 0, lastAttemptAt: -Infinity, lockedUntil: -Infinity, unlockSeen: -Infinity };
      map.set(key, c);
    }
    const cutoff = t - this.limits.windowMs;
    while (c.failures.length > 0 && c.failures[0] <= cutoff) c.failures.shift();
    return c;
  }

  /** Drops counters with nothing left to remember (bounded memory under a username spray). */
  private sweep(map: Map<string, Counter>, t: number): void {
    const cutoff = t - this.limits.windowMs;
    for (const [key, c] of map) {
      if (c.pending === 0 && c.lockedUntil <= t && (c.failures.length === 0 || c.failures[c.failures.length - 1] <= cutoff)) map.delete(key);
    }
  }

  /** Milliseconds the account must still wait, and why; 0 when an attempt is allowed now. */
  private accountWait(c: Counter, t: number): { ms: number; reason: LoginRefusal } {
    if (c.lockedUntil > t) return { ms: c.lockedUntil - t, reason: 'account_locked' };
    if (c.lockedUntil > -Infinity) {
      // A lockout that has run out starts the account afresh.
      c.lockedUntil = -Infinity;
      c.failures = [];
    }
    const counted = c.failures.length + c.pending;
    if (counted >= this.limits.lockoutAfter) {
      // Only pending attempts can put us here (settled ones set lockedUntil): wait for them.
      return { ms: this.limits.backoffMaxMs, reason: 'account_locked' };
    }
    if (counted < this.limits.freeAttempts) return { ms: 0, reason: 'account_backoff' };
    const backoff = Math.min(this.limits.backoffMaxMs, this.limits.backoffBaseMs * 2 ** (counted - this.limits.freeAttempts));
    return { ms: Math.max(0, c.lastAttemptAt + backoff - t), reason: 'account_backoff' };
  }

  private addressWait(c: Counter, t: number): number {
    if (c.failures.length + c.pending < this.limits.maxFailuresPerIp) return 0;
    // Free again when enough of the oldest failures leave the window (pending ones: a second).
    const excess = c.failures.length + c.pending - this.limits.maxFailuresPerIp;
    const oldest = c.failures[excess];
    return oldest === undefined ? 1000 : Math.max(1000, oldest + this.limits.windowMs - t);
  }

  /**
   * An administrator unlocked `username` at `unlockedAtMs`: forget its failures, backoff and lockout
   * — once per unlock (a later lockout is not lifted again by the same unlock). Attempts still
   * being verified stay counted. Returns whether anything was lifted.
   */
  applyUnlock(username: string, unlockedAtMs: number): boolean {
    const account = this.counter(this.accounts, username.toLowerCase(), this.now().getTime());
    if (!(unlockedAtMs > account.unlockSeen)) return false;
    account.unlockSeen = unlockedAtMs;
    account.failures = [];
    account.lockedUntil = -Infinity;
    account.lastAttemptAt = -Infinity;
    return true;
  }

  /** Reserves an attempt for `username` from `ip`, or says how long to wait. Synchronous: atomic. */
  reserve(username: string, ip: string): LoginReservation {
    const t = this.now().getTime();
    const account = this.counter(this.accounts, username.toLowerCase(), t);
    const address = this.counter(this.addresses, ip, t);
    const addressMs = this.addressWait(address, t);
    if (addressMs > 0) return { ok: false, reason: 'address_limit', retryAfterSeconds: Math.ceil(addressMs / 1000) };
    const wait = this.accountWait(account, t);
    if (wait.ms > 0) return { ok: false, reason: wait.reason, retryAfterSeconds: Math.max(1, Math.ceil(wait.ms / 1000)) };
    account.pending++;
    address.pending++;
    account.lastAttemptAt = t;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      account.pending--;
      address.pending--;
      return true;
    };
    return {
      ok: true,
      ticket: {
        succeed: () => {
          if (!settle()) return;
          account.failures = [];
          account.lockedUntil = -Infinity;
        },
        fail: () => {
          if (!settle()) return;
          const at = this.now().getTime();
          account.failures.push(at);
          address.failures.push(at);
          if (account.failures.length >= this.limits.lockoutAfter) account.lockedUntil = at + this.limits.lockoutMs;
        },
      },
    };
  }
}
