/**
 * 004 — a hash of each sync request's content beside its stored answer: a requestId reused with a
 * different body is refused (409 request_id_reused) instead of silently replaying the first answer
 * and dropping the new changes. Answers stored before have none (NULL) and replay as before.
 */
export const up = `
ALTER TABLE ledger_sync_requests ADD COLUMN request_hash TEXT;
`;

/** PostgreSQL: the same. */
export const postgres = `
ALTER TABLE ledger_sync_requests ADD COLUMN request_hash TEXT;
`;
