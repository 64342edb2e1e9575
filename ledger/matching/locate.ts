/**
 * Finding the header row of an import file (ledger/sheet.ts locateColumns — the ledger's header
 * rules: a canonical header beats an alias wherever it sits) and saying what is missing.
 */
import { normalizeHeaderText } from '../header-text';
import { locateColumns } from '../sheet';
import { ROSTER_COLUMNS, ROSTER_SOURCE, type LocalizedText, type SourceColumnSpec } from '../sources';
import type { SheetInput } from '../types';
import type { HeaderResult, LocatedHeader } from './types';

/** Rows searched for the header (a title row or two above it is normal). */
export const HEADER_SCAN_ROWS = 10;

function headerOf(columns: readonly SourceColumnSpec[], key: string): string {
  return columns.find((c) => c.key === key)?.header ?? key;
}

export function locateSourceHeader(
  columns: readonly SourceColumnSpec[],
  sheet: SheetInput,
  fileName: LocalizedText,
  requiredOneOf: readonly (readonly string[])[] = [],
): HeaderResult {
  const found = locateColumns(sheet.values, columns, HEADER_SCAN_ROWS);
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
  const names = found.missingRequired.map((k: string) => headerOf(columns, k));
  for (const group of requiredOneOf) {
    if (!group.some((key) => found.indexByKey[key] !== undefined)) names.push(group.map((key) => headerOf(columns, key)).join('或'));
  }
  if (names.length > 0) {
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

/**
 * Whether a sheet's header row (as locateColumns finds it) has one of these ID columns: a sheet of
 * a workbook that has one holds people (a hospital's, a month's), however its other columns fail;
 * one without (说明, 汇总) is no data of the file's kind.
 */
export function headerHasColumn(columns: readonly SourceColumnSpec[], sheet: SheetInput, keys: readonly (string | undefined)[]): boolean {
  const found = locateColumns(flattenHouseholdHeader(sheet).values, columns, HEADER_SCAN_ROWS);
  return found !== null && keys.some((key) => key !== undefined && (found.indexByKey as Record<string, number | undefined>)[key] !== undefined);
}

/**
 * A sheet named as a total of the others (汇总, 合计, 总计, 总表: “全县汇总”, “11月合计”). In a
 * departmental workbook it repeats the people of the detail sheets beside it, often with the same
 * header; read with them, every 住院自负费用 would count twice and people under the line would
 * become leads. Such a sheet is read only when no other sheet holds the file's data.
 */
const SUMMARY_SHEET_NAME = /汇总|合计|总计|总表/;

export function isSummarySheetName(name: string): boolean {
  return SUMMARY_SHEET_NAME.test(name.replace(/\s+/g, ''));
}

export const SUMMARY_SHEET_SKIPPED: LocalizedText = {
  zh: '按名称为汇总表，其中的人员已在各明细工作表中，为免重复计算未读取；如该表就是明细，请改名后重新导入',
  en: 'named as a summary: its people are in the detail sheets, so it was not read to avoid counting them twice; if it is the detail, rename it and upload again',
};

/**
 * What to do with one sheet of a workbook of several, the same for the server's streamed imports
 * and the CLI: `read` (it has the file's header), `summary` (it has the header but is named 汇总 —
 * read only when no other sheet holds the data), `skip` (no header and no ID column: 说明, 封面),
 * or `refuse` (an ID column under a header that cannot be read: its people would be missed).
 */
export type SheetVerdict =
  | { kind: 'read'; header: LocatedHeader }
  | { kind: 'summary'; header: LocatedHeader }
  | { kind: 'skip'; reason: LocalizedText }
  | { kind: 'refuse'; error: LocalizedText };

export function judgeSheet(head: SheetInput, located: HeaderResult, hasIdColumn: (head: SheetInput) => boolean): SheetVerdict {
  const name = head.name ?? '';
  if (!located.ok) {
    // asked only of a sheet without the header: it locates the columns a second time
    if (!hasIdColumn(head)) return { kind: 'skip', reason: located.error };
    return {
      kind: 'refuse',
      error: {
        zh: `工作表“${name}”有身份证号列，但无法读取：${located.error.zh}。请补齐该表的列；如该表不是本次要导入的数据，请删去该工作表后再导入`,
        en: `Sheet "${name}" has an ID column but cannot be read: ${located.error.en}. Complete its columns, or delete the sheet if it is not data to import`,
      },
    };
  }
  return isSummarySheetName(name) ? { kind: 'summary', header: located.header } : { kind: 'read', header: located.header };
}

/** A workbook where no sheet has the header: the message naming its sheets and the expected columns. */
export function noSheetHasHeader(fileName: string, sheetNames: readonly string[], firstReason: LocalizedText | undefined): LocalizedText {
  const reason = firstReason ?? { zh: '', en: '' };
  return {
    zh: `${fileName} 的工作表 ${sheetNames.map((s) => `“${s}”`).join('、')} 中都没有找到所需的表头：${reason.zh}`,
    en: `No sheet of ${fileName} (${sheetNames.join(', ')}) has the header: ${reason.en}`,
  };
}

/** Whether a sheet holds people for a departmental source: its ID column, or the certificate number it is read from. */
export function sourceSheetHasIdColumn(source: { columns: readonly SourceColumnSpec[]; idFromCertificate?: string }): (sheet: SheetInput) => boolean {
  return (sheet) => headerHasColumn(source.columns, sheet, ['idNumber', source.idFromCertificate]);
}

/** Whether a sheet holds people for a roster: a member's or a household head's ID column. */
export function rosterSheetHasIdColumn(sheet: SheetInput): boolean {
  return headerHasColumn(ROSTER_COLUMNS, sheet, ['idNumber', 'headId']);
}

// ---------------------------------------------------------------------------------------------
// Household rosters

const HEAD_GROUP = /户主/;
const MEMBER_GROUP = /成员|家庭人员|共同生活/;

/**
 * A two-level household header (户主信息 over 姓名/身份证号, 家庭成员信息 over 姓名/身份证号) read
 * as flat headers: the sub-headers under the 户主 group become 户主姓名/户主身份证号, those under
 * the 成员 group 成员姓名/成员身份证号. Returns the sheet unchanged when there is no such header.
 */
function flattenHouseholdHeader(sheet: SheetInput): SheetInput {
  const scan = Math.min(HEADER_SCAN_ROWS, sheet.values.length);
  for (let r = 0; r + 1 < scan; r++) {
    const upper = sheet.values[r] ?? [];
    const texts = upper.map((cell) => (typeof cell === 'string' ? normalizeHeaderText(cell) : ''));
    if (!texts.some((t) => HEAD_GROUP.test(t)) || !texts.some((t) => MEMBER_GROUP.test(t))) continue;
    // The signature of such a header: the same sub-header (姓名, 身份证号) twice in the row below.
    const below = (sheet.values[r + 1] ?? []).map((cell) => (typeof cell === 'string' ? normalizeHeaderText(cell) : ''));
    const twice = (names: readonly string[]) => below.filter((t) => names.includes(t)).length >= 2;
    if (!twice(['姓名']) && !twice(['身份证号', '身份证号码', '公民身份号码', '证件号码'])) continue;
    // Merged group cells hold their text in the first cell only: carry it to the right.
    const lower = [...(sheet.values[r + 1] ?? [])];
    let group = '';
    for (let c = 0; c < Math.max(lower.length, texts.length); c++) {
      if (texts[c]) group = texts[c];
      const text = lower[c];
      if (typeof text !== 'string' || text.trim() === '') {
        // A column merged over both rows (保障类别, 乡镇) keeps its upper text.
        if (texts[c] && !HEAD_GROUP.test(texts[c]) && !MEMBER_GROUP.test(texts[c])) lower[c] = upper[c];
        continue;
      }
      const prefix = HEAD_GROUP.test(group) ? '户主' : MEMBER_GROUP.test(group) ? '成员' : '';
      if (prefix && !normalizeHeaderText(text).startsWith(prefix)) lower[c] = `${prefix}${text.trim()}`;
    }
    const values = [...sheet.values];
    values[r] = [];
    values[r + 1] = lower;
    return { ...sheet, values };
  }
  return sheet;
}

const HOUSEHOLD_REFUSED: LocalizedText = {
  zh: '保障对象名册按户登记，但无法确定每位家庭成员的身份证号：请每位成员一行，并提供“姓名”“身份证号”（或“成员姓名”“成员身份证号”）列，户主信息放在“户主姓名”“户主身份证号”列；两级表头时，“户主信息”和“家庭成员信息”下各有“姓名”“身份证号”',
  en: 'The roster is kept by household but each member’s ID number cannot be told: give one row per member with 姓名 and 身份证号 (or 成员姓名 and 成员身份证号) columns, the head in 户主姓名 and 户主身份证号; with a two-level header, 姓名 and 身份证号 under both 户主信息 and 家庭成员信息',
};

/**
 * The roster's header: flat, or a household roster (户主 columns then member columns, or one row
 * per member keyed by the head). A household roster without member ID numbers is refused with a
 * message naming the expected columns — it is never read half-way (every member would be missed).
 */
export function locateRosterHeader(sheet: SheetInput): HeaderResult {
  const flat = flattenHouseholdHeader(sheet);
  const located = locateSourceHeader(ROSTER_COLUMNS, flat, ROSTER_SOURCE.name);
  if (!located.ok) {
    // 户主 columns without the member's own: say what a household roster needs.
    const head = locateColumns(flat.values, ROSTER_COLUMNS, HEADER_SCAN_ROWS);
    if (head && (head.indexByKey.headId !== undefined || head.indexByKey.headName !== undefined)) return { ok: false, error: HOUSEHOLD_REFUSED };
    return located;
  }
  const col = located.header.indexByKey;
  const household = col.headId !== undefined || col.headName !== undefined || flat !== sheet;
  // In a household roster the member columns must be there: a 身份证号 next to 户主姓名 with no
  // member name is the head's, and reading it would cover one person per household.
  if (household && (col.name === undefined || col.idNumber === undefined)) return { ok: false, error: HOUSEHOLD_REFUSED };
  return located;
}
