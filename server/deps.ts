/** Builds AppDeps for a database file: open (WAL, FKs), migrate, audit log, clock. */
import { mkdirSync } from 'fs';
import { dirname } from 'path';
import type { Logger } from 'pino';
import type { AppDeps, ServerConfig } from './app-deps';
import { SqlAuditLog } from './audit/audit-log';
import { migrate } from './db/migrate';
import { SqliteDatabase } from './db/sqlite';
import { createLogger } from './logger';

export async function buildDeps(
  config: ServerConfig,
  options: { logger?: Logger; now?: () => Date } = {},
): Promise<AppDeps> {
  if (config.dbFile !== ':memory:') mkdirSync(dirname(config.dbFile), { recursive: true });
  const db = await SqliteDatabase.open(config.dbFile);
  const now = options.now ?? (() => new Date());
  try {
    await migrate(db, undefined, now);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, logger: options.logger ?? createLogger(), config, audit: new SqlAuditLog(db, now), now };
}
