/**
 * 021 — the open rows of one ID number, found without scanning a subtree's facts: the duplicate
 * list and every summary (server/reports/store.ts openDuplicateRows) start from the few ID numbers
 * open in two or more villages and look their rows up here. Before it, a county summary over a
 * million rows scanned every fact of the county (seconds).
 */
export const up = `
CREATE INDEX IF NOT EXISTS ledger_row_facts_open_ids ON ledger_row_facts (id_number, village_code) WHERE is_open = 1 AND id_number <> '';
`;

/** PostgreSQL: the same index. */
export const postgres = `
CREATE INDEX IF NOT EXISTS ledger_row_facts_open_ids ON ledger_row_facts (id_number, village_code) WHERE is_open = 1 AND id_number <> '';
`;
