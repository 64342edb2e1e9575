/**
 * `npm run migrate-to-pg -- --from data/ledger.sqlite --to postgres://… [--schema NAME]`: moves a
 * SQLite database to an empty PostgreSQL database. The target gets the same migrations, then every
 * table's rows are copied as they are (ids, versions, audit entries, leads, submissions, accounts,
 * the report aggregates; triggers are off during the copy so nothing is counted twice or refused
 * as an update of append-only history), in one transaction: a failed copy leaves the target empty.
 * Afterwards each table is compared: row count and a checksum over its rows (order-independent),
 * and the command fails unless every table matches.
 *
 * Refuses a target that already holds any table (never merges into, or overwrites, a database),
 * and a source whose migrations are not all applied (start the server on it once first).
 */
import { createHash } from 'crypto';
import { existsSync } from 'fs';
import { parseArgs } from 'util';
import type { SqlDatabase } from '../db/database';
import { discoverMigrations, migrate } from '../db/migrate';
import { isPostgresUrl, PostgresDatabase } from '../db/postgres';
import { SqliteDatabase } from '../db/sqlite';

export interface TableReport {
  table: string;
  rows: number;
  checksum: string;
  matches: boolean;
}

/** Rows per INSERT (PostgreSQL takes at most 65 535 parameters per statement). */
const MAX_PARAMS = 30_000;
/** Rows read per page. */
const PAGE = 2_000;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value as the checksum sees it: both engines' answers for the same stored value compare equal. */
function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return { bytes: value.toString('base64') };
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** Order-independent: the hashes of all rows, sorted, hashed again. */
class TableChecksum {
  private readonly rowHashes: string[] = [];
  add(row: Record<string, unknown>, columns: readonly string[]): void {
    this.rowHashes.push(createHash('sha256').update(JSON.stringify(columns.map((column) => canonical(row[column])))).digest('hex'));
  }
  get rows(): number {
    return this.rowHashes.length;
  }
  digest(): string {
    const hash = createHash('sha256');
    for (const rowHash of this.rowHashes.sort()) hash.update(rowHash);
    return hash.digest('hex');
  }
}

interface SourceTable {
  name: string;
  columns: string[];
  /** Ordinary tables have SQLite's implicit rowid (paged by it, and copied into PostgreSQL's rowid column where there is one). */
  hasRowid: boolean;
}

async function sourceTables(db: SqlDatabase): Promise<SourceTable[]> {
  const tables = await db.all<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
  );
  const out: SourceTable[] = [];
  for (const table of tables) {
    const columns = (await db.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [table.name])).map((c) => c.name);
    out.push({ name: table.name, columns, hasRowid: !/\bWITHOUT\s+ROWID\b/i.test(table.sql) });
  }
  return out;
}

