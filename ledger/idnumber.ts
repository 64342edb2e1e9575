/**
 * Resident ID numbers (公民身份号码, GB 11643-1999): structure, check character, masking.
 * Pure functions; the validation rules turn their results into findings.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level address codes (GB/T 2260 first two digits). */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** Check character for the first 17 digits (caller guarantees 17 ASCII digits). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export type IdProblem = 'format' | 'checksum' | 'birthdate' | 'region' | 'legacy15' | 'excelNumber';

export interface IdCheck {
  /** Normalised form (upper-case X, trimmed) when the text has the 18-char shape. */
  normalized?: string;
  problems: IdProblem[];
  /** For a 15-digit legacy number: its 18-digit form. */
  upgraded?: string;
  birthDate?: string; // YYYY-MM-DD
  gender?: '男' | '女';
}

const SHAPE_18 = /^\d{17}[\dX]$/;
const SHAPE_15 = /^\d{15}$/;

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Normalise what a cell holds into ID text: trims, drops inner spaces, upper-cases x. */
export function normalizeIdText(value: string): string {
  return value.replace(/[\s\u3000]/g, '').toUpperCase();
}

/**
 * Check an ID number.
 * @param value the cell value (a number means Excel converted it and the last digits are gone)
 * @param today YYYY-MM-DD, to reject birth dates in the future
 */
export function checkIdNumber(value: unknown, today: string): IdCheck {
  if (typeof value === 'number') return { problems: ['excelNumber'] };
  const text = normalizeIdText(String(value ?? ''));
  if (/^\d(\.\d+)?E\+\d+$/.test(text)) return { problems: ['excelNumber'] };
  if (SHAPE_15.test(text)) return { problems: ['legacy15'], upgraded: upgradeLegacy15(text) };
  if (!SHAPE_18.test(text)) return { problems: ['format'] };
  const problems: IdProblem[] = [];
  if (!PROVINCE_CODES.has(text.slice(0, 2))) problems.push('region');
  const y = Number(text.slice(6, 10));
  const m = Number(text.slice(10, 12));
  const d = Number(text.slice(12, 14));
  const birthDate = `${text.slice(6, 10)}-${text.slice(10, 12)}-${text.slice(12, 14)}`;
  const birthOk = y >= 1880 && isRealDate(y, m, d) && birthDate <= today;
  if (!birthOk) problems.push('birthdate');
  if (idCheckChar(text.slice(0, 17)) !== text[17]) problems.push('checksum');
  const gender = Number(text[16]) % 2 === 1 ? '男' : '女';
  return { normalized: text, problems, birthDate: birthOk ? birthDate : undefined, gender };
}

/** True when the text is an 18-character ID with a correct check character (cheap path). */
export function isValidIdChecksum(text: string): boolean {
  return SHAPE_18.test(text) && idCheckChar(text.slice(0, 17)) === text[17];
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
