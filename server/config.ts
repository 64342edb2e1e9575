/** Server settings from the environment. Demo mode (demo prefecture + demo accounts) unless NODE_ENV=production. */
import { isIP } from 'net';
import type { ServerConfig, TrustProxy } from './app-deps';
import { isPostgresUrl } from './db/postgres';
import { READ_LIMIT_ENV, type ReadLimitName, type ReadLimits } from './io/read-limits';
import { parseOrigins } from './http/cross-origin';

export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** Hours an uncommitted import dry run (names, ID numbers) is kept when IMPORT_DRY_RUN_TTL_HOURS is unset. */
export const DEFAULT_IMPORT_DRY_RUN_TTL_HOURS = 24;

/** How long an import read's lease runs without a heartbeat when IMPORT_LEASE_MS is unset (imports/lease.ts). */
export const DEFAULT_IMPORT_LEASE_MS = 30_000;

/** '5mb', '512kb', '1048576' → bytes. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) throw new Error(`not a byte size: ${text}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'b' | 'kb' | 'mb' | 'gb'];
  return Math.floor(Number(match[1]) * factor);
}

function intFrom(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

const BYTE_LIMITS: ReadonlySet<ReadLimitName> = new Set(['maxEntryBytes', 'maxTotalBytes', 'maxSharedStringsBytes', 'maxTextBytes']);

/** IMPORT_MAX_* → read limit overrides (sizes accept '512mb' like BODY_LIMIT; counts are integers ≥ 1). */
export function readLimitsFrom(env: NodeJS.ProcessEnv): Partial<ReadLimits> {
  const limits: Partial<ReadLimits> = {};
  for (const [limit, name] of Object.entries(READ_LIMIT_ENV) as [ReadLimitName, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = BYTE_LIMITS.has(limit) ? parseByteSize(text) : intFrom(text, 0, name, 1, Number.MAX_SAFE_INTEGER);
    if (!(value >= 1)) throw new Error(`${name} must be at least 1`);
    limits[limit] = value;
  }
  return limits;
}

/** Names express accepts for whole address ranges of proxies. */
const PROXY_RANGE_NAMES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: unset, '', 'false' or '0' → off (X-Forwarded-For ignored); a whole number 1–10 → that
 * many proxies in front; else a comma-separated list of proxy addresses or subnets (10.0.0.5,
 * 10.0.0.0/8, ::1, loopback). 'true' (believe any sender) is refused: every client could then pick
 * its own address and slip past the per-address sign-in limit.
 */
export function trustProxyFrom(text: string | undefined): TrustProxy | undefined {
  const value = (text ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return undefined;
  if (/^\d+$/.test(value)) return { hops: intFrom(value, 0, 'TRUST_PROXY', 1, 10) };
  const addresses = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const address of addresses) {
    const [ip, bits, extra] = address.split('/');
    const family = isIP(ip);
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_RANGE_NAMES.has(address) && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new Error(
        `TRUST_PROXY: 无法识别的代理地址 / not a proxy address or subnet: ${address} (use a hop count such as 1, or addresses such as 127.0.0.1,10.0.0.0/8)`,
      );
    }
  }
  if (addresses.length === 0) throw new Error('TRUST_PROXY: 未给出代理地址 / no proxy address given');
  return { addresses };
}

/** DATABASE_URL (postgres:// or postgresql://) and DATABASE_SCHEMA; anything else in DATABASE_URL is refused. */
function databaseFrom(env: NodeJS.ProcessEnv): Pick<ServerConfig, 'databaseUrl' | 'databaseSchema'> {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') return {};
  if (!isPostgresUrl(url)) {
    throw new Error('DATABASE_URL 须以 postgres:// 开头（SQLite 请用 LEDGER_DB） / DATABASE_URL must start with postgres:// (for SQLite use LEDGER_DB)');
  }
  const schema = env.DATABASE_SCHEMA;
  if (schema !== undefined && schema !== '' && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error('DATABASE_SCHEMA 须为小写字母、数字、下划线 / DATABASE_SCHEMA must be lower-case letters, digits and underscores');
  }
  return { databaseUrl: url, ...(schema ? { databaseSchema: schema } : {}) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const readLimits = readLimitsFrom(env);
  const trustProxy = trustProxyFrom(env.TRUST_PROXY);
  return {
    ...(Object.keys(readLimits).length > 0 ? { readLimits } : {}),
    host: env.HOST || '127.0.0.1',
    port: intFrom(env.PORT, 3000, 'PORT', 0, 65535),
    dbFile: env.LEDGER_DB || 'data/ledger.sqlite',
    ...databaseFrom(env),
    demo: env.NODE_ENV !== 'production',
    bodyLimitBytes: env.BODY_LIMIT ? parseByteSize(env.BODY_LIMIT) : DEFAULT_BODY_LIMIT_BYTES,
    tokenTtlHours: intFrom(env.TOKEN_TTL_HOURS, 12, 'TOKEN_TTL_HOURS', 1, 24 * 90),
    ...(trustProxy ? { trustProxy } : {}),
    ...(env.ADDIN_API_ORIGINS ? { addinApiOrigins: parseOrigins(env.ADDIN_API_ORIGINS, 'ADDIN_API_ORIGINS') } : {}),
    ...(env.CORS_ORIGINS ? { corsOrigins: parseOrigins(env.CORS_ORIGINS, 'CORS_ORIGINS') } : {}),
    ...(env.IMPORT_LEASE_MS ? { importLeaseMs: intFrom(env.IMPORT_LEASE_MS, DEFAULT_IMPORT_LEASE_MS, 'IMPORT_LEASE_MS', 500, 3_600_000) } : {}),
    ...(env.IMPORT_DRY_RUN_TTL_HOURS ? { importDryRunTtlHours: intFrom(env.IMPORT_DRY_RUN_TTL_HOURS, DEFAULT_IMPORT_DRY_RUN_TTL_HOURS, 'IMPORT_DRY_RUN_TTL_HOURS', 1, 24 * 30) } : {}),
  };
}
