/**
 * Reading the cells of departmental files: text, money, disability grades, education levels,
 * roster categories and statuses, and ID numbers (checked with the ledger core's rules).
 */
import { cellText, typedText } from '../cell';
import { parseDateCell } from '../dates';
import { checkIdNumber, dateNumber, ID_PROBLEM_TEXT, isValidIdFast, type IdProblem } from '../id-number';

/** Text of a cell (the ledger's one cell primitive, ledger/cell.ts). */
export { cellText } from '../cell';

/**
 * A cell's text as people meant it (ledger/cell.ts typedText: full-width digits and letters as
 * ASCII, a leading apostrophe, quotes and `="…"` removed, trimmed) — the ledger's readers' reading.
 */
function typedCell(value: unknown): string {
  return typedText(cellText(value));
}

/**
 * Yuan as integer cents, or undefined when the cell is not an amount (empty → null). Reads what
 * the ledger's readers read: 12,345.67, ￥12345, 12345元, 1.2万 / 1.2万元 (= 12,000), full-width
 * digits, and a sign (refunds and reversals are negative).
 */
export function parseMoneyCents(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) : undefined;
  const text = typedCell(value);
  if (text === '') return null;
  let cleaned = text.replace(/[,，\s￥¥]|元$/g, '').replace(/^−/, '-');
  let scale = 100;
  if (cleaned.endsWith('万')) {
    cleaned = cleaned.slice(0, -1);
    scale = 1_000_000;
  }
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * scale);
}

function groupThousands(n: number): string {
  if (n < 1000) return String(n);
  const rest = n % 1000;
  return `${groupThousands(Math.floor(n / 1000))},${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}`;
}

