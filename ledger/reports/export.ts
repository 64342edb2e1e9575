/**
 * The consolidated workbook's rules: which columns, in what order, what each cell holds, what is
 * masked, and how text that a spreadsheet could run as a formula is neutralised (CSV and formula
 * injection, OWASP): text starting with = + - @ tab or CR is written as a text cell in .xlsx, and
 * prefixed with ' (inside double quotes) in .csv.
 */
import { LEDGER_COLUMNS, type ColumnDef } from '../columns';
import { maskIdNumber } from '../id-number';
import type { LedgerValues } from '../types';
import { MULTI_VALUE_JOINER } from '../vocabularies';
import { SUBMISSION_DISPLAY_STATES, type UnitFigures } from './summary';

/** Every ledger column in the ledger's order (machine columns last: 记录ID, 版本号 let a row be traced back). */
export const EXPORT_COLUMNS: readonly ColumnDef[] = LEDGER_COLUMNS;

/** First characters a spreadsheet may read as the start of a formula (or DDE payload). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text);
}

/** One CSV field, OWASP style: always quoted, quotes doubled, formula-like text prefixed with '. */
export function csvField(value: string | number | null): string {
  if (value === null) return '""';
  const text = typeof value === 'number' ? String(value) : value;
  const safe = typeof value === 'string' && isFormulaLike(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/**
 * One phone number masked digit by digit, separators kept: the area code (0878- / (0878) / 0878 )
 * or the first 3 digits stay, and the last 4. Runs of fewer than 7 digits are not phone numbers (an
 * extension, a house number) and stay as they are.
 */
function maskPhoneRun(run: string): string {
  const digits = run.replace(/\D/g, '').length;
  if (digits < 7) return run;
  const areaCode = /^\(?0\d{2,3}[)\s-]/.exec(run);
  const keepStart = areaCode ? areaCode[0].replace(/\D/g, '').length : 3;
  let seen = 0;
  return run.replace(/\d/g, (digit) => {
    seen++;
    return seen <= keepStart || seen > digits - 4 ? digit : '*';
  });
}

/** Mobile 13812345678 → 138****5678; landline 0878-3123456 → 0878-***3456. */
export function maskPhone(phone: string): string {
  return maskPhoneText(phone.trim());
}

/**
 * Every number in a phone cell masked ("13812345678、0878-3123456" → "138****5678、0878-***3456"),
 * however it was typed: full-width digits (an IME) are folded first, and spaces, dashes and brackets
 * between groups ("138 1234 5678", "(0878)3123456") belong to the number.
 */
export function maskPhoneText(text: string): string {
  return text.normalize('NFKC').replace(/\(?\d[\d\s()-]{3,}\d/g, maskPhoneRun);
}

export interface ExportRowContext {
  /** Running number in the export (序号). */
  seq: number;
  townshipName: string;
  villageName: string;
  /** false only for a village's own users exporting their own ledger. */
  maskIds: boolean;
  /** true for everyone but a village's own users (the server's exportViewOf). */
  maskPhones: boolean;
  rowId: string;
  version: number;
}

/** One ledger row as cells in EXPORT_COLUMNS order: strings, numbers or null (empty). */
export function exportRowCells(values: LedgerValues, ctx: ExportRowContext): Array<string | number | null> {
  const source = values as Record<string, unknown>;
  return EXPORT_COLUMNS.map((column): string | number | null => {
    switch (column.key) {
      case 'seq':
        return ctx.seq;
      case 'township':
        return ctx.townshipName;
      case 'village':
        return ctx.villageName;
      case 'rowId':
        return ctx.rowId;
      case 'version':
        return ctx.version;
    }
    const value = source[column.key];
    if (value === null || value === undefined || value === '') return null;
    if (Array.isArray(value)) return value.join(MULTI_VALUE_JOINER);
    if (column.type === 'idNumber') return ctx.maskIds ? maskIdNumber(String(value)) : String(value);
    if (column.type === 'phone') return ctx.maskPhones ? maskPhoneText(String(value)) : String(value);
    if ((column.type === 'integer' || column.type === 'money') && typeof value === 'number') return value;
    return String(value);
  });
}

/** Columns of a 汇总 sheet: one row per child unit. */
export interface SummaryColumn {
  header: string;
  value(figures: UnitFigures, months: readonly string[]): string | number | null;
}

const percent = (rate: number | null) => (rate === null ? null : `${(rate * 100).toFixed(1)}%`);

export function summaryColumns(statusValues: readonly string[], months: readonly string[]): SummaryColumn[] {
  const lastMonth = months[months.length - 1];
  return [
    { header: '台账行数', value: (f) => f.rows.total },
    ...statusValues.map((status) => ({ header: `办理状态：${status}`, value: (f: UnitFigures) => f.rows.byDimension.status[status] ?? 0 })),
    { header: '线索数', value: (f) => f.leads.all.total },
    { header: '已核实', value: (f) => f.leads.all.verified },
    { header: '按时核实率', value: (f) => percent(f.leads.all.onTimeRate) },
    { header: '逾期未核实', value: (f) => f.leads.all.overdue },
    { header: '平均核实工作日', value: (f) => f.leads.all.averageWorkingDaysToVerify },
    { header: '办结率', value: (f) => percent(f.leads.all.closureRate) },
    ...SUBMISSION_DISPLAY_STATES.map((state) => ({
      header: `${lastMonth}报送：${state}`,
      value: (f: UnitFigures) => f.submissions[lastMonth]?.[state] ?? 0,
    })),
    { header: '跨村重复', value: (f) => f.duplicates },
  ];
}

/** Display width of a text in Excel character units (CJK and full-width characters count 2). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\uFFEF]/.test(char) ? 2 : 1;
  return width;
}
