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

/**
 * PostgreSQL: the same tables (64-bit integers, generated ids), append-only enforced by a trigger
 * that raises, and the JSON functions the stores' SQL uses as SQLite has them built in
 * (json_extract, json_type, json_remove, json_each, and `->` / `->>` on JSON text).
 */
export const postgres = `
CREATE FUNCTION json_path_array(path text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT COALESCE(array_agg(COALESCE(r.m[1], r.m[2]) ORDER BY r.o), '{}'::text[])
    FROM regexp_matches(path, '\\.([^.\\[]+)|\\[([0-9]+)\\]', 'g') WITH ORDINALITY AS r(m, o)
$$;
-- SQLite's json_extract: strings as text, everything else as its JSON text, JSON null / missing as NULL
CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT doc::json #>> json_path_array(path)
$$;
CREATE FUNCTION json_type(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE json_typeof(v) WHEN 'string' THEN 'text'
           WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
           WHEN 'boolean' THEN v::text
           ELSE json_typeof(v) END
    FROM (SELECT doc::json #> json_path_array(path) AS v) AS x
$$;
CREATE FUNCTION json_remove(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (doc::jsonb #- json_path_array(path))::text
$$;
CREATE FUNCTION json_each(doc text) RETURNS TABLE (key text, value text, type text) LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT (e.o - 1)::text, CASE json_typeof(e.v) WHEN 'string' THEN e.v #>> '{}' WHEN 'null' THEN NULL ELSE e.v::text END, json_typeof(e.v)
    FROM json_array_elements(CASE WHEN json_typeof(doc::json) = 'array' THEN doc::json ELSE '[]'::json END) WITH ORDINALITY AS e(v, o)
  UNION ALL
  SELECT e.k, CASE json_typeof(e.v) WHEN 'string' THEN e.v #>> '{}' WHEN 'null' THEN NULL ELSE e.v::text END, json_typeof(e.v)
    FROM json_each(CASE WHEN json_typeof(doc::json) = 'object' THEN doc::json ELSE '{}'::json END) AS e(k, v)
$$;
-- text ->> 'key' / '$.path' and text -> …, as SQLite reads them on JSON text
CREATE FUNCTION json_text_field(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN left(path, 1) = '$' THEN doc::json #>> json_path_array(path) ELSE doc::json ->> path END
$$;
CREATE FUNCTION json_json_field(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN left(path, 1) = '$' THEN (doc::json #> json_path_array(path))::text ELSE (doc::json -> path)::text END
$$;
CREATE OPERATOR ->> (LEFTARG = text, RIGHTARG = text, FUNCTION = json_text_field);
CREATE OPERATOR -> (LEFTARG = text, RIGHTARG = text, FUNCTION = json_json_field);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TABLE units (
  code        TEXT PRIMARY KEY CHECK (code ~ '^[0-9]' AND length(code) IN (4, 6, 9, 12)),
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('prefecture', 'county', 'township', 'village')),
  parent_code TEXT REFERENCES units(code),
  invented    INTEGER NOT NULL DEFAULT 0 CHECK (invented IN (0, 1))
);
CREATE INDEX units_parent ON units(parent_code);

CREATE TABLE users (
  id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('village', 'township', 'county', 'prefecture', 'admin')),
  unit_code     TEXT NOT NULL REFERENCES units(code),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    TEXT NOT NULL
);
CREATE INDEX users_unit ON users(unit_code);

CREATE TABLE tokens (
  id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    BIGINT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE audit_log (
  id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at         TEXT NOT NULL,
  "user"     TEXT,
  user_id    BIGINT,
  role       TEXT,
  unit       TEXT,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_unit_at ON audit_log(unit, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION append_only();
`;
