/**
 * The one cell primitive: what a raw cell value means, whoever read it (Office.js `range.values`,
 * exceljs, SheetJS, csv-parse). Every reader in ledger/ and server/ goes through these functions,
 * so "empty", "text of a cell" and "a formula error" mean the same thing everywhere.
 */
import { dateObjectToIso } from './dates';

/** A cell reduced to what Office.js would show: '' (empty), text, a number, a boolean or a Date. */
export type CellPrimitive = string | number | boolean | Date;

/**
 * What a cell holds, the way Office.js `range.values` shows it: empty → '', formulas → their result,
 * rich text and hyperlinks → their text, error values → '#N/A' etc.; numbers, strings, booleans and
 * Date objects unchanged. (exceljs hands objects for rich text, formulas, hyperlinks and errors.)
 */
export function cellValue(raw: unknown): CellPrimitive {
  if (raw === null || raw === undefined) return '';
  if (typeof raw !== 'object' || raw instanceof Date) return raw as CellPrimitive;
  const v = raw as Record<string, unknown>;
  if (Array.isArray(v.richText)) return (v.richText as { text?: unknown }[]).map((part) => String(part.text ?? '')).join('');
  if ('formula' in v || 'sharedFormula' in v) return 'result' in v ? cellValue(v.result) : '';
  if ('result' in v) return cellValue(v.result);
  if ('hyperlink' in v || 'text' in v) return cellValue(v.text);
  if ('error' in v) return String(v.error);
  return String(raw);
}

/** Text of a cell: strings trimmed, numbers as JavaScript writes them, dates as YYYY-MM-DD, '' for empty. */
export function cellText(raw: unknown): string {
  if (typeof raw === 'string') {
    // The common case (no surrounding space) returns the same string without allocating.
    const first = raw.length > 0 ? raw.charCodeAt(0) : 0;
    const last = raw.length > 0 ? raw.charCodeAt(raw.length - 1) : 0;
    return first > 32 && last > 32 && first !== 0x3000 && last !== 0x3000 && first !== 0xa0 && last !== 0xa0 ? raw : raw.trim();
  }
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : '';
  if (raw instanceof Date) return dateObjectToIso(raw) ?? '';
  if (typeof raw === 'object') return cellText(cellValue(raw));
  return String(raw).trim();
}

/** True for '', null, undefined and whitespace-only text (and objects whose text is empty). */
export function isBlankCell(raw: unknown): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === 'string') {
    if (raw.length === 0) return true;
    const first = raw.charCodeAt(0);
    if (first > 32 && first !== 0x3000 && first !== 0xa0 && first !== 0x200b && first !== 0xfeff) return false;
    return typedText(raw).length === 0;
  }
  if (typeof raw === 'object' && !(raw instanceof Date)) return cellText(raw).length === 0;
  return false;
}

/** Excel's error values as a formula shows them (Office.js and every xlsx reader give the same text). */
export const FORMULA_ERRORS: ReadonlySet<string> = new Set([
  '#N/A', '#REF!', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!', '#CALC!', '#GETTING_DATA', '#FIELD!', '#BLOCKED!', '#UNKNOWN!',
]);

/** The error value a cell shows ('#N/A' …), or undefined. */
export function formulaErrorOf(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.charCodeAt(0) === 35 /* # */ && FORMULA_ERRORS.has(raw.trim()) ? raw.trim() : undefined;
  if (raw !== null && typeof raw === 'object' && !(raw instanceof Date)) {
    const error = (raw as { error?: unknown; result?: unknown }).error ?? (raw as { result?: { error?: unknown } }).result?.error;
    return typeof error === 'string' && FORMULA_ERRORS.has(error) ? error : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Text as people type it

/** True when the code unit is one typedText changes (full-width ASCII, odd spaces, zero-width marks, quotes). */
function needsTyping(c: number): boolean {
  return (c >= 0xff01 && c <= 0xff5e) || c === 0x3000 || c === 0xa0 || c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xfeff || c === 0x27 || c === 0x22 || c === 0x3d || c === 0x201c || c === 0x201d || c === 0x2018 || c === 0x2019;
}

/**
 * Text the way it was meant: full-width digits, letters and signs (typed with a Chinese IME) become
 * ASCII (５３２３ → 5323, Ｘ → X, － → -), full-width and non-breaking spaces become spaces,
 * zero-width marks go, and the wrappers people use to keep Excel from converting a number are
 * removed: a leading apostrophe ('5323…), surrounding quotes ("5323…", “5323…”) and ="5323…".
 * Trimmed. Returns the same string when nothing changes (no allocation on the common path).
 */
export function typedText(text: string): string {
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    if (needsTyping(text.charCodeAt(i))) {
      changed = true;
      break;
    }
  }
  if (!changed) return cellText(text);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000 || c === 0xa0) out += ' ';
    else if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0x2060 || c === 0xfeff) continue;
    else out += text[i];
  }
  out = out.trim();
  // ="…" (a csv trick to keep text) and surrounding quotes, then a leading apostrophe.
  const formulaText = /^=\s*"(.*)"$/s.exec(out);
  if (formulaText) out = formulaText[1].trim();
  const quoted = /^["“”'‘’](.*)["“”'‘’]$/s.exec(out);
  if (quoted && out.length >= 2) out = quoted[1].trim();
  if (out.startsWith("'")) out = out.slice(1).trim();
  return out;
}
