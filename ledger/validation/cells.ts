/**
 * Cell-level checks, derived from LEDGER_COLUMNS: each column type has one reader that turns a raw
 * cell into its normalised ledger value and reports what is wrong with it (required, id.*, enum,
 * date.*, phone.format, number.*). The column list supplies the data the checks use — required,
 * vocabulary, min/max — so a new column of an existing type needs no code here.
 *
 * Readers run once per cell of every row (100k rows → millions of calls): no regex is built per
 * call, no arrays are made for single-value cells, and nothing is allocated for a valid cell beyond
 * its value.
 */
import { LEDGER_COLUMNS, vocabularyOf, type ColumnDef, type ColumnKey, type ColumnType } from '../columns';
import { dateObjectToIso, parseDateCell } from '../dates';
import { checkIdNumber, PROVINCE_CODES } from '../idnumber';
import type { LedgerValue, LedgerValues, Severity } from '../types';
import { MULTI_VALUE_SEPARATORS } from '../vocabularies';
import type { MessageId, MessageParams } from './messages';

/** Date columns that may lie in the future (a due date); every other date is something that happened. */
export const FUTURE_DATE_COLUMNS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['verifyBy']);

/** What the cell checks of one ledger column need, derived from its ColumnDef. */
export interface ColumnCheckPlan {
  key: ColumnKey;
  def: ColumnDef;
  type: ColumnType;
  /** Position in LEDGER_COLUMNS; `bit` = 1 << ordinal marks the column in RowState.invalid. */
  ordinal: number;
  bit: number;
  required: boolean;
  /** Vocabulary as a set (enum, multi) and as the list messages show. */
  allowed?: ReadonlySet<string>;
  allowedList?: readonly string[];
  min?: number;
  max?: number;
  allowFuture: boolean;
  /** Counts towards "this row has content" (not 序号, not the machine columns). */
  content: boolean;
  read: CellReader;
}

/** One data row of the ledger. */
export interface ParsedRow {
  /** Excel row number. */
  excelRow: number;
  /**
   * Normalised values of the columns present in the sheet (blank = null; absent columns have no
   * key): dates YYYY-MM-DD, multi-values arrays, integers and amounts numbers, text trimmed.
   * Unreadable cells keep their text (an unreadable ID number stored as a number stays a number).
   */
  values: LedgerValues;
  /** The row's cells as given (SheetInput.values[r]). */
  raw: readonly unknown[];
}

/** The row being read, as the rules see it: its ParsedRow plus what the cell checks found. */
export interface RowState extends ParsedRow {
  /** Bitmask (ColumnCheckPlan.bit) of cells that were filled in but could not be read. */
  invalid: number;
  /** Duplicate key of the person: the normalised 18-char ID, or the 18-char form of a 15-digit one. */
  idKey: string | undefined;
  /** Gender implied by the ID's 17th digit (only when the check character is right). */
  idGender: '男' | '女' | undefined;
}

/** Where a reader sends a problem; null when only reading (readLedgerRows). */
export type CellReporter = (
  state: RowState,
  column: ColumnCheckPlan,
  message: MessageId,
  severity: Severity,
  params: Omit<MessageParams, 'column'>,
) => void;

/**
 * Reads a non-blank cell. `today` (YYYY-MM-DD) is for the future-date and birth-date checks.
 * Sets `state.invalid` for unreadable cells; returns the normalised value.
 */
export type CellReader = (
  raw: unknown,
  format: string | undefined,
  column: ColumnCheckPlan,
  state: RowState,
  report: CellReporter | null,
  today: string,
) => LedgerValue;

// ---------------------------------------------------------------------------------------------
// Raw values

/** True for '', null, undefined and whitespace-only text. */
export function isBlankCell(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') {
    if (value.length === 0) return true;
    const first = value.charCodeAt(0);
    if (first > 32 && first !== 0x3000 && first !== 0xa0) return false;
    return value.trim().length === 0;
  }
  if (typeof value === 'object' && !(value instanceof Date)) return cellString(value).length === 0;
  return false;
}

/** Text of a cell: strings trimmed, numbers as JavaScript writes them, dates as YYYY-MM-DD, rich text joined. */
export function cellString(value: unknown): string {
  if (typeof value === 'string') {
    const first = value.length > 0 ? value.charCodeAt(0) : 0;
    const last = value.length > 0 ? value.charCodeAt(value.length - 1) : 0;
    return first > 32 && last > 32 && first !== 0x3000 && last !== 0x3000 ? value : value.trim();
  }
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (value instanceof Date) return dateObjectToIso(value) ?? '';
  if (typeof value === 'object') {
    // xlsx readers: rich text, formula results, hyperlinks
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('').trim();
    if (v.result !== undefined) return cellString(v.result);
    if (typeof v.text === 'string') return v.text.trim();
  }
  return String(value).trim();
}

