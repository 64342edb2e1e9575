/**
 * Multi-row INSERTs, all parameterised, in chunks that stay under every engine's parameter limit
 * (SQLite's 32766, PostgreSQL's 65535). `head` ends with VALUES; every row has the same width.
 */
import type { SqlDatabase } from './database';

export async function insertRows(db: SqlDatabase, head: string, rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  const per = Math.max(1, Math.floor(30000 / width / 10));
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await db.run(`${head} ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}
