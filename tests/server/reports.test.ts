/**
 * Summaries and cross-village duplicates against a real server and SQLite file:
 *   - the pre-aggregation kept by migration 010's trigger agrees with the ledger core's rowFacts and
 *     window rule, after inserts, edits and deletes;
 *   - at village, township, county and prefecture the children (plus the unit itself) add up to
 *     the parent, and each child's figures equal that child's own summary (drill-down);
 *   - 403 outside the caller's subtree, 404 for an unknown unit inside it, 400 for a bad window;
 *   - duplicates are flagged to the lowest common unit, ID numbers never leave unmasked, names by role.
 */
import { randomUUID } from 'crypto';
import { countsInWindow } from '../../ledger/reports/window';
import { rowFacts } from '../../ledger/reports/facts';
import type { LedgerValues } from '../../ledger/types';
import { createSqliteLedgerStore } from '../../server/ledger/sqlite-store';
import { syncLedger } from '../../server/ledger/sync';
import { FROZEN_DIMENSIONS } from '../../server/db/migrations/011_reports_township';
import { SUMMARY_DIMENSIONS } from '../../ledger/reports/facts';
import { reportStoreOf } from '../../server/reports/store';
import { createRng, fabricateLedgerValues, pick } from '../../server/seed/fabricate';
import { startTestServer, type TestServer } from './helpers';
import { additiveFigures, sumFigures } from './reports-helpers';
import { createLeads, getLeadRow, transition, type NewLead } from '../../server/leads/lifecycle';
import { LEAD_STATES } from '../../ledger/lead-states';
import { fabricateIdNumber, fabricateName } from '../../server/seed/fabricate';

const NOW = new Date('2026-11-20T04:00:00Z');
const VILLAGES = ['532301101201', '532301101202', '532301101001', '532301102201', '532301102202', '532322101201'];

let server: TestServer;
/** Live rows by village → rowId → values, as the test wrote them. */
const live = new Map<string, Map<string, { version: number; values: LedgerValues }>>();

async function push(villageCode: string, changes: Array<{ rowId: string; baseVersion: number; values: LedgerValues; deleted?: boolean }>) {
  const store = createSqliteLedgerStore(server.deps.db);
  const outcome = await syncLedger(
    { store, audit: server.deps.audit, now: server.deps.now },
    villageCode,
    { clientId: 'reports-test', requestId: randomUUID(), changes: changes.map((c) => ({ ...c, values: c.values as Record<string, never> })) },
    { user: null, httpRequestId: 'reports-test' },
  );
  expect(outcome.response.conflicts).toEqual([]);
  const rows = live.get(villageCode) ?? new Map();
  live.set(villageCode, rows);
  for (const applied of outcome.response.applied) {
    const change = changes.find((c) => c.rowId === applied.rowId)!;
    if (change.deleted) rows.delete(applied.rowId);
    else rows.set(applied.rowId, { version: applied.version, values: { ...(rows.get(applied.rowId)?.values ?? {}), ...change.values } });
  }
}

beforeAll(async () => {
  // seed 'platform': units and accounts only, so every ledger row here is the test's own
  server = await startTestServer({ now: () => NOW, seed: 'platform' });
  const rng = createRng('reports-test');
  for (const village of VILLAGES) {
    const rows = Array.from({ length: 25 }, () => ({
      rowId: randomUUID(),
      baseVersion: 0,
      values: fabricateLedgerValues(rng, { region: village.slice(0, 6), today: '2026-11-15', maxAgeDays: 200 }),
    }));
    await push(village, rows);
  }
  // edits (closing some rows, changing categories), and deletes
  for (const village of VILLAGES) {
    const rows = [...live.get(village)!.entries()].slice(0, 8);
    await push(
      village,
      rows.map(([rowId, row], index) =>
        index < 2
          ? { rowId, baseVersion: row.version, values: {}, deleted: true }
          : {
              rowId,
              baseVersion: row.version,
              values: index % 2 === 0 ? { status: '已办结', closedOn: '2026-09-30', verifiedOn: String(row.values.foundOn), verifyResult: '不符合救助条件' } : { categories: [pick(rng, ['老年人', '残疾人'])] },
            },
      ),
    );
  }
}, 60_000);

/**
 * County leads with a history across the window: created 10-05 (placed in a township, or left at the
 * county), then each walked along the life cycle on its own dates, so the summary's state at the
 * as-of date differs from today's state for some (verified or closed after the window's end).
 */
