/**
 * A sign-in's password check may start before its reservation is answered (LoginThrottle.
 * startEarlyCheck): during a burst of pushes the reservation's statement waits for the SQLite writer,
 * and the scrypt check then runs meanwhile instead of after. The reservation still decides (the
 * throttling tests in auth.test.ts are unchanged), and early checks stay few: never for an account
 * or address this process saw refused, at most EARLY_CHECKS_MAX at a time and one per account.
 */
import * as password from '../../server/auth/password';
import { EARLY_CHECKS_MAX } from '../../server/auth/rate-limit';
import { waitUntil } from '../wait';
import { startPlatformServer, throttleSuite } from './auth-helpers';
import { describeSqliteOnly, type TestServer } from './helpers';

describe('LoginThrottle.startEarlyCheck', () => {
  const limits = { windowMs: 60_000, freeAttempts: 1, backoffBaseMs: 5_000, backoffMaxMs: 8_000, lockoutAfter: 4, lockoutMs: 30_000, maxFailuresPerIp: 3 };
  let t = 1_000_000;
  const { throttle } = throttleSuite('early-check', limits, () => new Date(t));

  it('allows EARLY_CHECKS_MAX at a time, one per account, and again once released', () => {
    const limiter = throttle();
    const first = limiter.startEarlyCheck('a1', 'ip-a');
    expect(first).toBeDefined();
    expect(limiter.startEarlyCheck('A1', 'ip-b')).toBeUndefined(); // the same account (usernames compare without case)
    const others = Array.from({ length: EARLY_CHECKS_MAX - 1 }, (_, i) => limiter.startEarlyCheck(`a${i + 2}`, 'ip-a'));
    for (const release of others) expect(release).toBeDefined();
    expect(limiter.startEarlyCheck('a-late', 'ip-a')).toBeUndefined();
    first!();
    first!(); // twice is once
    const late = limiter.startEarlyCheck('a-late', 'ip-a');
    expect(late).toBeDefined();
    expect(limiter.startEarlyCheck('a-later', 'ip-a')).toBeUndefined();
    for (const release of [late, ...others]) release!();
  });

  it('is refused for an account this process saw refused, until its wait is over', async () => {
    const limiter = throttle();
    expect((await limiter.reserve('b1', 'ip-b1')).ok).toBe(true); // the free attempt, failed
    const refused = await limiter.reserve('b1', 'ip-b2');
    expect(refused).toMatchObject({ ok: false, reason: 'account_backoff' });
    expect(limiter.startEarlyCheck('b1', 'ip-b3')).toBeUndefined();
    const otherAccount = limiter.startEarlyCheck('b2', 'ip-b2'); // the address was not what refused
    expect(otherAccount).toBeDefined();
    otherAccount!();
    t += 5_000;
    const release = limiter.startEarlyCheck('b1', 'ip-b3');
    expect(release).toBeDefined();
    release!();
  });

  it('is refused for an address this process saw refused, for every account from it', async () => {
    const limiter = throttle();
    for (let i = 0; i < limits.maxFailuresPerIp; i++) expect((await limiter.reserve(`c${i}`, 'ip-c')).ok).toBe(true);
    expect(await limiter.reserve('c-next', 'ip-c')).toMatchObject({ ok: false, reason: 'address_limit' });
    expect(limiter.startEarlyCheck('c-other', 'ip-c')).toBeUndefined();
    const elsewhere = limiter.startEarlyCheck('c-other', 'ip-elsewhere');
    expect(elsewhere).toBeDefined();
    elsewhere!();
  });
});

describeSqliteOnly('the reservation waits for the SQLite writer here; PostgreSQL runs it on another pooled connection')('a sign-in while the database writer is busy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startPlatformServer();
  });
  afterAll(() => server.close());
  afterEach(() => jest.restoreAllMocks());

  it('checks the password while the writer is held, then signs in with one visit to the writer', async () => {
    const verify = jest.spyOn(password, 'verifyPassword');
    await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234' } }); // the first one also purges
    verify.mockClear();
    // A bulk transaction (as a large push is) holds the writer until the test lets it go.
    let letGo: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    let holding = false;
    const bulk = server.deps.db.transaction(
      async (tx) => {
        holding = true;
        await tx.run('SELECT 1');
        await gate;
      },
      { bulk: true },
    );
    try {
      await waitUntil('the bulk transaction holding the writer', () => holding);
      // every visit the sign-in makes to the writer: transactions and statements outside one
      const visits: string[] = [];
      const db = server.deps.db;
      const transaction = db.transaction.bind(db);
      const run = db.run.bind(db);
      const all = db.all.bind(db);
      jest.spyOn(db, 'transaction').mockImplementation((fn, options) => (visits.push('transaction'), transaction(fn, options)));
      jest.spyOn(db, 'run').mockImplementation((sql, params) => (visits.push(`run ${sql}`), run(sql, params)));
      jest.spyOn(db, 'all').mockImplementation((sql, params) => (/^\s*SELECT/i.test(sql) ? undefined : visits.push(`all ${sql}`), all(sql, params)));
      let answered = false;
      const login = server.request<{ token: string }>('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234' } }).finally(() => {
        answered = true;
      });
      await waitUntil('the password check while the reservation waits', () => verify.mock.results.length > 0 && verify.mock.results[0].type === 'return');
      await expect(verify.mock.results[0].value).resolves.toBe(true);
      expect(answered).toBe(false); // the reservation has not been answered: the writer is still held
      // reservation, token, audit and the attempt taken back wait for the writer once, not twice
      await waitUntil('the sign-in queued for the writer', () => visits.length > 0);
      letGo();
      await bulk;
      const res = await login;
      expect(res.status).toBe(200);
      expect(typeof res.body.token).toBe('string');
      expect(verify).toHaveBeenCalledTimes(1); // the early check's answer was used, not a second check
      expect(visits).toEqual(['transaction']);
    } finally {
      letGo();
      await bulk.catch(() => undefined);
    }
  });

  it('parallel wrong guesses: checks beyond the granted attempts are at most EARLY_CHECKS_MAX', async () => {
    const verify = jest.spyOn(password, 'verifyPassword');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township', password: `wrong${i}` } })),
    );
    const checked = results.filter((r) => r.status === 401).length;
    expect(checked + results.filter((r) => r.status === 429).length).toBe(30);
    expect(verify.mock.calls.length).toBeGreaterThanOrEqual(checked);
    expect(verify.mock.calls.length).toBeLessThanOrEqual(checked + EARLY_CHECKS_MAX);
    // refused now, and no early check for the account any more: its guesses cost no scrypt
    verify.mockClear();
    const again = await Promise.all(
      Array.from({ length: 10 }, () => server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township', password: 'demo1234' } })),
    );
    for (const r of again) expect(r.status).toBe(429);
    expect(verify).not.toHaveBeenCalled();
  });
});
