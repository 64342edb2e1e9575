/**
 * Time limits of the handling route, computed from a county's Policy (ledger/policy.ts) and a
 * working-day calendar (ledger/calendar.ts). No figure here is a literal: every count comes from
 * the policy. Dates are YYYY-MM-DD; "within N working days" starts counting the day after.
 */
import { addCalendarDays, isIsoDate, type WorkingDayCalendar } from './calendar';
import type { LocalizedText } from './columns';
import type { Policy } from './policy';

/** 核实时限: lead found (or received) on `foundOnIso` → verification due date. */
export function leadVerifyDueDate(foundOnIso: string, policy: Policy, calendar: WorkingDayCalendar): string {
  return calendar.addWorkingDays(foundOnIso, policy.leadVerifyWorkingDays);
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/**
 * 先行救助 must be given within `policy.emergencyHours` (48) hours — calendar hours, weekends and
 * holidays included. `startIso` is either a date-time on the local wall clock (`2026-10-05T14:30`,
 * no zone: the result is the date the hours run out) or a bare date, in which case the time of day is
 * unknown and the limit is taken from the start of that day: ceil(hours / 24) calendar days later.
 */
export function emergencyAidDueDate(startIso: string, policy: Policy): string {
  const hours = policy.emergencyHours;
  const match = DATE_TIME.exec(startIso);
  if (match && isIsoDate(match[1])) {
    const minutes = Number(match[2]) * 60 + Number(match[3]) + hours * 60;
    return addCalendarDays(match[1], Math.floor(minutes / (24 * 60)));
  }
  return addCalendarDays(startIso, Math.ceil(hours / 24));
}

/** 先行救助 given on `aidGivenIso` → formalities (补齐手续) due within policy.emergencyFormalitiesWorkingDays. */
export function emergencyFormalitiesDueDate(aidGivenIso: string, policy: Policy, calendar: WorkingDayCalendar): string {
  return calendar.addWorkingDays(aidGivenIso, policy.emergencyFormalitiesWorkingDays);
}

/** Both emergency limits from the moment the emergency became known. Formalities are counted from the latest permitted aid date. */
export function emergencyDeadlines(
  startIso: string,
  policy: Policy,
  calendar: WorkingDayCalendar,
): { aidDue: string; formalitiesDue: string } {
  const aidDue = emergencyAidDueDate(startIso, policy);
  return { aidDue, formalitiesDue: emergencyFormalitiesDueDate(aidDue, policy, calendar) };
}

/** 低保 review: accepted on `acceptedIso` → decision due (30 working days; `extended` = special cases, 45). */
export function dibaoReviewDueDate(
  acceptedIso: string,
  policy: Policy,
  calendar: WorkingDayCalendar,
  options: { extended?: boolean } = {},
): string {
  const days = options.extended ? policy.dibaoReviewExtendedWorkingDays : policy.dibaoReviewWorkingDays;
  return calendar.addWorkingDays(acceptedIso, days);
}

/**
 * 特困供养: township investigation within policy.tekunInvestigationWorkingDays of acceptance, then the
 * county decision within policy.tekunDecisionWorkingDays of the investigation's completion
 * (`investigatedOnIso` when known, otherwise the investigation's due date — the latest possible).
 */
export function tekunDeadlines(
  acceptedIso: string,
  policy: Policy,
  calendar: WorkingDayCalendar,
  investigatedOnIso?: string,
): { investigationDue: string; decisionDue: string } {
  const investigationDue = calendar.addWorkingDays(acceptedIso, policy.tekunInvestigationWorkingDays);
  const decisionDue = calendar.addWorkingDays(investigatedOnIso ?? investigationDue, policy.tekunDecisionWorkingDays);
  return { investigationDue, decisionDue };
}

/**
 * Is a time limit missed? The due day itself is still on time.
 * - `done` true: finished (date unknown) → never overdue.
 * - `done` a YYYY-MM-DD date: finished that day → overdue when it was finished after the due date.
 * - `done` absent/false/null/'': still open → overdue when today is after the due date.
 */
export function isOverdue(dueIso: string, todayIso: string, done?: boolean | string | null): boolean {
  if (!isIsoDate(dueIso)) throw new RangeError(`not a YYYY-MM-DD date: ${String(dueIso)}`);
  if (done === true) return false;
  if (typeof done === 'string' && done !== '') {
    if (!isIsoDate(done)) throw new RangeError(`not a YYYY-MM-DD date: ${done}`);
    return done > dueIso;
  }
  if (!isIsoDate(todayIso)) throw new RangeError(`not a YYYY-MM-DD date: ${String(todayIso)}`);
  return todayIso > dueIso;
}

/** Working days left: the working days in (today, due]; 0 on the due day, negative once past it. */
export function workingDaysLeft(dueIso: string, todayIso: string, calendar: WorkingDayCalendar): number {
  return calendar.workingDaysBetween(todayIso, dueIso);
}

/** Labels for the deadlines above, zh-CN first, with the policy's figures. */
export function deadlineLabels(policy: Policy): Record<
  'leadVerify' | 'emergencyAid' | 'emergencyFormalities' | 'dibaoReview' | 'dibaoReviewExtended' | 'tekunInvestigation' | 'tekunDecision',
  LocalizedText
> {
  return {
    leadVerify: {
      zh: `线索核实时限：发现之日起${policy.leadVerifyWorkingDays}个工作日内`,
      en: `Lead verification: within ${policy.leadVerifyWorkingDays} working days of discovery`,
    },
    emergencyAid: {
      zh: `先行救助时限：${policy.emergencyHours}小时内实施临时救助`,
      en: `Emergency aid: temporary assistance within ${policy.emergencyHours} hours`,
    },
    emergencyFormalities: {
      zh: `先行救助后${policy.emergencyFormalitiesWorkingDays}个工作日内补齐审核审批手续`,
      en: `Formalities completed within ${policy.emergencyFormalitiesWorkingDays} working days after emergency aid`,
    },
    dibaoReview: {
      zh: `低保审核确认：受理之日起${policy.dibaoReviewWorkingDays}个工作日内`,
      en: `Minimum-living-allowance review: within ${policy.dibaoReviewWorkingDays} working days of acceptance`,
    },
    dibaoReviewExtended: {
      zh: `低保审核确认（特殊情况延长）：受理之日起${policy.dibaoReviewExtendedWorkingDays}个工作日内`,
      en: `Minimum-living-allowance review (extended, special cases): within ${policy.dibaoReviewExtendedWorkingDays} working days of acceptance`,
    },
    tekunInvestigation: {
      zh: `特困供养：乡镇${policy.tekunInvestigationWorkingDays}个工作日内完成调查核实`,
      en: `Extreme-poverty support: township investigation within ${policy.tekunInvestigationWorkingDays} working days`,
    },
    tekunDecision: {
      zh: `特困供养：县级${policy.tekunDecisionWorkingDays}个工作日内作出审批决定`,
      en: `Extreme-poverty support: county decision within ${policy.tekunDecisionWorkingDays} working days of the investigation`,
    },
  };
}