async function seedLeads(): Promise<void> {
  const rng = createRng('reports-leads');
  const actor = { username: 'demo-county', unitCode: '532301' };
  const places = ['532301101', '532301101', '532301102', '532301101', '532301102', '', '532301101', '532301102'];
  const newLeads: NewLead[] = places.map((township, i) => ({
    rule: 'medical.selfPaid', reason: { zh: '自付费用高', en: 'high self-paid cost' }, category: null, channel: null, coverage: null,
    idNumber: fabricateIdNumber(rng, { region: '532301' }), name: fabricateName(rng), detail: { i },
    ...(township ? { township, assignedBy: 'file' as const } : { assignedBy: 'none' as const }), excelRow: i + 2,
  }));
  const created = await createLeads(server.deps.db, { countyCode: '532301', source: 'medical', period: '2026-10', importId: 'reports-test', note: '测试导入' }, newLeads, actor, new Date('2026-10-05T02:00:00Z'));
  // how far each lead goes, and when (China dates: 02:00Z is 10:00 in China)
  const walks: Array<Array<[string, string]>> = [
    [['已下发村', '2026-10-08'], ['核实中', '2026-10-09'], ['已核实', '2026-10-15'], ['已办结', '2026-10-20']],
    [['已下发村', '2026-10-08'], ['核实中', '2026-10-09'], ['已核实', '2026-11-03']], // verified after October
    [['已下发村', '2026-10-12']],
    [['已下发村', '2026-10-08'], ['核实中', '2026-10-30']],
    [],
    [],
    [['已下发村', '2026-10-06']],
    [['已下发村', '2026-10-08'], ['核实中', '2026-10-09'], ['已核实', '2026-10-10'], ['已办结', '2026-11-10']], // closed after October
  ];
  for (let i = 0; i < walks.length; i++) {
    const leadNo = `XS-532301-202610-${String(created.firstSeq + i).padStart(5, '0')}`;
    let row = (await getLeadRow(server.deps.db, leadNo))!;
    for (const [to, date] of walks[i]) {
      const set = to === '已下发村' ? { village_code: `${row.township_code}201`, unit_code: `${row.township_code}201` } : {};
      row = await transition(server.deps.db, row, to as (typeof LEAD_STATES)[number], actor, new Date(`${date}T02:00:00Z`), set);
    }
  }
}

afterAll(() => server.close());

describe('pre-aggregation on write (migration 010) mirrors the ledger core', () => {
  it('the trigger knows the same dimensions as the ledger core', () => {
    expect([...FROZEN_DIMENSIONS].sort()).toEqual([...SUMMARY_DIMENSIONS].sort());
  });

  it('facts of every live row equal rowFacts of its values; deleted rows have none', async () => {
    const facts = await server.deps.db.all<{ village_code: string; row_id: string; found_month: string; closed_month: string; dims_json: string }>(
      'SELECT village_code, row_id, found_month, closed_month, dims_json FROM ledger_row_facts ORDER BY village_code, row_id',
    );
    const expected = [...live.entries()].flatMap(([village, rows]) =>
      [...rows.entries()].map(([rowId, row]) => {
        const f = rowFacts(row.values);
        return { village_code: village, row_id: rowId, found_month: f.foundMonth, closed_month: f.closedMonth, dims: f.dims.map((d) => d.join('=')).sort() };
      }),
    );
    expect(facts.length).toBe(VILLAGES.length * 23);
    expect(
      facts.map((f) => ({ village_code: f.village_code, row_id: f.row_id, found_month: f.found_month, closed_month: f.closed_month, dims: (JSON.parse(f.dims_json) as string[][]).map((d) => d.join('=')).sort() })),
    ).toEqual(expected.sort((a, b) => a.village_code.localeCompare(b.village_code) || a.row_id.localeCompare(b.row_id)));
  });

  it.each([
    ['2026-10', '2026-10', '5323', 9],
    ['2026-09', '2026-11', '532301', 9],
    ['2026-05', '2026-05', '532301101', 12],
    ['2025-01', '2026-12', '532301', 12],
  ])('window %s–%s at %s: pre-aggregated counts (by %s-digit unit) equal the window rule applied row by row', async (from, to, unit, length) => {
    const buckets = await reportStoreOf(server.deps.db).rowBuckets(unit, { from, to }, length === 12 ? 'village' : 'township');
    const got = new Map(buckets.map((b) => [`${b.unitCode}|${b.dimension}|${b.value}`, b.count]));
    const want = new Map<string, number>();
    for (const [village, rows] of live) {
      if (!village.startsWith(unit)) continue;
      for (const row of rows.values()) {
        const f = rowFacts(row.values);
        if (!countsInWindow(f.foundMonth, f.closedMonth, { from, to })) continue;
        for (const [d, v] of f.dims) {
          const key = `${village.slice(0, length)}|${d}|${v}`;
          want.set(key, (want.get(key) ?? 0) + 1);
        }
      }
    }
    expect(want.size).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });
});

