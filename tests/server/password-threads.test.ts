/**
 * Password hashing runs on threads of its own (server/auth/password-threads.ts), not on libuv's
 * pool, which the server shares with every SQLite statement: a sign-in's scrypt must not wait for
 * a pool taken up by a burst of statements.
 */
import { execFileSync } from 'child_process';
import { scryptSync } from 'crypto';
import { openSync, closeSync, promises as fs } from 'fs';
import { join } from 'path';
import { hashPassword, verifyPassword } from '../../server/auth/password';
import { closePasswordThreads, scryptOnThread } from '../../server/auth/password-threads';
import { makeTestDir } from '../temp-dirs';

describe('password threads', () => {
  afterAll(() => closePasswordThreads());

  it('computes exactly what crypto.scryptSync computes, and verifies its own hashes', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const params = { N: 1024, r: 8, p: 1 };
    expect(await scryptOnThread('村级台账 pw', salt, 32, params)).toEqual(scryptSync('村级台账 pw', salt, 32, params));
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
  });

  it('answers sign-ins at once in parallel, each with its own result', async () => {
    const salt = Buffer.from('fedcba9876543210');
    const params = { N: 1024, r: 8, p: 1 };
    const passwords = Array.from({ length: 6 }, (_, i) => `pw-${i}`);
    const keys = await Promise.all(passwords.map((password) => scryptOnThread(password, salt, 32, params)));
    expect(keys).toEqual(passwords.map((password) => scryptSync(password, salt, 32, params)));
  });

  it('refuses impossible parameters with an error and keeps working', async () => {
    const salt = Buffer.from('0123456789abcdef');
    await expect(scryptOnThread('pw', salt, 32, { N: 1000, r: 8, p: 1 })).rejects.toThrow(/N|power/i);
    expect(await scryptOnThread('pw', salt, 32, { N: 1024, r: 8, p: 1 })).toEqual(scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 }));
  });

  it('starts new threads after they were stopped', async () => {
    await closePasswordThreads();
    const stored = await hashPassword('after a restart');
    expect(await verifyPassword('after a restart', stored)).toBe(true);
  });

  it("verifies a password while every thread of libuv's pool is taken (as by a burst's SQLite statements)", async () => {
    const { dir, remove } = makeTestDir('password-threads');
    // Opening a FIFO for reading blocks the pool thread doing it until a writer opens it: 64 such
    // opens take every thread of the pool (4 by default, 16 in the server) and use no CPU.
    const fifos = Array.from({ length: 64 }, (_, i) => join(dir, `fifo-${i}`));
    execFileSync('mkfifo', fifos);
    let poolFreed = false;
    const blocked = fifos.map((fifo) => fs.open(fifo, 'r').finally(() => (poolFreed = true)));
    const salt = Buffer.from('0123456789abcdef');
    const params = { N: 16384, r: 8, p: 1 };
    let timer: NodeJS.Timeout | undefined;
    let verified: Buffer | 'waited for the pool';
    let poolWasTaken: boolean;
    try {
      // On libuv's pool the hash would only start once the pool is freed below: bounded, not hung.
      verified = await Promise.race([
        scryptOnThread('pw', salt, 32, params),
        new Promise<'waited for the pool'>((resolve) => (timer = setTimeout(() => resolve('waited for the pool'), 5_000))),
      ]);
      poolWasTaken = !poolFreed;
    } finally {
      clearTimeout(timer);
      // free the pool: a read-write open of a FIFO never blocks on Linux and counts as its writer
      const writers = fifos.map((fifo) => openSync(fifo, 'r+'));
      const handles = await Promise.all(blocked);
      await Promise.all(handles.map((handle) => handle.close()));
      writers.forEach((fd) => closeSync(fd));
      remove();
    }
    expect(poolWasTaken).toBe(true);
    expect(verified).toEqual(scryptSync('pw', salt, 32, params));
  });
});
