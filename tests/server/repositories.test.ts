/**
 * The leads and imports repositories (server/leads/store.ts, server/imports/store.ts) on their
 * own: what the engine-neutral SQL does where SQLite-only statements did it before (INSERT OR
 * REPLACE, json_remove), and the open-lead list derived from the lead states.
 */
import type { AppDeps } from '../../server/app-deps';
import { buildDeps } from '../../server/build-deps';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../server/config';
import { importStore, type NewImportRow } from '../../server/imports/store';
import { recoverInterrupted } from '../../server/imports/status';
import { CLOSED_LEAD_STATE, LEAD_STATES, OPEN_STATES } from '../../server/leads/states';
import { leadStore, type NewLeadRow } from '../../server/leads/store';
import { createLogger } from '../../server/logger';

const COUNTY = '532301';
const ID_A = '532301199001010011';
const ID_B = '532301199202020022';

function newImport(id: string, createdAt: string): NewImportRow {
  return { id, countyCode: COUNTY, source: 'medical', period: '2026-10', fileName: `${id}.csv`, sha256: `hash-${id}`, totalBytes: 10, createdBy: 'test', createdAt };
}

function newLead(seq: number, idNumber: string, state: NewLeadRow['state'], createdAt: string): NewLeadRow {
  const leadNo = `XS-${COUNTY}-202610-${String(seq).padStart(5, '0')}`;
  return {
    lead_no: leadNo, county_code: COUNTY, source: 'medical', period: '2026-10', seq, rule: 'medical.self_paid_high',
    reason_zh: '自付高', reason_en: 'high self-paid', category: null, channel: null, coverage: null, id_number: idNumber,
    name: '张三', detail_json: null, township_code: null, village_code: null, unit_code: COUNTY, suggested_village_code: null,
    assigned_by: 'none', state, found_on: '2026-11-01', dispatched_on: null, due_on: null, import_id: 'imp-1', excel_row: seq + 1,
    created_at: createdAt, updated_at: createdAt,
  };
}

