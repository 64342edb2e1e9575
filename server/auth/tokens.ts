/** Bearer tokens: 32 random bytes (base64url) given to the client; only the sha256 is stored. */
import { createHash, randomBytes } from 'crypto';
import type { SqlDatabase } from '../db/database';
import type { AuthUser } from '../http/route-table';
import { accountStore, type TokenUserRow } from './account-store';

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
  await accountStore(db).insertToken(hashToken(token), userId, now.toISOString(), expiresAt);
  return { token, expiresAt };
}

export function toAuthUser(row: TokenUserRow): AuthUser {
  return { id: row.id, username: row.username, role: row.role, unit: { code: row.unit_code, name: row.unit_name, level: row.unit_level } };
}

/** The active user behind a valid, unrevoked, unexpired token; undefined otherwise. */
export async function userForToken(db: SqlDatabase, token: string, now: Date): Promise<AuthUser | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await accountStore(db).userForTokenHash(hashToken(token), now.toISOString());
  return row ? toAuthUser(row) : undefined;
}

export async function revokeToken(db: SqlDatabase, token: string): Promise<boolean> {
  return accountStore(db).revokeToken(hashToken(token));
}

/** Removes tokens that expired more than a day ago (housekeeping; optional). */
export async function purgeExpiredTokens(db: SqlDatabase, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 24 * 3600_000).toISOString();
  return accountStore(db).deleteTokensExpiredBefore(cutoff);
}

/** `Authorization: Bearer <token>` → token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
