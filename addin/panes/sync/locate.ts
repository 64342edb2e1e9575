/**
 * Where a synced row is on the sheet now: the pane shows server answers (conflicts, findings) by
 * 记录ID, and the user needs the Excel row and cell to go to.
 */
import { cellRef } from '../../../ledger/sheet';
import { readLedgerRows } from '../../../ledger/validate';
import type { ColumnKey } from '../../../ledger/columns';
import type { LedgerHost } from '../../host/ledger-host';
import { sheetRowsOf } from './sheet-rows';

export interface SheetIndex {
  rowOf(rowId: string): number | null;
  nameOf(rowId: string): string | null;
  /** A1 of the row's cell in the column, or of its first cell when the sheet lacks the column. */
  cellOf(rowId: string, key: string): string | null;
}

export async function indexSheet(host: LedgerHost): Promise<SheetIndex> {
  const { sheet, header } = await host.readLedger();
  const rows = sheetRowsOf(readLedgerRows(sheet, header));
  const byId = new Map(rows.filter((row) => row.rowId).map((row) => [row.rowId as string, row]));
  const firstColumn = sheet.firstColumn ?? 0;
  const firstIndex = header.columns[0]?.index ?? 0;
  return {
    rowOf: (rowId) => byId.get(rowId)?.excelRow ?? null,
    nameOf: (rowId) => {
      const name = byId.get(rowId)?.values.name;
      return typeof name === 'string' ? name : null;
    },
    cellOf: (rowId, key) => {
      const row = byId.get(rowId);
      if (!row) return null;
      const index = header.indexByKey[key as ColumnKey] ?? firstIndex;
      return cellRef(row.excelRow, firstColumn + index);
    },
  };
}
