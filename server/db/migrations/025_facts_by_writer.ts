/**
 * 025 — SQLite: the writer computes the summaries' facts itself (server/reports/pre-aggregation.ts).
 *
 * Since 024 a trigger noted each new row version and the writer applied the notes per chunk in SQL.
 * Now the writer (sqlite-store.ts writeRows) sends each chunk's facts rows and count additions
 * computed with the ledger core's rowFacts, and takes a replaced row's stored facts back out of the
 * counts, in the chunk's own round trip: the trigger and its notes go. Anything still noted (none:
 * every chunk applies its notes in its own transaction) is applied first.
 *
 * PostgreSQL: its statement-level trigger stays; the always-empty notes table goes there too, so
 * both schemas keep the same tables (admin-cli migrate-to-pg copies every SQLite table).
 */
import { APPLY_PENDING_FACTS } from './024_facts_per_chunk';

export const up = `
${APPLY_PENDING_FACTS}
DROP TRIGGER ledger_facts_follow_versions;
DROP TABLE ledger_facts_pending;
`;

export const postgres = `
DROP TABLE ledger_facts_pending;
`;