describe('GET /api/v1/reports/summary', () => {
  const get = async (user: string, query: string) => server.request('GET', `/api/v1/reports/summary?${query}`, { token: await server.login(user) });

  beforeAll(seedLeads);

  it('leads by state: each lead in the state it was in at the as-of date, the states summing to the leads', async () => {
    const october = (await get('demo-county', 'unit=532301&month=2026-10')).body;
    expect(october.asOf).toBe('2026-10-31');
    // the lead verified 11-03 is still 核实中 and the one closed 11-10 still 已核实 as of 10-31
    expect(october.figures.leads.all.byState).toEqual({ 待分派: 1, 已派至乡镇: 1, 已下发村: 2, 核实中: 2, 已核实: 1, 已办结: 1 });
    expect(october.labels.states.map((s: { state: string }) => s.state)).toEqual([...LEAD_STATES]);
    const november = (await get('demo-county', 'unit=532301&month=2026-11')).body; // as of today, 11-20
    expect(november.figures.leads.all.byState).toEqual({ 待分派: 1, 已派至乡镇: 1, 已下发村: 2, 核实中: 1, 已核实: 1, 已办结: 1 }); // the lead closed 10-20 is out of November
    for (const body of [october, november]) {
      for (const figures of [body.figures, ...body.children.map((c: any) => c.figures), body.unitItself]) {
        for (const lead of [figures.leads.all, ...Object.values(figures.leads.bySource)] as Array<{ total: number; byState: Record<string, number> }>) {
          expect(Object.values(lead.byState).reduce((a, b) => a + b, 0)).toBe(lead.total);
        }
      }
    }
    // the lead left at the county (待分派) is the county's own; the township's leads are its children's
    expect(october.unitItself.leads.all.byState['待分派']).toBe(1);
    const township = (await get('demo-township', 'unit=532301101&month=2026-10')).body;
    expect(township.figures.leads.all.total).toBe(4);
    expect(township.children.find((c: any) => c.unit.code === '532301101201').figures.leads.all.byState).toEqual({ 待分派: 0, 已派至乡镇: 0, 已下发村: 1, 核实中: 2, 已核实: 0, 已办结: 1 });
  });

  it.each([
    ['demo-prefecture', '5323'],
    ['demo-county', '532301'],
    ['demo-township', '532301101'],
    ['demo-village', '532301101201'],
  ])('%s at %s: children plus the unit itself add up to the parent; each child equals its own summary', async (user, unit) => {
    const res = await get(user, `unit=${unit}&from=2026-09&to=2026-11`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(sumFigures([...body.children.map((c: any) => c.figures), body.unitItself])).toEqual(sumFigures([body.figures]));
    expect(additiveFigures(body.figures).get('rows.total')).toBeGreaterThan(0);
    expect(additiveFigures(body.figures).get('leads.*.total')).toBeGreaterThan(0); // leads (and their states) add up too
    if (unit.length < 12) {
      const admin = await server.login('demo-admin');
      for (const child of body.children.slice(0, 3)) {
        const own = await server.request('GET', `/api/v1/reports/summary?unit=${child.unit.code}&from=2026-09&to=2026-11`, { token: admin });
        expect(sumFigures([own.body.figures])).toEqual(sumFigures([child.figures]));
      }
    }
  });

  it('rows total equals the live rows that count in the month', async () => {
    const res = await get('demo-county', 'unit=532301&month=2026-10');
    let want = 0;
    for (const [village, rows] of live) {
      if (!village.startsWith('532301')) continue;
      for (const row of rows.values()) {
        const f = rowFacts(row.values);
        if (countsInWindow(f.foundMonth, f.closedMonth, { from: '2026-10', to: '2026-10' })) want++;
      }
    }
    expect(res.body.figures.rows.total).toBe(want);
    expect(res.body.window).toEqual({ from: '2026-10', to: '2026-10' });
    expect(res.body.labels.dimensions.categories.zh).toBe('人员类别');
  });

  it('every village below is listed; a month without a submission is 未提交', async () => {
    const res = await get('demo-township', 'unit=532301101&month=2026-10');
    expect(res.body.villages.map((v: any) => [v.code, v.states['2026-10']])).toEqual([
      ['532301101001', '未提交'],
      ['532301101201', '未提交'],
      ['532301101202', '未提交'],
    ]);
    expect(res.body.figures.submissions['2026-10']).toEqual({ villages: 3, 未提交: 3, 已提交: 0, 已退回: 0, 已审核: 0 });
  });

  it('403 outside the subtree (an ancestor, a sibling), 404 for an unknown unit inside it, 400 for a bad window', async () => {
    expect((await get('demo-township', 'unit=532301&month=2026-10')).status).toBe(403);
    expect((await get('demo-township', 'unit=532301102&month=2026-10')).status).toBe(403);
    expect((await get('demo-county', 'unit=532322&month=2026-10')).status).toBe(403);
    const unknown = await get('demo-township', 'unit=532301101299&month=2026-10');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'unit_not_found']);
    expect((await get('demo-county', 'unit=532301&month=2026-13')).status).toBe(400);
    expect((await get('demo-county', 'unit=532301&from=2026-10&to=2026-09')).status).toBe(400);
    expect((await get('demo-county', 'unit=532301&month=2026-10&from=2026-09')).status).toBe(400);
    expect((await get('demo-county', 'unit=532301&from=2024-01&to=2026-09')).status).toBe(400);
    expect((await server.request('GET', '/api/v1/reports/summary?unit=532301&month=2026-10')).status).toBe(401);
  });
});

