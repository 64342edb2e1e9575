/**
 * 010 — summaries pre-aggregated on write (reports owner).
 *
 * ledger_row_facts: per live ledger row, what it counts under (the SQL mirror of ledger/reports/facts.ts
 * rowFacts: found month, closed month clamped to ≥ found month, one [dimension, value] pair per figure).
 * ledger_month_counts: per village, month, dimension and value, how many rows were found in that
 * month and how many were closed in it. Rows counting in a window [from, to] are then
 *   Σ found (month ≤ to) − Σ closed (month < from)
 * a sum over at most villages × months × values buckets, whatever the number of rows.
 *
 * Both are kept by a trigger on ledger_row_versions (every write of every row goes through it, in
 * the writer's transaction), so no writer has to remember them. The dimension list is frozen here
 * as a literal (a migration never changes); tests/server/reports-facts.test.ts checks it against
 * SUMMARY_DIMENSIONS and the trigger's facts against rowFacts on random rows.
 */
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

/** SELECT of the fact columns of one row version (found month, clamped closed month, dims, ID number, open). */
const factSelect = (values: string) => `
  SELECT fm AS found_month, CASE WHEN cm <> '' AND fm <> '' AND cm < fm THEN fm ELSE cm END AS closed_month, dj AS dims_json,
         CASE WHEN json_type(${values}, '$.idNumber') = 'text' THEN UPPER(TRIM(json_extract(${values}, '$.idNumber'))) ELSE '' END AS id_number,
         CASE WHEN COALESCE(TRIM(json_extract(${values}, '$.status')), '') = '已办结' THEN 0 ELSE 1 END AS is_open
    FROM (SELECT ${month(values, 'foundOn')} AS fm, ${month(values, 'closedOn')} AS cm, ${dims(values)} AS dj)`;

/** Open rows by ID number and village (−1 / +1 for the fact of one row). */
const openIds = (sign: 1 | -1, where: string) => `
  INSERT INTO ledger_open_ids (id_number, village_code, n)
    SELECT f.id_number, f.village_code, ${sign} FROM ledger_row_facts f WHERE ${where} AND f.is_open = 1 AND f.id_number <> ''
  ON CONFLICT (id_number, village_code) DO UPDATE SET n = n + excluded.n;`;

/** Adds (sign +1) or removes (−1) the contribution of the fact of one row to the month counts. */
const contribute = (sign: 1 | -1, where: string) => `
  INSERT INTO ledger_month_counts (village_code, month, dimension, value, found, closed)
    SELECT f.village_code, f.found_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), ${sign}, 0
      FROM ledger_row_facts f, json_each(f.dims_json) d
     WHERE ${where} AND f.found_month <> ''
  ON CONFLICT (village_code, dimension, value, month) DO UPDATE SET found = found + excluded.found;
  INSERT INTO ledger_month_counts (village_code, month, dimension, value, found, closed)
    SELECT f.village_code, f.closed_month, json_extract(d.value, '$[0]'), json_extract(d.value, '$[1]'), 0, ${sign}
      FROM ledger_row_facts f, json_each(f.dims_json) d
     WHERE ${where} AND f.found_month <> '' AND f.closed_month <> ''
  ON CONFLICT (village_code, dimension, value, month) DO UPDATE SET closed = closed + excluded.closed;`;

const THIS_ROW = 'f.village_code = NEW.village_code AND f.row_id = NEW.row_id';

