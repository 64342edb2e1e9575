/** Builds AppDeps (the types are in app-deps.ts) for a database file: open (WAL, FKs), migrate, audit log, clock. */
import { mkdirSync } from 'fs';
import { dirname } from 'path';
import type { Logger } from 'pino';
import type { AppDeps, ServerConfig } from './app-deps';
import { SqlAuditLog } from './audit/audit-log';
import { checkIntegrity, DatabaseCorruptError, isCorruptionError } from './db/integrity';
import { migrate } from './db/migrate';
import { SqliteDatabase } from './db/sqlite';
import { onLedgerRowsSynced } from './leads/ledger-hook';
import { createLogger } from './logger';

export async function buildDeps(
  config: ServerConfig,
  /** checkIntegrity: PRAGMA quick_check before migrating (npm start; refuses a corrupt file). */
  options: { logger?: Logger; now?: () => Date; checkIntegrity?: boolean } = {},
): Promise<AppDeps> {
  if (config.dbFile !== ':memory:') mkdirSync(dirname(config.dbFile), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = await SqliteDatabase.open(config.dbFile);
  } catch (error) {
    // "file is not a database": the header itself is damaged.
    if (isCorruptionError(error)) throw new DatabaseCorruptError(config.dbFile, [String((error as Error).message)]);
    throw error;
  }
  const now = options.now ?? (() => new Date());
  try {
    if (options.checkIntegrity) await checkIntegrity(db, config.dbFile);
    await migrate(db, undefined, now);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, logger: options.logger ?? createLogger(), config, audit: new SqlAuditLog(db, now), now, onLedgerRowsSynced };
}
