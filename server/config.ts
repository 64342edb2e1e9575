/** Server settings from the environment. Demo mode (demo prefecture + demo accounts) unless NODE_ENV=production. */
import type { ServerConfig } from './app-deps';
import { READ_LIMIT_ENV, type ReadLimitName, type ReadLimits } from './io/read-limits';

export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const readLimits = readLimitsFrom(env);
  return {
    ...(Object.keys(readLimits).length > 0 ? { readLimits } : {}),
    host: env.HOST || '127.0.0.1',
    port: intFrom(env.PORT, 3000, 'PORT', 0, 65535),
    dbFile: env.LEDGER_DB || 'data/ledger.sqlite',
    demo: env.NODE_ENV !== 'production',
    bodyLimitBytes: env.BODY_LIMIT ? parseByteSize(env.BODY_LIMIT) : DEFAULT_BODY_LIMIT_BYTES,
    tokenTtlHours: intFrom(env.TOKEN_TTL_HOURS, 12, 'TOKEN_TTL_HOURS', 1, 24 * 90),
    ...(env.IMPORT_DRY_RUN_TTL_HOURS ? { importDryRunTtlHours: intFrom(env.IMPORT_DRY_RUN_TTL_HOURS, 24, 'IMPORT_DRY_RUN_TTL_HOURS', 1, 24 * 30) } : {}),
  };
}
