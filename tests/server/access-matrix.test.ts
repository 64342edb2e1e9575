/**
 * The access matrix, GENERATED from ALL_ROUTES: every endpoint × every role × own unit / foreign
 * unit / no token. A new RouteSpec is covered without touching this file (give it an `example`
 * so its "own" request is valid). Expectations:
 *   - no token → 401 (public routes: anything but 401);
 *   - role not in spec.roles → 403;
 *   - own unit (or no unit parameter) → neither 401 nor 403, and no 5xx;
 *   - foreign unit (outside the user's subtree, incl. an ancestor) → 403;
 *   - lead-scoped routes (no unit parameter: the lead is the scope) take seeded leads through a
 *     scope hook (LEAD_SCOPED below): own lead → allowed; a lead outside the user's subtree → the
 *     very 404 an unknown lead gets (lead numbers are sequential: no probing of other units);
 *   - every write (non-GET) that succeeds (2xx) left an audit_log row with its X-Request-Id.
 */
import type { UnitLevel } from '../../ledger/units';
import { isInSubtree, UNIT_CODE_LENGTH } from '../../ledger/units';
import { ROLES, type Role, type RouteSpec } from '../../server/http/route-table';
import { whenRead } from '../../server/imports/service';
import { ALL_ROUTES } from '../../server/routes';
import { DEMO_ACCOUNTS, DEMO_UNITS } from '../../server/seed/demo-units';
import { startTestServer, type TestServer } from './helpers';
import { MEDICAL_HEADER, csvFile, importFile, medicalRow, people } from './leads-helpers';

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

/** Per-request replacements of the example (path parameters, body) — the lead scope hook. */
interface Overrides {
  params?: Record<string, string>;
  body?: unknown;
}

function buildPath(spec: RouteSpec, unit: string | undefined, overrides: Overrides = {}): string {
  const params = { ...(spec.example?.params ?? {}), ...(overrides.params ?? {}) };
  const queryParams: Record<string, string> = { ...(spec.example?.query ?? {}) };
  if (spec.unitParam && unit) (spec.unitIn === 'query' ? queryParams : params)[spec.unitParam] = unit;
  const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const query = new URLSearchParams(queryParams).toString();
  return `/api/v1${path}${query ? `?${query}` : ''}`;
}

let requestCounter = 0;
/** Write routes (METHOD path) that answered 2xx at least once, each checked for its audit row. */
const succeededWrites = new Set<string>();

async function send(server: TestServer, spec: RouteSpec, unit: string | undefined, token: string | undefined, overrides: Overrides = {}) {
  const path = buildPath(spec, unit, overrides);
  const requestId = `matrix-${process.pid}-${++requestCounter}`;
  const headers: Record<string, string> = { 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const exampleBody = overrides.body ?? spec.example?.body;
  let body: BodyInit | undefined;
  if (spec.multipart) {
    const form = new FormData();
    for (const [key, value] of Object.entries((exampleBody as Record<string, unknown>) ?? {})) form.append(key, String(value));
    const file = spec.example?.file ?? { name: 'example.csv', text: 'a,b\n1,2\n' };
    form.append('file', new Blob([file.text]), file.name);
    body = form;
  } else if (spec.method !== 'get' && spec.method !== 'delete') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(exampleBody ?? {});
  }
  const res = await fetch(server.baseUrl + path, { method: spec.method.toUpperCase(), headers, body });
  const text = await res.text();
  if (spec.method !== 'get' && res.status >= 200 && res.status < 300) {
    // Every write is audited: checked generically for every route, under the server-made id of the
    // request (the client's own X-Request-Id is only echoed back, never the audit key).
    expect(res.headers.get('x-client-request-id')).toBe(requestId);
    const auditId = res.headers.get('x-request-id');
    expect(auditId).not.toBe(requestId);
    const audited = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE request_id = ?', [auditId]);
    expect({ route: `${spec.method.toUpperCase()} ${spec.path}`, path, status: res.status, audited: audited!.n > 0 }).toEqual({
      route: `${spec.method.toUpperCase()} ${spec.path}`,
      path,
      status: res.status,
      audited: true,
    });
    succeededWrites.add(`${spec.method.toUpperCase()} ${spec.path}`);
  }
  return { status: res.status, text, path };
}

// ---------------------------------------------------------------------------------------------
// Lead scope hook: lead-scoped routes have no unit parameter, so the matrix picks seeded leads
// (the demo seed's 楚雄市 leads, plus one lead of 双柏县 imported in beforeAll) for own/foreign.

type LeadPick = { state?: string; unitLevel?: UnitLevel };

function isLeadScoped(spec: RouteSpec): boolean {
  const body = spec.example?.body;
  return spec.path.includes(':leadNo') || (isPlainObject(body) && 'leadNos' in (body as object));
}

/** The request for a lead-scoped route as `role`: which lead to take and how to fill the request. */
const LEAD_SCOPED: Record<string, (role: Role, scope: string) => { pick: LeadPick; fill(leadNo: string): Overrides }> = {
  'GET /leads/:leadNo': () => ({ pick: {}, fill: (leadNo) => ({ params: { leadNo } }) }),
  'POST /leads/:leadNo/pull': () => ({
    pick: { state: '已下发村', unitLevel: 'village' },
    fill: (leadNo) => ({ params: { leadNo }, body: { rowId: '6f1c2a9e-0000-4000-8000-000000000001' } }),
  }),
  'POST /leads/dispatch': (role, scope) => {
    // county (and admin) → a township of its own; township → a village of its own
    const toUnitCode = role === 'township' ? ownUnit(scope, 'village')! : role === 'admin' ? '532301101' : ownUnit(scope, 'township') ?? '532301101';
    const fromTownship = toUnitCode.length === UNIT_CODE_LENGTH.village;
    return {
      pick: fromTownship ? { state: '已派至乡镇', unitLevel: 'township' } : { state: '待分派', unitLevel: 'county' },
      fill: (leadNo) => ({ body: { leadNos: [leadNo], toUnitCode, note: '请于时限内核实' } }),
    };
  },
};

