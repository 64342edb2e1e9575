import { ROLES } from '../../server/http/route-table';
import { roleFitsUnit } from '../../server/auth/users';
import { DEMO_ACCOUNTS, DEMO_UNITS } from '../../server/seed/demo-units';
import { runPlatformSeed } from '../../server/seed';
import { REAL_UNITS } from '../../server/units/real-units';
import { startTestServer, type TestServer } from './helpers';

describe('demo seed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ routes: [], seed: 'platform' });
  });
  afterAll(() => server.close());

  it('has the prefecture, its 10 counties, the real townships and the required villages', async () => {
    const units = await server.deps.db.all<{ code: string; name: string; level: string; parent_code: string | null; invented: number }>(
      'SELECT * FROM units',
    );
    const byCode = new Map(units.map((u) => [u.code, u]));
    expect(byCode.get('5323')).toMatchObject({ level: 'prefecture', parent_code: null, invented: 0 });
    const counties = units.filter((u) => u.level === 'county').map((u) => u.code).sort();
    expect(counties).toEqual(['532301', '532302', '532322', '532323', '532324', '532325', '532326', '532327', '532328', '532329']);
    for (const [code, name] of [
      ['532301101', '鹿城镇'], ['532301102', '东瓜镇'], ['532301103', '吕合镇'], ['532322101', '妥甸镇'],
      ['532322102', '大庄镇'], ['532328101', '元马镇'], ['532328103', '黄瓜园镇'],
    ]) {
      expect(byCode.get(code)).toMatchObject({ name, level: 'township', invented: 0 });
    }
    expect(byCode.get('532301101201')).toMatchObject({ name: '示范村', parent_code: '532301101', level: 'village' });
    expect(byCode.get('532301102201')).toMatchObject({ parent_code: '532301102', level: 'village' });
  });

  it('every county has a township and a village; every village is marked made up; parents exist', async () => {
    for (const county of DEMO_UNITS.filter((u) => u.level === 'county')) {
      expect(DEMO_UNITS.some((u) => u.level === 'township' && u.parentCode === county.code)).toBe(true);
      expect(DEMO_UNITS.some((u) => u.level === 'village' && u.code.startsWith(county.code))).toBe(true);
    }
    for (const unit of DEMO_UNITS) {
      if (unit.level === 'village') {
        expect(unit.invented).toBe(true);
        const suffix = Number(unit.code.slice(9));
        expect(unit.name.endsWith('社区') ? suffix <= 199 : suffix >= 200 && suffix <= 399).toBe(true);
      }
      if (unit.parentCode) expect(DEMO_UNITS.some((p) => p.code === unit.parentCode)).toBe(true);
    }
  });

  it('demo accounts: every role, role fits the unit, passwords hashed', async () => {
    const users = await server.deps.db.all<{ username: string; role: string; unit_code: string; password_hash: string }>('SELECT * FROM users');
    for (const name of ['demo-village', 'demo-township', 'demo-county', 'demo-prefecture', 'demo-admin']) {
      expect(users.map((u) => u.username)).toContain(name);
    }
    expect(new Set(users.map((u) => u.role))).toEqual(new Set(ROLES));
    expect(users.find((u) => u.username === 'demo-village')!.unit_code).toBe('532301101201');
    expect(users.find((u) => u.username === 'demo-admin')!.unit_code).toBe('5323');
    for (const account of DEMO_ACCOUNTS) expect(roleFitsUnit(account.role, account.unitCode)).toBe(true);
    for (const user of users) expect(user.password_hash).toMatch(/^scrypt\$/);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const before = await server.deps.db.all('SELECT * FROM users ORDER BY id');
    const unitsBefore = await server.deps.db.all('SELECT * FROM units ORDER BY code');
    expect(await runPlatformSeed(server.deps)).toBe(true);
    expect(await server.deps.db.all('SELECT * FROM users ORDER BY id')).toEqual(before);
    expect(await server.deps.db.all('SELECT * FROM units ORDER BY code')).toEqual(unitsBefore);
  });
});

describe('production mode', () => {
  const saved = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = saved;
  });

  it('never creates demo accounts when demo is off', async () => {
    const server = await startTestServer({ routes: [], config: { demo: false } });
    try {
      expect((await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('never creates demo accounts when NODE_ENV=production, even if the config says demo', async () => {
    process.env.NODE_ENV = 'production';
    const server = await startTestServer({ routes: [], config: { demo: true } });
    try {
      expect((await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('real units (what a production install seeds)', () => {
  it('lists no invented unit, parents before children, and the demo is these plus invented ones', () => {
    const seen = new Set<string>();
    for (const unit of REAL_UNITS) {
      expect(unit.invented).toBe(false);
      if (unit.parentCode !== null) expect(seen.has(unit.parentCode)).toBe(true);
      seen.add(unit.code);
    }
    expect(REAL_UNITS.filter((unit) => unit.level === 'county')).toHaveLength(10);
    expect(DEMO_UNITS.slice(0, REAL_UNITS.length)).toEqual(REAL_UNITS);
    expect(DEMO_UNITS.slice(REAL_UNITS.length).every((unit) => unit.invented)).toBe(true);
  });
});
