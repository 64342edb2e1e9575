/** 001 — platform: administrative units, users, bearer tokens, append-only audit log. */
export const up = `
CREATE TABLE units (
  code        TEXT PRIMARY KEY CHECK (code GLOB '[0-9]*' AND length(code) IN (4, 6, 9, 12)),
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('prefecture', 'county', 'township', 'village')),
  parent_code TEXT REFERENCES units(code),
  -- 1 when the unit is made up for the demo (villages, some townships); 0 when real.
  invented    INTEGER NOT NULL DEFAULT 0 CHECK (invented IN (0, 1))
);
CREATE INDEX units_parent ON units(parent_code);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('village', 'township', 'county', 'prefecture', 'admin')),
  unit_code     TEXT NOT NULL REFERENCES units(code),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    TEXT NOT NULL
);
CREATE INDEX users_unit ON users(unit_code);

CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX tokens_user ON tokens(user_id);

-- Append-only: who did what to which target, when, in which request. Never personal data.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  user       TEXT,
  user_id    INTEGER,
  role       TEXT,
  unit       TEXT,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_unit_at ON audit_log(unit, id);
CREATE INDEX audit_log_action ON audit_log(action, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
`;