/** 12,345.00 */
export function formatYuan(cents: number): string {
  const abs = Math.abs(Math.round(cents));
  const fraction = abs % 100;
  return `${cents < 0 ? '-' : ''}${groupThousands(Math.floor(abs / 100))}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/** A threshold as people write it: 10,000 (no decimals when whole), else 2 decimals. */
export function formatThreshold(yuan: number): string {
  const cents = Math.round(yuan * 100);
  return cents % 100 === 0 ? formatYuan(cents).slice(0, -3) : formatYuan(cents);
}

const GRADE_CHARS: Record<string, number> = {
  '1': 1, '2': 2, '3': 3, '4': 4,
  一: 1, 二: 2, 三: 3, 四: 4,
  壹: 1, 贰: 2, 貳: 2, 叁: 3, 參: 3, 肆: 4,
  Ⅰ: 1, Ⅱ: 2, Ⅲ: 3, Ⅳ: 4,
};

/**
 * Severity words with one grade only (GB/T 26341-2010: 一级 极重度, 二级 重度, 三级 中度, 四级 轻度).
 * 重度 is left out: in everyday use “重度残疾” means 一级 or 二级, so the file must say which.
 */
const SEVERITY_GRADES: Readonly<Record<string, number>> = { 极重度: 1, 中度: 3, 轻度: 4 };

/**
 * 残疾等级: 一级, 1, 壹级, 一级残疾, 二级（重度）, 肢体二级, 极重度, 中度, 轻度 → 1–4; undefined when
 * unreadable; 'ambiguous' for 重度 without a grade (一级 or 二级: the file must say which).
 */
export function parseDisabilityGrade(value: unknown): number | 'ambiguous' | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 4 ? value : undefined;
  const text = typedCell(value).replace(/\s/g, '');
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 4 ? n : undefined;
  }
  const match = /([1-4一二三四壹贰貳叁參肆ⅠⅡⅢⅣ])级/.exec(text) ?? (text.length === 1 ? [text, text] : null);
  if (match) return GRADE_CHARS[match[1]];
  const severity = /^(极重度|重度|中度|轻度)(残疾)?$/.exec(text);
  if (!severity) return undefined;
  return SEVERITY_GRADES[severity[1]] ?? 'ambiguous';
}

export const GRADE_ZH = ['一级', '二级', '三级', '四级'] as const;

/** Vocabulary key of a text: no whitespace, brackets as ( ), full-width as ASCII, lower case. */
export function vocabularyKey(value: unknown): string {
  return typedCell(value)
    .replace(/[\s\u3000]/g, '')
    .replace(/[（［【〔]/g, '(')
    .replace(/[）］】〕]/g, ')')
    .toLowerCase();
}

/**
 * A vocabulary with synonyms (policy data: roster categories, education levels): canonical value
 * of a text, undefined when it is none of them. Texts are matched whole (after vocabularyKey),
 * never by substring: 不享受 must not read as 享受.
 */
export interface Vocabulary {
  canonical(value: unknown): string | undefined;
}

export function vocabularyOf(synonyms: Readonly<Record<string, readonly string[]>>): Vocabulary {
  const byKey = new Map<string, string>();
  for (const [canonical, texts] of Object.entries(synonyms)) {
    byKey.set(vocabularyKey(canonical), canonical);
    for (const text of texts) if (!byKey.has(vocabularyKey(text))) byKey.set(vocabularyKey(text), canonical);
  }
  // Few distinct texts in a file: each is looked up once.
  const seen = new Map<unknown, string | undefined>();
  return {
    canonical(value) {
      const hit = seen.get(value);
      if (hit !== undefined || seen.has(value)) return hit;
      const found = byKey.get(vocabularyKey(value));
      if (typeof value === 'string' && seen.size < 10_000) seen.set(value, found);
      return found;
    },
  };
}

export type RosterStatusReading = '在保' | '停保' | 'unknown';

/** 保障状态 from the policy's lists: empty = 在保; a text in neither list is 'unknown'. */
export function rosterStatusReader(statuses: { covered: readonly string[]; notCovered: readonly string[] }): (value: unknown) => RosterStatusReading {
  const vocabulary = vocabularyOf({ 在保: statuses.covered, 停保: statuses.notCovered });
  return (value) => {
    // The vocabulary caches each distinct text: a 300k-row roster normalises a handful of statuses.
    const found = vocabulary.canonical(value);
    if (found === '在保' || found === '停保') return found;
    return vocabularyKey(value) === '' ? '在保' : 'unknown';
  };
}

/** Finding code of each ID problem (the same codes the ledger's validation uses). */
const ID_CODES: Record<Exclude<IdProblem, 'legacy15'> | 'empty' | 'birthdate15', string> = {
  empty: 'required',
  format: 'id.format',
  short: 'id.format',
  checksum: 'id.checksum',
  birthdate: 'id.birthdate',
  birthdate15: 'id.birthdate',
  region: 'id.region',
  excelNumber: 'id.excel_number',
};

/** today YYYY-MM-DD as the number YYYYMMDD (for fastIdNumber). */
export { dateNumber };

/**
 * Allocation-free check of an already-normalised 18-character ID (digits, upper-case X): returns it
 * when checkIdNumber would find no problem, else undefined (then ask readIdNumber why).
 */
export function fastIdNumber(value: unknown, todayNumber: number): string | undefined {
  return isValidIdFast(value, todayNumber) ? (value as string) : undefined;
}

export type IdRead = { ok: true; id: string } | { ok: false; code: string; message: string; en: string };

/**
 * ID number of a cell, normalised (upper-case X; full-width digits, a leading apostrophe and `="…"`
 * read as the ledger's readers do; 15-digit numbers upgraded to 18), or why not. Uses
 * checkIdNumber of the ledger core, so a file is judged exactly as the ledger is.
 */
export function readIdNumber(value: unknown, today: string): IdRead {
  if (value === null || value === undefined || value === '') return { ok: false, ...idMessage('empty') };
  // checkIdNumber reads typed text itself (typedText); rich-text and formula cells give their text first.
  const cell = typeof value === 'string' || typeof value === 'number' ? value : cellText(value);
  const check = checkIdNumber(cell, today);
  if (check.problems.length === 0 && check.normalized) return { ok: true, id: check.normalized };
  if (check.problems[0] === 'legacy15') {
    if (check.upgraded !== undefined) return { ok: true, id: check.upgraded };
    // A 15-digit number with an impossible address code or birth date (800230 = 1980-02-30).
    const problem = check.problems[1] as Exclude<IdProblem, 'legacy15'>;
    return { ok: false, ...idMessage(problem === 'birthdate' ? 'birthdate15' : problem) };
  }
  if (check.problems[0] === 'format' && typedCell(cell) === '') return { ok: false, ...idMessage('empty') };
  // Digits lost to Excel (checkIdNumber: a number, or text ending in 000) outweigh the other problems:
  // the fix is the Excel one.
  if (check.problems.includes('excelNumber')) return { ok: false, ...idMessage('excelNumber') };
  return { ok: false, ...idMessage(check.problems[0] as Exclude<IdProblem, 'legacy15'>) };
}

/**
 * The ID number inside a 残疾人证号 (20 characters: the ID number, then category and grade digits),
 * for files that have no ID column; undefined when the first 18 characters are not a valid ID.
 */
export function idFromCertificate(value: unknown, today: string): string | undefined {
  const text = typedCell(value).toUpperCase();
  if (text.length !== 20) return undefined;
  const read = readIdNumber(text.slice(0, 18), today);
  return read.ok ? read.id : undefined;
}

function idMessage(key: keyof typeof ID_CODES): { code: string; message: string; en: string } {
  const text = ID_PROBLEM_TEXT[key];
  return { code: ID_CODES[key], message: `${text.zh}；${text.hint.zh}`, en: `${text.en}; ${text.hint.en}` };
}

/** True when every cell is empty or blank text (checked without allocating). */
export function isBlankRow(cells: readonly unknown[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v !== null && v !== undefined && v !== '' && !(typeof v === 'string' && v.trim() === '')) return false;
  }
  return true;
}

/**
 * Month of a date cell as YYYYMM, read by the ledger's own date reader (ledger/dates.ts
 * parseDateCell: Date objects, Excel serial days, 2026-10-03, 2026/10/3, 20261003, 2026年10月3日 …)
 * after an allocation-free path for the ISO text most files hold; undefined when it holds no date.
 */
export function dateMonth(value: unknown): number | undefined {
  if (typeof value === 'string' && value.length === 10) {
    const sep = value.charCodeAt(4);
    if ((sep === 45 || sep === 47) && value.charCodeAt(7) === sep) {
      const y = (value.charCodeAt(0) - 48) * 1000 + (value.charCodeAt(1) - 48) * 100 + (value.charCodeAt(2) - 48) * 10 + (value.charCodeAt(3) - 48);
      const mo = (value.charCodeAt(5) - 48) * 10 + (value.charCodeAt(6) - 48);
      if (y >= 1000 && y <= 9999 && mo >= 1 && mo <= 12) return y * 100 + mo;
    }
  }
  const parsed = parseDateCell(typeof value === 'string' ? typedCell(value) : value);
  return parsed.ok ? Number(parsed.iso.slice(0, 4)) * 100 + Number(parsed.iso.slice(5, 7)) : undefined;
}

/** YYYYMM → 2026-10. */
export function monthText(yyyymm: number): string {
  return `${Math.floor(yyyymm / 100)}-${String(yyyymm % 100).padStart(2, '0')}`;
}
