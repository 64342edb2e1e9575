/**
 * 022 — login throttling counters in the database instead of each process's memory, so the
 * per-account backoff/lockout and the per-address budget hold across several server instances
 * (server/auth/throttle-store.ts). One row per account ('account') and per client address
 * ('address'); times in milliseconds since the epoch. Rows whose window and lockout have run out
 * are deleted by the login route now and then.
 */
export const up = `
CREATE TABLE login_throttle (
  key               TEXT PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('account', 'address')),
  failures          INTEGER NOT NULL,
  window_started_at INTEGER NOT NULL,
  last_attempt_at   INTEGER NOT NULL,
  locked_until      INTEGER NOT NULL,
  granted           INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_started_at);
`;

/** PostgreSQL: the same, times as BIGINT. */
export const postgres = `
CREATE TABLE login_throttle (
  key               TEXT PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('account', 'address')),
  failures          INTEGER NOT NULL,
  window_started_at BIGINT NOT NULL,
  last_attempt_at   BIGINT NOT NULL,
  locked_until      BIGINT NOT NULL,
  granted           INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_started_at);
`;
