/**
 * 003 — county departmental imports, the roster of covered people, leads and their history,
 * per-county policy settings (leads owner).
 */
export const up = `
CREATE TABLE IF NOT EXISTS county_policy (
  county_code   TEXT NOT NULL,
  -- 0 = every year; a year-specific row overrides it
  year          INTEGER NOT NULL DEFAULT 0,
  settings_json TEXT NOT NULL,
  updated_by    TEXT,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (county_code, year)
);

CREATE TABLE IF NOT EXISTS imports (
  id            TEXT PRIMARY KEY,
  county_code   TEXT NOT NULL,
  source        TEXT NOT NULL,
  period        TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  total_bytes   INTEGER NOT NULL,
  bytes_read    INTEGER NOT NULL DEFAULT 0,
  rows_read     INTEGER NOT NULL DEFAULT 0,
  -- reading | ready | committed | failed
  state         TEXT NOT NULL,
  summary_json  TEXT,
  -- the dry run's planned leads (personal data: stays in the database, never in responses unmasked)
  plan_json     TEXT,
  error_json    TEXT,
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  committed_by  TEXT,
  committed_at  TEXT
);
CREATE INDEX IF NOT EXISTS imports_county_hash ON imports (county_code, sha256, state);
CREATE INDEX IF NOT EXISTS imports_county_source ON imports (county_code, source, period, state);

-- 保障对象名册: replaced as a whole per county by a roster import. One row per person and
-- category in force (category '' with status 停保 for a person whose coverage has all stopped).
CREATE TABLE IF NOT EXISTS roster_people (
  county_code   TEXT NOT NULL,
  id_number     TEXT NOT NULL,
  name          TEXT NOT NULL,
  category      TEXT NOT NULL,
  -- 在保 | 停保
  status        TEXT NOT NULL,
  township_name TEXT,
  village_name  TEXT,
  unit_code     TEXT,
  import_id     TEXT NOT NULL,
  PRIMARY KEY (county_code, id_number, category)
);

CREATE TABLE IF NOT EXISTS lead_sequences (
  county_code TEXT NOT NULL,
  period      TEXT NOT NULL,
  last_seq    INTEGER NOT NULL,
  PRIMARY KEY (county_code, period)
);

CREATE TABLE IF NOT EXISTS leads (
  lead_no        TEXT PRIMARY KEY,
  county_code    TEXT NOT NULL,
  source         TEXT NOT NULL,
  period         TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  rule           TEXT NOT NULL,
  reason_zh      TEXT NOT NULL,
  reason_en      TEXT NOT NULL,
  category       TEXT,
  channel        TEXT,
  coverage       TEXT,
  id_number      TEXT NOT NULL,
  name           TEXT NOT NULL,
  detail_json    TEXT,
  -- assigned units; unit_code = the deepest assigned unit (village, else township, else county)
  township_code  TEXT,
  village_code   TEXT,
  unit_code      TEXT NOT NULL,
  suggested_village_code TEXT,
  -- file | roster | ledger | none (where the township/village came from)
  assigned_by    TEXT NOT NULL,
  state          TEXT NOT NULL,
  found_on       TEXT NOT NULL,
  dispatched_on  TEXT,
  due_on         TEXT,
  verify_result  TEXT,
  ledger_row_id  TEXT,
  pulled_at      TEXT,
  import_id      TEXT NOT NULL,
  excel_row      INTEGER,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  UNIQUE (county_code, period, seq)
);
CREATE INDEX IF NOT EXISTS leads_unit ON leads (unit_code, state);
CREATE INDEX IF NOT EXISTS leads_person ON leads (county_code, source, period, id_number);
CREATE INDEX IF NOT EXISTS leads_id ON leads (id_number);
CREATE INDEX IF NOT EXISTS leads_ledger_row ON leads (ledger_row_id);

CREATE TABLE IF NOT EXISTS lead_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  lead_no     TEXT NOT NULL REFERENCES leads (lead_no),
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  user_name   TEXT,
  unit_code   TEXT,
  at          TEXT NOT NULL,
  note        TEXT
);
CREATE INDEX IF NOT EXISTS lead_history_lead ON lead_history (lead_no, id);

-- A person found again (same source and period) while already on an open lead or an open ledger row
CREATE TABLE IF NOT EXISTS lead_links (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  import_id   TEXT NOT NULL,
  excel_row   INTEGER,
  -- lead | ledgerRow
  kind        TEXT NOT NULL,
  target      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lead_links_target ON lead_links (kind, target);
`;

