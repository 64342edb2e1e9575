import { LoginResponseSchema } from '../../ledger/api/auth';
import { hashPassword, verifyPassword } from '../../server/auth/password';
import type { LoginThrottle } from '../../server/auth/rate-limit';
import { hashToken } from '../../server/auth/tokens';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startPlatformServer, throttleSuite } from './auth-helpers';
import { startTestServer, type TestServer } from './helpers';

describe('password hashing', () => {
  it('scrypt with a per-hash salt; verifies right and rejects wrong', async () => {
    const a = await hashPassword('demo1234');
    const b = await hashPassword('demo1234');
    expect(a).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('demo1234');
    expect(await verifyPassword('demo1234', a)).toBe(true);
    expect(await verifyPassword('demo1235', a)).toBe(false);
    expect(await verifyPassword('demo1234', 'plain:demo1234')).toBe(false);
  });
});

describe('login throttle (counters in the database)', () => {
  const limits = { windowMs: 60_000, freeAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 8000, lockoutAfter: 6, lockoutMs: 30_000, maxFailuresPerIp: 20 };
  let t = 0;
  const { throttle, db } = throttleSuite('throttle', limits, () => new Date(t));

  async function failOnce(limiter: LoginThrottle, user: string, ip: string): Promise<void> {
    const r = await limiter.reserve(user, ip);
    if (!r.ok) throw new Error(`refused: ${r.reason}`);
    // a wrong password: the reservation stays counted
  }

  it('free attempts, then an exponential backoff, then a lockout that expires', async () => {
    t = 1_000_000;
    const limiter = throttle();
    for (let i = 0; i < 3; i++) await failOnce(limiter, 'u1', 'ip1');
    expect(await limiter.reserve('u1', 'ip1')).toEqual({ ok: false, reason: 'account_backoff', retryAfterSeconds: 1 });
    t += 1000;
    await failOnce(limiter, 'u1', 'ip1'); // 4th
    expect(await limiter.reserve('U1', 'other-ip')).toMatchObject({ ok: false, reason: 'account_backoff', retryAfterSeconds: 2 });
    t += 2000;
    await failOnce(limiter, 'u1', 'ip1'); // 5th
    t += 4000;
    await failOnce(limiter, 'u1', 'ip1'); // 6th → locked
    expect(await limiter.reserve('u1', 'ip1')).toEqual({ ok: false, reason: 'account_locked', retryAfterSeconds: 30 });
    t += 29_999;
    expect((await limiter.reserve('u1', 'ip1')).ok).toBe(false);
    t += 1;
    const after = await limiter.reserve('u1', 'ip1');
    expect(after.ok).toBe(true);
    if (after.ok) await after.ticket.succeed();
    expect((await limiter.reserve('u1', 'ip1')).ok).toBe(true);
  });

  it('a reservation counts before it is settled: of 30 parallel attempts on two throttles (two instances) only the free ones pass', async () => {
    t = 2_000_000;
    const a = throttle();
    const b = throttle();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).reserve('u2', 'ip2')));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    // (while refused attempts are being given back, the address may briefly look over its budget)
    for (const r of results) if (!r.ok) expect(['account_backoff', 'address_limit']).toContain(r.reason);
    // afterwards only the three granted attempts count, on the account and on the address
    expect(await db().all('SELECT key, failures FROM login_throttle WHERE key IN (?, ?) ORDER BY key', ['account:u2', 'address:ip2'])).toEqual([
      { key: 'account:u2', failures: 3 },
      { key: 'address:ip2', failures: 3 },
    ]);
  });

  it('a success clears the account and gives the address its attempt back; succeeding twice changes nothing', async () => {
    t = 3_000_000;
    const limiter = throttle();
    await failOnce(limiter, 'u3', 'ip3');
    await failOnce(limiter, 'u3', 'ip3');
    const r = await limiter.reserve('u3', 'ip3');
    if (!r.ok) throw new Error('refused');
    await r.ticket.succeed();
    await r.ticket.succeed();
    for (let i = 0; i < 3; i++) await failOnce(limiter, 'u3', 'ip3');
    expect((await limiter.reserve('u3', 'ip3')).ok).toBe(false);
    expect(await db().get('SELECT failures FROM login_throttle WHERE key = ?', ['address:ip3'])).toEqual({ failures: 5 });
  });

  it('the address budget stops a spray over many usernames, and frees up as the window runs out', async () => {
    t = 4_000_000;
    const limiter = throttle();
    for (let i = 0; i < 20; i++) await failOnce(limiter, `spray${i}`, 'ip4');
    expect(await limiter.reserve('fresh-user', 'ip4')).toMatchObject({ ok: false, reason: 'address_limit', retryAfterSeconds: 60 });
    // the refused attempt did not count against the account it named
    expect(await db().get('SELECT failures FROM login_throttle WHERE key = ?', ['account:fresh-user'])).toEqual({ failures: 0 });
    expect((await limiter.reserve('fresh-user', 'another-ip')).ok).toBe(true);
    t += 60_001;
    expect((await limiter.reserve('fresh-user', 'ip4')).ok).toBe(true);
  });

  it('an unlock lifts the lockout at once; counters with nothing left to remember are purged', async () => {
    t = 5_000_000;
    const limiter = throttle();
    for (let i = 0; i < 6; i++) {
      await failOnce(limiter, 'u5', 'ip5');
      t += 8000;
    }
    expect(await limiter.reserve('u5', 'ip5')).toMatchObject({ ok: false, reason: 'account_locked' });
    expect(await limiter.unlock('U5')).toBe(true);
    expect((await limiter.reserve('u5', 'ip5')).ok).toBe(true);
    expect(await limiter.unlock('nobody-here')).toBe(false);
    t += 10 * 60_000;
    expect(await limiter.purgeSoon()).toBeGreaterThan(0);
    expect(await db().get('SELECT COUNT(*) AS n FROM login_throttle WHERE key IN (?, ?)', ['account:u5', 'address:ip5'])).toEqual({ n: 0 });
  });
});