function inScope(scope: string, unitCode: string): boolean {
  return isInSubtree(scope, unitCode);
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

  /** Every seeded lead: number, unit, state (read once the seed and the extra import are done). */
  let leads: { lead_no: string; unit_code: string; state: string }[] = [];

  async function refreshLeads(): Promise<void> {
    leads = await server.deps.db.all('SELECT lead_no, unit_code, state FROM leads ORDER BY lead_no');
  }

  /** A lead in the user's subtree fit for the request (else any lead in the subtree: the route then answers 409). */
  async function ownLead(scope: string, pick: LeadPick): Promise<string> {
    await refreshLeads();
    const mine = leads.filter((l) => inScope(scope, l.unit_code));
    const fit = mine.filter(
      (l) => (!pick.state || l.state === pick.state) && (!pick.unitLevel || l.unit_code.length === UNIT_CODE_LENGTH[pick.unitLevel]),
    );
    const chosen = fit[0] ?? mine[0];
    if (!chosen) throw new Error(`no seeded lead in the subtree of ${scope}`);
    return chosen.lead_no;
  }

  /** A lead outside the user's subtree, preferring one fit for the request (its state would not stop it). */
  async function foreignLead(scope: string, pick: LeadPick): Promise<string | undefined> {
    await refreshLeads();
    const theirs = leads.filter((l) => !inScope(scope, l.unit_code));
    return (theirs.find((l) => !pick.state || l.state === pick.state) ?? theirs[0])?.lead_no;
  }

  /** Any import of the county, read to the end (so the commit example can be exercised). */
  async function ownImport(county: string): Promise<string | undefined> {
    const row = await server.deps.db.get<{ id: string }>(
      "SELECT id FROM imports WHERE county_code = ? ORDER BY CASE state WHEN 'ready' THEN 0 ELSE 1 END, created_at DESC LIMIT 1",
      [county],
    );
    if (row) await whenRead(row.id);
    return row?.id;
  }

  beforeAll(async () => {
    server = await startTestServer();
    // one lead of another county (双柏县, 532322) so that a county user has a foreign lead to probe
    const [person] = people(4242, 1, '532322');
    await importFile(server, await server.login('demo-county2'), { buffer: csvFile(MEDICAL_HEADER, [medicalRow(person, 40000)]), fileName: 'other-county.csv', source: 'medical', period: '2026-10' }, '532322');
    await refreshLeads();
    expect(leads.some((l) => l.unit_code.startsWith('532322'))).toBe(true);
    expect(leads.some((l) => l.unit_code === '532301101201' && l.state === '已下发村')).toBe(true);
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

      const routeKey = `${spec.method.toUpperCase()} ${spec.path}`;
      const leadScoped = isLeadScoped(spec);
      if (leadScoped) expect({ routeKey, hasScopeHook: routeKey in LEAD_SCOPED }).toEqual({ routeKey, hasScopeHook: true });
      const hook = leadScoped ? LEAD_SCOPED[routeKey](role, scope) : undefined;
      let overrides: Overrides = hook ? hook.fill(await ownLead(scope, hook.pick)) : {};
      if (spec.path.includes(':importId') && own) {
        const importId = await ownImport(own);
        if (importId) overrides = { ...overrides, params: { ...(overrides.params ?? {}), importId } };
      }

      if (!spec.unitParam || own) {
        const res = await send(server, spec, own, await tokenFor(role), overrides);
        const outcome = { path: res.path, status: res.status, body: res.status >= 500 || (allowed && [401, 403].includes(res.status)) ? res.text : '' };
        if (allowed) {
          expect(outcome.status).not.toBe(401);
          expect(outcome.status).not.toBe(403);
          expect(outcome.status).toBeLessThan(500);
        } else {
          expect(outcome).toEqual({ ...outcome, status: 403 });
        }
      }

      if (hook && allowed && role !== 'admin') {
        // a lead outside the subtree is answered exactly like an unknown lead: 404, same body
        const foreign = await foreignLead(scope, hook.pick);
        if (foreign) {
          const unknownNo = foreign.replace(/\d+$/, '99999');
          const token = await tokenFor(role);
          const theirs = await send(server, spec, undefined, token, hook.fill(foreign));
          const unknown = await send(server, spec, undefined, token, hook.fill(unknownNo));
          const normalized = (text: string, leadNo: string) => {
            const body = JSON.parse(text.split(leadNo).join('N'));
            delete body.error.requestId;
            return body;
          };
          expect({ path: theirs.path, status: theirs.status }).toEqual({ path: theirs.path, status: 404 });
          expect(normalized(theirs.text, foreign)).toEqual(normalized(unknown.text, unknownNo));
          expect(JSON.parse(theirs.text).error.code).toBe('lead_not_found');
        } else {
          // only the prefecture: every seeded lead is inside its subtree
          expect(role).toBe('prefecture');
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
  it('the audit check above is not vacuous: every lead and import write succeeded at least once', () => {
    const writes = ALL_ROUTES.filter((spec) => spec.method !== 'get' && (spec.tag === 'leads' || spec.tag === 'imports' || spec.path.startsWith('/auth/')));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    const missing = writes.map((spec) => `${spec.method.toUpperCase()} ${spec.path}`).filter((key) => !succeededWrites.has(key));
    expect(missing).toEqual([]);
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