/** PostgreSQL: the same tables (64-bit integers, generated ids; `rowid` on imports keeps SQLite's insertion order). */
export const postgres = `
CREATE TABLE IF NOT EXISTS county_policy (
  county_code   TEXT NOT NULL,
  -- 0 = every year; a year-specific row overrides it
  year          BIGINT NOT NULL DEFAULT 0,
  settings_json TEXT NOT NULL,
  updated_by    TEXT,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (county_code, year)
);

CREATE TABLE IF NOT EXISTS imports (
  id            TEXT PRIMARY KEY,
  county_code   TEXT NOT NULL,
  source        TEXT NOT NULL,
  period        TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  total_bytes   BIGINT NOT NULL,
  bytes_read    BIGINT NOT NULL DEFAULT 0,
  rows_read     BIGINT NOT NULL DEFAULT 0,
  -- reading | ready | committed | failed
  state         TEXT NOT NULL,
  summary_json  TEXT,
  -- the dry run's planned leads (personal data: stays in the database, never in responses unmasked)
  plan_json     TEXT,
  error_json    TEXT,
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  committed_by  TEXT,
  committed_at  TEXT,
  rowid         BIGINT GENERATED BY DEFAULT AS IDENTITY
);
CREATE INDEX IF NOT EXISTS imports_county_hash ON imports (county_code, sha256, state);
CREATE INDEX IF NOT EXISTS imports_county_source ON imports (county_code, source, period, state);

-- 保障对象名册: replaced as a whole per county by a roster import. One row per person and
-- category in force (category '' with status 停保 for a person whose coverage has all stopped).
CREATE TABLE IF NOT EXISTS roster_people (
  county_code   TEXT NOT NULL,
  id_number     TEXT NOT NULL,
  name          TEXT NOT NULL,
  category      TEXT NOT NULL,
  -- 在保 | 停保
  status        TEXT NOT NULL,
  township_name TEXT,
  village_name  TEXT,
  unit_code     TEXT,
  import_id     TEXT NOT NULL,
  PRIMARY KEY (county_code, id_number, category)
);

CREATE TABLE IF NOT EXISTS lead_sequences (
  county_code TEXT NOT NULL,
  period      TEXT NOT NULL,
  last_seq    BIGINT NOT NULL,
  PRIMARY KEY (county_code, period)
);

CREATE TABLE IF NOT EXISTS leads (
  lead_no        TEXT PRIMARY KEY,
  county_code    TEXT NOT NULL,
  source         TEXT NOT NULL,
  period         TEXT NOT NULL,
  seq            BIGINT NOT NULL,
  rule           TEXT NOT NULL,
  reason_zh      TEXT NOT NULL,
  reason_en      TEXT NOT NULL,
  category       TEXT,
  channel        TEXT,
  coverage       TEXT,
  id_number      TEXT NOT NULL,
  name           TEXT NOT NULL,
  detail_json    TEXT,
  -- assigned units; unit_code = the deepest assigned unit (village, else township, else county)
  township_code  TEXT,
  village_code   TEXT,
  unit_code      TEXT NOT NULL,
  suggested_village_code TEXT,
  -- file | roster | ledger | none (where the township/village came from)
  assigned_by    TEXT NOT NULL,
  state          TEXT NOT NULL,
  found_on       TEXT NOT NULL,
  dispatched_on  TEXT,
  due_on         TEXT,
  verify_result  TEXT,
  ledger_row_id  TEXT,
  pulled_at      TEXT,
  import_id      TEXT NOT NULL,
  excel_row      BIGINT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  UNIQUE (county_code, period, seq)
);
CREATE INDEX IF NOT EXISTS leads_unit ON leads (unit_code, state);
CREATE INDEX IF NOT EXISTS leads_person ON leads (county_code, source, period, id_number);
CREATE INDEX IF NOT EXISTS leads_id ON leads (id_number);
CREATE INDEX IF NOT EXISTS leads_ledger_row ON leads (ledger_row_id);

CREATE TABLE IF NOT EXISTS lead_history (
  id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  lead_no     TEXT NOT NULL REFERENCES leads (lead_no),
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  user_name   TEXT,
  unit_code   TEXT,
  at          TEXT NOT NULL,
  note        TEXT
);
CREATE INDEX IF NOT EXISTS lead_history_lead ON lead_history (lead_no, id);

-- A person found again (same source and period) while already on an open lead or an open ledger row
CREATE TABLE IF NOT EXISTS lead_links (
  id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  import_id   TEXT NOT NULL,
  excel_row   BIGINT,
  -- lead | ledgerRow
  kind        TEXT NOT NULL,
  target      TEXT NOT NULL,
  rule        TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lead_links_target ON lead_links (kind, target);
`;
