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
 * Name stem of the sheets the 汇总 pane fills with consolidated rows. Those rows carry the ledger's
 * headers (and masked ID numbers), so the hosts never take such a sheet for the ledger when they
 * look for it themselves: a village pane must not validate or push another unit's masked rows.
 */
export const TABLE_SHEET_PREFIX = '汇总明细';

export function isTableSheet(name: string): boolean {
  return name.startsWith(TABLE_SHEET_PREFIX);
}
