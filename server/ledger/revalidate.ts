/**
 * Server-side re-validation of ledger rows with the ledger core (the same code path the add-in
 * runs offline): the server never trusts a client's own checks.
 */
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import type { Policy } from '../../ledger/policy';
import type { Finding, LedgerValues } from '../../ledger/types';
import { validateRecords } from '../../ledger/validate';
import type { SqlDatabase } from '../db/database';
import { getUnit } from '../units/store';

export interface RowCheck {
  findings: Finding[];
  errors: number;
  warnings: number;
}

/**
 * The registered name of the village whose ledger is validated (undefined for an unknown code: then
 * no row is compared with it). Part of the validation context like the county's policy.
 */
export async function villageNameOf(db: SqlDatabase, villageCode: string): Promise<string | undefined> {
  return (await getUnit(db, villageCode))?.name;
}

/** County policy has its own module (server/policy); the ledger's services read it through here. */
export { policyForVillage } from '../policy/county-policy';

/**
 * Validates the rows together (cross-row rules see all of them); one result per row, same order.
 * `villageName`: the name of the village whose ledger the rows are in (rows naming another get village.other).
 */
export function checkRows(records: readonly LedgerValues[], today: string, policy: Policy, villageName?: string): RowCheck[] {
  if (records.length === 0) return [];
  const perRecord = validateRecords(records, { today, policy, calendar: DEFAULT_CALENDAR, ...(villageName !== undefined ? { villageName } : {}) });
  return records.map((_, index) => {
    const findings = perRecord[index] ?? [];
    let errors = 0;
    for (const finding of findings) if (finding.severity === 'error') errors++;
    return { findings, errors, warnings: findings.length - errors };
  });
}