describe('auth endpoints', () => {
  let server: TestServer;
  let clock = new Date('2026-10-15T02:00:00Z').getTime();

  beforeAll(async () => {
    server = await startPlatformServer({ now: () => new Date(clock) });
  });
  afterAll(() => server.close());

  it('login → token and the user with role and unit', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234' } });
    expect(res.status).toBe(200);
    const body = LoginResponseSchema.parse(res.body);
    expect(body.user).toEqual({ username: 'demo-village', role: 'village', unit: { code: '532301101201', name: '示范村', level: 'village' } });
    expect(Buffer.from(body.token, 'base64url')).toHaveLength(32);
    expect(new Date(body.expiresAt).getTime()).toBe(clock + 12 * 3600_000);
  });

  it('the token is stored only as its sha256', async () => {
    const token = await server.login('demo-township');
    const rows = await server.deps.db.all<{ token_hash: string }>('SELECT token_hash FROM tokens');
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('admin sits at the prefecture', async () => {
    const token = await server.login('demo-admin');
    const me = await server.request('GET', '/api/v1/me', { token });
    expect(me.body.user).toMatchObject({ role: 'admin', unit: { code: '5323', level: 'prefecture' } });
  });

  it('wrong password and unknown user → the same 401', async () => {
    const wrong = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-county', password: 'nope' } });
    const unknown = await server.request('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('bad_credentials');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('missing, malformed, unknown and revoked tokens → 401 JSON', async () => {
    const none = await server.request('GET', '/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    for (const authorization of ['Bearer', 'Bearer abc', 'Basic ZGVtbzpkZW1v', `Bearer ${'A'.repeat(43)}`, 'Bearer \' OR 1=1 --']) {
      const res = await server.request('GET', '/api/v1/me', { headers: { authorization } });
      expect(res.status).toBe(401);
    }
  });

  it('logout revokes the token; another session stays valid', async () => {
    const a = await server.login('demo-county');
    const b = await server.login('demo-county');
    const out = await server.request('POST', '/api/v1/auth/logout', { token: a });
    expect(out.status).toBe(200);
    expect((await server.request('GET', '/api/v1/me', { token: a })).status).toBe(401);
    expect((await server.request('GET', '/api/v1/me', { token: b })).status).toBe(200);
  });

  it('a token expires after tokenTtlHours', async () => {
    const token = await server.login('demo-prefecture');
    clock += 12 * 3600_000 - 1000;
    expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(200);
    clock += 2000;
    expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('a deactivated user can neither log in nor use an existing token', async () => {
    const token = await server.login('demo-village2');
    await server.deps.db.run("UPDATE users SET active = 0 WHERE username = 'demo-village2'");
    expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(401);
    const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village2', password: 'demo1234' } });
    expect(res.status).toBe(401);
    await server.deps.db.run("UPDATE users SET active = 1 WHERE username = 'demo-village2'");
  });

  const wrongLogin = (username: string, i: number) =>
    server.request('POST', '/api/v1/auth/login', { body: { username, password: `wrong${i}` } });

  it('30 parallel wrong guesses: at most 10 reach the password check, the rest get 429 with Retry-After', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => wrongLogin('demo-township2', i)));
    const verified = results.filter((r) => r.status === 401);
    const refused = results.filter((r) => r.status === 429);
    expect(verified.length).toBeGreaterThanOrEqual(1);
    expect(verified.length).toBeLessThanOrEqual(10);
    expect(verified.length + refused.length).toBe(30);
    for (const r of refused) {
      expect(r.body.error.code).toBe('too_many_attempts');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const audited = await server.deps.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.login_failed' AND target = (SELECT 'user:' || id FROM users WHERE username = 'demo-township2')",
    );
    expect(audited!.n).toBe(verified.length);
    // Even the right password waits out the backoff.
    const right = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township2', password: 'demo1234' } });
    expect(right.status).toBe(429);
  });

  it('a locked account ends its lockout after 15 minutes (injected clock)', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await wrongLogin('demo-county2', i);
      expect(res.status).toBe(401);
      clock += 61_000; // past any backoff, so every guess is verified until the lockout
    }
    const locked = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-county2', password: 'demo1234' } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(13 * 60);
    clock += 15 * 60_000;
    const later = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-county2', password: 'demo1234' } });
    expect(later.status).toBe(200);
  });

  it('shared office address: a colleague lockout and many typos do not block another account (right password)', async () => {
    // One account locked from this address …
    for (let i = 0; i < 12; i++) {
      await wrongLogin('demo-township2', i);
      clock += 61_000;
    }
    expect((await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township2', password: 'demo1234' } })).status).toBe(429);
    // … and 60 more typos by 30 other people behind the same NAT address (more than the old 50-per-address limit).
    for (let i = 0; i < 60; i++) expect((await wrongLogin(`colleague${i % 30}`, i)).status).toBe(401);
    const other = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-county', password: 'demo1234' } });
    expect(other.status).toBe(200);
  });

  it('logins and failures are audited without the password', async () => {
    const rows = await server.deps.db.all<{ action: string; detail: string; target: string }>(
      "SELECT action, target, detail FROM audit_log WHERE action LIKE 'auth.%'",
    );
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'auth.logout']));
    expect(JSON.stringify(rows)).not.toMatch(/demo1234|wrong\d/);
  });
});

describe('two apps on one database share the login throttle', () => {
  it('parallel wrong guesses split over both reach the password check only as often as one app allows', async () => {
    const first = await startPlatformServer();
    const second = await startTestServer({ routes: PLATFORM_ROUTES, seed: false, dbFile: first.dbFile });
    try {
      const servers = [first, second];
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => servers[i % 2].request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: `wrong${i}` } })),
      );
      // 3 free attempts in all (each app counting its own would let 6 through)
      expect(results.filter((r) => r.status === 401)).toHaveLength(3);
      const refused = results.filter((r) => r.status === 429);
      expect(refused).toHaveLength(27);
      for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await second.request('POST', '/api/v1/auth/login', { body: { username: 'demo-village', password: 'demo1234' } })).status).toBe(429);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
