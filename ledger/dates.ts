/**
 * Date cells as staff and spreadsheet readers give them, read into ISO `YYYY-MM-DD`:
 * - Date objects (xlsx readers give UTC midnight: the UTC calendar date is the date typed);
 * - Excel serial numbers: every number in a cell with a date number format, or a plain number in
 *   the plausible serial range (PLAUSIBLE_SERIAL_MIN…MAX) — Office.js returns date cells as serials;
 * - text: 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日, 20261005 (also as a number), full-width
 *   digits, an optional trailing time (2026-10-05 00:00:00).
 * Pure and allocation-light: the validation of 100k rows calls this for every date cell.
 */

export type DateParse = { ok: true; iso: string } | { ok: false };

const MS_PER_DAY = 86_400_000;
/** Day number (since 1970-01-01) of Excel serial 0 in the 1900 date system (1899-12-30). */
const SERIAL_EPOCH_DAY = -25_569;
/** Years a ledger date may have (births are not ledger dates: ID numbers have their own check). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2099;
/** Plain numbers in a date column are read as serials only in this range: 1990-01-01 … 2099-12-31. */
export const PLAUSIBLE_SERIAL_MIN = 32_874;
export const PLAUSIBLE_SERIAL_MAX = 73_050;

const FAIL: DateParse = { ok: false };

const SEPARATED = /^(\d{4})\s*[-/.－／．]\s*(\d{1,2})\s*[-/.－／．]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const HAS_FULL_WIDTH_DIGIT = /[０-９]/;
const FULL_WIDTH_DIGITS = /[０-９]/g;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** ISO text of a real date in [MIN_YEAR, MAX_YEAR], or undefined. */
export function isoFromParts(year: number, month: number, day: number): string | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Excel serial (1900 date system) → YYYY-MM-DD; the time fraction is dropped. */
export function excelSerialToIso(serial: number): string {
  let whole = Math.floor(serial);
  // Excel's phantom 1900-02-29 (serial 60): serials before it are one day later than the epoch says.
  if (whole < 61) whole += 1;
  return new Date((SERIAL_EPOCH_DAY + whole) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** YYYY-MM-DD → Excel serial (1900 date system). Throws on text that is not a real date. */
export function isoToExcelSerial(iso: string): number {
  const parsed = parseIsoStrict(iso);
  if (parsed === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  const whole = Date.UTC(parsed[0], parsed[1] - 1, parsed[2]) / MS_PER_DAY - SERIAL_EPOCH_DAY;
  return whole < 61 ? whole - 1 : whole;
}

function parseIsoStrict(iso: string): [number, number, number] | undefined {
  if (iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return undefined;
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 7);
  const day = digits(iso, 8, 10);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return isoFromParts(year, month, day) === undefined ? undefined : [year, month, day];
}

/** Integer value of text[from, to) when all are ASCII digits, else -1. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const formatCache = new Map<string, boolean>();

/**
 * True when an Excel number format shows a date (yyyy-mm-dd, m/d/yyyy, yyyy"年"m"月"d"日", [$-804]…).
 * Quoted literals, escapes and [..] sections are ignored; time-only formats (h:mm:ss) are not dates.
 * Cached per format string (a sheet has only a handful).
 */
export function isDateNumberFormat(format: string | undefined | null): boolean {
  if (!format || format === 'General' || format === '@') return false;
  let known = formatCache.get(format);
  if (known === undefined) {
    const bare = format
      .replace(/"[^"]*"/g, '')
      .replace(/\\./g, '')
      .replace(/\[[^\]]*\]/g, '');
    known = /[yd]/i.test(bare);
    if (formatCache.size < 1000) formatCache.set(format, known);
  }
  return known;
}

/** The number 20261005 read as yyyymmdd, or undefined. */
function compactNumberToIso(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 19000101 || n > 20991231) return undefined;
  return isoFromParts(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
}

/** A Date object's UTC calendar date (xlsx readers store dates as UTC midnight). */
export function dateObjectToIso(date: Date): string | undefined {
  const time = date.getTime();
  if (Number.isNaN(time)) return undefined;
  return isoFromParts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/**
 * The text itself when it already is a real date written YYYY-MM-DD in [MIN_YEAR, MAX_YEAR], else
 * undefined: what nearly every date cell of a ledger holds, answered without allocating.
 */
export function canonicalIsoDate(text: string): string | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return text;
}

/** Read a date out of text; undefined when it is not one of the accepted forms or not a real date. */
export function parseDateText(input: string): string | undefined {
  let text = input.trim();
  if (text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    // Fast path for the canonical form.
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    if (year >= 0 && month >= 0 && day >= 0) {
      // Already canonical: hand back the same string (no allocation for 100k date cells).
      if (year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) return text;
      return undefined;
    }
  }
  if (text.length < 8) return undefined;
  if (HAS_FULL_WIDTH_DIGIT.test(text)) {
    text = text.replace(FULL_WIDTH_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  }
  const match = SEPARATED.exec(text) ?? CHINESE.exec(text) ?? COMPACT.exec(text);
  if (!match) return undefined;
  return isoFromParts(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * Read one date cell. `numberFormat` is the cell's Excel number format when known: with a date
 * format any serial is a date; without one only plausible serials (1990–2099) and yyyymmdd are.
 */
export function parseDateCell(value: unknown, numberFormat?: string | null): DateParse {
  let iso: string | undefined;
  if (typeof value === 'string') iso = parseDateText(value);
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return FAIL;
    iso = compactNumberToIso(value);
    if (iso === undefined) {
      const dateFormatted = isDateNumberFormat(numberFormat);
      if (dateFormatted ? value >= 1 && value < 73_051 : value >= PLAUSIBLE_SERIAL_MIN && value <= PLAUSIBLE_SERIAL_MAX) {
        iso = excelSerialToIso(value);
      }
    }
  } else if (value instanceof Date) iso = dateObjectToIso(value);
  return iso === undefined ? FAIL : { ok: true, iso };
}

/**
 * The calendar date in China (UTC+8, no daylight saving) of an instant: "today" for every deadline,
 * overdue flag and date rule. The caller passes the instant (the core reads no clock).
 */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
