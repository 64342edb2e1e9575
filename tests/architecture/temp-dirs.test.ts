/**
 * No test leaves a temporary directory behind (tests/temp-dirs.ts): every one is made through
 * makeTestDir (named after the run and the suite), and the run's teardown fails naming — and
 * removing — each one still there, ignoring other runs' directories on a shared machine.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { makeTestDir, removeAndReportLeftDirs, TEST_RUN_ENV, testDirsLeft, testRunPrefix } from '../temp-dirs';

const ROOT = resolve(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('temporary directories of the tests', () => {
  it('the run has an id (set by the global setup, seen by the workers); a directory is named after the run and the suite', () => {
    const run = process.env[TEST_RUN_ENV];
    expect(run).toMatch(/^[a-z0-9]+$/);
    const made = makeTestDir('probe');
    try {
      expect(made.dir.split('/').pop()).toMatch(new RegExp(`^${testRunPrefix(run)}temp-dirs-probe-`));
      expect(testDirsLeft(run ?? '')).toContain(made.dir.split('/').pop());
    } finally {
      made.remove();
    }
    expect(existsSync(made.dir)).toBe(false);
    expect(testDirsLeft(run ?? '')).not.toContain(made.dir.split('/').pop());
    expect(() => makeTestDir('../escape')).toThrow(/lowercase letters, digits and dashes/);
  });

  it("the end-of-run check names and removes this run's leftovers (and what they held), and leaves other runs' alone", () => {
    const root = makeTestDir('teardown-root');
    try {
      const mine = join(root.dir, `${testRunPrefix('runa')}sync-storm-server-x1`);
      mkdirSync(mine);
      writeFileSync(join(mine, 'ledger.sqlite'), 'fabricated');
      const mineEmpty = join(root.dir, `${testRunPrefix('runa')}admin-cli-server-x2`);
      mkdirSync(mineEmpty);
      const otherRun = join(root.dir, `${testRunPrefix('runb')}server-x3`);
      const oldStyle = join(root.dir, 'ledger-test-AbC123');
      const unrelated = join(root.dir, 'ledger-uploads-0');
      for (const dir of [otherRun, oldStyle, unrelated]) mkdirSync(dir);

      let message = '';
      try {
        removeAndReportLeftDirs('runa', root.dir);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^2 temporary test directories were left behind by this run \(now removed\)/);
      expect(message).toContain(`${mine} (held: ledger.sqlite)`);
      expect(message).toContain(`${mineEmpty} (empty)`);
      expect(message).not.toMatch(/runb|AbC123|uploads/);
      expect([mine, mineEmpty].map(existsSync)).toEqual([false, false]);
      expect([otherRun, oldStyle, unrelated].map(existsSync)).toEqual([true, true, true]);
      // nothing of this run left: silent
      expect(() => removeAndReportLeftDirs('runa', root.dir)).not.toThrow();
    } finally {
      root.remove();
    }
  });

  it('every temporary directory of a test comes from makeTestDir (the fixture generators, run by hand, excepted)', () => {
    const offenders = filesUnder(join(ROOT, 'tests'))
      .map((path) => relative(ROOT, path))
      .filter((path) => !path.startsWith('tests/fixtures/') && path !== 'tests/temp-dirs.ts')
      .filter((path) => /\bmkdtemp(Sync)?\s*\(|\bmkdirSync\s*\(\s*join\s*\(\s*tmpdir\(\)/.test(readFileSync(join(ROOT, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
