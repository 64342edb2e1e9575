/**
 * Numbered migrations: server/db/migrations/NNN_name.ts (NNN_name.js once built), each exporting
 * `up` (SQL text). Applied in number order, each in its own transaction together with its row in
 * schema_migrations, so a failed migration leaves nothing half-applied.
 */
import { readdirSync } from 'fs';
import { join } from 'path';
import type { SqlDatabase } from './database';

export interface Migration {
  version: number;
  name: string;
  up: string;
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
    const mod = require(join(dir, file)) as { up?: unknown };
    if (typeof mod.up !== 'string' || mod.up.trim() === '') {
      throw new Error(`migration ${file} must export a non-empty string \`up\``);
    }
    byVersion.set(version, { version, name, up: mod.up });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/** Applies every migration not yet recorded; returns the versions applied now. */
export async function migrate(
  db: SqlDatabase,
  migrations: Migration[] = discoverMigrations(),
  now: () => Date = () => new Date(),
): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       name TEXT NOT NULL,
       applied_at TEXT NOT NULL
     )`,
  );
  const done = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version),
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.up);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}
