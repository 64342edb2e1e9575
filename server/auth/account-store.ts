/**
 * AccountStore: every read and write of accounts and sessions — tables users and tokens (migration
 * 001) — and nothing else. users.ts, tokens.ts and admin-cli say what an account or a session is;
 * the SQL is here (engine-neutral: `?` placeholders, the reserved word `user` never a bare column).
 */
import type { UnitLevel } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { Role } from '../http/route-table';

/** An account with its unit, as the sign-in reads it (the password hash included). */
export interface UserRecord {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  unit_code: string;
  unit_name: string;
  unit_level: UnitLevel;
  active: number;
}

/** The signed-in user behind a token, with the unit's name and level. */
export interface TokenUserRow {
  id: number;
  username: string;
  role: Role;
  unit_code: string;
  unit_name: string;
  unit_level: UnitLevel;
}

export interface UserListRow {
  username: string;
  role: string;
  unit_code: string;
  active: number;
}

export interface AccountStore {
  insertUser(user: { username: string; passwordHash: string; role: Role; unitCode: string; createdAt: string }): Promise<number>;
  findUser(username: string): Promise<UserRecord | undefined>;
  /** Deactivates the account and revokes all its sessions (call inside a transaction). */
  deactivateUser(userId: number): Promise<void>;
  listUsers(): Promise<UserListRow[]>;
  /** id, username and active of these accounts (those that exist), by username. */
  usersNamed(usernames: readonly string[]): Promise<{ id: number; username: string; active: number }[]>;
  /** Deactivates these accounts and revokes their live sessions; returns how many sessions were revoked. */
  deactivateUsers(userIds: readonly number[]): Promise<number>;

  insertToken(tokenHash: string, userId: number, createdAt: string, expiresAt: string): Promise<void>;
  /** The active user of an unrevoked token not expired at `nowIso`. */
  userForTokenHash(tokenHash: string, nowIso: string): Promise<TokenUserRow | undefined>;
  revokeToken(tokenHash: string): Promise<boolean>;
  deleteTokensExpiredBefore(cutoffIso: string): Promise<number>;
}

class SqlAccountStore implements AccountStore {
  constructor(private readonly db: SqlDatabase) {}

  async insertUser(user: { username: string; passwordHash: string; role: Role; unitCode: string; createdAt: string }): Promise<number> {
    const result = await this.db.run(
      'INSERT INTO users (username, password_hash, role, unit_code, active, created_at) VALUES (?, ?, ?, ?, 1, ?)',
      [user.username, user.passwordHash, user.role, user.unitCode, user.createdAt],
    );
    return result.lastID;
  }

  findUser(username: string): Promise<UserRecord | undefined> {
    return this.db.get<UserRecord>(
      `SELECT u.id, u.username, u.password_hash, u.role, u.unit_code, u.active,
              n.name AS unit_name, n.level AS unit_level
         FROM users u JOIN units n ON n.code = u.unit_code
        WHERE u.username = ?`,
      [username],
    );
  }

  async deactivateUser(userId: number): Promise<void> {
    await this.db.run('UPDATE users SET active = 0 WHERE id = ?', [userId]);
    await this.db.run('UPDATE tokens SET revoked = 1 WHERE user_id = ?', [userId]);
  }

  listUsers(): Promise<UserListRow[]> {
    return this.db.all<UserListRow>('SELECT username, role, unit_code, active FROM users ORDER BY unit_code, username');
  }

  async usersNamed(usernames: readonly string[]): Promise<{ id: number; username: string; active: number }[]> {
    if (usernames.length === 0) return [];
    return this.db.all<{ id: number; username: string; active: number }>(
      `SELECT id, username, active FROM users WHERE username IN (${usernames.map(() => '?').join(',')}) ORDER BY username`,
      usernames,
    );
  }

  async deactivateUsers(userIds: readonly number[]): Promise<number> {
    if (userIds.length === 0) return 0;
    const marks = userIds.map(() => '?').join(',');
    await this.db.run(`UPDATE users SET active = 0 WHERE id IN (${marks})`, userIds);
    return (await this.db.run(`UPDATE tokens SET revoked = 1 WHERE revoked = 0 AND user_id IN (${marks})`, userIds)).changes;
  }

  async insertToken(tokenHash: string, userId: number, createdAt: string, expiresAt: string): Promise<void> {
    await this.db.run('INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [tokenHash, userId, createdAt, expiresAt]);
  }

  userForTokenHash(tokenHash: string, nowIso: string): Promise<TokenUserRow | undefined> {
    return this.db.get<TokenUserRow>(
      `SELECT u.id, u.username, u.role, u.unit_code, n.name AS unit_name, n.level AS unit_level
         FROM tokens t JOIN users u ON u.id = t.user_id JOIN units n ON n.code = u.unit_code
        WHERE t.token_hash = ? AND t.revoked = 0 AND t.expires_at > ? AND u.active = 1`,
      [tokenHash, nowIso],
    );
  }

  async revokeToken(tokenHash: string): Promise<boolean> {
    const result = await this.db.run('UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0', [tokenHash]);
    return result.changes > 0;
  }

  async deleteTokensExpiredBefore(cutoffIso: string): Promise<number> {
    return (await this.db.run('DELETE FROM tokens WHERE expires_at < ?', [cutoffIso])).changes;
  }
}

/** The account store on a handle (the database, or a transaction). */
export function accountStore(db: SqlDatabase): AccountStore {
  return new SqlAccountStore(db);
}
