/**
 * The SQL of the summaries' pre-aggregation as the SQLite writer keeps it (pre-aggregation.ts says
 * why): a chunk's facts rows and count additions, and the taking back of what rows replace.
 * Row objects are expanded with jsonb_each (their `->>` read the binary form directly). Every
 * statement carries the handle's writeGuard: issued beside the rows' own writes, none may run on
 * its own once the database has rolled their transaction back.
 */
import { settleAll, type SqlDatabase } from '../db/database';
import type { LedgerValues } from '../../ledger/types';
import { COUNT_TABLES, CountDeltas, factsRecord, type CountTable, type FactsRecord, type OpenIdDelta } from './pre-aggregation';

/** Adds CountDelta rows (parameter: their JSON array) to a count table. */
const addCountsSql = (table: CountTable, guard: string) => `
INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
  SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5 FROM jsonb_each(?) AS j WHERE ${guard}
ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET found = found + excluded.found, closed = closed + excluded.closed`;

/** Adds OpenIdDelta rows (parameter: their JSON array) to ledger_open_ids. */
const addOpenIdsSql = (guard: string) => `
INSERT INTO ledger_open_ids (id_number, village_code, n)
  SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM jsonb_each(?) AS j WHERE ${guard}
ON CONFLICT (id_number, village_code) DO UPDATE SET n = n + excluded.n`;

/** Writes FactsRecords of one village (parameters: village code, their JSON array), replacing older ones. */
const putFactsSql = (guard: string) => `
INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
  SELECT ?, j.value ->> 'r', j.value ->> 'fm', j.value ->> 'cm', j.value -> 'd', j.value ->> 'i', j.value ->> 'o' FROM jsonb_each(?) AS j WHERE ${guard}
ON CONFLICT (village_code, row_id) DO UPDATE SET found_month = excluded.found_month, closed_month = excluded.closed_month,
  dims_json = excluded.dims_json, id_number = excluded.id_number, is_open = excluded.is_open`;

/** Deletes the facts rows of some rows of one village (parameters: village code, JSON array of row ids). */
const dropFactsSql = (guard: string) => `DELETE FROM ledger_row_facts WHERE village_code = ? AND row_id IN (SELECT value FROM json_each(?)) AND ${guard}`;

/** The stored facts of the rows named (parameters ?1 village code, ?2 JSON array of row ids). */
const namedFacts = (guard: string) => `FROM ledger_row_facts f WHERE f.village_code = ?1 AND f.row_id IN (SELECT value FROM json_each(?2)) AND f.found_month <> '' AND ${guard}`;

/** Takes stored facts back out of the counts: one grouped upsert per count table, one for the open IDs. */
export const takeBackSql = (guard: string): readonly string[] => [
  ...COUNT_TABLES.map(
    ({ table, unitSql }) => `
INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
  SELECT ${unitSql('m.village_code')}, m.month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), -SUM(m.found), -SUM(m.closed)
    FROM (SELECT f.village_code, f.dims_json, f.found_month AS month, 1 AS found, 0 AS closed ${namedFacts(guard)}
          UNION ALL
          SELECT f.village_code, f.dims_json, f.closed_month, 0, 1 ${namedFacts(guard)} AND f.closed_month <> '') AS m,
         json_each(m.dims_json) AS d
   GROUP BY 1, 2, 3, 4
ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET found = found + excluded.found, closed = closed + excluded.closed`,
  ),
  `
INSERT INTO ledger_open_ids (id_number, village_code, n)
  SELECT f.id_number, f.village_code, -COUNT(*) FROM ledger_row_facts f
   WHERE f.village_code = ?1 AND f.row_id IN (SELECT value FROM json_each(?2)) AND f.is_open = 1 AND f.id_number <> '' AND ${guard}
   GROUP BY 1, 2
ON CONFLICT (id_number, village_code) DO UPDATE SET n = n + excluded.n`,
];

/**
 * Takes the stored facts of some rows of one village back out of the counts, in one round trip.
 * Must finish before those rows' facts rows are replaced or deleted (chunkFactsWrites).
 */
export async function takeBackFacts(db: SqlDatabase, villageCode: string, rowIds: readonly string[]): Promise<void> {
  if (rowIds.length === 0) return;
  const params = [villageCode, JSON.stringify(rowIds)];
  await settleAll(takeBackSql(db.writeGuard).map((sql) => db.run(sql, params)));
}

/** What a written row version is, for its facts. */
export interface FactsWrite {
  rowId: string;
  values: LedgerValues;
  deleted: boolean;
  /** The row did not exist before (it has no facts to drop). */
  isNew: boolean;
}

/**
 * The statements that bring a chunk's facts and counts up to date, issued now and not awaited (the
 * caller waits for them with the chunk's other writes): facts rows replaced, deleted rows' facts
 * dropped, one upsert per count table and one for the open IDs. They commute with each other and
 * with the rows' writes.
 */
export function chunkFactsWrites(db: SqlDatabase, villageCode: string, chunk: readonly FactsWrite[]): Promise<unknown>[] {
  const records: FactsRecord[] = [];
  const dropped: string[] = [];
  const deltas = new CountDeltas();
  for (const write of chunk) {
    if (write.deleted) {
      if (!write.isNew) dropped.push(write.rowId);
      continue;
    }
    const record = factsRecord(write.rowId, write.values);
    records.push(record);
    deltas.add(villageCode, record);
  }
  const guard = db.writeGuard;
  const statements: Promise<unknown>[] = [];
  if (records.length > 0) statements.push(db.run(putFactsSql(guard), [villageCode, JSON.stringify(records)]));
  if (dropped.length > 0) statements.push(db.run(dropFactsSql(guard), [villageCode, JSON.stringify(dropped)]));
  statements.push(...countWrites(db, deltas));
  return statements;
}

/** The additions of `deltas` to the count tables and open IDs, issued now (`openIds` picks which open IDs to keep). */
export function countWrites(db: SqlDatabase, deltas: CountDeltas, openIds: (rows: OpenIdDelta[]) => OpenIdDelta[] = (rows) => rows): Promise<unknown>[] {
  const statements: Promise<unknown>[] = [];
  for (const { table, rows } of deltas.countRows()) {
    // bounded parameters: a bulk load's deltas go in slices
    for (let i = 0; i < rows.length; i += COUNT_SLICE) statements.push(db.run(addCountsSql(table, db.writeGuard), [JSON.stringify(rows.slice(i, i + COUNT_SLICE))]));
  }
  const open = openIds(deltas.openIdRows());
  for (let i = 0; i < open.length; i += COUNT_SLICE) statements.push(db.run(addOpenIdsSql(db.writeGuard), [JSON.stringify(open.slice(i, i + COUNT_SLICE))]));
  return statements;
}

/** Count rows per statement (a bulk load adds hundreds of thousands). */
const COUNT_SLICE = 20_000;
