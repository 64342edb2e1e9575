/** jest globalTeardown: fails the run when a test left one of this run's temporary directories behind (tests/temp-dirs.ts). */
import { removeAndReportLeftDirs, TEST_RUN_ENV } from './temp-dirs';

export default function globalTeardown(): void {
  const run = process.env[TEST_RUN_ENV];
  if (!run) throw new Error(`${TEST_RUN_ENV} is not set: tests/global-setup.ts did not run`);
  removeAndReportLeftDirs(run);
}
