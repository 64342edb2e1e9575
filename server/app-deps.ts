/** What every route handler and store receives (types only): built by buildDeps in build-deps.ts, or by a test with its own parts. */
import type { Logger } from 'pino';
import type { SqlDatabase } from './db/database';
import type { LoginLimits } from './auth/rate-limit';
import type { ReadLimits } from './io/read-limits';
import type { Role } from '../ledger/api/common';
import type { UnitLevel } from '../ledger/units';

/** The signed-in user a request acts for (auth/tokens.ts resolves it from the bearer token). */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  unit: { code: string; name: string; level: UnitLevel };
}

/** Express's 'trust proxy' in the two safe forms: how many proxies in front, or which addresses they have. */
export type TrustProxy = { hops: number } | { addresses: string[] };

export interface ServerConfig {
  host: string;
  port: number;
  dbFile: string;
  /** demo mode seeds the demo prefecture and demo accounts (never when NODE_ENV=production). */
  demo: boolean;
  bodyLimitBytes: number;
  tokenTtlHours: number;
  /** Uncommitted import dry runs (plans with names and ID numbers) are purged after this many hours (env IMPORT_DRY_RUN_TTL_HOURS; default 24). */
  importDryRunTtlHours?: number;
  /** Login throttling overrides (defaults: DEFAULT_LOGIN_LIMITS in auth/rate-limit.ts). */
  loginLimits?: Partial<LoginLimits>;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (env TRUST_PROXY; default: none, the socket's
   * address is the client's): a hop count, or the proxies' addresses/subnets. Decides `req.ip`, which
   * the per-address sign-in limit counts.
   */
  trustProxy?: TrustProxy;
  /** Caps on reading one uploaded file (zip entries, inflated sizes, ratio, text, rows, columns); defaults: DEFAULT_READ_LIMITS in io/read-limits.ts, env IMPORT_MAX_*. */
  readLimits?: Partial<ReadLimits>;
}

export interface AuditEntry {
  user: AuthUser | null;
  /** e.g. 'ledger.sync', 'lead.dispatch', 'ledger.rows.read_unmasked' */
  action: string;
  /** What was touched: a unit code, row id, lead number — never personal data. */
  target: string;
  requestId: string;
  /** Counts and codes only, never names, ID numbers or phones. */
  detail?: Record<string, string | number | boolean>;
}

export interface AuditLog {
  /** Appends inside the caller's transaction when `tx` is given, so a rolled-back write leaves no audit entry. */
  record(entry: AuditEntry, tx?: SqlDatabase): Promise<void>;
}

export interface AppDeps {
  db: SqlDatabase;
  logger: Logger;
  config: ServerConfig;
  audit: AuditLog;
  /** Injected clock so deadlines and expiry are testable. */
  now: () => Date;
}
