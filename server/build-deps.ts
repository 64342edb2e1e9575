/** Builds AppDeps for the configured database (PostgreSQL when DATABASE_URL is set, else the SQLite file): open, migrate, audit log, clock. */
import { mkdirSync } from 'fs';
import { dirname } from 'path';
import type { Logger } from 'pino';
import type { AppDeps, ServerConfig } from './app-deps';
import { SqlAuditLog } from './audit/audit-log';
import { checkIntegrity, DatabaseCorruptError, isCorruptionError } from './db/integrity';
import { migrate } from './db/migrate';
import type { SqlDatabase } from './db/database';
import { PostgresDatabase } from './db/postgres';
import { SqliteDatabase } from './db/sqlite';
import { onLedgerRowsSynced } from './leads/ledger-hook';
import { createLogger } from './logger';

/** Opens the configured database (not migrated). */
export async function openDatabase(config: Pick<ServerConfig, 'dbFile' | 'databaseUrl' | 'databaseSchema'>): Promise<SqlDatabase> {
  if (config.databaseUrl !== undefined) {
    return PostgresDatabase.open(config.databaseUrl, config.databaseSchema !== undefined ? { schema: config.databaseSchema } : {});
  }
  if (config.dbFile !== ':memory:') mkdirSync(dirname(config.dbFile), { recursive: true });
  try {
    return await SqliteDatabase.open(config.dbFile);
  } catch (error) {
    // "file is not a database": the header itself is damaged.
    if (isCorruptionError(error)) throw new DatabaseCorruptError(config.dbFile, [String((error as Error).message)]);
    throw error;
  }
}

export async function buildDeps(
  config: ServerConfig,
  /** checkIntegrity: PRAGMA quick_check before migrating (npm start; refuses a corrupt file). */
  options: { logger?: Logger; now?: () => Date; checkIntegrity?: boolean } = {},
): Promise<AppDeps> {
  const db = await openDatabase(config);
  const now = options.now ?? (() => new Date());
  try {
    if (options.checkIntegrity && db.engine === 'sqlite') await checkIntegrity(db, config.dbFile);
    await migrate(db, undefined, now);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, logger: options.logger ?? createLogger(), config, audit: new SqlAuditLog(db, now), now, onLedgerRowsSynced };
}
