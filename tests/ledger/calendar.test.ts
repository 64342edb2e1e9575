import {
  CalendarDataSchema,
  DEFAULT_CALENDAR,
  IsoDateSchema,
  DEFAULT_CALENDAR_DATA,
  addCalendarDays,
  calendarDataFromBlocks,
  createCalendar,
  isIsoDate,
  weekdayOf,
} from '../../ledger/calendar';
import { IsoDateSchema as ApiIsoDateSchema } from '../../ledger/api/common';
import { LedgerValuesSchema } from '../../ledger/api/sync';
import { HOLIDAY_BLOCKS, HOLIDAY_YEARS, PROVISIONAL_HOLIDAY_YEARS } from '../../ledger/holidays';

/** Reference implementation: walk day by day (slow, obviously right). */
function walkWorkingDays(cal: { isWorkingDay(iso: string): boolean }, from: string, to: string): number {
  let count = 0;
  for (let day = addCalendarDays(from, 1); day <= to; day = addCalendarDays(day, 1)) if (cal.isWorkingDay(day)) count++;
  return count;
}

describe('date primitives', () => {
  it.each([
    ['2026-10-05', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-5', false],
    ['0099-01-01', false], // years 0–99 are rejected (Date.UTC would map them to 19xx)
    ['', false],
  ])('isIsoDate(%s) = %s', (iso, ok) => {
    expect(isIsoDate(iso)).toBe(ok);
  });

  it.each([
    ['1970-01-01', 4],
    ['2026-10-01', 4],
    ['2026-10-10', 6],
    ['2026-02-15', 0],
  ])('weekdayOf(%s) = %d', (iso, weekday) => {
    expect(weekdayOf(iso)).toBe(weekday);
  });

  it('adds calendar days across month and year ends, without local-time drift', () => {
    expect(addCalendarDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('DEFAULT_CALENDAR: official 2025 and 2026 schedules', () => {
  it.each([
    // [date, working?, why]
    ['2025-01-01', false, '2025 元旦'],
    ['2025-01-26', true, '2025 春节 调休 Sunday'],
    ['2025-02-04', false, '2025 春节 last day'],
    ['2025-02-08', true, '2025 春节 调休 Saturday'],
    ['2025-04-27', true, '2025 劳动节 调休 Sunday'],
    ['2025-05-05', false, '2025 劳动节 Monday'],
    ['2025-06-02', false, '2025 端午 Monday'],
    ['2025-09-28', true, '2025 国庆 调休 Sunday'],
    ['2025-10-08', false, '2025 国庆中秋 8th day'],
    ['2025-10-11', true, '2025 国庆 调休 Saturday'],
    ['2026-01-02', false, '2026 元旦 Friday'],
    ['2026-01-04', true, '2026 元旦 调休 Sunday'],
    ['2026-02-14', true, '2026 春节 调休 Saturday'],
    ['2026-02-23', false, '2026 春节 Monday'],
    ['2026-02-24', true, 'after 2026 春节'],
    ['2026-02-28', true, '2026 春节 调休 Saturday'],
    ['2026-04-06', false, '2026 清明 Monday'],
    ['2026-05-05', false, '2026 劳动节 Tuesday'],
    ['2026-05-09', true, '2026 劳动节 调休 Saturday'],
    ['2026-06-19', false, '2026 端午 Friday'],
    ['2026-09-20', true, '2026 国庆 调休 Sunday'],
    ['2026-09-25', false, '2026 中秋 Friday'],
    ['2026-10-01', false, '2026 国庆 Thursday'],
    ['2026-10-05', false, '2026 国庆 Monday'],
    ['2026-10-07', false, '2026 国庆 last day (Wednesday)'],
    ['2026-10-08', true, 'Thursday after 2026 国庆 (国庆 is 10/1–10/7)'],
    ['2026-10-10', true, '2026 国庆 调休 Saturday'],
    ['2026-10-11', false, 'ordinary Sunday'],
    ['2026-11-30', true, 'ordinary Monday'],
  ])('%s working=%s (%s)', (iso, working) => {
    expect(DEFAULT_CALENDAR.isWorkingDay(iso)).toBe(working);
  });

  it('2026-10-05 + 10 working days = 2026-10-20 (10/8, 10/9, 10/10 调休, then 10/12–16, 10/19, 10/20)', () => {
    expect(DEFAULT_CALENDAR.addWorkingDays('2026-10-05', 10)).toBe('2026-10-20');
    expect(DEFAULT_CALENDAR.workingDaysBetween('2026-10-05', '2026-10-20')).toBe(10);
  });

  it('a full year has 365 − 104 − 13 statutory days = 248 working days in 2025, 2026 and (provisional) 2027', () => {
    for (const year of [2025, 2026, 2027]) {
      expect(DEFAULT_CALENDAR.workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`)).toBe(248);
    }
  });

  it('every make-up workday is a weekend day and no block overlaps another', () => {
    for (const block of HOLIDAY_BLOCKS) {
      for (const iso of block.makeupWorkdays) expect([0, 6]).toContain(weekdayOf(iso));
      expect(block.from <= block.to).toBe(true);
      expect(block.from.slice(0, 4)).toBe(String(block.year));
    }
    expect(new Set(DEFAULT_CALENDAR_DATA.holidays).size).toBe(DEFAULT_CALENDAR_DATA.holidays.length);
  });

  it('covers 2025–2027 and marks 2027 (only) provisional', () => {
    expect(HOLIDAY_YEARS).toEqual([2025, 2026, 2027]);
    expect(PROVISIONAL_HOLIDAY_YEARS).toEqual([2027]);
  });

  it('provisional 2027: 春节 from 除夕 2027-02-05, 端午 2027-06-09, 中秋 2027-09-15 are rest days', () => {
    for (const iso of ['2027-02-05', '2027-02-08', '2027-02-12', '2027-04-05', '2027-06-09', '2027-09-15', '2027-10-07']) {
      expect(DEFAULT_CALENDAR.isWorkingDay(iso)).toBe(false);
    }
  });
});

describe('createCalendar', () => {
  const custom = createCalendar({ holidays: ['2030-01-02'], makeupWorkdays: ['2030-01-05'] });

  it('weekends are rest days, weekdays working days, outside any configured year', () => {
    expect(custom.isWorkingDay('2030-01-04')).toBe(true); // Friday
    expect(custom.isWorkingDay('2030-01-06')).toBe(false); // Sunday
  });

  it('a configured holiday is a rest day and a make-up workday is a working day', () => {
    expect(custom.isWorkingDay('2030-01-02')).toBe(false); // Wednesday holiday
    expect(custom.isWorkingDay('2030-01-05')).toBe(true); // Saturday make-up
    expect(createCalendar({}).isWorkingDay('2030-01-02')).toBe(true);
    expect(createCalendar({}).isWorkingDay('2030-01-05')).toBe(false);
  });

  it.each([
    ['2030-01-01', 0, '2030-01-01'],
    ['2030-01-01', 1, '2030-01-03'], // skips the 1/2 holiday
    ['2030-01-01', 3, '2030-01-05'], // 1/3, 1/4, 1/5 make-up
    ['2030-01-01', 4, '2030-01-07'],
    ['2030-01-07', -4, '2030-01-01'],
    ['2030-01-04', 1, '2030-01-05'],
  ])('addWorkingDays(%s, %d) = %s (start day not counted)', (from, n, expected) => {
    expect(custom.addWorkingDays(from, n)).toBe(expected);
  });

  it('addWorkingDays from a rest day counts the next working day as the first', () => {
    expect(custom.addWorkingDays('2030-01-06', 1)).toBe('2030-01-07');
  });

  it('workingDaysBetween agrees with a day-by-day walk and inverts addWorkingDays (2024-12 to 2028-01)', () => {
    for (let i = 0; i < 1130; i += 3) {
      const from = addCalendarDays('2024-12-01', i);
      for (const n of [1, 4, 5, 10, 15, 30, 45]) {
        const to = DEFAULT_CALENDAR.addWorkingDays(from, n);
        expect(DEFAULT_CALENDAR.workingDaysBetween(from, to)).toBe(n);
        expect(walkWorkingDays(DEFAULT_CALENDAR, from, to)).toBe(n);
      }
    }
  });

  it('workingDaysBetween is 0 for the same day and negative backwards', () => {
    expect(custom.workingDaysBetween('2030-01-03', '2030-01-03')).toBe(0);
    expect(custom.workingDaysBetween('2030-01-07', '2030-01-01')).toBe(-4);
    expect(custom.workingDaysBetween('1969-12-20', '1970-01-10')).toBe(walkWorkingDays(custom, '1969-12-20', '1970-01-10'));
  });

  it('rejects malformed dates and a day listed both ways', () => {
    expect(() => createCalendar({ holidays: ['2030/01/02'] })).toThrow();
    expect(() => createCalendar({ holidays: ['2030-02-30'] })).toThrow();
    expect(CalendarDataSchema.safeParse({ holidays: ['2030-01-05'], makeupWorkdays: ['2030-01-05'] }).success).toBe(false);
    expect(() => custom.isWorkingDay('2030-1-2')).toThrow(RangeError);
    expect(() => custom.addWorkingDays('2030-01-02', 1.5)).toThrow(RangeError);
  });

  it('calendarDataFromBlocks expands inclusive ranges', () => {
    const data = calendarDataFromBlocks([
      { year: 2030, zh: '测试', en: 'Test', from: '2030-01-30', to: '2030-02-02', makeupWorkdays: ['2030-02-09'], provisional: true },
    ]);
    expect(data).toEqual({ holidays: ['2030-01-30', '2030-01-31', '2030-02-01', '2030-02-02'], makeupWorkdays: ['2030-02-09'] });
  });

  // Speed is measured in bench/, never asserted here; this checks the indexed answers against a day-by-day count.
  it('workingDaysBetween agrees with counting isWorkingDay day by day over three years', () => {
    let counted = 0;
    for (let i = 1; i <= 1095; i++) {
      const iso = addCalendarDays('2025-01-01', i);
      if (DEFAULT_CALENDAR.isWorkingDay(iso)) counted++;
      expect(DEFAULT_CALENDAR.workingDaysBetween('2025-01-01', iso)).toBe(counted);
    }
  });

  it('one strict date schema: the API, the calendar settings and the sync wire refuse a day that does not exist', () => {
    expect(ApiIsoDateSchema).toBe(IsoDateSchema);
    for (const day of ['2026-02-29', '2026-02-30', '2026-13-01', '0050-01-01', '2026-1-2']) {
      expect(IsoDateSchema.safeParse(day).success).toBe(false);
    }
    expect(IsoDateSchema.safeParse('2028-02-29').success).toBe(true);
    expect(CalendarDataSchema.safeParse({ holidays: ['2026-02-30'] }).success).toBe(false);
    expect(LedgerValuesSchema.safeParse({ foundOn: '0050-01-01' }).success).toBe(false);
    expect(LedgerValuesSchema.safeParse({ foundOn: '2028-02-29' }).success).toBe(true);
    expect(LedgerValuesSchema.safeParse({ foundOn: '' }).success).toBe(true);
  });
});
