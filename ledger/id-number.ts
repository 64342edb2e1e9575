/**
 * Resident ID numbers (公民身份号码, GB 11643-1999) — the one module that knows them: structure,
 * the check character (weights written once, here), normalisation of what people type, masking,
 * and the wording of every ID problem. The ledger's validation and the departmental-file matching
 * both judge IDs through this module, so a number is right or wrong, and described, the same way.
 */
import { typedText } from './cell';

/** GB 11643 weights of the first 17 digits (2^(17-i) mod 11). */
export const ID_WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character by (weighted sum mod 11). */
export const ID_CHECK_CHARS = '10X98765432';
/** Earliest plausible birth year in an ID number. */
export const MIN_BIRTH_YEAR = 1880;

/** Province-level address codes (GB/T 2260 first two digits). */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);
const PROVINCE_TABLE = new Uint8Array(100);
for (const code of PROVINCE_CODES) PROVINCE_TABLE[Number(code)] = 1;

/** Check character for the first 17 digits (caller guarantees 17 ASCII digits). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK_CHARS[sum % 11];
}

/** What can be wrong with an ID cell. */
export const ID_PROBLEMS = ['format', 'short', 'checksum', 'birthdate', 'region', 'legacy15', 'excelNumber'] as const;
export type IdProblem = (typeof ID_PROBLEMS)[number];

export interface IdCheck {
  /** Normalised form (upper-case X, no spaces, half-width) when the text has the 18-char shape. */
  normalized?: string;
  problems: IdProblem[];
  /** For a 15-digit legacy number: its 18-digit form. */
  upgraded?: string;
  birthDate?: string; // YYYY-MM-DD
  gender?: '男' | '女';
  /** True when the cell had to be normalised (full-width digits, spaces, quotes, lower-case x). */
  retyped?: boolean;
}

const SHAPE_18 = /^\d{17}[\dX]$/;
const SHAPE_15 = /^\d{15}$/;

/** today YYYY-MM-DD as the number YYYYMMDD (for isValidIdFast). */
export function dateNumber(iso: string): number {
  return Number(iso.slice(0, 4)) * 10000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
}

