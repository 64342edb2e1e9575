/**
 * Early unlock of a locked account (admin-cli unlock-user, a separate process): the account's
 * throttle counters are in the database (throttle-store.ts), so deleting them lifts the lockout at
 * once on every server instance.
 */
import type { SqlDatabase } from '../db/database';
import { accountKey, DEFAULT_LOGIN_LIMITS } from './rate-limit';
import { loginThrottleStore } from './throttle-store';

/** Forgets `username`'s failed sign-ins, backoff and lockout (inside the caller's transaction when given one); false when there were none. */
export function unlockLogin(db: SqlDatabase, username: string): Promise<boolean> {
  return loginThrottleStore(db, DEFAULT_LOGIN_LIMITS).resetAccount(accountKey(username));
}