describe('cross-village duplicates', () => {
  const ID = '532301198001010011';
  const OTHER = '53230119900202002X';
  beforeAll(async () => {
    const rng = createRng('dup');
    const person = (id: string, name: string) => ({ ...fabricateLedgerValues(rng, { today: '2026-11-15' }), idNumber: id, name, status: '核实中', closedOn: null });
    // same person open in two villages of 鹿城镇 → flagged to the township
    await push('532301101201', [{ rowId: randomUUID(), baseVersion: 0, values: person(ID, '杨某某') }]);
    await push('532301101202', [{ rowId: randomUUID(), baseVersion: 0, values: person(ID, '杨某某') }]);
    // another open in 鹿城镇 and 东瓜镇 → flagged to the county
    await push('532301101001', [{ rowId: randomUUID(), baseVersion: 0, values: person(OTHER, '李某') }]);
    await push('532301102201', [{ rowId: randomUUID(), baseVersion: 0, values: person(OTHER, '李某') }]);
  });

  it('township sees its own group (flagged to it), masked ID, names, both villages and rows', async () => {
    const res = await server.request('GET', '/api/v1/reports/duplicates?unit=532301101', { token: await server.login('demo-township') });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(ID);
    expect(res.text).not.toContain(OTHER);
    expect(res.body.groups).toHaveLength(1);
    const [group] = res.body.groups;
    expect(group.idNumberMasked).toBe('532301********0011');
    expect(group.lowestCommonUnit).toEqual({ code: '532301101', name: '鹿城镇', level: 'township' });
    expect(group.villages.map((v: any) => v.name)).toEqual(['示范村', '青松村']);
    expect(group.rows.map((r: any) => r.name)).toEqual(['杨某某', '杨某某']);
    expect(res.body.namesMasked).toBe(false);
  });

  it('county sees both groups (township- and county-level); the summary counts them where they belong', async () => {
    const token = await server.login('demo-county');
    const list = await server.request('GET', '/api/v1/reports/duplicates?unit=532301', { token });
    expect(list.body.groups.map((g: any) => g.lowestCommonUnit.code).sort()).toEqual(['532301', '532301101']);
    const summary = await server.request('GET', '/api/v1/reports/summary?unit=532301&month=2026-11', { token });
    expect(summary.body.figures.duplicates).toBe(2);
    expect(summary.body.unitItself.duplicates).toBe(1);
    expect(summary.body.children.find((c: any) => c.unit.code === '532301101').figures.duplicates).toBe(1);
  });

  it('prefecture sees masked names; another township sees nothing of it; villages may not ask', async () => {
    const pref = await server.request('GET', '/api/v1/reports/duplicates?unit=5323', { token: await server.login('demo-prefecture') });
    expect(pref.body.namesMasked).toBe(true);
    expect(pref.body.groups.flatMap((g: any) => g.rows.map((r: any) => r.name))).toEqual(['李*', '李*', '杨**', '杨**']) // county-level group first (by lowest common unit);
    expect(pref.text).not.toContain('杨某某');
    const other = await server.request('GET', '/api/v1/reports/duplicates?unit=532301102', { token: await server.login('demo-township2') });
    expect(other.body.groups).toEqual([]);
    expect((await server.request('GET', '/api/v1/reports/duplicates?unit=532301101201', { token: await server.login('demo-village') })).status).toBe(403);
  });

  it('closing one of the rows ends the duplicate', async () => {
    const [rowId, row] = [...live.get('532301101202')!.entries()].find(([, r]) => r.values.idNumber === ID)!;
    await push('532301101202', [{ rowId, baseVersion: row.version, values: { status: '已办结', closedOn: '2026-11-10', verifiedOn: '2026-11-10', verifyResult: '不符合救助条件' } }]);
    const res = await server.request('GET', '/api/v1/reports/duplicates?unit=532301101', { token: await server.login('demo-township') });
    expect(res.body.groups).toEqual([]);
  });
});
