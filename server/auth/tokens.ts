/** Bearer tokens: 32 random bytes (base64url) given to the client; only the sha256 is stored. */
import { createHash, randomBytes } from 'crypto';
import type { UnitLevel } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';
import type { AuthUser, Role } from '../http/route-table';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function issueToken(
  db: SqlDatabase,
  userId: number,
  now: Date,
  ttlHours: number,
): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlHours * 3600_000).toISOString();
  await db.run('INSERT INTO tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
    hashToken(token),
    userId,
    now.toISOString(),
    expiresAt,
  ]);
  return { token, expiresAt };
}

interface UserRow {
  id: number;
  username: string;
  role: Role;
  unit_code: string;
  unit_name: string;
  unit_level: UnitLevel;
}

export function toAuthUser(row: UserRow): AuthUser {
  return { id: row.id, username: row.username, role: row.role, unit: { code: row.unit_code, name: row.unit_name, level: row.unit_level } };
}

/** The active user behind a valid, unrevoked, unexpired token; undefined otherwise. */
export async function userForToken(db: SqlDatabase, token: string, now: Date): Promise<AuthUser | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db.get<UserRow>(
    `SELECT u.id, u.username, u.role, u.unit_code, n.name AS unit_name, n.level AS unit_level
       FROM tokens t JOIN users u ON u.id = t.user_id JOIN units n ON n.code = u.unit_code
      WHERE t.token_hash = ? AND t.revoked = 0 AND t.expires_at > ? AND u.active = 1`,
    [hashToken(token), now.toISOString()],
  );
  return row ? toAuthUser(row) : undefined;
}

export async function revokeToken(db: SqlDatabase, token: string): Promise<boolean> {
  const result = await db.run('UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0', [hashToken(token)]);
  return result.changes > 0;
}

/** Removes tokens that expired more than a day ago (housekeeping; optional). */
export async function purgeExpiredTokens(db: SqlDatabase, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 24 * 3600_000).toISOString();
  return (await db.run('DELETE FROM tokens WHERE expires_at < ?', [cutoff])).changes;
}

/** `Authorization: Bearer <token>` → token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
