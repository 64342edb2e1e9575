import { rmSync } from 'fs';
import { join } from 'path';
import { adminCli } from '../../server/cli/admin-cli';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, testDatabaseEnv } from './helpers';
import { makeTestDir } from '../temp-dirs';

describe('admin CLI (production bootstrap without demo data)', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTestDir('admin-cli').dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds real units, adds a village and a user who can then log in; deactivation ends sessions', async () => {
    const db = join(dir, 'prod.sqlite');
    const lines: string[] = [];
    const io = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(`ERR ${t}`) };
    const env = { ...testDatabaseEnv(db), NODE_ENV: 'production' };
    expect(await adminCli(['seed-units'], env, io)).toBe(0);
    expect(await adminCli(['add-unit', '532301101205', '某村'], env, io)).toBe(0);
    expect(await adminCli(['add-unit', '532399101205', '孤村'], env, io)).toBe(1); // parent missing
    expect(await adminCli(['add-user', 'wang.village', 'village', '532301101205'], env, io)).toBe(2); // no password
    expect(await adminCli(['add-user', 'wang.village', 'village', '532301101205'], { ...env, LEDGER_NEW_PASSWORD: 'short' }, io)).toBe(2);
    expect(await adminCli(['add-user', 'wang.village', 'county', '532301101205'], { ...env, LEDGER_NEW_PASSWORD: 'long-enough-1' }, io)).toBe(1);
    expect(await adminCli(['add-user', 'wang.village', 'village', '532301101205'], { ...env, LEDGER_NEW_PASSWORD: 'long-enough-1' }, io)).toBe(0);
    expect(await adminCli(['add-user', 'wang.village', 'village', '532301101205'], { ...env, LEDGER_NEW_PASSWORD: 'long-enough-1' }, io)).toBe(1);
    expect(lines.join('\n')).not.toContain('long-enough-1');

    const server = await startTestServer({ dbFile: db, routes: PLATFORM_ROUTES, config: { demo: false } });
    try {
      const token = await server.login('wang.village', 'long-enough-1');
      const me = await server.request('GET', '/api/v1/me', { token });
      expect(me.body.user.unit).toEqual({ code: '532301101205', name: '某村', level: 'village' });
      // an account that does not exist, or none named: refused, nothing changed
      expect(await adminCli(['deactivate-user', 'nobody'], env, io)).toBe(1);
      expect(await adminCli(['deactivate-user'], env, io)).toBe(1);
      expect(lines.filter((line) => line.startsWith('ERR 用户不存在 / no such user:'))).toEqual(['ERR 用户不存在 / no such user: nobody', 'ERR 用户不存在 / no such user: ']);
      expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(200);
      expect(await adminCli(['deactivate-user', 'wang.village'], env, io)).toBe(0);
      expect(lines).toContain('已停用 / deactivated: wang.village');
      expect((await server.request('GET', '/api/v1/me', { token })).status).toBe(401);
      const users = await server.deps.db.all<{ username: string }>('SELECT username FROM users');
      expect(users.map((u) => u.username)).toEqual(['wang.village']); // no demo accounts
    } finally {
      await server.close();
    }
  });
});
