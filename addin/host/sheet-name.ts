/**
 * Worksheet names as Excel accepts them: at most 31 characters, none of : \ / ? * [ ], not starting
 * or ending with an apostrophe, unique ignoring case. A new sheet takes the first free name of
 * "base", "base (2)", "base (3)", … (as Excel names copies), the base shortened to leave room.
 */
export const MAX_SHEET_NAME = 31;

const FORBIDDEN = /[:\\/?*[\]]/g;

export function cleanSheetName(text: string): string {
  const cleaned = text.replace(FORBIDDEN, '_').replace(/^'+|'+$/g, '').trim();
  return cleaned === '' ? 'Sheet' : cleaned;
}

export function freeSheetName(base: string, taken: readonly string[]): string {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  const stem = cleanSheetName(base);
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const name = `${[...stem].slice(0, MAX_SHEET_NAME - suffix.length).join('').trimEnd()}${suffix}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}

/**
 * Name stem of the sheets the 汇总 pane fills with consolidated rows — a name for people only. Those
 * rows carry the ledger's headers (and masked ID numbers), so the hosts never take such a sheet for
 * the ledger; they know it by the id they recorded when adding it (LedgerHost.addTableSheet), not by
 * this name, which staff may give a sheet of their own.
 */
export const TABLE_SHEET_PREFIX = '汇总明细';

/** Workbook setting that lists the ids of the add-in's table sheets (JSON array of strings). */
export const TABLE_SHEETS_KEY = 'chuxiong.ledger.tableSheets';

/**
 * The recorded table-sheet ids. Lenient on purpose: anything that is not a list of strings counts as
 * none, so a damaged entry can never stop the ledger from being found (it only loses the marks).
 */
export function parseTableSheetIds(stored: unknown): string[] {
  let parsed: unknown = stored;
  if (typeof stored === 'string') {
    try {
      parsed = JSON.parse(stored);
    } catch {
      return [];
    }
  }
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}
