/**
 * Validation of sync values (the server re-validates every pushed row; it never trusts a client).
 * Records become a synthetic sheet — the header row from LEDGER_COLUMNS, one row per record via
 * valuesToCells — and go through validateSheet: exactly the rules the add-in runs offline.
 */
import { COLUMN_KEYS, columnByKey, type ColumnKey } from './columns';
import { cellRef, LEDGER_HEADER_ROW, valuesToCells } from './sheet';
import type { Finding, LedgerValues, Severity, SheetInput } from './types';
import { validateSheet, type ValidationContext } from './validation/engine';
import { codeOfMessage, messageFor, type MessageId, type MessageParams } from './validation/messages';

/** Excel row of records[0] in the synthetic sheet (the header is row 1). */
export const FIRST_RECORD_ROW = 2;

/** The synthetic sheet: the header row, then one row per record (multi-values joined with 、). */
export function recordsToSheet(records: readonly LedgerValues[]): SheetInput {
  const values: (readonly unknown[])[] = new Array(records.length + 1);
  values[0] = LEDGER_HEADER_ROW;
  for (let i = 0; i < records.length; i++) values[i + 1] = valuesToCells(records[i]);
  return { name: 'records', values };
}

/**
 * Validate sync values (dates YYYY-MM-DD, multi-values as arrays, numbers as numbers) with the
 * rules of validateSheet, cross-row rules included (duplicates among the records given).
 * Returns the findings of each record, in record order: result[i] belongs to records[i]
 * (blank records have none). A finding's `row`/`cell` refer to the synthetic sheet, where
 * records[i] is row i + FIRST_RECORD_ROW; use the index, not the row.
 */
export function validateRecords(records: readonly LedgerValues[], ctx: ValidationContext): Finding[][] {
  const byRecord: Finding[][] = records.map(() => []);
  if (records.length === 0) return byRecord;
  for (const finding of validateSheet(recordsToSheet(records), ctx).findings) {
    const index = finding.row - FIRST_RECORD_ROW;
    if (index >= 0 && index < records.length) byRecord[index].push(finding);
  }
  return byRecord;
}

/**
 * A finding on one cell of a record that the server finds beside the sheet's rules (a check that
 * needs its database, e.g. lead.id_mismatch), shaped as validateRecords shapes its own: the record
 * at FIRST_RECORD_ROW of the synthetic sheet (use the record's id, not the row), texts from the one
 * message table. `other` names another column by its key; the texts get its header.
 */
export function recordFinding(
  key: ColumnKey,
  severity: Severity,
  message: MessageId,
  params: Omit<MessageParams, 'column' | 'other'> & { other?: ColumnKey } = {},
): Finding {
  const column = columnByKey(key).header;
  const { other, ...rest } = params;
  const texts = messageFor(message, { ...rest, column, ...(other !== undefined ? { other: columnByKey(other).header } : {}) });
  const finding: Finding = {
    row: FIRST_RECORD_ROW,
    column,
    key,
    cell: cellRef(FIRST_RECORD_ROW, COLUMN_KEYS.indexOf(key)),
    severity,
    code: codeOfMessage(message),
    message: texts.message,
    hint: texts.hint,
    en: texts.en,
  };
  if (params.fix !== undefined) finding.fix = params.fix;
  return finding;
}
