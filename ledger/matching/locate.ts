/** Finding the header row of an import file (ledger/sheet.ts locateColumns) and saying what is missing. */
import { locateColumns } from '../sheet';
import type { LocalizedText, SourceColumnSpec } from '../sources';
import type { SheetInput } from '../types';
import type { HeaderResult } from './types';

/** Rows searched for the header (a title row or two above it is normal). */
export const HEADER_SCAN_ROWS = 10;

export function locateSourceHeader(
  columns: readonly SourceColumnSpec[],
  sheet: SheetInput,
  fileName: LocalizedText,
): HeaderResult {
  const found = locateColumns(sheet.values, columns as SourceColumnSpec[], HEADER_SCAN_ROWS);
  const required = columns.filter((c) => c.required).map((c) => c.header);
  if (!found) {
    return {
      ok: false,
      error: {
        zh: `未找到${fileName.zh}的表头：前${HEADER_SCAN_ROWS}行中应有“${required.join('”“')}”等列`,
        en: `No header row of the ${fileName.en} file in the first ${HEADER_SCAN_ROWS} rows (expected columns ${required.join(', ')})`,
      },
    };
  }
  if (found.missingRequired.length > 0) {
    const names = found.missingRequired.map((k: string) => columns.find((c) => c.key === k || c.header === k)?.header ?? k);
    return {
      ok: false,
      error: {
        zh: `${fileName.zh}缺少必需的列：${names.join('、')}`,
        en: `The ${fileName.en} file lacks required columns: ${names.join(', ')}`,
      },
    };
  }
  const indexByKey: Record<string, number> = {};
  for (const column of found.columns) if (indexByKey[column.key] === undefined) indexByKey[column.key] = column.index;
  const firstRow = sheet.firstRow ?? 1;
  return { ok: true, header: { rowIndex: found.rowIndex, excelRow: firstRow + found.rowIndex, indexByKey } };
}