export const up = `
CREATE TABLE ledger_row_facts (
  village_code TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  found_month  TEXT NOT NULL,
  closed_month TEXT NOT NULL,
  dims_json    TEXT NOT NULL,
  id_number    TEXT NOT NULL,
  is_open      INTEGER NOT NULL,
  PRIMARY KEY (village_code, row_id)
) WITHOUT ROWID;

-- Open rows per ID number and village, and over how many villages each ID number is open:
-- cross-village duplicates are the ID numbers with villages > 1 (a partial index finds them at once).
CREATE TABLE ledger_open_ids (
  id_number    TEXT NOT NULL,
  village_code TEXT NOT NULL,
  n            INTEGER NOT NULL,
  PRIMARY KEY (id_number, village_code)
) WITHOUT ROWID;
CREATE TABLE ledger_id_spread (
  id_number TEXT PRIMARY KEY,
  villages  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ledger_id_spread_duplicates ON ledger_id_spread (id_number) WHERE villages > 1;
CREATE TRIGGER ledger_open_ids_insert AFTER INSERT ON ledger_open_ids WHEN NEW.n > 0
BEGIN
  INSERT INTO ledger_id_spread (id_number, villages) VALUES (NEW.id_number, 1)
  ON CONFLICT (id_number) DO UPDATE SET villages = villages + 1;
END;
CREATE TRIGGER ledger_open_ids_update AFTER UPDATE OF n ON ledger_open_ids WHEN (OLD.n > 0) <> (NEW.n > 0)
BEGIN
  UPDATE ledger_id_spread SET villages = villages + (CASE WHEN NEW.n > 0 THEN 1 ELSE -1 END) WHERE id_number = NEW.id_number;
END;

CREATE TABLE ledger_month_counts (
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  dimension    TEXT NOT NULL,
  value        TEXT NOT NULL,
  found        INTEGER NOT NULL DEFAULT 0,
  closed       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (village_code, dimension, value, month)
) WITHOUT ROWID;

-- A new version is always the row's latest: swap the row's old contribution for the new one.
CREATE TRIGGER ledger_facts_follow_versions AFTER INSERT ON ledger_row_versions
BEGIN
  ${contribute(-1, THIS_ROW)}
  ${openIds(-1, THIS_ROW)}
  DELETE FROM ledger_row_facts WHERE village_code = NEW.village_code AND row_id = NEW.row_id;
  INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
    SELECT NEW.village_code, NEW.row_id, found_month, closed_month, dims_json, id_number, is_open FROM (${factSelect('NEW.values_json')})
     WHERE NEW.deleted = 0;
  ${contribute(1, THIS_ROW)}
  ${openIds(1, THIS_ROW)}
END;

-- Rows written before this migration.
INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
  SELECT r.village_code, r.row_id,
         ${['found_month', 'closed_month', 'dims_json', 'id_number', 'is_open'].map((column) => `(SELECT ${column} FROM (${factSelect('v.values_json')}))`).join(',\n         ')}
    FROM ledger_rows r
    JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version
   WHERE r.deleted = 0;
${contribute(1, '1 = 1')}
${openIds(1, '1 = 1')}
`;

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the same tables, kept by a plpgsql trigger with the same facts (rowFacts' mirror).

/** One row version's facts (found month, clamped closed month, dims as JSON text, ID number, open). */
export const PG_FACTS_FUNCTION = `
CREATE OR REPLACE FUNCTION ledger_row_facts_of(values_json text)
RETURNS TABLE (found_month text, closed_month text, dims_json text, id_number text, is_open integer)
LANGUAGE sql IMMUTABLE AS $$
  WITH doc AS (SELECT values_json::jsonb AS j),
  months AS (
    SELECT ${(['foundOn', 'closedOn'] as const)
      .map(
        (key) => `CASE WHEN jsonb_typeof(j -> '${key}') = 'string' AND (j ->> '${key}') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                THEN substr(j ->> '${key}', 1, 7) ELSE '' END AS ${key === 'foundOn' ? 'fm' : 'cm'}`,
      )
      .join(',\n           ')}
      FROM doc
  ),
  pairs AS (
    ${[
      ...SCALAR.map(
        (key, i) => `SELECT ${i} AS o, '${key}' AS d, COALESCE(NULLIF(TRIM(j ->> '${key}'), ''), '${UNFILLED}') AS v FROM doc`,
      ),
      ...MULTI.map(
        (key, i) => `SELECT ${SCALAR.length + i} AS o, '${key}' AS d, COALESCE(e.v, '${UNFILLED}') AS v FROM doc LEFT JOIN LATERAL (
          SELECT DISTINCT TRIM(CASE jsonb_typeof(x) WHEN 'string' THEN x #>> '{}' WHEN 'null' THEN NULL ELSE x::text END) AS v
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j -> '${key}') = 'array' THEN j -> '${key}' ELSE '[]'::jsonb END) AS x
           WHERE TRIM(CASE jsonb_typeof(x) WHEN 'string' THEN x #>> '{}' WHEN 'null' THEN NULL ELSE x::text END) <> '') AS e ON true`,
      ),
    ].join('\n    UNION ALL ')}
  )
  SELECT m.fm,
         CASE WHEN m.cm <> '' AND m.fm <> '' AND m.cm < m.fm THEN m.fm ELSE m.cm END,
         (SELECT json_agg(json_build_array(p.d, p.v) ORDER BY p.o, p.v)::text FROM pairs p),
         CASE WHEN jsonb_typeof(j -> 'idNumber') = 'string' THEN UPPER(TRIM(j ->> 'idNumber')) ELSE '' END,
         CASE WHEN COALESCE(TRIM(j ->> 'status'), '') = '已办结' THEN 0 ELSE 1 END
    FROM doc, months m
