/**
 * The reporting window: one month (YYYY-MM) or a range of months. A ledger row counts in the
 * window when it was found by the window's last day and not closed before its first day
 * (a row stays on the ledger from month to month until it is closed: 动态管理).
 */
export interface MonthWindow {
  /** First month, YYYY-MM. */
  from: string;
  /** Last month, YYYY-MM (≥ from). */
  to: string;
}

/** Longest range a summary covers (two years): bounds the per-month submission table. */
export const MAX_WINDOW_MONTHS = 24;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** Months from `from` to `to`, both included. */
export function monthsOf(window: MonthWindow): string[] {
  const out: string[] = [];
  let [year, month] = window.from.split('-').map(Number);
  const [toYear, toMonth] = window.to.split('-').map(Number);
  while (year < toYear || (year === toYear && month <= toMonth)) {
    out.push(`${year}-${String(month).padStart(2, '0')}`);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

/** The month (YYYY-MM) of an ISO date, or '' when the value is not a date. */
export function monthOfDate(value: unknown): string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.slice(0, 7) : '';
}

/** Last calendar day of a month, YYYY-MM-DD. */
export function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export function firstDayOf(month: string): string {
  return `${month}-01`;
}

/**
 * The window rule on months: found in or before the last month, and either open or closed in or
 * after the first month. `foundMonth` '' (no valid 发现日期) never counts: the row is reported as undated.
 */
export function countsInWindow(foundMonth: string, closedMonth: string, window: MonthWindow): boolean {
  if (foundMonth === '' || foundMonth > window.to) return false;
  return closedMonth === '' || closedMonth >= window.from;
}

/** The same rule on dates (leads carry full dates). */
export function datesInWindow(foundOn: string | null, closedOn: string | null, window: MonthWindow): boolean {
  return countsInWindow(monthOfDate(foundOn), monthOfDate(closedOn), window);
}
