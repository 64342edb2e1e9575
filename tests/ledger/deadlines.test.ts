import { DEFAULT_CALENDAR, createCalendar } from '../../ledger/calendar';
import {
  deadlineLabels,
  dibaoReviewDueDate,
  emergencyAidDueDate,
  emergencyDeadlines,
  emergencyFormalitiesDueDate,
  isOverdue,
  leadVerifyDueDate,
  tekunDeadlines,
  workingDaysLeft,
} from '../../ledger/deadlines';
import { DEFAULT_POLICY, resolvePolicy } from '../../ledger/policy';

/** A calendar with weekends only, to show that the holidays are what moves the dates. */
const WEEKENDS_ONLY = createCalendar({});

describe('leadVerifyDueDate (核实时限)', () => {
  it.each([
    // found on, policy overrides, calendar, due
    ['2026-10-05', {}, DEFAULT_CALENDAR, '2026-10-20'], // 国庆 then 10/10 调休
    ['2026-10-05', {}, WEEKENDS_ONLY, '2026-10-19'], // the same without holidays
    ['2026-10-05', { leadVerifyWorkingDays: 4 }, DEFAULT_CALENDAR, '2026-10-12'], // a county using 4 days
    ['2026-02-13', {}, DEFAULT_CALENDAR, '2026-03-05'], // across 春节 and both 调休 Saturdays
    ['2026-11-27', {}, DEFAULT_CALENDAR, '2026-12-11'],
  ] as const)('found %s %j → due %s', (foundOn, overrides, calendar, due) => {
    expect(leadVerifyDueDate(foundOn, resolvePolicy(overrides), calendar)).toBe(due);
  });
});

describe('emergency (先行救助) limits', () => {
  it.each([
    ['2026-10-05', {}, '2026-10-07'], // bare date: 48 h = 2 calendar days, holidays included
    ['2026-10-05T14:30', {}, '2026-10-07'],
    ['2026-10-05T10:00', { emergencyHours: 40 }, '2026-10-07'], // 10:00 + 40 h = 10/7 02:00
    ['2026-10-05T07:00', { emergencyHours: 40 }, '2026-10-06'], // 07:00 + 40 h = 10/6 23:00
    ['2026-10-05', { emergencyHours: 36 }, '2026-10-07'], // unknown time: rounded up to whole days
    ['2026-12-31 20:00', {}, '2027-01-02'],
  ] as const)('aid for %s %j due %s', (start, overrides, due) => {
    expect(emergencyAidDueDate(start, resolvePolicy(overrides))).toBe(due);
  });

  it('formalities within 5 working days after the aid (9/30, 10/8, 10/9, 10/10 调休, 10/12)', () => {
    expect(emergencyFormalitiesDueDate('2026-09-29', DEFAULT_POLICY, DEFAULT_CALENDAR)).toBe('2026-10-12');
    expect(emergencyFormalitiesDueDate('2026-09-29', resolvePolicy({ emergencyFormalitiesWorkingDays: 3 }), DEFAULT_CALENDAR)).toBe('2026-10-09');
  });

  it('emergencyDeadlines counts formalities from the latest permitted aid date', () => {
    expect(emergencyDeadlines('2026-09-28', DEFAULT_POLICY, DEFAULT_CALENDAR)).toEqual({
      aidDue: '2026-09-30',
      formalitiesDue: '2026-10-13', // 10/8, 10/9, 10/10 调休, 10/12, 10/13
    });
  });

  it('rejects a malformed start', () => {
    expect(() => emergencyAidDueDate('5 Oct 2026', DEFAULT_POLICY)).toThrow(RangeError);
  });
});

describe('低保 review and 特困 limits', () => {
  it('低保: 30 working days from acceptance, 45 when extended', () => {
    expect(dibaoReviewDueDate('2026-09-01', DEFAULT_POLICY, DEFAULT_CALENDAR)).toBe('2026-10-19');
    expect(dibaoReviewDueDate('2026-09-01', DEFAULT_POLICY, DEFAULT_CALENDAR, { extended: true })).toBe('2026-11-09');
    expect(dibaoReviewDueDate('2026-09-01', resolvePolicy({ dibaoReviewWorkingDays: 20 }), WEEKENDS_ONLY)).toBe('2026-09-29');
  });

  it('特困: investigation 15 working days, then the county decision 10 working days', () => {
    expect(tekunDeadlines('2026-09-21', DEFAULT_POLICY, DEFAULT_CALENDAR)).toEqual({
      investigationDue: '2026-10-19',
      decisionDue: '2026-11-02',
    });
  });

  it('特困: the decision counts from the actual investigation date when known', () => {
    expect(tekunDeadlines('2026-09-21', DEFAULT_POLICY, DEFAULT_CALENDAR, '2026-10-09').decisionDue).toBe('2026-10-22');
    expect(
      tekunDeadlines('2026-09-21', resolvePolicy({ tekunInvestigationWorkingDays: 5, tekunDecisionWorkingDays: 2 }), WEEKENDS_ONLY),
    ).toEqual({ investigationDue: '2026-09-28', decisionDue: '2026-09-30' });
  });
});

describe('isOverdue', () => {
  it.each([
    ['2026-10-20', '2026-10-19', undefined, false],
    ['2026-10-20', '2026-10-20', undefined, false], // the due day is still on time
    ['2026-10-20', '2026-10-21', undefined, true],
    ['2026-10-20', '2026-10-21', null, true],
    ['2026-10-20', '2026-10-21', false, true],
    ['2026-10-20', '2026-10-21', '', true],
    ['2026-10-20', '2026-12-01', true, false], // done, date unknown
    ['2026-10-20', '2026-12-01', '2026-10-20', false], // done on the due day
    ['2026-10-20', '2026-10-10', '2026-10-21', true], // done late (today irrelevant)
  ] as const)('due %s today %s done %p → %s', (due, today, done, expected) => {
    expect(isOverdue(due, today, done)).toBe(expected);
  });

  it('rejects malformed dates instead of comparing strings', () => {
    expect(() => isOverdue('2026/10/20', '2026-10-21')).toThrow(RangeError);
    expect(() => isOverdue('2026-10-20', '2026-10-21', 'yes')).toThrow(RangeError);
  });
});

describe('workingDaysLeft and labels', () => {
  it('counts working days to the due date, negative once past', () => {
    expect(workingDaysLeft('2026-10-20', '2026-10-05', DEFAULT_CALENDAR)).toBe(10);
    expect(workingDaysLeft('2026-10-20', '2026-10-20', DEFAULT_CALENDAR)).toBe(0);
    expect(workingDaysLeft('2026-10-20', '2026-10-22', DEFAULT_CALENDAR)).toBe(-2);
  });

  it('labels carry the policy figures, zh-CN and en-US', () => {
    const labels = deadlineLabels(resolvePolicy({ leadVerifyWorkingDays: 4, emergencyHours: 24 }));
    expect(labels.leadVerify.zh).toContain('4个工作日');
    expect(labels.leadVerify.en).toContain('4 working days');
    expect(labels.emergencyAid.zh).toContain('24小时');
    expect(labels.dibaoReviewExtended.zh).toContain(`${DEFAULT_POLICY.dibaoReviewExtendedWorkingDays}个工作日`);
  });
});
