/**
 * startTestServer owns its temp directory: close() removes it in every case — the database in it,
 * or an empty one when the test's own `dbFile` lives elsewhere (that file stays the test's) — and a
 * start that fails removes it too. No test data is left in temp files.
 */
import { existsSync, readdirSync, writeFileSync } from 'fs';
import { startTestServer, TEST_ENGINE } from './helpers';
import { makeTestDir, TEST_RUN_ENV, testDirsLeft } from '../temp-dirs';

/** This suite's server directories still in the temp dir (only this file makes dirs with this suite's name). */
function serverDirsLeft(): string[] {
  return testDirsLeft(process.env[TEST_RUN_ENV] ?? '').filter((name) => name.includes('-test-server-dirs-server-'));
}

describe('startTestServer and its temp directory', () => {
  it('close() removes the directory and the database in it', async () => {
    const server = await startTestServer({ seed: 'platform' });
    expect(serverDirsLeft()).toEqual([server.dir.split('/').pop()]);
    if (TEST_ENGINE === 'sqlite') expect(readdirSync(server.dir)).toContain('ledger.sqlite');
    await server.close();
    expect(existsSync(server.dir)).toBe(false);
    expect(serverDirsLeft()).toEqual([]);
    // @ts-expect-error there is no way to keep it any more
    await server.close({ keepDir: true });
  });

  it("with the test's own dbFile: close() removes the server's directory and leaves the test's file for the next start", async () => {
    const data = makeTestDir('own-db');
    try {
      const dbFile = data.path('ledger.sqlite');
      const first = await startTestServer({ dbFile, seed: 'platform' });
      await first.close();
      expect(existsSync(first.dir)).toBe(false);
      if (TEST_ENGINE === 'sqlite') expect(existsSync(dbFile)).toBe(true);
      const second = await startTestServer({ dbFile, seed: false });
      try {
        expect(await second.login('demo-village')).toEqual(expect.any(String)); // the accounts of the first start
      } finally {
        await second.close();
      }
      expect(serverDirsLeft()).toEqual([]);
    } finally {
      data.remove();
    }
  });

  it('a start that fails leaves no directory behind', async () => {
    const data = makeTestDir('failing-start');
    try {
      // not a database: the start is refused
      writeFileSync(data.path('ledger.sqlite'), 'this is not a SQLite file, it is long enough to have a header');
      await expect(startTestServer({ engine: 'sqlite', dbFile: data.path('ledger.sqlite') })).rejects.toThrow();
      expect(serverDirsLeft()).toEqual([]);
    } finally {
      data.remove();
    }
  });
});
