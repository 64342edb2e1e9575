import { LoginResponseSchema } from '../../ledger/api/auth';
import { hashPassword, verifyPassword } from '../../server/auth/password';
import { LoginRateLimiter } from '../../server/auth/rate-limit';
import { hashToken } from '../../server/auth/tokens';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
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

describe('login rate limiter', () => {
  it('blocks a username+ip after the limit until the window passes; success resets', () => {
    let t = 0;
    const limiter = new LoginRateLimiter(() => new Date(t), { windowMs: 1000, maxPerUserIp: 3, maxPerIp: 10 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds('u', 'ip')).toBe(0);
      limiter.fail('u', 'ip');
    }
    expect(limiter.retryAfterSeconds('u', 'ip')).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('other', 'ip')).toBe(0);
    expect(limiter.retryAfterSeconds('u', 'other-ip')).toBe(0);
    t = 1001;
    expect(limiter.retryAfterSeconds('u', 'ip')).toBe(0);
    limiter.fail('u', 'ip');
    limiter.succeed('u', 'ip');
    expect(limiter.retryAfterSeconds('u', 'ip')).toBe(0);
  });

  it('blocks an address spraying many usernames', () => {
    const limiter = new LoginRateLimiter(() => new Date(0), { windowMs: 1000, maxPerUserIp: 3, maxPerIp: 5 });
    for (let i = 0; i < 5; i++) limiter.fail(`user${i}`, 'ip');
    expect(limiter.retryAfterSeconds('fresh-user', 'ip')).toBeGreaterThan(0);
  });
});

describe('auth endpoints', () => {
  let server: TestServer;
  let clock = new Date('2026-10-15T02:00:00Z').getTime();

  beforeAll(async () => {
    server = await startTestServer({ routes: PLATFORM_ROUTES, seed: 'platform', now: () => new Date(clock) });
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

  it('login is rate limited: after 5 failures even the right password gets 429', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township2', password: `wrong${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township2', password: 'demo1234' } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock += 16 * 60_000;
    const later = await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo-township2', password: 'demo1234' } });
    expect(later.status).toBe(200);
  });

  it('logins and failures are audited without the password', async () => {
    const rows = await server.deps.db.all<{ action: string; detail: string; target: string }>(
      "SELECT action, target, detail FROM audit_log WHERE action LIKE 'auth.%'",
    );
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'auth.logout']));
    expect(JSON.stringify(rows)).not.toMatch(/demo1234|wrong\d/);
  });
});
