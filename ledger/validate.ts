/**
 * Validation of the village ledger — the public entry points used by the add-in, the CLI and the
 * server. Rules live in ledger/validation/: cells.ts (column-type checks derived from
 * LEDGER_COLUMNS), rules.ts (cross-field and cross-row rules as data), messages.ts (every text).
 */
export { validateSheet, type SheetValidation, type ValidationContext } from './validation/engine';
export { FIRST_RECORD_ROW, recordFinding, recordsToSheet, validateRecords } from './records';
export { valuesToCells } from './sheet';
export { readLedgerRows, type ParsedRow } from './validation/scan';
