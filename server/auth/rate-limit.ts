/**
 * Login throttling: failed attempts counted per (username, ip) and per ip in a sliding window.
 * Over the limit → 429 until the window has passed. A success clears the (username, ip) count.
 * In memory per app instance (one server process is the deployment model).
 */
export interface LoginLimits {
  windowMs: number;
  /** Failures allowed for one username from one address within the window. */
  maxPerUserIp: number;
  /** Failures allowed from one address (any usernames) within the window. */
  maxPerIp: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60 * 1000, maxPerUserIp: 5, maxPerIp: 50 };

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => Date,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now().getTime() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until another attempt is allowed, or 0 when allowed now. */
  retryAfterSeconds(username: string, ip: string): number {
    const checks: [string, number][] = [
      [`u:${username.toLowerCase()}|${ip}`, this.limits.maxPerUserIp],
      [`ip:${ip}`, this.limits.maxPerIp],
    ];
    let wait = 0;
    for (const [key, max] of checks) {
      const list = this.recent(key);
      if (list.length >= max) {
        const freeAt = list[list.length - max] + this.limits.windowMs;
        wait = Math.max(wait, Math.ceil((freeAt - this.now().getTime()) / 1000));
      }
    }
    return wait;
  }

  fail(username: string, ip: string): void {
    if (this.failures.size > 10_000) for (const key of [...this.failures.keys()]) this.recent(key); // drop stale keys
    const t = this.now().getTime();
    for (const key of [`u:${username.toLowerCase()}|${ip}`, `ip:${ip}`]) {
      this.failures.set(key, [...this.recent(key), t]);
    }
  }

  succeed(username: string, ip: string): void {
    this.failures.delete(`u:${username.toLowerCase()}|${ip}`);
  }
}