function monthDays(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

let cachedToday = '';
let cachedTodayNumber = 0;

/**
 * Allocation-free check of an already-normalised 18-character ID (digits, upper-case X): true when
 * checkIdNumber would find no problem. `today` is YYYY-MM-DD or its YYYYMMDD number. The ledger's
 * validation and the matching of 100k-row files spend most of their ID time here.
 */
export function isValidIdFast(text: unknown, today: string | number): boolean {
  if (typeof text !== 'string' || text.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += digit * ID_WEIGHTS[i];
  }
  if (text.charCodeAt(17) !== ID_CHECK_CHARS.charCodeAt(sum % 11)) return false;
  if (PROVINCE_TABLE[(text.charCodeAt(0) - 48) * 10 + text.charCodeAt(1) - 48] !== 1) return false;
  const year = (text.charCodeAt(6) - 48) * 1000 + (text.charCodeAt(7) - 48) * 100 + (text.charCodeAt(8) - 48) * 10 + text.charCodeAt(9) - 48;
  const month = (text.charCodeAt(10) - 48) * 10 + text.charCodeAt(11) - 48;
  const day = (text.charCodeAt(12) - 48) * 10 + text.charCodeAt(13) - 48;
  if (year < MIN_BIRTH_YEAR || month < 1 || month > 12 || day < 1 || day > monthDays(year, month)) return false;
  let todayNumber: number;
  if (typeof today === 'number') todayNumber = today;
  else {
    if (today !== cachedToday) {
      cachedToday = today;
      cachedTodayNumber = dateNumber(today);
    }
    todayNumber = cachedTodayNumber;
  }
  return year * 10000 + month * 100 + day <= todayNumber;
}

/**
 * The ID number as one exact number (below 2^51, so a double holds it exactly): address code,
 * birth year − 1880, month, day, sequence and check character packed in fixed bit fields. Equal
 * for equal IDs, different for different ones; -1 when the text is not shaped like a normalised
 * 18-character ID. Lets the matching index people in typed arrays instead of Maps of strings
 * (no string hashing and no string comparison per row). No allocation.
 */
export function idNumberKey(id: string): number {
  if (id.length !== 18) return -1;
  let region = 0;
  for (let i = 0; i < 6; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    region = region * 10 + d;
  }
  let birth = 0; // yyyymmdd
  for (let i = 6; i < 14; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    birth = birth * 10 + d;
  }
  let seq = 0;
  for (let i = 14; i < 17; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    seq = seq * 10 + d;
  }
  const last = id.charCodeAt(17);
  const check = last === 88 /* X */ ? 10 : last - 48;
  if (check < 0 || check > 10) return -1;
  const year = Math.floor(birth / 10000) - MIN_BIRTH_YEAR;
  const month = Math.floor(birth / 100) % 100;
  const day = birth % 100;
  if (year < 0 || year > 255 || month > 15 || day > 31) return -1;
  // 20 + 8 + 4 + 5 + 10 + 4 = 51 bits.
  return ((((region * 256 + year) * 16 + month) * 32 + day) * 1024 + seq) * 16 + check;
}

/** True when the text is an 18-character ID with a correct check character (cheap path). */
export function isValidIdChecksum(text: string): boolean {
  return SHAPE_18.test(text) && idCheckChar(text.slice(0, 17)) === text[17];
}

/**
 * Normalise what a cell holds into ID text: full-width digits and Ｘ (IME), quotes, a leading
 * apostrophe and ="…" go (typedText), inner spaces and dashes between groups go, x becomes X.
 */
export function normalizeIdText(value: string): string {
  return typedText(value).replace(/[\s-]/g, '').toUpperCase();
}

/** What Excel leaves of the last digits of an 18-digit number it stored (15 significant digits). */
const EXCEL_LOST_DIGITS = '000';

/**
 * True for 18-character ID text ending in 000 — what Excel leaves of an ID it stored as a number
 * (15 significant digits) once typed or pasted back as text. With a wrong check character
 * checkIdNumber says excelNumber; with a right one (the damage gives check character 0 for about
 * 1 number in 11) the number passes every check yet may belong to nobody, or to someone else:
 * the ledger warns with the Excel hint, the matching flags the lead. No allocation.
 */
export function endsLikeExcelNumber(id: string): boolean {
  return id.length === 18 && id.charCodeAt(15) === 48 && id.charCodeAt(16) === 48 && id.charCodeAt(17) === 48;
}

/**
 * Check an ID number.
 * @param value the cell value. A number with 16 or more digits means Excel converted it and the
 *   last digits are gone (excelNumber); a 15-digit number is an old ID with every digit present
 *   (legacy15, with its 18-digit form); a shorter number is simply not an ID (short). Text of 18
 *   digits ending in 000 whose check character is wrong is what such a number becomes when typed
 *   back as text: excelNumber too, not checksum.
 * @param today YYYY-MM-DD, to reject birth dates in the future
 */
export function checkIdNumber(value: unknown, today: string): IdCheck {
  let text: string;
  let retyped = false;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problems: ['format'] };
    if (Number.isInteger(value) && value >= 1e14 && value < 1e15) text = String(value);
    else if (Math.abs(value) >= 1e15) return { problems: ['excelNumber'] };
    else return { problems: ['short'] };
  } else {
    const raw = value === null || value === undefined ? '' : String(value);
    text = normalizeIdText(raw);
    retyped = text !== raw;
  }
  if (/^\d(\.\d+)?E\+\d+$/.test(text)) return { problems: ['excelNumber'] };
  if (SHAPE_15.test(text)) return checkLegacy15(text, retyped);
  if (!SHAPE_18.test(text)) return { problems: [/^\d{1,14}$/.test(text) ? 'short' : 'format'], retyped };
  const problems: IdProblem[] = [];
  if (!PROVINCE_CODES.has(text.slice(0, 2))) problems.push('region');
  const y = Number(text.slice(6, 10));
  const m = Number(text.slice(10, 12));
  const d = Number(text.slice(12, 14));
  const birthDate = `${text.slice(6, 10)}-${text.slice(10, 12)}-${text.slice(12, 14)}`;
  const birthOk = y >= MIN_BIRTH_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m) && birthDate <= today;
  if (!birthOk) problems.push('birthdate');
  // Text ending in 000 with a wrong check character: Excel kept 15 significant digits of the number
  // and the text was typed or pasted back from it. The fix is the Excel one, not "check the digits".
  if (idCheckChar(text.slice(0, 17)) !== text[17]) problems.push(text.endsWith(EXCEL_LOST_DIGITS) ? 'excelNumber' : 'checksum');
  const gender = Number(text[16]) % 2 === 1 ? '男' : '女';
  return { normalized: text, problems, birthDate: birthOk ? birthDate : undefined, gender, retyped };
}

/**
 * A 15-digit number (before 1999: address code, YYMMDD, order; no check character) is legacy15 with
 * its 18-digit form — unless its address code or birth date (第7–12位, 19YY) is impossible: then it
 * is wrong as well (region / birthdate) and no 18-digit form is offered (it would be a wrong number
 * written as a fix).
 */
function checkLegacy15(text: string, retyped: boolean): IdCheck {
  const problems: IdProblem[] = ['legacy15'];
  if (!PROVINCE_CODES.has(text.slice(0, 2))) problems.push('region');
  const y = 1900 + Number(text.slice(6, 8));
  const m = Number(text.slice(8, 10));
  const d = Number(text.slice(10, 12));
  const birthOk = m >= 1 && m <= 12 && d >= 1 && d <= monthDays(y, m);
  if (!birthOk) problems.push('birthdate');
  if (problems.length > 1) return { problems, retyped };
  const upgraded = upgradeLegacy15(text);
  return { problems, upgraded, birthDate: `${y}-${text.slice(8, 10)}-${text.slice(10, 12)}`, gender: Number(text[14]) % 2 === 1 ? '男' : '女', retyped };
}

