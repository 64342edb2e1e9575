/**
 * Help texts take their figures from the default policy (thresholds and time limits are never
 * literals): the 核实时限 help states the number of working days the validation itself uses when
 * it fills in a blank 核实时限 — checked through what the code does, not by mocking the policy.
 * (policy.ts must not import columns.ts for this: tests/architecture/import-cycles.test.ts finds cycles.)
 */
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { columnByKey } from '../../ledger/columns';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { DEFAULT_POLICY } from '../../ledger/policy';

describe('columns help text follows the policy', () => {
  /** Working days between a found-on date and the due date validation computes for it by default. */
  function defaultVerifyWorkingDays(): number {
    const foundOn = '2026-10-09';
    return DEFAULT_CALENDAR.workingDaysBetween(foundOn, leadVerifyDueDate(foundOn, DEFAULT_POLICY, DEFAULT_CALENDAR));
  }

  it('核实时限 (verifyBy) help names the working days the default due date is computed with, zh and en', () => {
    const days = defaultVerifyWorkingDays();
    const help = columnByKey('verifyBy').help;
    expect(help.zh).toContain(`默认${days}个工作日`);
    expect(help.en).toContain(`default ${days}`);
  });

  it('the help names one figure only (no second, stale number beside it)', () => {
    const help = columnByKey('verifyBy').help;
    expect(help.zh.match(/\d+/g)).toEqual([String(defaultVerifyWorkingDays())]);
    expect(help.en.match(/\d+/g)).toEqual([String(defaultVerifyWorkingDays())]);
  });
});
