/**
 * Policy: every threshold, standard and time limit the notice leaves to counties and years.
 * One zod schema, defaults from DOMAIN.md; a county's settings override them per year.
 * Nothing else in the code base may hard-code these figures.
 */
import { z } from 'zod';

/**
 * Strict at every level: a misspelt key (e.g. `matching.medicalSelfPaidMln`) is an error naming
 * its path, never silently ignored (which would leave the default in force unnoticed).
 */
export const PolicySchema = z.strictObject({
  /** Lead verification by the village/township (楚雄州: 10 working days; some counties 4). */
  leadVerifyWorkingDays: z.number().int().min(1).max(60).default(10),
  /** 急难 先行救助: help within this many hours… */
  emergencyHours: z.number().int().min(1).max(240).default(48),
  /** …formalities completed within this many working days after. */
  emergencyFormalitiesWorkingDays: z.number().int().min(1).max(60).default(5),
  /** 低保 review from acceptance, and the extended limit in special cases. */
  dibaoReviewWorkingDays: z.number().int().min(1).max(120).default(30),
  dibaoReviewExtendedWorkingDays: z.number().int().min(1).max(120).default(45),
  /** 特困: township investigation, county decision. */
  tekunInvestigationWorkingDays: z.number().int().min(1).max(60).default(15),
  tekunDecisionWorkingDays: z.number().int().min(1).max(60).default(10),
  /** 低保标准 (yuan): urban per person per month, rural per person per year. */
  dibaoStandardUrbanMonthly: z.number().positive().default(735),
  dibaoStandardRuralYearly: z.number().positive().default(6400),
  /** 低保边缘: per-capita income below this multiple of the 低保标准. */
  lowIncomeMultiplier: z.number().positive().default(1.5),
  /** 特困 basic-living standard: at least this multiple of the 低保标准. */
  tekunMultiplier: z.number().positive().default(1.3),
  /** 临时救助 the township may approve alone: this multiple of the monthly 低保标准; above → 一事一议. */
  temporaryAidTownshipCapMultiplier: z.number().positive().default(3),
  /** Departmental matching thresholds. */
  matching: z
    .strictObject({
      /** 医保: self-paid inpatient cost in a month at or above this (yuan). */
      medicalSelfPaidMin: z.number().nonnegative().default(10000),
      /** 残联: grades counted as severe (重残). */
      severeDisabilityGrades: z.array(z.number().int().min(1).max(4)).default([1, 2]),
      /** 教育: education levels that make a lead. */
      collegeLevels: z.array(z.string()).default(['专科', '本科']),
      /** Coverage categories that count as covered for the "not covered" rules. */
      coveredCategories: z.array(z.string()).default(['低保', '特困供养']),
    })
    .prefault({}),
  /** Days after a feed's period ends before the county is told it was not imported. */
  feedGraceDays: z.number().int().min(0).max(90).default(15),
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** Defaults overlaid with a county's settings; throws a ZodError naming the bad (or unknown) field. */
export function resolvePolicy(overrides: PolicyInput = {}): Policy {
  return PolicySchema.parse(overrides);
}

/** 低保标准 per person per month for an urban (城市) or rural (农村) household. */
export function monthlyDibaoStandard(policy: Policy, area: 'urban' | 'rural'): number {
  return area === 'urban' ? policy.dibaoStandardUrbanMonthly : policy.dibaoStandardRuralYearly / 12;
}

/**
 * Dotted paths of the problems in a policy parse error; unknown keys are named in full
 * (`matching.medicalSelfPaidMln`), not just the object that holds them.
 */
export function policyIssuePaths(error: z.ZodError): { path: string; message: string; unknownKey: boolean }[] {
  const out: { path: string; message: string; unknownKey: boolean }[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...base, key].join('.');
        out.push({ path, message: `未知的政策参数：${path} / unknown policy setting: ${path}`, unknownKey: true });
      }
    } else {
      out.push({ path: base.join('.'), message: issue.message, unknownKey: false });
    }
  }
  return out;
}
