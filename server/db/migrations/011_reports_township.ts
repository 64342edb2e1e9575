/**
 * 011 — summaries above the township read per-township counts (reports owner).
 *
 * Migration 010 keeps per-village counts; a county summary then reads villages × months × values
 * buckets. This adds ledger_month_counts_township (the same counts per township, ~10× fewer
 * buckets for a county or prefecture), renames the unit column of both to unit_code, and replaces
 * 010's trigger with one that keeps both tables; the fact columns are now plain expressions
 * (no per-column subquery), which also makes the trigger cheaper.
 *
 * Rows counting in a window [from, to] are Σ found (month ≤ to) − Σ closed (month < from).
 * The dimension list is frozen here as a literal (a migration never changes);
 * tests/server/reports.test.ts checks it against SUMMARY_DIMENSIONS and the trigger's facts against
 * rowFacts on random rows.
 */
import { pgContribute, pgTriggerBody } from './010_reports';

const SCALAR = ['channel', 'verifyResult', 'status'] as const;
const MULTI = ['categories', 'routes'] as const;
export const FROZEN_DIMENSIONS: readonly string[] = [...MULTI, ...SCALAR];
const UNFILLED = '未填写';

const month = (values: string, key: string) =>
  `(CASE WHEN json_type(${values}, '$.${key}') = 'text'
          AND json_extract(${values}, '$.${key}') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
         THEN substr(json_extract(${values}, '$.${key}'), 1, 7) ELSE '' END)`;

/** JSON array of [dimension, value] pairs of one row's values (a SQL expression). */
const dims = (values: string) => {
  const parts = [
    ...SCALAR.map(
      (key) =>
        `SELECT '${key}' AS d, COALESCE(NULLIF(TRIM(CAST(json_extract(${values}, '$.${key}') AS TEXT)), ''), '${UNFILLED}') AS v`,
    ),
    ...MULTI.map(
      (key) => `SELECT '${key}' AS d, COALESCE(e.v, '${UNFILLED}') AS v FROM (SELECT 1) AS one LEFT JOIN (
          SELECT DISTINCT TRIM(CAST(value AS TEXT)) AS v
            FROM json_each(CASE WHEN json_type(${values}, '$.${key}') = 'array' THEN json_extract(${values}, '$.${key}') ELSE '[]' END)
           WHERE TRIM(CAST(value AS TEXT)) <> '') AS e`,
    ),
  ];
  return `(SELECT json_group_array(json_array(d, v)) FROM (${parts.join('\n UNION ALL ')}))`;
};

/** The fact columns of one row version as SQL expressions (found month, clamped closed month, dims, ID number, open). */
export const factColumns = (values: string) => {
  const fm = month(values, 'foundOn');
  const cm = month(values, 'closedOn');
  return [
    fm,
    `(CASE WHEN ${cm} <> '' AND ${fm} <> '' AND ${cm} < ${fm} THEN ${fm} ELSE ${cm} END)`,
    dims(values),
    `(CASE WHEN json_type(${values}, '$.idNumber') = 'text' THEN UPPER(TRIM(json_extract(${values}, '$.idNumber'))) ELSE '' END)`,
    `(CASE WHEN COALESCE(TRIM(json_extract(${values}, '$.status')), '') = '已办结' THEN 0 ELSE 1 END)`,
  ].join(',\n         ');
};

/** Open rows by ID number and village (−1 / +1 for the fact of one row). */
const openIds = (sign: 1 | -1, where: string) => `
  INSERT INTO ledger_open_ids (id_number, village_code, n)
    SELECT f.id_number, f.village_code, ${sign} FROM ledger_row_facts f WHERE ${where} AND f.is_open = 1 AND f.id_number <> ''
  ON CONFLICT (id_number, village_code) DO UPDATE SET n = n + excluded.n;`;

/** The month-count tables and the unit each is counted by (a fact's village, or its township). */
export const COUNT_TABLES = [
  ['ledger_month_counts', 'f.village_code'],
  ['ledger_month_counts_township', 'substr(f.village_code, 1, 9)'],
] as const;

