/**
 * The sign-in suites' shared setup: a login throttle on a migrated test database of its own, and a
 * server with the platform's routes and demo accounts (no ledger, leads or imports).
 */
import type { LoginLimits } from '../../server/app-deps';
import { LoginThrottle } from '../../server/auth/rate-limit';
import type { SqlDatabase } from '../../server/db/database';
import { migrate } from '../../server/db/migrate';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { makeTestDir, type TestDir } from '../temp-dirs';
import { openTestDatabase, startTestServer, type TestServer, type TestServerOptions } from './helpers';

export interface ThrottleSuite {
  /** A new LoginThrottle on the suite's database (two of them act as two server instances). */
  throttle(): LoginThrottle;
  /** The suite's database, to read the counters. */
  db(): SqlDatabase;
}

/**
 * Opens and migrates a database for the enclosing describe (beforeAll) and closes and removes it
 * after (afterAll); every throttle reads the time from `now`. Tests share the database: each uses
 * usernames and addresses of its own.
 */
export function throttleSuite(label: string, limits: LoginLimits, now: () => Date): ThrottleSuite {
  let dir: TestDir | undefined;
  let database: SqlDatabase | undefined;
  beforeAll(async () => {
    dir = makeTestDir(label);
    database = await openTestDatabase(dir.path('throttle.sqlite'));
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    dir?.remove();
  });
  const db = (): SqlDatabase => {
    if (!database) throw new Error('the throttle database is opened in beforeAll');
    return database;
  };
  return { db, throttle: () => new LoginThrottle(db(), now, limits) };
}

/** A test server with the platform's routes, seeded with the platform's demo accounts. */
export function startPlatformServer(options: Omit<TestServerOptions, 'routes' | 'seed'> = {}): Promise<TestServer> {
  return startTestServer({ routes: PLATFORM_ROUTES, seed: 'platform', ...options });
}
