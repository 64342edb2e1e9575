/**
 * Every temporary directory a test makes comes from makeTestDir(): it is named
 * `ledger-test-<run>-<suite>-<label>-XXXXXX` in the OS temp dir, <run> being this jest run's id (set
 * by tests/global-setup.ts) and <suite> the test file that made it. tests/global-teardown.ts fails the run, naming each such directory still
 * there at the end, and removes it: test data is fabricated but shaped like personal data (ID
 * numbers, phones, health), and personal data is never left behind in temp files.
 *
 * The run id scopes the check: on a shared machine other jest runs (other checkouts, other users)
 * make `ledger-test-*` directories at the same time, and only this run's are this run's business.
 */
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';

/** What every test directory's name starts with. */
export const TEST_DIR_PREFIX = 'ledger-test-';

/** The environment variable holding this jest run's id (inherited by the workers and by child processes). */
export const TEST_RUN_ENV = 'LEDGER_TEST_RUN';

/** The name prefix of the directories of `run` (default: this run; outside jest, this process). */
export function testRunPrefix(run: string = process.env[TEST_RUN_ENV] || `pid${process.pid}`): string {
  return `${TEST_DIR_PREFIX}${run}-`;
}

export interface TestDir {
  dir: string;
  /** A path inside the directory. */
  path(name: string): string;
  /** Removes the directory and everything in it (again: nothing happens). */
  remove(): void;
}

/** The running test file's name (`sync-storm` for tests/server/sync-storm.test.ts); '' outside a test file. */
function suiteName(): string {
  const testPath = typeof expect === 'function' ? expect.getState().testPath : undefined;
  if (!testPath) return '';
  return basename(testPath)
    .replace(/\.test\.tsx?$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}

/**
 * A fresh directory for one suite or one test; the caller removes it (afterAll / afterEach /
 * finally). Its name carries the suite's file name and `label`, so a directory left behind says
 * who made it.
 */
export function makeTestDir(label: string): TestDir {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(label)) throw new Error(`makeTestDir: label "${label}" must be lowercase letters, digits and dashes`);
  const suite = suiteName();
  const dir = mkdtempSync(join(tmpdir(), `${testRunPrefix()}${suite ? `${suite}-` : ''}${label}-`));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The directories of `run` still present in `root`, sorted. */
export function testDirsLeft(run: string, root: string = tmpdir()): string[] {
  const prefix = testRunPrefix(run);
  return readdirSync(root)
    .filter((name) => name.startsWith(prefix))
    .sort();
}

/**
 * The end-of-run check: throws naming every directory of `run` left in `root` (and what is in it),
 * after removing them all — the failure must not itself leave data behind.
 */
export function removeAndReportLeftDirs(run: string, root: string = tmpdir()): void {
  const left = testDirsLeft(run, root).map((name) => {
    const path = join(root, name);
    let entries: string[] = [];
    try {
      entries = readdirSync(path);
    } catch {
      /* a file, or gone meanwhile: named anyway */
    }
    rmSync(path, { recursive: true, force: true });
    return `  ${path}${entries.length ? ` (held: ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''})` : ' (empty)'}`;
  });
  if (left.length === 0) return;
  throw new Error(
    [
      `${left.length} temporary test director${left.length === 1 ? 'y was' : 'ies were'} left behind by this run (now removed):`,
      ...left,
      'Each suite removes what makeTestDir() gave it (afterAll/afterEach/finally) and closes every startTestServer() it starts; the name says which suite made it (ledger-test-<run>-<suite>-<label>-…).',
    ].join('\n'),
  );
}
