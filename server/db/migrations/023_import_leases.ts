/**
 * 023 — import reads that any server instance can watch and take over (server/imports/lease.ts):
 * - imports.lease_owner / lease_expires_at: the instance reading the file holds a lease (ms since
 *   the epoch), renewed by a heartbeat that also writes rows_read / bytes_read about once a second,
 *   so a poll on any instance shows progress; a `reading` import whose lease ran out is stuck and
 *   is taken over by the next instance that sees it.
 * - import_upload_chunks: the upload's bytes while it is read (personal data: deleted when the read
 *   ends, ready or failed, and by the retention purge), so the instance taking over a stuck read can
 *   reach the file without a shared directory.
 */
export const up = `
ALTER TABLE imports ADD COLUMN lease_owner TEXT;
ALTER TABLE imports ADD COLUMN lease_expires_at INTEGER;
CREATE TABLE import_upload_chunks (
  import_id  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  bytes      BLOB NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (import_id, seq)
);
`;

/** PostgreSQL: the same (BIGINT times, BYTEA chunks). */
export const postgres = `
ALTER TABLE imports ADD COLUMN lease_owner TEXT;
ALTER TABLE imports ADD COLUMN lease_expires_at BIGINT;
CREATE TABLE import_upload_chunks (
  import_id  TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  bytes      BYTEA NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (import_id, seq)
);
`;
