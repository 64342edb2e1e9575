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
import { cellText, typedText } from '../cell';
import { canonicalIsoDate, parseDateCell } from '../dates';
import { checkIdNumber, endsLikeExcelNumber, isValidIdFast } from '../id-number';

import type { LedgerValue, LedgerValues, Severity } from '../types';
import { splitMultiValue } from '../vocabularies';
import type { MessageId, MessageParams } from './messages';

/** Date columns that may lie in the future (a due date); every other date is something that happened. */
export const FUTURE_DATE_COLUMNS: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['verifyBy']);

/** What the cell checks of one ledger column need, derived from its ColumnDef. */
export interface ColumnCheckPlan {
  key: ColumnKey;
  def: ColumnDef;
  type: ColumnType;
  /** Position in LEDGER_COLUMNS. */
  ordinal: number;
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
export interface CheckedRow extends ParsedRow {
  /** Columns whose cells were filled in but could not be read (created on the first one: clean rows allocate nothing). */
  invalid: Set<ColumnKey> | undefined;
  /** Duplicate key of the person: the normalised 18-char ID, or the 18-char form of a 15-digit one. */
  idKey: string | undefined;
  /** Gender implied by the ID's 17th digit (only when the check character is right). */
  idGender: '男' | '女' | undefined;
}

/** Where a reader sends a problem; null when only reading (readLedgerRows). */
export type CellReporter = (
  state: CheckedRow,
  column: ColumnCheckPlan,
  message: MessageId,
  severity: Severity,
  params: Omit<MessageParams, 'column'>,
) => void;

/** What the readers need beyond the cell: the day, and the policy's data about typed values. */
export interface ReadContext {
  /** YYYY-MM-DD: the future-date and birth-date checks. */
  today: string;
  /** Vocabulary name → typed synonym → allowed value (policy.vocabularySynonyms). */
  synonyms: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
}

/**
 * Reads a non-blank cell (blank markers and formula errors never reach a reader: scan.ts handles
 * them). Marks unreadable cells in `state.invalid`; returns the normalised value.
 */
export type CellReader = (
  raw: unknown,
  format: string | undefined,
  column: ColumnCheckPlan,
  state: CheckedRow,
  report: CellReporter | null,
  ctx: ReadContext,
) => LedgerValue;

// ---------------------------------------------------------------------------------------------
// Raw values

/** A number as Excel shows a long number in a General cell: 5.32301197209181E+17. */
export function excelNumberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e11) return String(n);
  const [mantissa, exponent] = n.toPrecision(15).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}E${exponent}`;
}

/** Marks a filled-in cell as unreadable (the rules then leave it alone). */
export function markInvalid(state: CheckedRow, column: ColumnCheckPlan): void {
  (state.invalid ??= new Set()).add(column.key);
}

/** Text as typed, when it differs from what the cell shows only in full-width signs, quotes or invisible marks. */
function retypedFix(raw: unknown, typed: string): string | undefined {
  return typeof raw === 'string' && typed !== cellText(raw) ? typed : undefined;
}

// ---------------------------------------------------------------------------------------------
// Readers per column type

const readText: CellReader = (raw) => cellText(raw);

const readSeq: CellReader = (raw) => (typeof raw === 'number' ? raw : cellText(raw));

const INTEGER_TEXT = /^[+-]?\d+$/;

const readMachine: CellReader = (raw, _format, column) => {
  if (typeof raw === 'number') return raw;
  const text = cellText(raw);
  return column.key === 'version' && INTEGER_TEXT.test(text) ? Number(text) : text;
};

// The common case — a valid 18-character ID — is checked by isValidIdFast without allocating;
// anything else goes through checkIdNumber (ledger/id-number.ts), which names the problems.
const readIdNumber: CellReader = (raw, _format, column, state, report, ctx) => {
  if (typeof raw === 'string' && isValidIdFast(raw, ctx.today)) {
    state.idKey = raw;
    if (endsLikeExcelNumber(raw)) return excelSuspect(raw, column, state, report);
    state.idGender = (raw.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
    return raw;
  }
  const check = checkIdNumber(raw, ctx.today);
  const shown = typeof raw === 'number' ? excelNumberText(raw) : cellText(raw);
  const problems = check.problems;
  // Full-width digits, Ｘ, quotes, ="…": read as meant, and the clean text offered as the fix.
  const fix = typeof raw === 'string' && check.normalized !== undefined ? retypedFix(raw, typedText(raw)) : undefined;
  if (problems.length === 0) {
    state.idKey = check.normalized;
    if (fix !== undefined && report) report(state, column, 'cell.retyped', 'warning', { fix: check.normalized });
    if (check.normalized !== undefined && endsLikeExcelNumber(check.normalized)) return excelSuspect(check.normalized, column, state, report);
    state.idGender = check.gender;
    return check.normalized ?? shown;
  }
  let checksumOk = true;
  for (const problem of problems) {
    switch (problem) {
      case 'excelNumber':
        // A number shows as Excel shows it (5.32301197209181E+17); text ending in 000 is a whole ID,
        // never repeated in a message. Its 17th digit may be one Excel lost: no gender from it.
        checksumOk = false;
        report?.(state, column, 'id.excel_number', 'error', { value: typeof raw === 'number' ? shown : undefined });
        markInvalid(state, column);
        break;
      case 'format':
        report?.(state, column, 'id.format', 'error', {});
        markInvalid(state, column);
        break;
      case 'short':
        report?.(state, column, 'id.format/short', 'error', { value: shown });
        markInvalid(state, column);
        break;
      case 'legacy15': {
        // An impossible address code or birth date: those errors speak, no 18-digit form is offered.
        if (check.upgraded === undefined) break;
        const upgraded = check.upgraded;
        report?.(state, column, 'id.legacy15', 'warning', { expected: upgraded, fix: upgraded });
        state.idKey = upgraded;
        state.idGender = Number(upgraded[16]) % 2 === 1 ? '男' : '女';
        break;
      }
      case 'checksum':
        checksumOk = false;
        report?.(state, column, 'id.checksum', 'error', { value: check.normalized?.slice(-3) });
        markInvalid(state, column);
        break;
      case 'birthdate':
        report?.(state, column, problems[0] === 'legacy15' ? 'id.birthdate/legacy15' : 'id.birthdate', 'error', {});
        markInvalid(state, column);
        break;
      case 'region':
        report?.(state, column, 'id.region', 'error', {});
        markInvalid(state, column);
        break;
    }
  }
  if (check.normalized !== undefined) {
    state.idKey = check.normalized;
    if (checksumOk) state.idGender = check.gender;
  }
  return typeof raw === 'number' ? raw : (check.normalized ?? shown);
};

/**
 * A valid ID ending in 000 (ledger/id-number.ts endsLikeExcelNumber): maybe an Excel-damaged number
 * whose check character happens to match. A warning with the Excel hint; no gender from a 17th
 * digit Excel may have lost (a gender.mismatch would send the clerk to the wrong cell).
 */
function excelSuspect(id: string, column: ColumnCheckPlan, state: CheckedRow, report: CellReporter | null): string {
  report?.(state, column, 'id.excel_suspect', 'warning', {});
  return id;
}

const MOBILE = /^(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}$/;
const LANDLINE = /^(?:0\d{2,3}[-\s]?|[(（]0\d{2,3}[)）]\s?)[1-9]\d{6,7}(?:[-转]\d{1,6})?$/;
/** Between two numbers in one cell: 、，,；;/／ or a line break (a space is tried after these). */
const PHONE_SEPARATORS = /[、，,；;/／\n\r]/;
/**
 * A landline whose leading 0 Excel (or the typist) dropped: 878-3123456, 8783123456. Area codes are
 * 010, 02x and 03xx–09xx, so what is left starts 10, 2 or 3–9: 1381234567 is a mobile number short
 * of a digit, not a landline.
 */
const LANDLINE_WITHOUT_ZERO = /^(?:10|2\d|[3-9]\d{2})[-\s]?[1-9]\d{6,7}$/;
/** Chinese punctuation a phone cell holds as written, not typed wrongly: ， ； between numbers, （0878）. */
const PHONE_PUNCTUATION = /[，；（）]/g;

/**
 * The half-width text offered when the phone cell holds full-width digits, letters or a dash, quotes
 * or invisible marks; none for Chinese separators and brackets alone (、 is not warned either).
 */
function phoneRetypedFix(raw: unknown, text: string): string | undefined {
  const fix = retypedFix(raw, text);
  if (fix === undefined || typeof raw !== 'string') return fix;
  const punctuationAsAscii = raw.replace(PHONE_PUNCTUATION, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return typedText(punctuationAsAscii) === cellText(punctuationAsAscii) ? undefined : fix;
}

/** Phone numbers inside words (13812345678（儿子）, 儿子13812345678, 13812345678 张三). */
const PHONE_IN_TEXT = /(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}|(?:0\d{2,3}[-\s]?|[(（]0\d{2,3}[)）]\s?)[1-9]\d{6,7}(?:[-转]\d{1,6})?/g;
const HAS_DIGIT = /\d/;

/**
 * The phone numbers of a cell that holds them with words around (whose phone it is, a note): the
 * numbers, or undefined when there is none or other digits are left over (a mistyped number is
 * not words, it stays an error).
 */
function phonesInWords(text: string): string[] | undefined {
  const found = text.match(PHONE_IN_TEXT);
  if (!found) return undefined;
  if (HAS_DIGIT.test(text.replace(PHONE_IN_TEXT, ''))) return undefined;
  return found.map((number) => number.trim());
}

function isPhone(text: string): boolean {
  return MOBILE.test(text) || LANDLINE.test(text);
}

/** One number, or several separated by spaces ("13812345678 0878-3123456"): each must be a phone. */
function phonePartOk(part: string): boolean {
  if (isPhone(part)) return true;
  if (!/\s/.test(part)) return false;
  const pieces = part.split(/\s+/);
  return pieces.length > 1 && pieces.every(isPhone);
}

/** 11 ASCII digits starting 13…19: a mobile number as most cells hold it (MOBILE accepts it). */
function isPlainMobile(text: string): boolean {
  if (text.length !== 11 || text.charCodeAt(0) !== 49) return false;
  const second = text.charCodeAt(1);
  if (second < 51 || second > 57) return false;
  for (let i = 2; i < 11; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const readPhone: CellReader = (raw, _format, column, state, report) => {
  if (typeof raw === 'string' && isPlainMobile(raw)) return raw;
  const shown = cellText(raw);
  const text = typeof raw === 'string' ? typedText(raw) : shown;
  if (isPhone(text)) {
    const fix = phoneRetypedFix(raw, text);
    if (fix !== undefined && report) report(state, column, 'cell.retyped', 'warning', { value: shown, fix });
    return text;
  }
  let ok = true;
  let lostZero: string | undefined;
  for (const part of text.split(PHONE_SEPARATORS)) {
    const trimmed = part.trim();
    if (trimmed.length === 0 || phonePartOk(trimmed)) continue;
    ok = false;
    if (LANDLINE_WITHOUT_ZERO.test(trimmed) && LANDLINE.test(`0${trimmed}`) && !MOBILE.test(trimmed)) lostZero = `0${trimmed}`;
  }
  if (!ok) {
    // Words around right numbers (13812345678（儿子）): read as the numbers, with a warning and the fix.
    const numbers = lostZero === undefined ? phonesInWords(text) : undefined;
    if (numbers !== undefined) {
      const joined = numbers.join('、');
      report?.(state, column, 'phone.format/words', 'warning', { value: shown, expected: joined, fix: joined });
      return joined;
    }
    // No digit at all (无电话, 见备注): there is no number to check — empty, said so.
    if (!HAS_DIGIT.test(text)) {
      report?.(state, column, 'phone.format/no_number', 'warning', { value: shown });
      return null;
    }
    markInvalid(state, column);
    if (lostZero !== undefined) report?.(state, column, 'phone.format/lost_zero', 'error', { value: shown, expected: lostZero });
    else report?.(state, column, 'phone.format', 'error', { value: shown });
    return shown;
  }
  const fix = phoneRetypedFix(raw, text);
  if (fix !== undefined && report) report(state, column, 'cell.retyped', 'warning', { value: shown, fix });
  return text;
};

const NUMBER_TEXT = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;
/** Currency signs and the column's own unit, stripped silently: ￥1500元, 4人. */
const NUMBER_DECORATION = /^[￥¥]+|\s+|(?:元|人)$/g;
/** A number with words around it (“4口人”, “共3人”, “约1500元”): read as the number, with a warning. */
const NUMBER_IN_WORDS = /^[^\d+-]{0,3}([+-]?\d+(?:\.\d+)?)[^\d]{1,3}$|^[^\d+-]{1,3}([+-]?\d+(?:\.\d+)?)$/;

interface NumberRead {
  n: number | undefined;
  /** The text had to be retyped (full-width digits) or had words around the number. */
  fix?: string;
  words?: boolean;
}

function numberOf(raw: unknown): NumberRead {
  if (typeof raw === 'number') return { n: Number.isFinite(raw) ? raw : undefined };
  const shown = cellText(raw);
  const typed = typeof raw === 'string' ? typedText(raw) : shown;
  const text = typed.replace(NUMBER_DECORATION, '');
  if (NUMBER_TEXT.test(text)) {
    const n = Number(text.replace(/,/g, ''));
    return typed !== shown ? { n, fix: typed.replace(/\s+/g, '') } : { n };
  }
  const inWords = NUMBER_IN_WORDS.exec(typed.replace(/\s+/g, ''));
  if (inWords) return { n: Number(inWords[1] ?? inWords[2]), words: true };
  return { n: undefined };
}

function checkRange(n: number, raw: unknown, column: ColumnCheckPlan, state: CheckedRow, report: CellReporter | null): boolean {
  if ((column.min !== undefined && n < column.min) || (column.max !== undefined && n > column.max)) {
    markInvalid(state, column);
    report?.(state, column, 'number.range', 'error', { value: cellText(raw), min: column.min, max: column.max });
    return false;
  }
  return true;
}

function readNumber(integer: boolean): CellReader {
  return (raw, _format, column, state, report) => {
    const read = numberOf(raw);
    const n = read.n;
    if (n === undefined || (integer && !Number.isInteger(n))) {
      markInvalid(state, column);
      report?.(state, column, 'number.format', 'error', { value: cellText(raw), integer });
      return cellText(raw);
    }
    if (!checkRange(n, raw, column, state, report)) return n;
    if (read.words) report?.(state, column, 'number.format/words', 'warning', { value: cellText(raw), expected: String(n), fix: String(n) });
    else if (read.fix !== undefined) report?.(state, column, 'cell.retyped', 'warning', { value: cellText(raw), fix: read.fix });
    return n;
  };
}

const readInteger: CellReader = readNumber(true);
const readMoney: CellReader = readNumber(false);

/** 10月3日, 10.3, 10/3: a month and day without a year (never guessed: the year may have turned). */
const DATE_WITHOUT_YEAR = /^\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?$/;
/** 26.10.3, 26年10月3日: a year of two digits. */
const DATE_SHORT_YEAR = /^\d{2}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?$/;

/** 2026年10月, 2026-10: a month without its day. */
const DATE_WITHOUT_DAY = /^\d{4}\s*[年./-]\s*\d{1,2}\s*月?$/;
/** A whole date, then a full stop or words (2026.10.3., 2026-10-03（周六）): the date, and what follows. */
const DATE_THEN_WORDS = /^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?)[\s.。]*(.*)$/s;

/** Which date.format message fits an unreadable date: the year missing, the year cut to two digits, the day missing, or any other. */
function dateFormatMessage(text: string): MessageId {
  if (DATE_WITHOUT_YEAR.test(text)) return 'date.format/no_year';
  if (DATE_SHORT_YEAR.test(text)) return 'date.format/short_year';
  if (DATE_WITHOUT_DAY.test(text)) return 'date.format/no_day';
  return 'date.format';
}

/**
 * A real date followed by a full stop (read silently) or by words without digits (周六, 上午: read
 * with a warning and the fix); undefined for anything else.
 */
function dateBeforeWords(text: string): { iso: string; words: boolean } | undefined {
  const match = DATE_THEN_WORDS.exec(text);
  if (!match || HAS_DIGIT.test(match[2])) return undefined;
  const parsed = parseDateCell(match[1].trim());
  return parsed.ok ? { iso: parsed.iso, words: match[2].trim() !== '' } : undefined;
}

const readDate: CellReader = (raw, format, column, state, report, ctx) => {
  // Nearly every date cell holds YYYY-MM-DD text already: checked in place, nothing allocated.
  const canonical = typeof raw === 'string' ? canonicalIsoDate(raw) : undefined;
  if (canonical !== undefined) {
    if (!column.allowFuture && canonical > ctx.today) report?.(state, column, 'date.future', 'error', { date: canonical, otherDate: ctx.today });
    return canonical;
  }
  let parsed = parseDateCell(typeof raw === 'string' ? typedText(raw) : raw, format);
  if (!parsed.ok && typeof raw === 'string') {
    const before = dateBeforeWords(typedText(raw));
    if (before !== undefined) {
      if (before.words) report?.(state, column, 'date.format/words', 'warning', { value: cellText(raw), expected: before.iso, fix: before.iso });
      parsed = { ok: true, iso: before.iso };
    }
  }
  if (!parsed.ok) {
    markInvalid(state, column);
    const text = typeof raw === 'number' ? excelNumberText(raw) : cellText(raw);
    report?.(state, column, typeof raw === 'string' ? dateFormatMessage(typedText(raw)) : 'date.format', 'error', { value: text });
    return text;
  }
  if (!column.allowFuture && parsed.iso > ctx.today) {
    report?.(state, column, 'date.future', 'error', { date: parsed.iso, otherDate: ctx.today });
  }
  return parsed.iso;
};

/**
 * A vocabulary value as typed: allowed → itself; a known synonym (policy data) → the allowed value
 * with a warning saying what was assumed; otherwise undefined, with the nearest allowed value as a
 * suggestion when one is close (edit distance, or the only value containing what was typed).
 */
function vocabularyValue(
  text: string,
  column: ColumnCheckPlan,
  ctx: ReadContext,
): { value: string; synonym: boolean } | { value: undefined; suggestion: string | undefined } {
  const allowed = column.allowed;
  if (allowed === undefined || allowed.has(text)) return { value: text, synonym: false };
  const typed = typedText(text).replace(/\s+/g, '');
  if (allowed.has(typed)) return { value: typed, synonym: true };
  const synonym = column.def.vocabulary ? ctx.synonyms[column.def.vocabulary]?.[typed] : undefined;
  if (synonym !== undefined && allowed.has(synonym)) return { value: synonym, synonym: true };
  return { value: undefined, suggestion: nearestValue(typed, column.allowedList ?? []) };
}

const readEnum: CellReader = (raw, _format, column, state, report, ctx) => {
  const text = cellText(raw);
  const read = vocabularyValue(text, column, ctx);
  if (read.value === undefined) {
    markInvalid(state, column);
    report?.(state, column, read.suggestion ? 'enum/suggestion' : 'enum', 'error', { value: text, allowed: column.allowedList, expected: read.suggestion });
    return text;
  }
  if (read.synonym) report?.(state, column, 'enum.synonym', 'warning', { value: text, expected: read.value, fix: read.value });
  return read.value;
};

/**
 * Words clerks join two values with in one cell (“老年人和残疾人”, “医疗救助及临时救助”). No
 * vocabulary value contains one, and a part is split on them only when every piece is a value.
 */
const CONNECTOR_WORDS = /以及|和|及|与|并/;

/** The values a part joined with 和/及/与 names, or undefined when it is not such a join. */
function connectedValues(part: string, column: ColumnCheckPlan, ctx: ReadContext): string[] | undefined {
  if (!CONNECTOR_WORDS.test(part)) return undefined;
  const pieces = part.split(CONNECTOR_WORDS).map((piece) => piece.trim()).filter((piece) => piece.length > 0);
  if (pieces.length < 2) return undefined;
  const values: string[] = [];
  for (const piece of pieces) {
    const read = vocabularyValue(piece, column, ctx);
    if (read.value === undefined) return undefined;
    values.push(read.value);
  }
  return values;
}

const readMulti: CellReader = (raw, _format, column, state, report, ctx) => {
  const parts = splitMultiValue(cellText(raw));
  if (parts.length === 0 && column.required) report?.(state, column, 'required', 'error', {}); // only separators
  if (column.allowed === undefined) return parts;
  let bad: string[] | undefined;
  let suggestions: string[] | undefined;
  let assumed: string[] | undefined;
  // A copy, made at the first part read as something other than its text (most cells need none).
  let values: string[] | undefined;
  for (let i = 0; i < parts.length; i++) {
    const read = vocabularyValue(parts[i], column, ctx);
    if (read.value !== undefined && !read.synonym) {
      values?.push(parts[i]);
      continue;
    }
    const meant = read.value !== undefined ? [read.value] : connectedValues(parts[i], column, ctx);
    if (meant !== undefined) {
      values ??= parts.slice(0, i);
      values.push(...meant);
      (assumed ??= []).push(`${parts[i]}→${meant.join('+')}`);
      continue;
    }
    values?.push(parts[i]);
    (bad ??= []).push(parts[i]);
    if (read.value === undefined && read.suggestion) (suggestions ??= []).push(`${parts[i]}→${read.suggestion}`);
  }
  const result = values ?? parts;
  if (bad !== undefined) {
    markInvalid(state, column);
    report?.(state, column, suggestions ? 'enum/multi_suggestion' : 'enum/multi', 'error', { items: bad, allowed: column.allowedList, suggestions });
  } else if (assumed !== undefined) {
    report?.(state, column, 'enum.synonym/multi', 'warning', { items: assumed, fix: result.join('、') });
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// Suggestions

/** Levenshtein distance, stopping early above `limit` (vocabularies are short: a plain DP is enough). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (current[j] < rowMin) rowMin = current[j];
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/**
 * The allowed value a mistyped one most likely meant: the only allowed value containing it (or
 * contained in it), else the unique nearest by edit distance within a third of its length; else none.
 */
export function nearestValue(typed: string, allowed: readonly string[]): string | undefined {
  if (typed.length === 0) return undefined;
  const containing = allowed.filter((value) => value.includes(typed) || (typed.length >= 2 && typed.includes(value) && value.length >= 2));
  if (containing.length === 1) return containing[0];
  const limit = Math.max(1, Math.floor(Math.max(typed.length, 2) / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const value of allowed) {
    const d = editDistance(typed, value, limit);
    if (d < bestDistance) {
      best = value;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

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
  const vocabulary = vocabularyOf(def);
  return {
    key: def.key,
    def,
    type: def.type,
    ordinal,
    required: def.required,
    allowed: def.vocabulary ? new Set<string>(vocabulary) : undefined,
    allowedList: def.vocabulary ? vocabulary : undefined,
    min: def.min,
    max: def.max,
    allowFuture: FUTURE_DATE_COLUMNS.has(def.key),
    content: def.type !== 'seq' && def.type !== 'machine',
    read: CELL_READERS[def.type],
  };
});

const CHECK_BY_KEY = new Map<string, ColumnCheckPlan>(COLUMN_CHECKS.map((plan) => [plan.key, plan]));

export function columnCheckOf(key: ColumnKey): ColumnCheckPlan {
  const plan = CHECK_BY_KEY.get(key);
  if (!plan) throw new Error(`unknown ledger column key: ${key}`);
  return plan;
}
