/**
 * Demo accounts and production on one database (issue 8 part 4), both orders: a production start
 * after demo mode disables every demo account and revokes its tokens; a demo start after production
 * is refused with the reason and the fix.
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { applyServerMode, ServerModeError } from '../../server/seed/server-mode';
import { DEMO_ACCOUNTS } from '../../server/seed/demo-units';
import { startTestServer } from './helpers';
import { makeTestDir } from '../temp-dirs';

describe('demo mode and production on one database', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTestDir('server-mode').dir;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('demo first, then production: every demo account is disabled and its tokens revoked; a real account keeps working', async () => {
    const dbFile = join(dir, 'ledger.sqlite');
    const demo = await startTestServer({ dbFile, seed: 'platform' });
    expect((await applyServerMode(demo.deps)).mode).toBe('demo');
    const token = await demo.login('demo-admin');
    await demo.deps.db.run("INSERT INTO users (username, password_hash, role, unit_code, active, created_at) SELECT 'real.county', password_hash, 'county', '532301', 1, created_at FROM users WHERE username = 'demo-county'");
    await demo.close();

    const prod = await startTestServer({ dbFile, seed: false, config: { demo: false } });
    const result = await applyServerMode(prod.deps);
    expect(result.mode).toBe('production');
    expect(result.demoAccountsDisabled.sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
    expect(result.tokensRevoked).toBeGreaterThanOrEqual(1);
    expect((await prod.request('GET', '/api/v1/me', { token })).status).toBe(401);
    for (const account of DEMO_ACCOUNTS) {
      const res = await prod.request('POST', '/api/v1/auth/login', { body: { username: account.username, password: 'demo1234' } });
      expect(res.status).toBe(401);
    }
    expect((await prod.request('POST', '/api/v1/auth/login', { body: { username: 'real.county', password: 'demo1234' } })).status).toBe(200);
    const audit = await prod.deps.db.all<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'auth.demo_accounts_disabled'");
    expect(audit).toHaveLength(1);
    // A second production start finds nothing left to do.
    expect(await applyServerMode(prod.deps)).toEqual({ mode: 'production', demoAccountsDisabled: [], tokensRevoked: 0 });
    await prod.close();
  });

  it('production first, then demo mode: the start is refused, saying why and how to fix it; no demo account appears', async () => {
    const dbFile = join(dir, 'ledger.sqlite');
    const prod = await startTestServer({ dbFile, seed: false, config: { demo: false } });
    await applyServerMode(prod.deps);
    await prod.close();

    const demo = await startTestServer({ dbFile, seed: false });
    const refused = await applyServerMode(demo.deps).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ServerModeError);
    expect((refused as ServerModeError).zh).toMatch(/拒绝以演示模式启动.*NODE_ENV=production/);
    expect((refused as ServerModeError).en).toMatch(/Refusing to start in demo mode.*NODE_ENV=production/);
    expect(await demo.deps.db.get("SELECT id FROM users WHERE username LIKE 'demo-%'")).toBeUndefined();
    await demo.close();
  });
});
