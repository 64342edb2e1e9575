/**
 * Working-day calendar (工作日历): weekends are rest days unless they are 调休 make-up workdays;
 * public holidays are rest days. All arithmetic is on whole UTC day numbers (Date.UTC), so no
 * local-time or DST effects. Dates are ISO `YYYY-MM-DD` strings throughout.
 *
 * Counts follow Chinese administrative practice: "within N working days" counts from the day
 * after the starting day (the starting day itself is not counted).
 */
import { z } from 'zod';
import { HOLIDAY_BLOCKS, type HolidayBlock } from './holidays';

export interface WorkingDayCalendar {
  /** true for a working day (Mon–Fri not a holiday, or a 调休 make-up workday). */
  isWorkingDay(iso: string): boolean;
  /** The n-th working day after `iso` (iso itself not counted); n < 0 counts backwards; n = 0 returns iso. */
  addWorkingDays(iso: string, n: number): string;
  /** Working days in (fromIso, toIso]: from not counted, to counted; negative when to < from. */
  workingDaysBetween(fromIso: string, toIso: string): number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01) of a strict YYYY-MM-DD date, or NaN if not a real date. */
export function isoToDayNumber(iso: string): number {
  const match = ISO_DATE.exec(iso);
  if (!match) return NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC maps years 0–99 to 1900–1999; reject those and impossible days (2026-02-30).
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return NaN;
  return ms / MS_PER_DAY;
}

/** YYYY-MM-DD of a day number. */
export function dayNumberToIso(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** true for a strict, real YYYY-MM-DD date. */
export function isIsoDate(iso: string): boolean {
  return !Number.isNaN(isoToDayNumber(iso));
}

/** Calendar-day arithmetic (not working days). */
export function addCalendarDays(iso: string, n: number): string {
  return dayNumberToIso(requireDay(iso) + Math.trunc(n));
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(iso: string): number {
  return weekdayOfDay(requireDay(iso));
}

function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

function requireDay(iso: string): number {
  const day = isoToDayNumber(iso);
  if (Number.isNaN(day)) throw new RangeError(`not a YYYY-MM-DD date: ${String(iso)}`);
  return day;
}

/**
 * THE schema of a calendar date YYYY-MM-DD that exists (2026-02-30 is refused); the API
 * (ledger/api/common.ts) re-exports it. Checked with the strict reader above rather than zod's
 * `z.iso.date()`: in the add-in's webpack bundle that check came out as a Date-object check and
 * refused every date string the server sent (the panes' end-to-end test caught it).
 */
export const IsoDateSchema = z.string().refine(isIsoDate, { message: '日期应为 YYYY-MM-DD 且真实存在 (date: YYYY-MM-DD, must exist)' });

/** A county's calendar settings: rest days and 调休 make-up workdays, each a YYYY-MM-DD date. */
export const CalendarDataSchema = z
  .object({
    holidays: z.array(IsoDateSchema).default([]),
    makeupWorkdays: z.array(IsoDateSchema).default([]),
  })
  .superRefine((data, ctx) => {
    const holidays = new Set(data.holidays);
    data.makeupWorkdays.forEach((iso, index) => {
      if (holidays.has(iso)) {
        ctx.addIssue({
          code: 'custom',
          path: ['makeupWorkdays', index],
          message: `${iso} 同时列为节假日和调休上班日 (listed both as a holiday and a make-up workday)`,
        });
      }
    });
  });

export type CalendarData = z.infer<typeof CalendarDataSchema>;
export type CalendarDataInput = z.input<typeof CalendarDataSchema>;

/** Expands holiday blocks (ranges) into CalendarData (single days). */
export function calendarDataFromBlocks(blocks: readonly HolidayBlock[]): CalendarData {
  const holidays: string[] = [];
  const makeupWorkdays: string[] = [];
  for (const block of blocks) {
    const last = requireDay(block.to);
    for (let day = requireDay(block.from); day <= last; day++) holidays.push(dayNumberToIso(day));
    makeupWorkdays.push(...block.makeupWorkdays);
  }
  return { holidays, makeupWorkdays };
}

/** Number of Mon–Fri days in the day range [1, d] counted from day 0 (prefix function). */
function weekdaysUpTo(dayNumber: number): number {
  // Count Mon–Fri days in [0, dayNumber) using whole weeks plus a remainder; day 0 is a Thursday.
  const weeks = Math.floor(dayNumber / 7);
  let count = weeks * 5;
  const start = weeks * 7;
  for (let day = start; day < dayNumber; day++) {
    const weekday = weekdayOfDay(day);
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}

/** Sorted unique numbers. */
function sortedDays(isos: readonly string[]): number[] {
  return [...new Set(isos.map(requireDay))].sort((a, b) => a - b);
}

/** Count of sorted values v with lo < v <= hi. */
function countInRange(sorted: readonly number[], lo: number, hi: number): number {
  return upperBound(sorted, hi) - upperBound(sorted, lo);
}

/** Index of the first value > x. */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A calendar from a county's data. Throws a ZodError naming the bad entry.
 * Years without data simply have weekends as the only rest days.
 */
export function createCalendar(input: CalendarDataInput): WorkingDayCalendar {
  const data = CalendarDataSchema.parse(input);
  const holidaySet = new Set(data.holidays.map(requireDay));
  const makeupSet = new Set(data.makeupWorkdays.map(requireDay));
  // Exceptions to the plain weekday rule, for O(log n) range counts:
  // holidays falling on Mon–Fri remove a working day, make-up days on Sat/Sun add one.
  const weekdayHolidays = sortedDays(data.holidays).filter((d) => isWeekday(d));
  const weekendMakeups = sortedDays(data.makeupWorkdays).filter((d) => !isWeekday(d));

  function isWeekday(day: number): boolean {
    const weekday = weekdayOfDay(day);
    return weekday !== 0 && weekday !== 6;
  }

  function isWorkingDayNumber(day: number): boolean {
    if (holidaySet.has(day)) return false;
    if (makeupSet.has(day)) return true;
    return isWeekday(day);
  }

  /** Working days in (from, to] for from <= to. */
  function countForward(from: number, to: number): number {
    const weekdays = weekdaysUpTo(to + 1) - weekdaysUpTo(from + 1);
    return weekdays - countInRange(weekdayHolidays, from, to) + countInRange(weekendMakeups, from, to);
  }

  return {
    isWorkingDay(iso: string): boolean {
      return isWorkingDayNumber(requireDay(iso));
    },
    addWorkingDays(iso: string, n: number): string {
      if (!Number.isInteger(n)) throw new RangeError(`working-day count must be an integer: ${n}`);
      let day = requireDay(iso);
      const step = n < 0 ? -1 : 1;
      let remaining = Math.abs(n);
      while (remaining > 0) {
        day += step;
        if (isWorkingDayNumber(day)) remaining--;
      }
      return dayNumberToIso(day);
    },
    workingDaysBetween(fromIso: string, toIso: string): number {
      const from = requireDay(fromIso);
      const to = requireDay(toIso);
      return to >= from ? countForward(from, to) : -countForward(to, from);
    },
  };
}

/** Official 2025 and 2026 schedules and the provisional 2027 one (see holidays.ts). */
export const DEFAULT_CALENDAR_DATA: CalendarData = calendarDataFromBlocks(HOLIDAY_BLOCKS);

export const DEFAULT_CALENDAR: WorkingDayCalendar = createCalendar(DEFAULT_CALENDAR_DATA);
