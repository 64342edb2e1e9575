/**
 * 020 — server settings kept in the database file itself: `production_since` marks a database that
 * has been started with NODE_ENV=production, so a later demo-mode start (which would create demo
 * accounts with a published password) is refused (server/seed/server-mode.ts).
 */
export const up = `
CREATE TABLE server_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** PostgreSQL: the same. */
export const postgres = `
CREATE TABLE server_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
