/**
 * 002 — village ledgers (sync owner): the rows as they are now, every version of every row
 * (append-only), the answer to every sync request (idempotent retries), the per-village change
 * sequence (pull cursors), and the monthly submissions with their frozen snapshots and state history.
 */
export const up = `
-- The change sequence of each village's ledger: every new row version takes the next number.
CREATE TABLE ledger_villages (
  village_code TEXT PRIMARY KEY,
  last_seq     INTEGER NOT NULL DEFAULT 0
);

-- Each row as it is now: a pointer to its latest version (whose values_json holds the whole row,
-- so the values are written once per version), plus what look-ups and listings need.
CREATE TABLE ledger_rows (
  village_code  TEXT NOT NULL,
  row_id        TEXT NOT NULL,
  version       INTEGER NOT NULL CHECK (version >= 1),
  seq           INTEGER NOT NULL,
  deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  -- copied out of the values for look-ups (e.g. "already on a ledger"); personal data, never logged
  id_number     TEXT,
  lead_no       TEXT,
  status        TEXT,
  -- re-validation by the ledger core at the last write
  errors        INTEGER NOT NULL DEFAULT 0,
  warnings      INTEGER NOT NULL DEFAULT 0,
  findings_json TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  updated_by    TEXT,
  PRIMARY KEY (village_code, row_id)
);
CREATE UNIQUE INDEX ledger_rows_seq ON ledger_rows (village_code, seq);
CREATE INDEX ledger_rows_id_number ON ledger_rows (id_number);

-- Every version of every row: the whole row (non-empty keys only), who, when, from which client
-- and request, what changed.
CREATE TABLE ledger_row_versions (
  village_code TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  version      INTEGER NOT NULL CHECK (version >= 1),
  seq          INTEGER NOT NULL,
  deleted      INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  values_json  TEXT NOT NULL,
  changed_json TEXT NOT NULL,
  merged       INTEGER NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
  user_id      INTEGER,
  user_name    TEXT,
  client_id    TEXT,
  request_id   TEXT,
  at           TEXT NOT NULL,
  PRIMARY KEY (village_code, row_id, version)
);
CREATE TRIGGER ledger_row_versions_no_update BEFORE UPDATE ON ledger_row_versions
BEGIN
  SELECT RAISE(ABORT, 'ledger_row_versions is append-only');
END;
CREATE TRIGGER ledger_row_versions_no_delete BEFORE DELETE ON ledger_row_versions
BEGIN
  SELECT RAISE(ABORT, 'ledger_row_versions is append-only');
END;

-- The first answer to each sync request: a retry with the same request id gets it back.
CREATE TABLE ledger_sync_requests (
  village_code  TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  user_name     TEXT,
  at            TEXT NOT NULL,
  applied       INTEGER NOT NULL,
  conflicts     INTEGER NOT NULL,
  response_json TEXT NOT NULL,
  PRIMARY KEY (village_code, request_id)
);

-- Monthly submission of a village's ledger: 已提交 → 已审核 / 已退回 → (resubmitted) 已提交 …
CREATE TABLE ledger_submissions (
  village_code  TEXT NOT NULL,
  month         TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  state         TEXT NOT NULL CHECK (state IN ('已提交', '已审核', '已退回')),
  revision      INTEGER NOT NULL DEFAULT 1,
  row_count     INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL,
  submitted_at  TEXT NOT NULL,
  submitted_by  TEXT NOT NULL,
  decided_at    TEXT,
  decided_by    TEXT,
  return_reason TEXT,
  PRIMARY KEY (village_code, month)
);
CREATE INDEX ledger_submissions_month ON ledger_submissions (month, village_code);

-- The frozen snapshot of each revision: the rows' values and versions at submission.
CREATE TABLE ledger_submission_rows (
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  row_id       TEXT NOT NULL,
  version      INTEGER NOT NULL,
  values_json  TEXT NOT NULL,
  PRIMARY KEY (village_code, month, revision, row_id)
);

CREATE TABLE ledger_submission_history (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  from_state   TEXT,
  to_state     TEXT NOT NULL,
  user_id      INTEGER,
  user_name    TEXT,
  role         TEXT,
  unit_code    TEXT,
  at           TEXT NOT NULL,
  reason       TEXT,
  request_id   TEXT
);
CREATE INDEX ledger_submission_history_key ON ledger_submission_history (village_code, month, id);
CREATE TRIGGER ledger_submission_history_no_update BEFORE UPDATE ON ledger_submission_history
BEGIN
  SELECT RAISE(ABORT, 'ledger_submission_history is append-only');
END;
CREATE TRIGGER ledger_submission_history_no_delete BEFORE DELETE ON ledger_submission_history
BEGIN
  SELECT RAISE(ABORT, 'ledger_submission_history is append-only');
END;
`;

