/**
 * Per-county policy settings (table county_policy, migration 003): defaults from DEFAULT_POLICY,
 * overlaid by the county's all-years row (year 0) and then by its row for the year.
 */
import { PolicySchema, policyIssuePaths, resolvePolicy, type Policy, type PolicyInput } from '../../ledger/policy';
import type { SqlDatabase } from '../db/database';
import { AppError } from '../http/errors';

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
  const rows = await db.all<{ year: number; settings_json: string }>(
    'SELECT year, settings_json FROM county_policy WHERE county_code = ? AND year IN (0, ?) ORDER BY year',
    [countyCode, year],
  );
  let merged: Record<string, unknown> = {};
  for (const row of rows) merged = overlay(merged, JSON.parse(row.settings_json) as Record<string, unknown>);
  return merged as PolicyInput;
}

/** The county's effective policy for a year (defaults when it has set nothing). */
export async function countyPolicy(db: SqlDatabase, countyCode: string, year: number): Promise<Policy> {
  return resolvePolicy(await countyPolicyOverrides(db, countyCode, year));
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
  await db.run(
    `INSERT INTO county_policy (county_code, year, settings_json, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (county_code, year) DO UPDATE SET settings_json = excluded.settings_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    [countyCode, year, JSON.stringify(settings), who, now.toISOString()],
  );
  return countyPolicy(db, countyCode, year);
}
