/**
 * Early unlock of a locked account (admin-cli unlock-user). The CLI is another process than the
 * server, whose login limiter lives in memory, so the unlock is written to the database
 * (server_settings, one key per account) and the login route applies it when an attempt is
 * refused for the account (auth/routes.ts → LoginRateLimiter.applyUnlock).
 */
import type { SqlDatabase } from '../db/database';

const KEY_PREFIX = 'login_unlock:';

function keyOf(username: string): string {
  return `${KEY_PREFIX}${username.toLowerCase()}`;
}

/** Records that `username` was unlocked at `at` (inside the caller's transaction when given one). */
export async function recordUnlock(db: SqlDatabase, username: string, at: Date): Promise<void> {
  await db.run('INSERT INTO server_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    keyOf(username),
    at.toISOString(),
  ]);
}

/** When `username` was last unlocked by an administrator (ms since the epoch), if ever. */
export async function lastUnlock(db: SqlDatabase, username: string): Promise<number | undefined> {
  const row = await db.get<{ value: string }>('SELECT value FROM server_settings WHERE key = ?', [keyOf(username)]);
  if (!row) return undefined;
  const ms = Date.parse(row.value);
  return Number.isNaN(ms) ? undefined : ms;
}
