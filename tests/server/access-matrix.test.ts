/**
 * The access matrix, GENERATED from ALL_ROUTES: every endpoint × every role × own unit / foreign
 * unit / no token. A new RouteSpec is covered without touching this file (give it an `example`
 * so its "own" request is valid). Expectations:
 *   - no token → 401 (public routes: anything but 401);
 *   - role not in spec.roles → 403;
 *   - own unit (or no unit parameter) → neither 401 nor 403, and no 5xx;
 *   - foreign unit (outside the user's subtree, incl. an ancestor) → 403.
 */
import type { UnitLevel } from '../../ledger/units';
import { isInSubtree, UNIT_CODE_LENGTH } from '../../ledger/units';
import { ROLES, type Role, type RouteSpec } from '../../server/http/route-table';
import { ALL_ROUTES } from '../../server/routes';
import { DEMO_ACCOUNTS, DEMO_UNITS } from '../../server/seed/demo-units';
import { startTestServer, type TestServer } from './helpers';

const USER_OF_ROLE: Record<Role, string> = {
  village: 'demo-village',
  township: 'demo-township',
  county: 'demo-county',
  prefecture: 'demo-prefecture',
  admin: 'demo-admin',
};

function unitOf(role: Role): string {
  return DEMO_ACCOUNTS.find((a) => a.username === USER_OF_ROLE[role])!.unitCode;
}

const PREFERRED = ['532301101201', '532301101', '532301', '5323'];

/** A seeded unit of `level` inside the subtree of `scope` (preferring the demo accounts' units). */
function ownUnit(scope: string, level: UnitLevel | undefined): string | undefined {
  if (!level) return scope;
  const candidates = [...PREFERRED, ...DEMO_UNITS.map((u) => u.code)];
  return candidates.find((code) => code.length === UNIT_CODE_LENGTH[level] && isInSubtree(scope, code));
}

/** A unit of `level` outside the subtree of `scope`: a seeded one, else the same code in another prefecture. */
function foreignUnit(scope: string, level: UnitLevel | undefined): string {
  const length = level ? UNIT_CODE_LENGTH[level] : scope.length;
  const seeded = DEMO_UNITS.find((u) => u.code.length === length && !isInSubtree(scope, u.code) && !isInSubtree(u.code, scope));
  if (seeded) return seeded.code;
  const template = DEMO_UNITS.find((u) => u.code.length === length)!.code;
  return `5301${template.slice(4)}`; // 昆明 — never in a Chuxiong user's subtree
}

/** An ancestor of `scope` of `level` (a township user asking for the county's data, …). */
function ancestorUnit(scope: string, level: UnitLevel | undefined): string | undefined {
  if (!level) return undefined;
  const length = UNIT_CODE_LENGTH[level];
  return length < scope.length ? scope.slice(0, length) : undefined;
}

function buildPath(spec: RouteSpec, unit: string | undefined): string {
  const params = { ...(spec.example?.params ?? {}) };
  if (spec.unitParam && unit) params[spec.unitParam] = unit;
  const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const query = new URLSearchParams(spec.example?.query ?? {}).toString();
  return `/api/v1${path}${query ? `?${query}` : ''}`;
}

async function send(server: TestServer, spec: RouteSpec, unit: string | undefined, token: string | undefined) {
  const path = buildPath(spec, unit);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: BodyInit | undefined;
  if (spec.multipart) {
    const form = new FormData();
    for (const [key, value] of Object.entries((spec.example?.body as Record<string, unknown>) ?? {})) form.append(key, String(value));
    const file = spec.example?.file ?? { name: 'example.csv', text: 'a,b\n1,2\n' };
    form.append('file', new Blob([file.text]), file.name);
    body = form;
  } else if (spec.method !== 'get' && spec.method !== 'delete') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.example?.body ?? {});
  }
  const res = await fetch(server.baseUrl + path, { method: spec.method.toUpperCase(), headers, body });
  const text = await res.text();
  return { status: res.status, text, path };
}