$$;
`;

/**
 * Adds (sign +1) or removes (−1) the facts `where` picks to `table` (its unit column `unit`) under
 * the unit `code`: found in the found month, closed in the closed month (one upsert for both; a
 * bucket both touch gets both, as two upserts would).
 */
export const pgContribute = (table: string, unit: string, code: string, sign: string, where: string) => `
  INSERT INTO ${table} (${unit}, month, dimension, value, found, closed)
    SELECT ${code}, m.month, d.value ->> 0, d.value ->> 1, SUM(m.found), SUM(m.closed)
      FROM ledger_row_facts f, json_array_elements(f.dims_json::json) AS d(value),
           LATERAL (VALUES (f.found_month, ${sign}, 0), (f.closed_month, 0, ${sign})) AS m(month, found, closed)
     WHERE ${where} AND f.found_month <> '' AND m.month <> ''
     GROUP BY 1, 2, 3, 4
  ON CONFLICT (${unit}, dimension, value, month) DO UPDATE SET found = ${table}.found + excluded.found, closed = ${table}.closed + excluded.closed;`;

export const pgOpenIds = (sign: string, where: string) => `
  INSERT INTO ledger_open_ids (id_number, village_code, n)
    SELECT f.id_number, f.village_code, SUM(${sign}) FROM ledger_row_facts f WHERE ${where} AND f.is_open = 1 AND f.id_number <> ''
     GROUP BY 1, 2
  ON CONFLICT (id_number, village_code) DO UPDATE SET n = ledger_open_ids.n + excluded.n;`;

/** The rows an INSERT into ledger_row_versions wrote (its transition table `written`). */
export const PG_WRITTEN_ROWS = '(f.village_code, f.row_id) IN (SELECT w.village_code, w.row_id FROM written w)';

/**
 * The trigger's body: a statement-level trigger over the statement's new versions (PostgreSQL
 * keeps every updated version of a row until the transaction ends, so a per-row trigger bumping the
 * same counters for each of 10 000 rows would walk ever longer version chains). Per statement:
 * take the rows' old facts out, replace them by their latest written version's, put them back in.
 */
export const pgTriggerBody = (counts: (sign: string, where: string) => string) => `
BEGIN
  ${counts('-1', PG_WRITTEN_ROWS)}
  ${pgOpenIds('-1', PG_WRITTEN_ROWS)}
  DELETE FROM ledger_row_facts AS f WHERE ${PG_WRITTEN_ROWS};
  INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
    SELECT w.village_code, w.row_id, x.found_month, x.closed_month, x.dims_json, x.id_number, x.is_open
      FROM (SELECT DISTINCT ON (village_code, row_id) village_code, row_id, deleted, values_json
              FROM written ORDER BY village_code, row_id, version DESC) AS w,
           ledger_row_facts_of(w.values_json) AS x
     WHERE w.deleted = 0;
  ${counts('1', PG_WRITTEN_ROWS)}
  ${pgOpenIds('1', PG_WRITTEN_ROWS)}
  RETURN NULL;
END
`;
const pgVillageCounts = (sign: string, where: string) => pgContribute('ledger_month_counts', 'village_code', 'f.village_code', sign, where);

export const postgres = `
${PG_FACTS_FUNCTION}
CREATE TABLE ledger_row_facts (
  village_code TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  found_month  TEXT NOT NULL,
  closed_month TEXT NOT NULL,
  dims_json    TEXT NOT NULL,
  id_number    TEXT NOT NULL,
  is_open      INTEGER NOT NULL,
  PRIMARY KEY (village_code, row_id)
);
CREATE TABLE ledger_open_ids (
  id_number    TEXT NOT NULL,
  village_code TEXT NOT NULL,
  n            BIGINT NOT NULL,
  PRIMARY KEY (id_number, village_code)
);
CREATE TABLE ledger_id_spread (
  id_number TEXT PRIMARY KEY,
  villages  BIGINT NOT NULL
);
CREATE INDEX ledger_id_spread_duplicates ON ledger_id_spread (id_number) WHERE villages > 1;

CREATE FUNCTION ledger_open_ids_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_id_spread (id_number, villages) VALUES (NEW.id_number, 1)
  ON CONFLICT (id_number) DO UPDATE SET villages = ledger_id_spread.villages + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER ledger_open_ids_insert AFTER INSERT ON ledger_open_ids FOR EACH ROW WHEN (NEW.n > 0) EXECUTE FUNCTION ledger_open_ids_insert();
CREATE FUNCTION ledger_open_ids_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_id_spread SET villages = villages + (CASE WHEN NEW.n > 0 THEN 1 ELSE -1 END) WHERE id_number = NEW.id_number;
  RETURN NULL;
END
$$;
CREATE TRIGGER ledger_open_ids_update AFTER UPDATE OF n ON ledger_open_ids FOR EACH ROW WHEN ((OLD.n > 0) <> (NEW.n > 0)) EXECUTE FUNCTION ledger_open_ids_update();

CREATE TABLE ledger_month_counts (
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  dimension    TEXT NOT NULL,
  value        TEXT NOT NULL,
  found        BIGINT NOT NULL DEFAULT 0,
  closed       BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (village_code, dimension, value, month)
);

CREATE FUNCTION ledger_facts_follow_versions() RETURNS trigger LANGUAGE plpgsql AS $$
${pgTriggerBody(pgVillageCounts)}
$$;
CREATE TRIGGER ledger_facts_follow_versions AFTER INSERT ON ledger_row_versions
  REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION ledger_facts_follow_versions();

-- Rows written before this migration.
INSERT INTO ledger_row_facts (village_code, row_id, found_month, closed_month, dims_json, id_number, is_open)
  SELECT r.village_code, r.row_id, x.found_month, x.closed_month, x.dims_json, x.id_number, x.is_open
    FROM ledger_rows r
    JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version,
         ledger_row_facts_of(v.values_json) AS x
   WHERE r.deleted = 0;
${pgVillageCounts('1', 'true')}
${pgOpenIds('1', 'true')}
`;
