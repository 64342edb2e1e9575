/**
 * Issue 8 leftovers of the sign-in limit: the per-address budget behind a reverse proxy
 * (TRUST_PROXY) and an administrator's early unlock of a locked account (admin-cli unlock-user).
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { adminCli } from '../../server/cli/admin-cli';
import { DEFAULT_LOGIN_LIMITS } from '../../server/auth/rate-limit';
import { loadConfig, trustProxyFrom } from '../../server/config';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, testDatabaseEnv, type TestServer } from './helpers';
import { startPlatformServer } from './auth-helpers';
import { makeTestDir } from '../temp-dirs';

const LOGIN = '/api/v1/auth/login';

/** Two failures per address are allowed; accounts never lock in these address tests. */
const ADDRESS_LIMITS = { ...DEFAULT_LOGIN_LIMITS, maxFailuresPerIp: 2, freeAttempts: 100, lockoutAfter: 100 };

async function wrongPassword(server: TestServer, username: string, forwardedFor?: string): Promise<number> {
  const res = await server.request('POST', LOGIN, {
    body: { username, password: 'wrong-password' },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  return res.status;
}

describe('TRUST_PROXY: the address the per-address sign-in limit counts', () => {
  it('reads off, a hop count, or proxy addresses; refuses "true" and malformed addresses', () => {
    expect(trustProxyFrom(undefined)).toBeUndefined();
    expect(trustProxyFrom('')).toBeUndefined();
    expect(trustProxyFrom('false')).toBeUndefined();
    expect(trustProxyFrom('0')).toBeUndefined();
    expect(trustProxyFrom('1')).toEqual({ hops: 1 });
    expect(trustProxyFrom(' 127.0.0.1, 10.0.0.0/8 ,::1,loopback')).toEqual({ addresses: ['127.0.0.1', '10.0.0.0/8', '::1', 'loopback'] });
    expect(() => trustProxyFrom('true')).toThrow(/TRUST_PROXY.*true/);
    expect(() => trustProxyFrom('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => trustProxyFrom('proxy.example')).toThrow(/proxy\.example/);
    expect(() => trustProxyFrom('11')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxyFrom(',')).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({}).trustProxy).toBeUndefined();
  });

  it('off (default): a spoofed X-Forwarded-For is ignored — every attempt counts against the socket address', async () => {
    const server = await startPlatformServer({ config: { loginLimits: ADDRESS_LIMITS } });
    try {
      expect(await wrongPassword(server, 'someone-1', '203.0.113.1')).toBe(401);
      expect(await wrongPassword(server, 'someone-2', '203.0.113.2')).toBe(401);
      // a third "client" is the same 127.0.0.1: its budget is spent
      expect(await wrongPassword(server, 'someone-3', '203.0.113.3')).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('with the proxy named: the client in front of it is counted, and a client-made X-Forwarded-For entry is not', async () => {
    const server = await startPlatformServer({ config: { loginLimits: ADDRESS_LIMITS, trustProxy: { addresses: ['loopback'] } } });
    try {
      expect(await wrongPassword(server, 'someone-1', '203.0.113.5')).toBe(401);
      expect(await wrongPassword(server, 'someone-2', '203.0.113.5')).toBe(401);
      expect(await wrongPassword(server, 'someone-3', '203.0.113.5')).toBe(429);
      // another client behind the same proxy has its own budget
      expect(await wrongPassword(server, 'someone-4', '203.0.113.6')).toBe(401);
      // the proxy appends the real address; what the client put in front is not believed
      expect(await wrongPassword(server, 'someone-5', '198.51.100.9, 203.0.113.5')).toBe(429);
      const right = await server.request('POST', LOGIN, { body: { username: 'demo-village', password: 'demo1234' }, headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(right.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('with a hop count: the address one hop in front of the server is counted', async () => {
    const server = await startPlatformServer({ config: { loginLimits: ADDRESS_LIMITS, trustProxy: { hops: 1 } } });
    try {
      expect(await wrongPassword(server, 'someone-1', '198.51.100.1, 203.0.113.8')).toBe(401);
      expect(await wrongPassword(server, 'someone-2', '198.51.100.2, 203.0.113.8')).toBe(401);
      expect(await wrongPassword(server, 'someone-3', '198.51.100.3, 203.0.113.8')).toBe(429);
      expect(await wrongPassword(server, 'someone-4', '203.0.113.9')).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('admin-cli unlock-user: lifting a login lockout early', () => {
  it('a locked account signs in again after the command; the unlock is audited; unknown users are refused', async () => {
    const dir = makeTestDir('unlock').dir;
    const db = join(dir, 'prod.sqlite');
    const lines: string[] = [];
    const io = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(`ERR ${t}`) };
    const env = { ...testDatabaseEnv(db), NODE_ENV: 'production' };
    try {
      expect(await adminCli(['seed-units'], env, io)).toBe(0);
      expect(await adminCli(['add-unit', '532301101205', '某村'], env, io)).toBe(0);
      expect(await adminCli(['add-user', 'li.village', 'village', '532301101205'], { ...env, LEDGER_NEW_PASSWORD: 'right-password-1' }, io)).toBe(0);
      const server = await startTestServer({
        dbFile: db,
        routes: PLATFORM_ROUTES,
        seed: false,
        config: { demo: false, loginLimits: { ...DEFAULT_LOGIN_LIMITS, freeAttempts: 1, backoffBaseMs: 0, backoffMaxMs: 0, lockoutAfter: 2 } },
      });
      try {
        const attempt = (password: string) => server.request('POST', LOGIN, { body: { username: 'li.village', password } });
        // no backoff here: the second failure locks the account (for 15 minutes)
        expect((await attempt('wrong-password')).status).toBe(401);
        expect((await attempt('wrong-password')).status).toBe(401);
        const locked = await attempt('right-password-1');
        expect(locked.status).toBe(429);
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);

        expect(await adminCli(['unlock-user', 'nobody'], env, io)).toBe(1);
        expect(await adminCli(['unlock-user', 'li.village'], env, io)).toBe(0);
        expect((await attempt('right-password-1')).status).toBe(200);
        const audit = await server.deps.db.all<{ action: string; target: string }>("SELECT action, target FROM audit_log WHERE action = 'admin.user_unlock'");
        const user = await server.deps.db.get<{ id: number }>("SELECT id FROM users WHERE username = 'li.village'");
        expect(audit).toEqual([{ action: 'admin.user_unlock', target: `user:${user?.id}` }]);
      } finally {
        await server.close();
      }
      expect(lines.join('\n')).toContain('login lockout lifted: li.village');
      expect(lines.join('\n')).not.toContain('right-password-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