describe('access matrix (generated from ALL_ROUTES)', () => {
  let server: TestServer;
  const tokens = new Map<Role, string>();

  /** A valid token for the role (logs in again when a route such as logout revoked it). */
  async function tokenFor(role: Role): Promise<string> {
    const cached = tokens.get(role);
    if (cached) {
      const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${cached}` } });
      if (me.status === 200) return cached;
    }
    const token = await server.login(USER_OF_ROLE[role]);
    tokens.set(role, token);
    return token;
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('covers every route (the matrix is not empty)', () => {
    expect(ALL_ROUTES.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(ALL_ROUTES.map((spec) => [`${spec.method.toUpperCase()} ${spec.path}`, spec] as const))('%s', (_name, spec) => {
    it('without a token', async () => {
      const unit = spec.unitParam ? ownUnit(unitOf('prefecture'), spec.unitLevel) : undefined;
      const res = await send(server, spec, unit, undefined);
      if (spec.auth === 'public') {
        expect(res.status).not.toBe(401);
        expect(res.status).toBeLessThan(500);
      } else {
        expect({ path: res.path, status: res.status }).toEqual({ path: res.path, status: 401 });
        expect(JSON.parse(res.text).error.code).toBe('unauthorized');
      }
    });

    it.each(ROLES.map((role) => [role]))('as %s', async (role) => {
      if (spec.auth === 'public') {
        const res = await send(server, spec, undefined, await tokenFor(role));
        expect(res.status).not.toBe(401);
        expect(res.status).not.toBe(403);
        return;
      }
      const allowed = !spec.roles || spec.roles.includes(role);
      const scope = unitOf(role);
      const own = spec.unitParam ? ownUnit(scope, spec.unitLevel) : undefined;

      if (!spec.unitParam || own) {
        const res = await send(server, spec, own, await tokenFor(role));
        const outcome = { path: res.path, status: res.status, body: res.status >= 500 || (allowed && [401, 403].includes(res.status)) ? res.text : '' };
        if (allowed) {
          expect(outcome.status).not.toBe(401);
          expect(outcome.status).not.toBe(403);
          expect(outcome.status).toBeLessThan(500);
        } else {
          expect(outcome).toEqual({ ...outcome, status: 403 });
        }
      }

      if (spec.unitParam) {
        const foreign = foreignUnit(scope, spec.unitLevel);
        const res = await send(server, spec, foreign, await tokenFor(role));
        expect({ path: res.path, status: res.status }).toEqual({ path: res.path, status: 403 });
        const ancestor = ancestorUnit(scope, spec.unitLevel);
        if (ancestor) {
          const up = await send(server, spec, ancestor, await tokenFor(role));
          expect({ path: up.path, status: up.status }).toEqual({ path: up.path, status: 403 });
        }
      }
    });
  });

  /** Generated too: every JSON body endpoint refuses a field it does not know. */
  const withBodies = ALL_ROUTES.filter(
    (spec) => spec.body && !spec.multipart && spec.auth === 'user' && isPlainObject(spec.example?.body ?? {}),
  );
  const bodyCases = withBodies.map((spec) => [`${spec.method.toUpperCase()} ${spec.path}`, spec] as const);
  if (bodyCases.length > 0) describe.each(bodyCases)('%s unknown body field', (_name, spec) => {
    it('→ 400 naming the field', async () => {
      const role = ROLES.find((r) => (!spec.roles || spec.roles.includes(r)) && (!spec.unitParam || ownUnit(unitOf(r), spec.unitLevel)))!;
      const unit = spec.unitParam ? ownUnit(unitOf(role), spec.unitLevel) : undefined;
      const injected = { ...spec, example: { ...spec.example, body: { ...(spec.example?.body as object), injectedField: 1 } } };
      const res = await send(server, injected, unit, await tokenFor(role));
      expect({ path: res.path, status: res.status }).toEqual({ path: res.path, status: 400 });
      expect(res.text).toContain('injectedField');
    });
  });
  it('every 2xx answer above matched its route\'s response schema', () => {
    const mismatches = server
      .logText()
      .split('\n')
      .filter((line) => line.includes('response does not match its schema'));
    expect(mismatches).toEqual([]);
  });
});

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
