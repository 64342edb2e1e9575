/**
 * Startup integrity check: `PRAGMA quick_check` (O(N), no index cross-check) before migrating or
 * serving. A damaged file is refused with a message that points at the restore procedure, instead of
 * answering requests from (and writing into) a corrupt database.
 */
import type { SqlDatabase } from './database';

export class DatabaseCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `数据库文件 ${file} 已损坏（PRAGMA quick_check 未通过），服务未启动，以免读写损坏的数据。请停止服务，按 docs/operations.md“恢复（Restore）”一节用最近的备份恢复后再启动。\n` +
        `The database file ${file} is corrupt (PRAGMA quick_check failed); the server did not start, so nothing is read from or written to damaged data. Restore the latest backup as described in docs/operations.md (Restore) and start again.` +
        (problems.length > 0 ? `\n${problems.slice(0, 5).join('\n')}` : ''),
    );
    this.name = 'DatabaseCorruptError';
  }
}

const CORRUPT_CODES: ReadonlySet<string> = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

/** Throws DatabaseCorruptError unless quick_check answers 'ok'. */
export async function checkIntegrity(db: SqlDatabase, file: string): Promise<void> {
  let rows: { quick_check: string }[];
  try {
    rows = await db.all<{ quick_check: string }>('PRAGMA quick_check');
  } catch (error) {
    if (isCorruptionError(error)) throw new DatabaseCorruptError(file, [String((error as Error).message)]);
    throw error;
  }
  const problems = rows.map((row) => row.quick_check).filter((text) => text !== 'ok');
  if (problems.length > 0) throw new DatabaseCorruptError(file, problems);
}
