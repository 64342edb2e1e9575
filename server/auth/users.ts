/** User accounts: one unit each; the role matches the unit's level (admin: whichever unit, usually the prefecture). */
import { unitLevelOf } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { Role } from '../http/route-table';
import { hashPassword } from './password';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  unitCode: string;
}

export interface UserRecord {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  unit_code: string;
  unit_name: string;
  unit_level: 'prefecture' | 'county' | 'township' | 'village';
  active: number;
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
  const result = await db.run(
    'INSERT INTO users (username, password_hash, role, unit_code, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
    [user.username, hash, user.role, user.unitCode, now.toISOString()],
  );
  return result.lastID;
}

export function findUser(db: SqlDatabase, username: string): Promise<UserRecord | undefined> {
  return db.get<UserRecord>(
    `SELECT u.id, u.username, u.password_hash, u.role, u.unit_code, u.active,
            n.name AS unit_name, n.level AS unit_level
       FROM users u JOIN units n ON n.code = u.unit_code
      WHERE u.username = ?`,
    [username],
  );
}
