/**
 * 024 — SQLite: the summaries' pre-aggregation (010, 011) kept per written chunk, not per row.
 *
 * 011's trigger swapped each new row version's contribution in the month counts one row at a time:
 * some thirty upserts per row (village and township, found and closed, one per dimension value),
 * about 40 % of what a sync push cost the database writer — the one connection every other user's
 * write waits for. SQLite has no statement-level triggers (PostgreSQL's trigger already works on
 * the whole statement and is not changed here), so now:
 *   - the trigger only notes each new version in ledger_facts_pending (one small insert per row);
 *   - APPLY_PENDING_FACTS, run by the writer after each chunk it writes (sqlite-store.ts
 *     writeRows, inside the same transaction), takes the chunk's old facts out of the counts, grouped,
 *     replaces the facts rows and puts the new ones in, grouped: one upsert per touched bucket
 *     instead of one per row and bucket — then empties the pending table.
 * The facts are computed by the same SQL expressions as 011's trigger (factColumns); the counts
 * they give are the same sums. tests/server/reports.test.ts checks facts and counts against
 * rowFacts, and that nothing is left pending after the writes.
 */
import { COUNT_TABLES, factColumns, FROZEN_DIMENSIONS as FROZEN_011 } from './011_reports_township';

export const FROZEN_DIMENSIONS: readonly string[] = FROZEN_011;

/** Rows whose facts are out of date: a version written and not yet applied. */
const PENDING_ROWS = 'SELECT village_code, row_id FROM ledger_facts_pending';

/**
 * Adds (sign +1) or removes (−1) the contribution of the facts of every pending row to the month
 * counts, per village and per township, one upsert per bucket.
 */
const contributePending = (sign: 1 | -1) =>
  COUNT_TABLES.map(
    ([table, code]) => `
INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
  SELECT ${code}, f.found_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), ${sign} * COUNT(*), 0
    FROM ledger_row_facts f, json_each(f.dims_json) d
   WHERE (f.village_code, f.row_id) IN (${PENDING_ROWS}) AND f.found_month <> ''
   GROUP BY 1, 2, 3, 4
ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET found = found + excluded.found;
INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
  SELECT ${code}, f.closed_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), 0, ${sign} * COUNT(*)
    FROM ledger_row_facts f, json_each(f.dims_json) d
   WHERE (f.village_code, f.row_id) IN (${PENDING_ROWS}) AND f.found_month <> '' AND f.closed_month <> ''
   GROUP BY 1, 2, 3, 4
ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET closed = closed + excluded.closed;`,
  ).join('\n');

/** Open rows by ID number and village, for every pending row (−1 / +1). */
const openIdsPending = (sign: 1 | -1) => `
INSERT INTO ledger_open_ids (id_number, village_code, n)
  SELECT f.id_number, f.village_code, ${sign} * COUNT(*) FROM ledger_row_facts f
   WHERE (f.village_code, f.row_id) IN (${PENDING_ROWS}) AND f.is_open = 1 AND f.id_number <> ''
   GROUP BY 1, 2
ON CONFLICT (id_number, village_code) DO UPDATE SET n = n + excluded.n;`;

/**
 * Brings facts and counts up to date with every pending version, then empties the pending table.
 * Several statements, no parameters: one `exec`, one round trip to the database thread. A row
 * written twice before an apply counts once, with its latest version.
 */
export const APPLY_PENDING_FACTS = `
${contributePending(-1)}
${openIdsPending(-1)}
DELETE FROM ledger_row_facts WHERE (village_code, row_id) IN (${PENDING_ROWS});
INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
  SELECT v.village_code, v.row_id,
         ${factColumns('v.values_json')}
    FROM ledger_row_versions v
    JOIN (SELECT village_code, row_id, MAX(version) AS version FROM ledger_facts_pending GROUP BY village_code, row_id) p
      ON v.village_code = p.village_code AND v.row_id = p.row_id AND v.version = p.version
   WHERE v.deleted = 0;
${contributePending(1)}
${openIdsPending(1)}
DELETE FROM ledger_facts_pending;
`;

/** The trigger (exported so a bulk loader can drop it, load, compute facts itself and put it back). */
export const TRIGGER_SQL = `
CREATE TRIGGER ledger_facts_follow_versions AFTER INSERT ON ledger_row_versions
BEGIN
  INSERT INTO ledger_facts_pending (village_code, row_id, version) VALUES (NEW.village_code, NEW.row_id, NEW.version);
END;
`;

/** The pending table (`options`: SQLite's WITHOUT ROWID). */
const pendingTable = (options: string) => `
CREATE TABLE ledger_facts_pending (
  village_code TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  PRIMARY KEY (village_code, row_id, version)
)${options};`;

export const up = `
${pendingTable(' WITHOUT ROWID')}
DROP TRIGGER ledger_facts_follow_versions;
${TRIGGER_SQL}
`;

/**
 * PostgreSQL: its trigger already works per statement (on the transition table) and is not changed.
 * The table exists there too, always empty, so the two schemas keep the same tables (admin-cli
 * migrate-to-pg copies every SQLite table).
 */
export const postgres = `
${pendingTable('')}
`;
