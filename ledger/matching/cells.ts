/**
 * Reading the cells of departmental files: text, money, disability grades, education levels,
 * roster categories and statuses, and ID numbers (checked with the ledger core's rules).
 */
import { checkIdNumber, PROVINCE_CODES, type IdProblem } from '../idnumber';

/** Text of a cell: '' for empty, numbers as written, Date objects as YYYY-MM-DD, trimmed. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    // xlsx readers: rich text / formula results
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('').trim();
    if (v.result !== undefined) return cellText(v.result);
    if (typeof v.text === 'string') return v.text.trim();
  }
  return String(value).trim();
}

/** Yuan as integer cents, or undefined when the cell is not an amount (empty → null). */
export function parseMoneyCents(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) : undefined;
  const text = cellText(value);
  if (text === '') return null;
  const cleaned = text.replace(/[,，\s￥¥]|元$/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
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

/** 残疾等级: 一级, 1, 壹级, 一级残疾, 二级（重度）, 肢体二级 → 1–4; undefined when unreadable. */
export function parseDisabilityGrade(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 4 ? value : undefined;
  const text = cellText(value).replace(/\s/g, '');
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 4 ? n : undefined;
  }
  const match = /([1-4一二三四壹贰貳叁參肆ⅠⅡⅢⅣ])级/.exec(text) ?? (text.length === 1 ? [text, text] : null);
  return match ? GRADE_CHARS[match[1]] : undefined;
}

export const GRADE_ZH = ['一级', '二级', '三级', '四级'] as const;

const LEVEL_ALIASES: Record<string, string> = {
  大专: '专科', 高职: '专科', 高职专科: '专科', 高职高专: '专科', 专科生: '专科', 大学专科: '专科', '专科(高职)': '专科',
  本科生: '本科', 大学本科: '本科', 普通本科: '本科', 职业本科: '本科', 大学: '本科',
  研究生: '硕士研究生', 硕士: '硕士研究生', 博士: '博士研究生',
  普通高中: '高中', 中专: '中职', 职高: '中职', 技校: '中职',
};

/** 学历层次 in canonical form: 大专/高职 → 专科, 本科生/大学本科 → 本科, … (others as written). */
export function canonicalEducationLevel(value: unknown): string {
  const text = cellText(value).replace(/\s/g, '').replace(/（/g, '(').replace(/）/g, ')');
  return LEVEL_ALIASES[text] ?? text;
}

/** 保障类别 in canonical form: 农村低保 → 低保, 特困人员 → 特困供养, … (others as written). */
export function canonicalCoverageCategory(value: unknown): string {
  const text = cellText(value).replace(/\s/g, '');
  if (text.includes('特困')) return '特困供养';
  if (text.includes('低保边缘')) return '低保边缘';
  if (text.includes('低保')) return '低保';
  if (text.includes('临时救助')) return '临时救助';
  if (text.includes('低收入') || text.includes('监测')) return '低收入监测';
  return text;
}

/** 保障状态: 在保 / 停保 (empty = 在保), undefined when unreadable. */
export function parseRosterStatus(value: unknown): '在保' | '停保' | undefined {
  const text = cellText(value).replace(/\s/g, '');
  if (text === '') return '在保';
  if (/停保|退出|注销|取消|终止|停发|停止/.test(text)) return '停保';
  if (/在保|正常|享受|保障中|有效/.test(text)) return '在保';
  return undefined;
}

const ID_MESSAGES: Record<Exclude<IdProblem, 'legacy15'> | 'empty', { code: string; zh: string; en: string }> = {
  empty: { code: 'required', zh: '身份证号为空', en: 'ID number is empty' },
  format: { code: 'id.format', zh: '身份证号格式不正确：应为18位（17位数字加1位校验码）', en: 'ID number must be 18 characters: 17 digits and a check character' },
  checksum: { code: 'id.checksum', zh: '身份证号校验码错误，请核对号码', en: 'ID number check character is wrong; check the number' },
  birthdate: { code: 'id.birthdate', zh: '身份证号中的出生日期不存在或在未来', en: 'the birth date in the ID number is impossible or in the future' },
  region: { code: 'id.region', zh: '身份证号前两位不是有效的省级地址码', en: 'the first two digits of the ID number are not a province code' },
  excelNumber: {
    code: 'id.excel_number',
    zh: '身份证号被Excel存成了数字，后三位已丢失；请将该列设为“文本”格式后重新录入',
    en: 'Excel stored the ID number as a number and dropped the last digits; format the column as Text and re-type it',
  },
};

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CODES = [49, 48, 88, 57, 56, 55, 54, 53, 52, 51, 50]; // '10X98765432'
const PROVINCE_OK: boolean[] = Array.from({ length: 100 }, (_, n) => PROVINCE_CODES.has(String(n).padStart(2, '0')));
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** today YYYY-MM-DD as the number YYYYMMDD (for fastIdNumber). */
export function dateNumber(iso: string): number {
  return Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
}

/**
 * Allocation-free check of an already-normalised 18-character ID (digits, upper-case X): returns it
 * when checkIdNumber would find no problem, else undefined (then ask readIdNumber why). Matching
 * 100k rows spends most of its time here, so it avoids regexes, slices and Date objects.
 */
export function fastIdNumber(value: unknown, todayNumber: number): string | undefined {
  if (typeof value !== 'string' || value.length !== 18) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    sum += d * ID_WEIGHTS[i];
  }
  if (value.charCodeAt(17) !== ID_CHECK_CODES[sum % 11]) return undefined;
  const v = value;
  if (!PROVINCE_OK[(v.charCodeAt(0) - 48) * 10 + (v.charCodeAt(1) - 48)]) return undefined;
  const year = (v.charCodeAt(6) - 48) * 1000 + (v.charCodeAt(7) - 48) * 100 + (v.charCodeAt(8) - 48) * 10 + (v.charCodeAt(9) - 48);
  const month = (v.charCodeAt(10) - 48) * 10 + (v.charCodeAt(11) - 48);
  const day = (v.charCodeAt(12) - 48) * 10 + (v.charCodeAt(13) - 48);
  if (year < 1880 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month])) return undefined;
  if (year * 10000 + month * 100 + day > todayNumber) return undefined;
  return value;
}

export type IdRead = { ok: true; id: string } | { ok: false; code: string; message: string; en: string };

/**
 * ID number of a cell, normalised (upper-case X; 15-digit numbers upgraded to 18), or why not.
 * Uses checkIdNumber of the ledger core, so a file is judged exactly as the ledger is.
 */
export function readIdNumber(value: unknown, today: string): IdRead {
  if (value === null || value === undefined || value === '') return { ok: false, ...idMessage('empty') };
  const check = checkIdNumber(value, today);
  if (check.problems.length === 0 && check.normalized) return { ok: true, id: check.normalized };
  if (check.problems.length === 1 && check.problems[0] === 'legacy15' && check.upgraded) return { ok: true, id: check.upgraded };
  if (check.problems[0] === 'format' && cellText(value) === '') return { ok: false, ...idMessage('empty') };
  return { ok: false, ...idMessage(check.problems[0] as Exclude<IdProblem, 'legacy15'>) };
}

function idMessage(key: keyof typeof ID_MESSAGES): { code: string; message: string; en: string } {
  const m = ID_MESSAGES[key];
  return { code: m.code, message: m.zh, en: m.en };
}

/** True when every cell is empty or blank text (checked without allocating). */
export function isBlankRow(cells: readonly unknown[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (v !== null && v !== undefined && v !== '' && !(typeof v === 'string' && v.trim() === '')) return false;
  }
  return true;
}
