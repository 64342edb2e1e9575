/**
 * `npm run backup -- FILE`: a consistent copy of the live database, safe while the server runs.
 * - SQLite (LEDGER_DB): `VACUUM INTO` (one snapshot). Restore: stop the server, copy FILE over
 *   LEDGER_DB (and delete any LEDGER_DB-wal / -shm beside it), start the server.
 * - PostgreSQL (DATABASE_URL, DATABASE_SCHEMA): `pg_dump --format=custom` (one snapshot; of the
 *   schema only when DATABASE_SCHEMA is set), checked with `pg_restore --list`. Restore into an empty
 *   database: `pg_restore --no-owner --dbname=URL FILE`.
 * See docs/operations.md and the README's deployment section.
 */
import { execFile } from 'child_process';
import { existsSync, mkdirSync, readdirSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { promisify } from 'util';
import { loadConfig } from '../config';
import type { SqlDatabase } from '../db/database';
import { SqliteDatabase } from '../db/sqlite';

/** Writes a consistent copy of `db` to `target` (which must not exist yet). */
export async function backupDatabase(db: SqlDatabase, target: string): Promise<void> {
  if (existsSync(target)) throw new Error(`backup target already exists: ${target}`);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  await db.run('VACUUM INTO ?', [resolve(target)]);
}

/** Checks a backup file opens and passes SQLite's integrity check. */
export async function verifyBackup(file: string): Promise<void> {
  const db = await SqliteDatabase.open(file, { readOnly: true });
  try {
    const row = await db.get<{ integrity_check: string }>('PRAGMA integrity_check');
    if (row?.integrity_check !== 'ok') throw new Error(`integrity check failed: ${row?.integrity_check}`);
  } finally {
    await db.close();
  }
}

const run = promisify(execFile);

/**
 * A PostgreSQL client program (pg_dump, pg_restore): PG_BIN/<name>, else the newest of Debian's
 * /usr/lib/postgresql/<version>/bin (pg_dump must not be older than the server), else PATH.
 */
export function postgresProgram(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return join(env.PG_BIN, name);
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((version) => existsSync(join(root, version, 'bin', name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length > 0 ? join(root, versions[0], 'bin', name) : name;
}

/** pg_dump of the database (or of one schema) into `target` (which must not exist yet), then pg_restore --list of it. */
export async function backupPostgres(url: string, schema: string | undefined, target: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (existsSync(target)) throw new Error(`backup target already exists: ${target}`);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  // the password goes to pg_dump in its environment, never on a command line others can list
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const args = ['--format=custom', '--no-owner', `--file=${resolve(target)}`, ...(schema ? [`--schema=${schema}`] : []), `--dbname=${parsed.toString()}`];
  try {
    await run(postgresProgram('pg_dump', env), args, { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } });
    await run(postgresProgram('pg_restore', env), ['--list', resolve(target)], { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('pg_dump / pg_restore not found: install PostgreSQL\'s client programs (Debian package postgresql-client) or set PG_BIN');
    }
    throw error;
  }
}

export async function runBackup(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = argv.find((arg) => !arg.startsWith('-'));
  if (!target) {
    process.stderr.write('用法 / usage: npm run backup -- FILE\n');
    return 2;
  }
  const config = loadConfig(env);
  if (config.databaseUrl !== undefined) {
    await backupPostgres(config.databaseUrl, config.databaseSchema, target, env);
    process.stdout.write(`已备份 / backed up: PostgreSQL${config.databaseSchema ? ` (schema ${config.databaseSchema})` : ''} → ${resolve(target)}\n`);
    return 0;
  }
  const source = config.dbFile;
  if (!existsSync(source)) {
    process.stderr.write(`数据库不存在 / database not found: ${source}\n`);
    return 1;
  }
  const db = await SqliteDatabase.open(source);
  try {
    await backupDatabase(db, target);
  } finally {
    await db.close();
  }
  await verifyBackup(target);
  process.stdout.write(`已备份 / backed up: ${source} → ${resolve(target)}\n`);
  return 0;
}

if (require.main === module) {
  runBackup(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`备份失败 / backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
