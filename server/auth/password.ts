/**
 * scrypt password hashes: `scrypt$N$r$p$salt$hash` (base64), verified in constant time. The hashing
 * itself runs on threads of its own (password-threads.ts), never on libuv's pool.
 */
import { randomBytes, timingSafeEqual } from 'crypto';
import { scryptOnThread } from './password-threads';

const KEY_LENGTH = 32;
const DEFAULT = { N: 16384, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptOnThread(password, salt, KEY_LENGTH, DEFAULT);
  return ['scrypt', DEFAULT.N, DEFAULT.r, DEFAULT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltText, keyText] = parts;
  const expected = Buffer.from(keyText, 'base64');
  const actual = await scryptOnThread(password, Buffer.from(saltText, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;
/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