/** 15-digit numbers (before 1999) become 18: insert century 19, append the check character. */
export function upgradeLegacy15(text15: string): string {
  const first17 = `${text15.slice(0, 6)}19${text15.slice(6)}`;
  return first17 + idCheckChar(first17);
}

/** Mask for anything outside the working ledger: 532301********123X. */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// Wording: one sentence per problem, used by the ledger's findings and the matching's row notes

export interface IdProblemText {
  /** What is wrong (subject: 身份证号 / the ID number). */
  zh: string;
  en: string;
  /** How to fix it. */
  hint: { zh: string; en: string };
}

/**
 * What is wrong and how to fix it, in the words every part of the system uses (the ledger's
 * findings put the column name in front; the matching's rejected rows use them as they are).
 * Never contains the number itself.
 */
export const ID_PROBLEM_TEXT: Readonly<Record<IdProblem | 'empty' | 'excelSuspect' | 'birthdate15', IdProblemText>> = {
  empty: {
    zh: '身份证号未填写',
    en: 'the ID number is empty',
    hint: { zh: '请填写18位公民身份号码。', en: 'Fill in the 18-character resident ID number.' },
  },
  format: {
    zh: '身份证号格式不正确：应为18位（17位数字加1位数字或X）',
    en: 'the ID number is malformed: it must be 18 characters (17 digits, then a digit or X)',
    hint: { zh: '请对照身份证重新录入；末位的x请写作大写X，不要夹带其他符号。', en: 'Re-type it from the ID card; write a final x as X, no other signs.' },
  },
  short: {
    zh: '身份证号位数不足：不是完整的18位号码',
    en: 'the ID number is too short: not a full 18-character number',
    hint: { zh: '请对照身份证录入完整的18位号码。', en: 'Enter the full 18-character number from the ID card.' },
  },
  checksum: {
    zh: '身份证号校验位不正确（按GB 11643计算，最后一位与前17位不符）',
    en: 'the ID number has a wrong check character (GB 11643: the last character does not match the first 17 digits)',
    hint: { zh: '号码中至少有一位录错，请对照身份证逐位核对后改正。', en: 'At least one digit is mistyped; compare it with the ID card.' },
  },
  birthdate: {
    zh: '身份证号中的出生日期（第7–14位）不存在或晚于今天',
    en: 'the birth date in the ID number (characters 7–14) is impossible or in the future',
    hint: { zh: '请对照身份证核对第7–14位出生日期。', en: 'Check characters 7–14 (birth date) against the ID card.' },
  },
  birthdate15: {
    zh: '15位旧身份证号中的出生日期（第7–12位，年份只写后两位）不存在',
    en: 'the birth date in the old 15-digit ID number (characters 7–12, a two-digit year) is impossible',
    hint: { zh: '请对照身份证核对第7–12位出生日期，并改为18位公民身份号码。', en: 'Check characters 7–12 (birth date) against the ID card and write the 18-character ID.' },
  },
  region: {
    zh: '身份证号前两位不是有效的省级行政区划代码',
    en: 'the first two digits of the ID number are not a province code',
    hint: { zh: '请对照身份证核对前6位地址码（云南省为53开头）。', en: 'Check the 6-digit address code (Yunnan starts with 53).' },
  },
  legacy15: {
    zh: '身份证号是15位旧号码，应使用18位公民身份号码',
    en: 'the ID number is an old 15-digit number; use the 18-character ID',
    hint: { zh: '请换成对应的18位号码（第7位前补19，末位加校验位）。', en: 'Replace it with its 18-character form (19 inserted before the year, a check character added).' },
  },
  excelNumber: {
    zh: '身份证号被Excel存成了数字，Excel只保留15位有效数字，末几位已经丢失',
    en: 'Excel stored the ID number as a number; Excel keeps only 15 significant digits, so the last digits are lost',
    hint: {
      zh: '请选中该列，设置单元格格式为“文本”，再对照身份证重新录入完整的18位号码（仅改格式无法找回丢失的数字）。',
      en: 'Format the column as Text, then re-type the full 18-character number from the ID card (changing the format alone cannot restore the lost digits).',
    },
  },
  /** Valid, but ending in 000 (endsLikeExcelNumber): a warning, never an error — a real ID may end so. */
  excelSuspect: {
    zh: '身份证号末三位是000，常见于Excel把号码存成数字后丢失了末几位（校验位碰巧相符，号码可能属于他人）',
    en: 'the ID number ends in 000, as it does when Excel stored it as a number and lost the last digits (the check character happens to match; the number may be someone else’s)',
    hint: {
      zh: '请对照身份证核对末三位；如有误，请选中该列设置单元格格式为“文本”，再重新录入完整的18位号码。',
      en: 'Check the last three digits against the ID card; if they are wrong, format the column as Text and re-type the full 18-character number.',
    },
  },
};
