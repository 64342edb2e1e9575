/** User accounts: one unit each; the role matches the unit's level (admin: whichever unit, usually the prefecture). */
import { unitLevelOf } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { Role } from '../http/route-table';
import { accountStore, type UserRecord } from './account-store';
import { hashPassword } from './password';

export type { UserRecord };

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  unitCode: string;
}

export function roleFitsUnit(role: Role, unitCode: string): boolean {
  return role === 'admin' || unitLevelOf(unitCode) === role;
}

/** Creates a user; returns its id. Throws when the role does not fit the unit or the unit is unknown. */
export async function createUser(db: SqlDatabase, user: NewUser, now: Date): Promise<number> {
  if (!roleFitsUnit(user.role, user.unitCode)) {
    throw new Error(`role ${user.role} does not fit unit ${user.unitCode}`);
  }
  const hash = await hashPassword(user.password);
  return accountStore(db).insertUser({ username: user.username, passwordHash: hash, role: user.role, unitCode: user.unitCode, createdAt: now.toISOString() });
}

export function findUser(db: SqlDatabase, username: string): Promise<UserRecord | undefined> {
  return accountStore(db).findUser(username);
}
