/**
 * Per-county policy settings (table county_policy, migration 003): defaults from DEFAULT_POLICY,
 * overlaid by the county's all-years row (year 0) and then by its row for the year. Read by the
 * ledger (re-validation), the leads (due dates) and the imports (matching thresholds, vocabularies).
 */
import { PolicySchema, policyIssuePaths, resolvePolicy, type Policy, type PolicyInput } from '../../ledger/policy';
import type { SqlDatabase } from '../db/database';
import { AppError } from '../http/errors';
import { countyPolicyStore } from './store';

function overlay(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? overlay(prev as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export async function countyPolicyOverrides(db: SqlDatabase, countyCode: string, year: number): Promise<PolicyInput> {
  let merged: Record<string, unknown> = {};
  for (const row of await countyPolicyStore(db).overrides(countyCode, year)) merged = overlay(merged, JSON.parse(row.settingsJson) as Record<string, unknown>);
  return merged as PolicyInput;
}

/** The county's effective policy for a year (defaults when it has set nothing). */
export async function countyPolicy(db: SqlDatabase, countyCode: string, year: number): Promise<Policy> {
  return resolvePolicy(await countyPolicyOverrides(db, countyCode, year));
}

/** The village's county policy for the year of `today` (defaults when the county set nothing). */
export async function policyForVillage(db: SqlDatabase, villageCode: string, today: string): Promise<Policy> {
  return countyPolicy(db, villageCode.slice(0, 6), Number(today.slice(0, 4)));
}

/** Stores a county's overrides (validated against PolicySchema; throws ZodError on bad input). */
export async function saveCountyPolicy(
  db: SqlDatabase,
  countyCode: string,
  year: number,
  settings: PolicyInput,
  who: string,
  now: Date,
): Promise<Policy> {
  // PolicySchema is strict at every level: an unknown key anywhere (top level or nested, e.g.
  // matching.medicalSelfPaidMln) is refused with its full path, never stored and ignored.
  const check = PolicySchema.safeParse(settings);
  if (!check.success) {
    const problems = policyIssuePaths(check.error);
    const unknown = problems.filter((p) => p.unknownKey).map((p) => `settings.${p.path}`);
    const issues = problems.map((p) => ({ path: p.path ? `settings.${p.path}` : 'settings', message: p.message }));
    if (unknown.length > 0) {
      throw new AppError('policy_unknown_setting', { settings: { zh: unknown.join('、'), en: unknown.join(', ') } }, { issues });
    }
    throw new AppError('policy_invalid', {}, { issues });
  }
  await countyPolicyStore(db).save(countyCode, year, JSON.stringify(settings), who, now.toISOString());
  return countyPolicy(db, countyCode, year);
}
