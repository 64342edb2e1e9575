/** What every route handler and store receives (types only): built by buildDeps in build-deps.ts, or by a test with its own parts. */
import type { Logger } from 'pino';
import type { SqlDatabase } from './db/database';
import type { ReadLimits } from './io/read-limits';
import type { Role } from '../ledger/api/common';
import type { Finding } from '../ledger/types';
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

/** Login throttling (auth/rate-limit.ts; defaults DEFAULT_LOGIN_LIMITS there). */
export interface LoginLimits {
  /** Failures older than this are forgotten (per account and per address). */
  windowMs: number;
  /** Failures of one account allowed without any wait. */
  freeAttempts: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Failures of one account (within the window) that lock it for lockoutMs. */
  lockoutAfter: number;
  lockoutMs: number;
  /** Failures allowed from one address (any accounts) within the window. */
  maxFailuresPerIp: number;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** The SQLite file (LEDGER_DB), used unless databaseUrl is set. */
  dbFile: string;
  /** DATABASE_URL=postgres://…: PostgreSQL instead of the SQLite file (several instances may share it). */
  databaseUrl?: string;
  /** DATABASE_SCHEMA: the PostgreSQL schema to work in (created when missing; default: the user's search_path). */
  databaseSchema?: string;
  /** demo mode seeds the demo prefecture and demo accounts (never when NODE_ENV=production). */
  demo: boolean;
  bodyLimitBytes: number;
  tokenTtlHours: number;
  /** Uncommitted import dry runs (plans with names and ID numbers) are purged after this many hours (env IMPORT_DRY_RUN_TTL_HOURS; default 24). */
  importDryRunTtlHours?: number;
  /**
   * An import read's lease (ms; env IMPORT_LEASE_MS, default DEFAULT_IMPORT_LEASE_MS in config.ts): renewed by the
   * reading instance's heartbeat (about lease/3, at most every second); a read whose lease ran out is taken over by another instance.
   */
  importLeaseMs?: number;
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
  /** API servers on other origins the panes served here may call (CSP connect-src; env ADDIN_API_ORIGINS). */
  addinApiOrigins?: string[];
  /** Origins of add-in pages allowed to call this API from a browser (CORS; env CORS_ORIGINS). */
  corsOrigins?: string[];
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

/** A village ledger row as a sync applied it (values as stored: the whole row). */
export interface SyncedLedgerRow {
  rowId: string;
  values: Record<string, unknown>;
  deleted?: boolean;
  /**
   * The row's findings from the server's re-validation: a value a cell check or rule flags as an
   * error is not taken over. Absent = not validated (the values are then judged by themselves).
   */
  findings?: readonly Finding[];
}

/**
 * Called by the ledger sync inside its transaction with the rows it applied, for the modules that
 * follow the ledger (the leads: server/leads/ledger-hook.ts). The ledger declares the call; the
 * app wires it (deps.ts), so the ledger module does not depend on the leads module.
 */
export type LedgerRowsSynced = (
  tx: SqlDatabase,
  villageCode: string,
  rows: readonly SyncedLedgerRow[],
  ctx: {
    now: Date;
    user: AuthUser | null;
    /**
     * Gives the sync a finding on one of the rows (e.g. lead.id_mismatch), for its answer to the
     * village; absent where no answer can carry one.
     */
    report?: (rowId: string, finding: Finding) => void;
  },
) => Promise<unknown>;

export interface AppDeps {
  db: SqlDatabase;
  logger: Logger;
  config: ServerConfig;
  audit: AuditLog;
  /** Injected clock so deadlines and expiry are testable. */
  now: () => Date;
  /** What follows the village ledgers' synced rows (the leads' state). */
  onLedgerRowsSynced: LedgerRowsSynced;
}
