/**
 * jest globalSetup: gives this run an id (tests/temp-dirs.ts). It is set in the environment before
 * the workers start, so every worker and every child process a test spawns names its temporary
 * directories with it, and tests/global-teardown.ts finds exactly this run's.
 */
import { randomBytes } from 'crypto';
import { TEST_RUN_ENV } from './temp-dirs';

export default function globalSetup(): void {
  process.env[TEST_RUN_ENV] = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
