/**
 * Numbered migrations: server/db/migrations/NNN_name.ts (NNN_name.js once built), each exporting
 * `up` (SQLite's SQL text) and `postgres` (the same change in PostgreSQL's dialect). Applied in
 * number order, each in its own transaction together with its row in schema_migrations, so a
 * failed migration leaves nothing half-applied. On PostgreSQL an advisory lock makes instances
 * starting at once apply each migration exactly once.
 */
import { readdirSync } from 'fs';
import { join } from 'path';
import type { Engine, SqlDatabase } from './database';

/** The lock that makes server instances starting at once apply each migration exactly once. */
const MIGRATION_LOCK_KEY = 4_120_150_614;

export interface Migration {
  version: number;
  name: string;
  /** The SQL of each engine. */
  sql: Record<Engine, string>;
}

const FILE = /^(\d{3})_([A-Za-z0-9_-]+)\.(ts|js)$/;

export const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Finds and loads the migrations in `dir`, ordered by number; duplicate numbers are an error. */
export function discoverMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.d.ts')) continue;
    const match = FILE.exec(file);
    if (!match) continue;
    const version = Number(match[1]);
    const name = match[2];
    const existing = byVersion.get(version);
    if (existing) {
      if (existing.name === name) continue; // the same migration as .ts and .js side by side
      throw new Error(`two migrations numbered ${match[1]}: ${existing.name} and ${name}`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(join(dir, file)) as { up?: unknown; postgres?: unknown };
    const text = (value: unknown, name: string): string => {
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`migration ${file} must export a non-empty string \`${name}\``);
      return value;
    };
    byVersion.set(version, { version, name, sql: { sqlite: text(mod.up, 'up'), postgres: text(mod.postgres, 'postgres') } });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/** Applies every migration not yet recorded; returns the versions applied now. */
export async function migrate(
  db: SqlDatabase,
  migrations: Migration[] = discoverMigrations(),
  now: () => Date = () => new Date(),
): Promise<number[]> {
  const table = `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       applied_at TEXT NOT NULL
     )`;
  await db.transaction((tx) => tx.exec(table), { exclusiveKey: MIGRATION_LOCK_KEY });
  const done = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version),
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const ran = await db.transaction(async (tx) => {
      // another instance may have applied it while this one waited for the lock
      if (await tx.get('SELECT 1 AS done FROM schema_migrations WHERE version = ?', [migration.version])) return false;
      await tx.exec(migration.sql[db.engine]);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
      return true;
    }, { exclusiveKey: MIGRATION_LOCK_KEY });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