/** Every row of a SQLite table, page by page. */
async function* sqliteRows(db: SqlDatabase, table: SourceTable): AsyncGenerator<Array<Record<string, unknown>>> {
  const list = table.columns.map(quote).join(', ');
  if (table.hasRowid) {
    let after = -Infinity;
    for (;;) {
      const rows = await db.all<Record<string, unknown>>(
        `SELECT rowid AS __rowid, ${list} FROM ${quote(table.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
        [after === -Infinity ? Number.MIN_SAFE_INTEGER : after, PAGE],
      );
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1].__rowid);
      yield rows;
    }
  }
  const order = table.columns.map((_, i) => i + 1).join(', ');
  for (let offset = 0; ; offset += PAGE) {
    const rows = await db.all<Record<string, unknown>>(`SELECT ${list} FROM ${quote(table.name)} ORDER BY ${order} LIMIT ? OFFSET ?`, [PAGE, offset]);
    if (rows.length === 0) return;
    yield rows;
  }
}

async function targetColumns(db: SqlDatabase, table: string): Promise<Set<string>> {
  const rows = await db.all<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?',
    [table],
  );
  return new Set(rows.map((row) => row.column_name));
}

/** Refuses a target holding any table in its schema. */
async function assertEmpty(target: SqlDatabase): Promise<void> {
  const tables = await target.all<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name LIMIT 5",
  );
  if (tables.length > 0) {
    throw new Error(
      `目标数据库不是空的（已有表 ${tables.map((t) => t.table_name).join(', ')}…），未写入任何数据；请指定一个新建的空数据库或 --schema。\n` +
        `The target database is not empty (it has tables ${tables.map((t) => t.table_name).join(', ')}…); nothing was written. Point --to at a new, empty database (or pass a new --schema).`,
    );
  }
}

async function assertMigrated(source: SqlDatabase): Promise<void> {
  const known = discoverMigrations().map((m) => m.version);
  let applied: Set<number>;
  try {
    applied = new Set((await source.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
  } catch {
    applied = new Set();
  }
  const missing = known.filter((version) => !applied.has(version));
  if (missing.length > 0) {
    throw new Error(
      `源数据库缺少迁移 ${missing.join(', ')}：请先用本版本启动一次服务（LEDGER_DB 指向它），再迁移。\n` +
        `The source database lacks migrations ${missing.join(', ')}: start this version of the server on it once (LEDGER_DB), then migrate.`,
    );
  }
}

/** Copies every table of `source` (SQLite) into `target` (PostgreSQL, empty) and compares them; returns one report per table. */
export async function copySqliteToPostgres(source: SqlDatabase, target: SqlDatabase, log: (line: string) => void = () => undefined): Promise<TableReport[]> {
  if (source.engine !== 'sqlite' || target.engine !== 'postgres') throw new Error('copies from SQLite to PostgreSQL');
  await assertMigrated(source);
  await assertEmpty(target);
  await migrate(target);
  const tables = await sourceTables(source);
  const sums = new Map<string, TableChecksum>();
  await target.transaction(async (tx) => {
    // foreign keys are dropped for the copy (tables come in any order, units refer to units) and
    // put back after it, which checks every copied row against them
    const foreignKeys = await tx.all<{ table_name: string; name: string; definition: string }>(
      `SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE c.contype = 'f' AND n.nspname = current_schema()`,
    );
    for (const key of foreignKeys) await tx.exec(`ALTER TABLE ${key.table_name} DROP CONSTRAINT ${quote(key.name)}`);
    for (const table of tables) {
      const present = await targetColumns(tx, table.name);
      if (present.size === 0) throw new Error(`table ${table.name} is missing on PostgreSQL (its migration has no PostgreSQL half?)`);
      const copyRowid = table.hasRowid && present.has('rowid') && !table.columns.includes('rowid');
      const columns = [...table.columns, ...(copyRowid ? ['rowid'] : [])];
      const perInsert = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      const sum = new TableChecksum();
      await tx.exec(`ALTER TABLE ${quote(table.name)} DISABLE TRIGGER USER`);
      for await (const page of sqliteRows(source, table)) {
        for (let i = 0; i < page.length; i += perInsert) {
          const chunk = page.slice(i, i + perInsert);
          const values = chunk.flatMap((row) => columns.map((column) => (column === 'rowid' && copyRowid ? row.__rowid : row[column])));
          const tuples = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
          await tx.run(`INSERT INTO ${quote(table.name)} (${columns.map(quote).join(', ')}) VALUES ${tuples}`, values);
        }
        for (const row of page) sum.add(row, table.columns);
      }
      await tx.exec(`ALTER TABLE ${quote(table.name)} ENABLE TRIGGER USER`);
      // generated ids continue after the copied ones
      const identities = await tx.all<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'",
        [table.name],
      );
      for (const { column_name: column } of identities) {
        await tx.get(
          `SELECT setval(pg_get_serial_sequence(?, ?), GREATEST((SELECT MAX(${quote(column)}) FROM ${quote(table.name)}), 1), (SELECT COUNT(*) FROM ${quote(table.name)}) > 0)`,
          [table.name, column],
        );
      }
      sums.set(table.name, sum);
      log(`${table.name}: ${sum.rows}`);
    }
    for (const key of foreignKeys) await tx.exec(`ALTER TABLE ${key.table_name} ADD CONSTRAINT ${quote(key.name)} ${key.definition}`);
  });
  // verify: read every table back from PostgreSQL
  const reports: TableReport[] = [];
  for (const table of tables) {
    const expected = sums.get(table.name) as TableChecksum;
    const actual = new TableChecksum();
    const list = table.columns.map(quote).join(', ');
    let after = '(0,0)';
    for (;;) {
      const rows = await target.all<Record<string, unknown>>(
        `SELECT ctid::text AS __ctid, ${list} FROM ${quote(table.name)} WHERE ctid > CAST(? AS tid) ORDER BY ctid LIMIT ?`,
        [after, PAGE],
      );
      if (rows.length === 0) break;
      after = String(rows[rows.length - 1].__ctid);
      for (const row of rows) actual.add(row, table.columns);
    }
    const checksum = expected.digest();
    reports.push({ table: table.name, rows: actual.rows, checksum: actual.digest(), matches: actual.rows === expected.rows && actual.digest() === checksum });
  }
  return reports;
}

const USAGE = '用法 / usage: npm run migrate-to-pg -- --from data/ledger.sqlite --to postgres://user@host/db [--schema NAME]\n';

export async function runMigrateToPg(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t), err: (text: string) => void = (t) => process.stderr.write(t)): Promise<number> {
  let values: { from?: string; to?: string; schema?: string };
  try {
    values = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, schema: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    err(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (!values.from || !values.to) {
    err(USAGE);
    return 2;
  }
  if (!isPostgresUrl(values.to)) {
    err(`--to 须为 postgres:// 地址 / --to must be a postgres:// URL\n${USAGE}`);
    return 2;
  }
  if (!existsSync(values.from)) {
    err(`源数据库不存在 / source database not found: ${values.from}\n`);
    return 1;
  }
  const source = await SqliteDatabase.open(values.from, { readOnly: true });
  try {
    const target = await PostgresDatabase.open(values.to, values.schema ? { schema: values.schema } : {});
    try {
      const reports = await copySqliteToPostgres(source, target);
      for (const report of reports) out(`${report.matches ? 'ok  ' : 'DIFF'} ${report.table}: ${report.rows} rows, sha256 ${report.checksum.slice(0, 16)}\n`);
      const bad = reports.filter((report) => !report.matches);
      if (bad.length > 0) {
        err(`校验不一致 / verification failed: ${bad.map((report) => report.table).join(', ')}\n`);
        return 1;
      }
      out(`已迁移 / migrated: ${reports.length} tables, ${reports.reduce((n, r) => n + r.rows, 0)} rows; counts and checksums match.\n`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

if (require.main === module) {
  runMigrateToPg(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`迁移失败 / migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