describe('repositories: leads and imports', () => {
  let deps: AppDeps;

  beforeAll(async () => {
    deps = await buildDeps(
      { host: '127.0.0.1', port: 0, dbFile: ':memory:', demo: false, bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES, tokenTtlHours: 12 },
      { logger: createLogger({ level: 'silent' }) },
    );
  });
  afterAll(async () => {
    await deps?.db.close();
  });

  it('open lead states are every state but the closed one, from the one list', () => {
    expect(OPEN_STATES).toEqual(LEAD_STATES.filter((state) => state !== '已办结'));
    expect(CLOSED_LEAD_STATE).toBe(LEAD_STATES[LEAD_STATES.length - 1]);
  });

  it('openOfCounty lists leads in open states only, oldest first', async () => {
    const leads = leadStore(deps.db);
    await leads.insertLeads([
      newLead(1, ID_A, '已办结', '2026-11-01T00:00:00.000Z'),
      newLead(2, ID_B, '核实中', '2026-11-02T00:00:00.000Z'),
      newLead(3, ID_A, '待分派', '2026-11-01T12:00:00.000Z'),
    ]);
    const open = await leads.openOfCounty(COUNTY);
    expect(open.map((lead) => [lead.leadNo.slice(-1), lead.idNumber])).toEqual([
      ['3', ID_A],
      ['2', ID_B],
    ]);
  });

  it('allocateSeqs hands out consecutive numbers per county and period', async () => {
    const leads = leadStore(deps.db);
    expect(await leads.allocateSeqs(COUNTY, '2026-09', 3)).toBe(1);
    expect(await leads.allocateSeqs(COUNTY, '2026-09', 2)).toBe(4);
    expect(await leads.allocateSeqs(COUNTY, '2026-08', 1)).toBe(1);
  });

  it('replaceRoster replaces the county roster; a person and category listed twice keeps the later record', async () => {
    const imports = importStore(deps.db);
    const person = { idNumber: ID_A, name: '张三', category: '低保', status: '在保', townshipName: null, villageName: null, unitCode: null };
    await imports.replaceRoster(COUNTY, 'roster-1', [person, { ...person, idNumber: ID_B }]);
    await imports.replaceRoster(COUNTY, 'roster-2', [person, { ...person, status: '停保', townshipName: '鹿城镇' }]);
    expect(await imports.roster(COUNTY)).toEqual([{ ...person, status: '停保', townshipName: '鹿城镇' }]);
  });

  it('replaceMonthlyTotals replaces the months it carries, the later total of a person and month wins', async () => {
    const imports = importStore(deps.db);
    await imports.replaceMonthlyTotals(COUNTY, 'i1', [
      { idNumber: ID_A, month: '2026-09', cents: 100 },
      { idNumber: ID_B, month: '2026-10', cents: 200 },
    ]);
    await imports.replaceMonthlyTotals(COUNTY, 'i2', [
      { idNumber: ID_A, month: '2026-10', cents: 300 },
      { idNumber: ID_A, month: '2026-10', cents: 400 },
    ]);
    const totals = await imports.monthlyTotals(COUNTY, ['2026-09', '2026-10']);
    expect(totals.sort((a, b) => a.month.localeCompare(b.month))).toEqual([
      { idNumber: ID_A, month: '2026-09', cents: 100 },
      { idNumber: ID_A, month: '2026-10', cents: 400 },
    ]);
    await imports.deleteMonthlyTotalsBefore('2026-10');
    expect(await imports.monthlyTotals(COUNTY, ['2026-09'])).toEqual([]);
  });

  it('dropCommittedPersonalData strips the preview and the plan of committed imports only', async () => {
    const imports = importStore(deps.db);
    await imports.insertReading(newImport('committed-old', '2026-11-01T00:00:00.000Z'));
    await imports.insertReading(newImport('dry-run', '2026-11-01T00:00:00.000Z'));
    await imports.insertReading(newImport('committed-clean', '2026-11-01T00:00:00.000Z'));
    const withPreview = JSON.stringify({ importId: 'x', leadsNew: 2, preview: [{ name: '张三' }] });
    await imports.markReady('committed-old', 2, withPreview, '{"kind":"source"}');
    await imports.markReady('dry-run', 2, withPreview, '{"kind":"source"}');
    // an import committed before summaries were stripped at commit time: the preview is still there
    await deps.db.transaction(async (tx) => {
      await tx.run("UPDATE imports SET state = 'committed', plan_json = '{}' WHERE id = ?", ['committed-old']);
    });
    await imports.markCommitted('committed-clean', JSON.stringify({ importId: 'y', leadsNew: 1, fileName: 'preview.csv' }), 'test', '2026-11-01T01:00:00.000Z');

    const cleaned = await imports.dropCommittedPersonalData((json) => {
      const { preview: _preview, ...rest } = JSON.parse(json) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    expect(cleaned).toBe(1);
    const old = await imports.get(COUNTY, 'committed-old');
    expect(old?.plan_json).toBeNull();
    expect(JSON.parse(old?.summary_json ?? '{}')).toEqual({ importId: 'x', leadsNew: 2 });
    const dry = await imports.get(COUNTY, 'dry-run');
    expect(dry?.plan_json).not.toBeNull();
    expect(dry?.summary_json).toContain('preview');
    expect(JSON.parse((await imports.get(COUNTY, 'committed-clean'))?.summary_json ?? '{}')).toEqual({ importId: 'y', leadsNew: 1, fileName: 'preview.csv' });
    // nothing left to clean
    expect(await imports.dropCommittedPersonalData((json) => json)).toBe(0);
  });

  it('summaries lists newest first and hides uncommitted imports created before the cutoff', async () => {
    const imports = importStore(deps.db);
    const county = '532322';
    for (const [id, at] of [
      ['s-old', '2026-10-01T00:00:00.000Z'],
      ['s-new', '2026-11-05T00:00:00.000Z'],
    ] as const) {
      await imports.insertReading({ ...newImport(id, at), countyCode: county });
      await imports.markReady(id, 1, JSON.stringify({ importId: id }), '{}');
    }
    expect((await imports.summaries(county, 10)).map((json) => (JSON.parse(json) as { importId: string }).importId)).toEqual(['s-new', 's-old']);
    expect((await imports.summaries(county, 10, '2026-11-01T00:00:00.000Z')).map((json) => (JSON.parse(json) as { importId: string }).importId)).toEqual(['s-new']);
  });

  it('a poll that read the row as reading just before the job failed it reports the recorded failure, not an interruption', async () => {
    const imports = importStore(deps.db);
    await imports.insertReading(newImport('r-race', '2026-11-05T00:00:00.000Z'));
    const stale = await imports.get(COUNTY, 'r-race');
    if (!stale) throw new Error('inserted import not found');
    expect(stale.state).toBe('reading');
    // The job ends between the poll's read and its in-flight check (the job is no longer in flight).
    const error = { zh: '超出读取上限', en: 'exceeds a read limit' };
    await imports.markFailed('r-race', JSON.stringify(error), JSON.stringify({ importId: 'r-race', error }));
    const seen = await recoverInterrupted(deps, stale);
    expect(seen.state).toBe('failed');
    expect(JSON.parse(seen.error_json ?? 'null')).toEqual(error);
    expect(JSON.parse(seen.summary_json ?? 'null')).toEqual({ importId: 'r-race', error });
    // A row truly left reading by an earlier process is failed as interrupted.
    await imports.insertReading(newImport('r-orphan', '2026-11-05T00:00:00.000Z'));
    const orphan = await imports.get(COUNTY, 'r-orphan');
    if (!orphan) throw new Error('inserted import not found');
    const recovered = await recoverInterrupted(deps, orphan);
    expect(recovered.state).toBe('failed');
    expect(JSON.parse(recovered.error_json ?? '{}').zh).toMatch(/读取被中断/);
    expect((await imports.get(COUNTY, 'r-orphan'))?.state).toBe('failed');
  });
});