/** A number as Excel shows a long number in a General cell: 5.32301197209181E+17. */
export function excelNumberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e11) return String(n);
  const [mantissa, exponent] = n.toPrecision(15).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}E${exponent}`;
}

/** The separators of MULTI_VALUE_SEPARATORS (、，,；;) as char codes: a loop beats a regex on CJK text. */
export function hasMultiSeparator(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3001 || c === 0xff0c || c === 0x2c || c === 0xff1b || c === 0x3b) return true;
  }
  return false;
}

/** Split a multi-value cell on 、，,；; without building arrays for single values. */
export function splitMulti(text: string): string[] {
  if (!hasMultiSeparator(text)) return [text];
  const parts: string[] = [];
  for (const part of text.split(MULTI_VALUE_SEPARATORS)) {
    const trimmed = part.trim();
    if (trimmed.length > 0) parts.push(trimmed);
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Readers per column type

const readText: CellReader = (raw) => cellString(raw);

const readSeq: CellReader = (raw) => (typeof raw === 'number' ? raw : cellString(raw));

const INTEGER_TEXT = /^[+-]?\d+$/;

const readMachine: CellReader = (raw, _format, column) => {
  if (typeof raw === 'number') return raw;
  const text = cellString(raw);
  return column.key === 'version' && INTEGER_TEXT.test(text) ? Number(text) : text;
};

// The common case — a valid 18-character ID — is checked here without allocating; anything else
// goes through checkIdNumber (ledger/idnumber.ts), which names the problems. Both agree on
// validity (tests/ledger/validate.test.ts compares them).
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';
const PROVINCE_TABLE = new Uint8Array(100);
for (const code of PROVINCE_CODES) PROVINCE_TABLE[Number(code)] = 1;
const MIN_BIRTH_YEAR = 1880;

let cachedToday = '';
let cachedTodayNumber = 0;
function todayNumber(today: string): number {
  if (today !== cachedToday) {
    cachedToday = today;
    cachedTodayNumber = Number(today.slice(0, 4)) * 10000 + Number(today.slice(5, 7)) * 100 + Number(today.slice(8, 10));
  }
  return cachedTodayNumber;
}

function monthDays(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `text` is a valid 18-character ID (upper-case X) born on or before `today`. */
export function isValidIdFast(text: string, today: string): boolean {
  if (text.length !== 18) return false;
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
  return year * 10000 + month * 100 + day <= todayNumber(today);
}

const readIdNumber: CellReader = (raw, _format, column, state, report, today) => {
  if (typeof raw === 'string' && isValidIdFast(raw, today)) {
    state.idKey = raw;
    state.idGender = (raw.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
    return raw;
  }
  if (typeof raw === 'number') {
    state.invalid |= column.bit;
    report?.(state, column, 'id.excel_number', 'error', { value: excelNumberText(raw) });
    return raw;
  }
  const text = cellString(raw);
  const check = checkIdNumber(text, today);
  const problems = check.problems;
  if (problems.length === 0) {
    state.idKey = check.normalized;
    state.idGender = check.gender;
    return check.normalized ?? text;
  }
  let checksumOk = true;
  for (const problem of problems) {
    switch (problem) {
      case 'excelNumber':
        report?.(state, column, 'id.excel_number', 'error', { value: text });
        state.invalid |= column.bit;
        break;
      case 'format':
        report?.(state, column, 'id.format', 'error', {});
        state.invalid |= column.bit;
        break;
      case 'legacy15': {
        const upgraded = check.upgraded ?? '';
        report?.(state, column, 'id.legacy15', 'warning', { expected: upgraded });
        state.idKey = upgraded;
        state.idGender = Number(upgraded[16]) % 2 === 1 ? '男' : '女';
        break;
      }
      case 'checksum':
        checksumOk = false;
        report?.(state, column, 'id.checksum', 'error', { value: check.normalized?.slice(-3) });
        state.invalid |= column.bit;
        break;
      case 'birthdate':
        report?.(state, column, 'id.birthdate', 'error', {});
        state.invalid |= column.bit;
        break;
      case 'region':
        report?.(state, column, 'id.region', 'error', {});
        state.invalid |= column.bit;
        break;
    }
  }
  if (check.normalized !== undefined) {
    state.idKey = check.normalized;
    if (checksumOk) state.idGender = check.gender;
  }
  return check.normalized ?? text;
};

const MOBILE = /^(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}$/;
const LANDLINE = /^(?:0\d{2,3}[-\s]?|[(（]0\d{2,3}[)）]\s?)[1-9]\d{6,7}(?:[-转]\d{1,6})?$/;
const PHONE_SEPARATORS = /[、，,；;/／]/;

function isPhone(text: string): boolean {
  return MOBILE.test(text) || LANDLINE.test(text);
}

const readPhone: CellReader = (raw, _format, column, state, report) => {
  const text = cellString(raw);
  let ok: boolean;
  if (PHONE_SEPARATORS.test(text)) {
    ok = true;
    for (const part of text.split(PHONE_SEPARATORS)) {
      const trimmed = part.trim();
      if (trimmed.length > 0 && !isPhone(trimmed)) ok = false;
    }
  } else ok = isPhone(text);
  if (!ok) {
    state.invalid |= column.bit;
    report?.(state, column, 'phone.format', 'error', { value: text });
  }
  return text;
};

const NUMBER_TEXT = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;
const NUMBER_DECORATION = /^[￥¥\s]+|[\s]+|(?:元|人|口)$/g;

function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const text = cellString(raw).replace(NUMBER_DECORATION, '');
  if (!NUMBER_TEXT.test(text)) return undefined;
  return Number(text.replace(/,/g, ''));
}

function checkRange(n: number, raw: unknown, column: ColumnCheckPlan, state: RowState, report: CellReporter | null): void {
  if ((column.min !== undefined && n < column.min) || (column.max !== undefined && n > column.max)) {
    state.invalid |= column.bit;
    report?.(state, column, 'number.range', 'error', { value: cellString(raw), min: column.min, max: column.max });
  }
}

const readInteger: CellReader = (raw, _format, column, state, report) => {
  const n = numberOf(raw);
  if (n === undefined || !Number.isInteger(n)) {
    state.invalid |= column.bit;
    report?.(state, column, 'number.format', 'error', { value: cellString(raw), integer: true });
    return cellString(raw);
  }
  checkRange(n, raw, column, state, report);
  return n;
};

const readMoney: CellReader = (raw, _format, column, state, report) => {
  const n = numberOf(raw);
  if (n === undefined) {
    state.invalid |= column.bit;
    report?.(state, column, 'number.format', 'error', { value: cellString(raw) });
    return cellString(raw);
  }
  checkRange(n, raw, column, state, report);
  return n;
};

const readDate: CellReader = (raw, format, column, state, report, today) => {
  const parsed = parseDateCell(raw, format);
  if (!parsed.ok) {
    state.invalid |= column.bit;
    const text = typeof raw === 'number' ? excelNumberText(raw) : cellString(raw);
    report?.(state, column, 'date.format', 'error', { value: text });
    return text;
  }
  if (!column.allowFuture && parsed.iso > today) {
    report?.(state, column, 'date.future', 'error', { date: parsed.iso, otherDate: today });
  }
  return parsed.iso;
};

const readEnum: CellReader = (raw, _format, column, state, report) => {
  const text = cellString(raw);
  if (column.allowed !== undefined && !column.allowed.has(text)) {
    state.invalid |= column.bit;
    report?.(state, column, 'enum', 'error', { value: text, allowed: column.allowedList });
  }
  return text;
};

const readMulti: CellReader = (raw, _format, column, state, report) => {
  const parts = splitMulti(cellString(raw));
  if (parts.length === 0 && column.required) report?.(state, column, 'required', 'error', {}); // only separators
  const allowed = column.allowed;
  if (allowed !== undefined) {
    let bad: string[] | undefined;
    for (const part of parts) {
      if (!allowed.has(part)) (bad ??= []).push(part);
    }
    if (bad !== undefined) {
      state.invalid |= column.bit;
      report?.(state, column, 'enum/multi', 'error', { items: bad, allowed: column.allowedList });
    }
  }
  return parts;
};

/** One reader per column type: the cell-level rules, as data. */
export const CELL_READERS: Readonly<Record<ColumnType, CellReader>> = {
  seq: readSeq,
  text: readText,
  idNumber: readIdNumber,
  phone: readPhone,
  integer: readInteger,
  money: readMoney,
  date: readDate,
  enum: readEnum,
  multi: readMulti,
  machine: readMachine,
};

/** The cell checks of every ledger column, derived once from LEDGER_COLUMNS. */
export const COLUMN_CHECKS: readonly ColumnCheckPlan[] = LEDGER_COLUMNS.map((def, ordinal) => {
  if (ordinal > 30) throw new Error('RowState.invalid is a 31-bit mask: too many ledger columns');
  const vocabulary = vocabularyOf(def);
  return {
    key: def.key as ColumnKey,
    def,
    type: def.type,
    ordinal,
    bit: 1 << ordinal,
    required: def.required,
    allowed: def.vocabulary ? new Set<string>(vocabulary) : undefined,
    allowedList: def.vocabulary ? vocabulary : undefined,
    min: def.min,
    max: def.max,
    allowFuture: FUTURE_DATE_COLUMNS.has(def.key as ColumnKey),
    content: def.type !== 'seq' && def.type !== 'machine',
    read: CELL_READERS[def.type],
  };
});

const CHECK_BY_KEY = new Map<string, ColumnCheckPlan>(COLUMN_CHECKS.map((plan) => [plan.key, plan]));

export function columnCheckOf(key: string): ColumnCheckPlan {
  const plan = CHECK_BY_KEY.get(key);
  if (!plan) throw new Error(`unknown ledger column key: ${key}`);
  return plan;
}
