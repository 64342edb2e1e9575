/**
 * Demo seeding, idempotent: units upserted, demo accounts created when missing. Only in demo
 * mode — never when NODE_ENV=production. Feature owners add one line calling their seeder.
 */
import type { AppDeps } from '../app-deps';
import { createUser, findUser } from '../auth/users';
import { upsertUnit, type UnitNode } from '../units/store';
import { seedDemoLeads } from './demo-leads';
import { seedDemoLedger } from './demo-ledger';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_UNITS } from './demo-units';

export function demoAllowed(deps: AppDeps): boolean {
  return deps.config.demo && process.env.NODE_ENV !== 'production';
}

export async function seedUnits(deps: AppDeps, units: readonly UnitNode[]): Promise<void> {
  await deps.db.transaction(async (tx) => {
    for (const unit of units) await upsertUnit(tx, unit);
  });
}

export async function seedDemoAccounts(deps: AppDeps): Promise<string[]> {
  const created: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    if (await findUser(deps.db, account.username)) continue;
    await createUser(deps.db, { ...account, password: DEMO_PASSWORD }, deps.now());
    created.push(account.username);
  }
  return created;
}

/** Demo units and accounts only (no feature data); false (nothing done) outside demo mode. */
export async function runPlatformSeed(deps: AppDeps): Promise<boolean> {
  if (!demoAllowed(deps)) return false;
  await seedUnits(deps, DEMO_UNITS);
  await seedDemoAccounts(deps);
  return true;
}

/** Seeds the demo prefecture; returns false (and does nothing) outside demo mode. */
export async function runDemoSeed(deps: AppDeps): Promise<boolean> {
  if (!(await runPlatformSeed(deps))) return false;
  // Feature seeders (one line each) go below.
  await seedDemoLeads(deps);
  await seedDemoLedger(deps);
  return true;
}
