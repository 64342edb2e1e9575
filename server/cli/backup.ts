/**
 * `npm run backup -- FILE`: a consistent copy of the live database (LEDGER_DB) via `VACUUM INTO`,
 * safe while the server runs (SQLite reads one snapshot). Restore: stop the server, copy FILE over
 * LEDGER_DB (and delete any LEDGER_DB-wal / -shm beside it), start the server. See docs/operations.md.
 */
import { existsSync, mkdirSync } from 'fs';
import { dirname, resolve } from 'path';
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

export async function runBackup(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = argv.find((arg) => !arg.startsWith('-'));
  if (!target) {
    process.stderr.write('用法 / usage: npm run backup -- FILE\n');
    return 2;
  }
  const source = loadConfig(env).dbFile;
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