/** PostgreSQL: the same tables; `rowid` keeps the insertion order SQLite's implicit rowid gives. */
export const postgres = `
CREATE TABLE ledger_villages (
  village_code TEXT PRIMARY KEY,
  last_seq     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE ledger_rows (
  village_code  TEXT NOT NULL,
  row_id        TEXT NOT NULL,
  version       BIGINT NOT NULL CHECK (version >= 1),
  seq           BIGINT NOT NULL,
  deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  id_number     TEXT,
  lead_no       TEXT,
  status        TEXT,
  errors        BIGINT NOT NULL DEFAULT 0,
  warnings      BIGINT NOT NULL DEFAULT 0,
  findings_json TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  updated_by    TEXT,
  rowid         BIGINT GENERATED BY DEFAULT AS IDENTITY,
  PRIMARY KEY (village_code, row_id)
);
CREATE UNIQUE INDEX ledger_rows_seq ON ledger_rows (village_code, seq);
CREATE INDEX ledger_rows_id_number ON ledger_rows (id_number);

CREATE TABLE ledger_row_versions (
  village_code TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  version      BIGINT NOT NULL CHECK (version >= 1),
  seq          BIGINT NOT NULL,
  deleted      INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  values_json  TEXT NOT NULL,
  changed_json TEXT NOT NULL,
  merged       INTEGER NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
  user_id      BIGINT,
  user_name    TEXT,
  client_id    TEXT,
  request_id   TEXT,
  at           TEXT NOT NULL,
  PRIMARY KEY (village_code, row_id, version)
);
CREATE TRIGGER ledger_row_versions_append_only BEFORE UPDATE OR DELETE ON ledger_row_versions FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_row_versions_no_truncate BEFORE TRUNCATE ON ledger_row_versions FOR EACH STATEMENT EXECUTE FUNCTION append_only();

CREATE TABLE ledger_sync_requests (
  village_code  TEXT NOT NULL,
  request_id    TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  user_name     TEXT,
  at            TEXT NOT NULL,
  applied       BIGINT NOT NULL,
  conflicts     BIGINT NOT NULL,
  response_json TEXT NOT NULL,
  PRIMARY KEY (village_code, request_id)
);

CREATE TABLE ledger_submissions (
  village_code  TEXT NOT NULL,
  month         TEXT NOT NULL CHECK (month ~ '^[0-9]{4}-[0-1][0-9]$'),
  state         TEXT NOT NULL CHECK (state IN ('已提交', '已审核', '已退回')),
  revision      BIGINT NOT NULL DEFAULT 1,
  row_count     BIGINT NOT NULL,
  last_seq      BIGINT NOT NULL,
  submitted_at  TEXT NOT NULL,
  submitted_by  TEXT NOT NULL,
  decided_at    TEXT,
  decided_by    TEXT,
  return_reason TEXT,
  PRIMARY KEY (village_code, month)
);
CREATE INDEX ledger_submissions_month ON ledger_submissions (month, village_code);

CREATE TABLE ledger_submission_rows (
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  revision     BIGINT NOT NULL,
  row_id       TEXT NOT NULL,
  version      BIGINT NOT NULL,
  values_json  TEXT NOT NULL,
  rowid        BIGINT GENERATED BY DEFAULT AS IDENTITY,
  PRIMARY KEY (village_code, month, revision, row_id)
);

CREATE TABLE ledger_submission_history (
  id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  village_code TEXT NOT NULL,
  month        TEXT NOT NULL,
  revision     BIGINT NOT NULL,
  from_state   TEXT,
  to_state     TEXT NOT NULL,
  user_id      BIGINT,
  user_name    TEXT,
  role         TEXT,
  unit_code    TEXT,
  at           TEXT NOT NULL,
  reason       TEXT,
  request_id   TEXT
);
CREATE INDEX ledger_submission_history_key ON ledger_submission_history (village_code, month, id);
CREATE TRIGGER ledger_submission_history_append_only BEFORE UPDATE OR DELETE ON ledger_submission_history FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER ledger_submission_history_no_truncate BEFORE TRUNCATE ON ledger_submission_history FOR EACH STATEMENT EXECUTE FUNCTION append_only();
`;
