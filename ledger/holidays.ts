/**
 * China's public-holiday schedules (国务院办公厅关于部分节假日安排的通知), 2025–2027.
 *
 * Each entry is one holiday block: the rest days (inclusive range) and the 调休 make-up workdays
 * (weekend days that become working days). `createCalendar` / `DEFAULT_CALENDAR` in calendar.ts
 * expand these into day lists; counties can pass their own CalendarData instead.
 *
 * - 2025: 国办发明电〔2024〕12号 (published 2024-11-12). Official.
 * - 2026: 国办发明电〔2025〕7号 (published 2025-11). Official, as recalled by the author; checked
 *   against the weekday arithmetic (every make-up day falls on a weekend, every block's length matches).
 * - 2027: NOT PUBLISHED as of 2026 (the State Council usually publishes in November of the year
 *   before). PROVISIONAL: derived from the lunar dates (春节 2027-02-06 so 除夕 2027-02-05, 清明 4/5,
 *   端午 6/9, 中秋 9/15) and the scheduling rules in force since 2025 (国务院令第795号: 春节 4 statutory
 *   days from 除夕 and 8 days off, 劳动节 2 statutory days and 5 days off, 国庆 3 days and 7 days off;
 *   元旦/清明/端午/中秋 without 调休; a statutory day on a weekend is made up on a weekday).
 *   The make-up workdays chosen for 2027 are a guess. Replace this block when the official notice
 *   appears, or override it per county through CalendarData.
 */

export interface HolidayBlock {
  /** Gregorian year the schedule belongs to (the notice's year). */
  year: number;
  /** Holiday name, zh-CN. */
  zh: string;
  /** Holiday name, en-US. */
  en: string;
  /** First and last rest day (inclusive), YYYY-MM-DD. */
  from: string;
  to: string;
  /** 调休: weekend days that are working days, YYYY-MM-DD. */
  makeupWorkdays: readonly string[];
  /** true = not (yet) an official schedule; derived and configurable. */
  provisional: boolean;
}

export const HOLIDAY_BLOCKS: readonly HolidayBlock[] = [
  // ---- 2025 (official, 国办发明电〔2024〕12号) ----
  { year: 2025, zh: '元旦', en: "New Year's Day", from: '2025-01-01', to: '2025-01-01', makeupWorkdays: [], provisional: false },
  { year: 2025, zh: '春节', en: 'Spring Festival', from: '2025-01-28', to: '2025-02-04', makeupWorkdays: ['2025-01-26', '2025-02-08'], provisional: false },
  { year: 2025, zh: '清明节', en: 'Qingming Festival', from: '2025-04-04', to: '2025-04-06', makeupWorkdays: [], provisional: false },
  { year: 2025, zh: '劳动节', en: 'Labour Day', from: '2025-05-01', to: '2025-05-05', makeupWorkdays: ['2025-04-27'], provisional: false },
  { year: 2025, zh: '端午节', en: 'Dragon Boat Festival', from: '2025-05-31', to: '2025-06-02', makeupWorkdays: [], provisional: false },
  { year: 2025, zh: '国庆节、中秋节', en: 'National Day and Mid-Autumn Festival', from: '2025-10-01', to: '2025-10-08', makeupWorkdays: ['2025-09-28', '2025-10-11'], provisional: false },

  // ---- 2026 (official, 国办发明电〔2025〕7号) ----
  { year: 2026, zh: '元旦', en: "New Year's Day", from: '2026-01-01', to: '2026-01-03', makeupWorkdays: ['2026-01-04'], provisional: false },
  { year: 2026, zh: '春节', en: 'Spring Festival', from: '2026-02-15', to: '2026-02-23', makeupWorkdays: ['2026-02-14', '2026-02-28'], provisional: false },
  { year: 2026, zh: '清明节', en: 'Qingming Festival', from: '2026-04-04', to: '2026-04-06', makeupWorkdays: [], provisional: false },
  { year: 2026, zh: '劳动节', en: 'Labour Day', from: '2026-05-01', to: '2026-05-05', makeupWorkdays: ['2026-05-09'], provisional: false },
  { year: 2026, zh: '端午节', en: 'Dragon Boat Festival', from: '2026-06-19', to: '2026-06-21', makeupWorkdays: [], provisional: false },
  { year: 2026, zh: '中秋节', en: 'Mid-Autumn Festival', from: '2026-09-25', to: '2026-09-27', makeupWorkdays: [], provisional: false },
  { year: 2026, zh: '国庆节', en: 'National Day', from: '2026-10-01', to: '2026-10-07', makeupWorkdays: ['2026-09-20', '2026-10-10'], provisional: false },

  // ---- 2027 (PROVISIONAL — not published; derived, see the header comment) ----
  // 元旦 2027-01-01 is a Friday: Fri–Sun off, no 调休 needed.
  { year: 2027, zh: '元旦', en: "New Year's Day", from: '2027-01-01', to: '2027-01-03', makeupWorkdays: [], provisional: true },
  // 除夕 2027-02-05 (Fri): 8 days off from 除夕, 2/5–2/12; 4 statutory days + the weekend leave 2 make-up days.
  { year: 2027, zh: '春节', en: 'Spring Festival', from: '2027-02-05', to: '2027-02-12', makeupWorkdays: ['2027-01-31', '2027-02-20'], provisional: true },
  // 清明 2027-04-05 is a Monday: Sat–Mon off.
  { year: 2027, zh: '清明节', en: 'Qingming Festival', from: '2027-04-03', to: '2027-04-05', makeupWorkdays: [], provisional: true },
  // 5/1 is a Saturday: 5/1–5/5 off, 2 statutory days on the weekend → 1 make-up day.
  { year: 2027, zh: '劳动节', en: 'Labour Day', from: '2027-05-01', to: '2027-05-05', makeupWorkdays: ['2027-05-08'], provisional: true },
  // 端午 2027-06-09 is a Wednesday: one day, no 调休.
  { year: 2027, zh: '端午节', en: 'Dragon Boat Festival', from: '2027-06-09', to: '2027-06-09', makeupWorkdays: [], provisional: true },
  // 中秋 2027-09-15 is a Wednesday: one day, no 调休.
  { year: 2027, zh: '中秋节', en: 'Mid-Autumn Festival', from: '2027-09-15', to: '2027-09-15', makeupWorkdays: [], provisional: true },
  // 10/1 is a Friday: 10/1–10/7 off, 3 statutory days → 2 make-up days.
  { year: 2027, zh: '国庆节', en: 'National Day', from: '2027-10-01', to: '2027-10-07', makeupWorkdays: ['2027-09-26', '2027-10-09'], provisional: true },
];

/** Years whose schedule is included (outside them only weekends are rest days). */
export const HOLIDAY_YEARS: readonly number[] = [...new Set(HOLIDAY_BLOCKS.map((block) => block.year))];

/** Years whose schedule is provisional (derived, not an official notice). */
export const PROVISIONAL_HOLIDAY_YEARS: readonly number[] = [
  ...new Set(HOLIDAY_BLOCKS.filter((block) => block.provisional).map((block) => block.year)),
];