/**
 * Adds (sign +1) or removes (−1) the contribution of the fact of one row to the month counts, per
 * village and per township (a county or prefecture summary reads the township table: ~10× fewer buckets).
 */
const contribute = (sign: 1 | -1, where: string) =>
  COUNT_TABLES.map(
    ([table, code]) => `
  INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
    SELECT ${code}, f.found_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), ${sign}, 0
      FROM ledger_row_facts f, json_each(f.dims_json) d
     WHERE ${where} AND f.found_month <> ''
  ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET found = found + excluded.found;
  INSERT INTO ${table} (unit_code, month, dimension, value, found, closed)
    SELECT ${code}, f.closed_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), 0, ${sign}
      FROM ledger_row_facts f, json_each(f.dims_json) d
     WHERE ${where} AND f.found_month <> '' AND f.closed_month <> ''
  ON CONFLICT (unit_code, dimension, value, month) DO UPDATE SET closed = closed + excluded.closed;`,
  ).join('\n');

const THIS_ROW = 'f.village_code = NEW.village_code AND f.row_id = NEW.row_id';

/** The trigger (exported so a bulk loader can drop it, load, backfill and put it back). */
export const TRIGGER_SQL = `
-- A new version is always the row's latest: swap the row's old contribution for the new one.
CREATE TRIGGER ledger_facts_follow_versions AFTER INSERT ON ledger_row_versions
BEGIN
  ${contribute(-1, THIS_ROW)}
  ${openIds(-1, THIS_ROW)}
  DELETE FROM ledger_row_facts WHERE village_code = NEW.village_code AND row_id = NEW.row_id;
  INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
    SELECT NEW.village_code, NEW.row_id,
         ${factColumns('NEW.values_json')}
     WHERE NEW.deleted = 0;
  ${contribute(1, THIS_ROW)}
  ${openIds(1, THIS_ROW)}
END;

`;

export const up = `
ALTER TABLE ledger_month_counts RENAME COLUMN village_code TO unit_code;
CREATE TABLE ledger_month_counts_township (
  unit_code TEXT NOT NULL,
  month     TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value     TEXT NOT NULL,
  found     INTEGER NOT NULL DEFAULT 0,
  closed    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (unit_code, dimension, value, month)
) WITHOUT ROWID;
INSERT INTO ledger_month_counts_township (unit_code, month, dimension, value, found, closed)
  SELECT substr(unit_code, 1, 9), month, dimension, value, SUM(found), SUM(closed)
    FROM ledger_month_counts GROUP BY substr(unit_code, 1, 9), month, dimension, value;
DROP TRIGGER ledger_facts_follow_versions;
${TRIGGER_SQL}
`;

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the same change; the trigger function is replaced (010's facts function stays).

const pgCounts = (sign: string, where: string) =>
  [
    pgContribute('ledger_month_counts', 'unit_code', 'f.village_code', sign, where),
    pgContribute('ledger_month_counts_township', 'unit_code', 'substr(f.village_code, 1, 9)', sign, where),
  ].join('\n');

/** The trigger function (exported so a bulk loader can disable the trigger, load, backfill and enable it). */
export const PG_TRIGGER_FUNCTION = `
CREATE OR REPLACE FUNCTION ledger_facts_follow_versions() RETURNS trigger LANGUAGE plpgsql AS $$
${pgTriggerBody(pgCounts)}
$$;
`;

export const postgres = `
ALTER TABLE ledger_month_counts RENAME COLUMN village_code TO unit_code;
CREATE TABLE ledger_month_counts_township (
  unit_code TEXT NOT NULL,
  month     TEXT NOT NULL,
  dimension TEXT NOT NULL,
  value     TEXT NOT NULL,
  found     BIGINT NOT NULL DEFAULT 0,
  closed    BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (unit_code, dimension, value, month)
);
INSERT INTO ledger_month_counts_township (unit_code, month, dimension, value, found, closed)
  SELECT substr(unit_code, 1, 9), month, dimension, value, SUM(found), SUM(closed)
    FROM ledger_month_counts GROUP BY substr(unit_code, 1, 9), month, dimension, value;
${PG_TRIGGER_FUNCTION}
`;
