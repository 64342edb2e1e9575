/**
 * Issue 14 through the server's imports: one person, one lead across sources and periods (the
 * open lead lists every source and reason, its history says so); the county's medical window summed
 * from kept monthly totals (purged with the retention rules); issue 8: a file of thousands of
 * rejected rows stores a small plan (first rows with their numbers, counts by reason).
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { saveCountyPolicy } from '../../server/policy/county-policy';
import { purgeExpiredImports } from '../../server/imports/service';
import type { TestServer } from './helpers';
import { P } from '../fixtures/matching/corpus';
import { COUNTY, MEDICAL_HEADER, clock, startCountyServer, csvFile, importFile, medicalRow, people, upload, waitForImport } from './leads-helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'matching');

jest.setTimeout(120_000);

describe('imports: one person, one lead; the medical window; rejected rows kept small', () => {
  let server: TestServer;
  let county: string;
  const time = clock('2026-11-02T02:00:00Z');

  beforeAll(async () => ({ server, county } = await startCountyServer(time)));
  afterAll(() => server?.close());

  it('the same person from 医保, 重特大疾病 and (next month) 信访 gets one lead listing every source and reason', async () => {
    const [p] = people(901, 1);
    const medical = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 30000, '鹿城镇', '')]), fileName: 'med.csv', source: 'medical', period: '2026-10' });
    expect(medical.committed.summary.leadsNew).toBe(1);
    const leadNo = medical.committed.summary.firstLeadNo as string;

    const disease = await importFile(server, county, {
      buffer: csvFile(['姓名', '身份证号', '病种', '乡镇（街道）'], [[p.name, p.id, '恶性肿瘤', '鹿城镇']]),
      fileName: 'disease.csv', source: 'disease', period: '2026-10',
    });
    expect(disease.dryRun.summary).toMatchObject({ leadsNew: 0, leadsLinked: 1 });
    expect(disease.committed.summary).toMatchObject({ leadsNew: 0, leadsLinked: 1 });

    const petition = await importFile(server, county, {
      buffer: csvFile(['姓名', '身份证号', '诉求内容'], [[p.name, p.id, '住院费用负担重，申请救助']]),
      fileName: 'petition.csv', source: 'petition', period: '2026-11',
    });
    expect(petition.committed.summary).toMatchObject({ leadsNew: 0, leadsLinked: 1 });

    const detail = await server.request('GET', `/api/v1/leads/${leadNo}`, { token: county });
    expect(detail.status).toBe(200);
    const notes = (detail.body.history as { note: string | null }[]).map((h) => h.note ?? '');
    expect(notes).toEqual(expect.arrayContaining([
      expect.stringContaining('另经2026年10月重特大疾病数据发现：重特大疾病（恶性肿瘤）'),
      expect.stringContaining('另经2026年11月信访数据发现：信访、热线救助诉求：住院费用负担重'),
    ]));
    expect(detail.body.findings.map((f: { source: string; period: string; rule: string }) => [f.source, f.period, f.rule])).toEqual([
      ['medical', '2026-10', 'medical.high_self_paid'],
      ['disease', '2026-10', 'disease.major'],
      ['petition', '2026-11', 'petition.request'],
    ]);
    const stored = await server.deps.db.get<{ detail_json: string }>('SELECT detail_json FROM leads WHERE lead_no = ?', [leadNo]);
    const findings = (JSON.parse(stored!.detail_json) as { findings: { source: string; rule: string }[] }).findings;
    expect(findings.map((f) => [f.source, f.rule])).toEqual([['disease', 'disease.major'], ['petition', 'petition.request']]);
    expect((await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM leads WHERE id_number = ?', [p.id]))!.n).toBe(1);
  });

  it('calendar-year window: January’s total is kept and summed with February’s, the months named; purged once too old', async () => {
    await saveCountyPolicy(server.deps.db, COUNTY, 0, { matching: { medicalWindow: 'calendarYear' } }, 'test', time.now());
    try {
      const [y] = people(902, 1);
      const jan = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(y, 6000, '鹿城镇', '')]), fileName: 'jan.csv', source: 'medical', period: '2026-01' });
      expect(jan.committed.summary.leadsNew).toBe(0);
      const kept = await server.deps.db.all<{ month: string; cents: number }>('SELECT month, cents FROM medical_monthly_totals WHERE id_number = ?', [y.id]);
      expect(kept).toEqual([{ month: '2026-01', cents: 600000 }]);

      const feb = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(y, 5000, '鹿城镇', '')]), fileName: 'feb.csv', source: 'medical', period: '2026-02' });
      expect(feb.dryRun.summary.leadsNew).toBe(1);
      expect(feb.dryRun.summary.preview[0].reason.zh).toBe('2026年1月、2月住院个人自付合计 11,000.00 元 ≥ 10,000 元');

      // In March 2027 January 2026 is outside every window still to come (February 2027's, imported
      // late, starts in March 2026; January 2027's in February 2026): purged with the retention run.
      time.set('2027-03-02T02:00:00Z');
      await purgeExpiredImports(server.deps);
      expect(await server.deps.db.all('SELECT month FROM medical_monthly_totals WHERE id_number = ?', [y.id])).toEqual([{ month: '2026-02' }]);
    } finally {
      time.set('2026-11-02T02:00:00Z');
      await saveCountyPolicy(server.deps.db, COUNTY, 0, {}, 'test', time.now());
    }
  });

  it('rosters through the server: a two-level household roster is stored per member; statuses warn with row numbers; a heads-only roster is refused', async () => {
    const household = await importFile(server, county, { buffer: readFileSync(join(FIXTURES, 'roster-household-two-level.xlsx')), fileName: 'household.xlsx', source: 'roster' });
    expect(household.committed.state).toBe('committed');
    const stored = await server.deps.db.all<{ id_number: string }>('SELECT id_number FROM roster_people WHERE county_code = ? ORDER BY id_number', [COUNTY]);
    expect(stored.map((r) => r.id_number)).toEqual([P.head.id, P.spouse.id, P.child.id].sort());

    const statuses = await upload(server, county, { buffer: readFileSync(join(FIXTURES, 'roster-statuses.xlsx')), fileName: 'statuses.xlsx', source: 'roster' });
    const dry = await waitForImport(server, county, statuses.body.importId);
    expect(dry.summary).toMatchObject({ rejectedCount: 0, warningCount: 1 });
    expect(dry.summary.warnings).toEqual([expect.objectContaining({ row: 11, code: 'roster.status_unknown' })]);

    const heads = await upload(server, county, { buffer: readFileSync(join(FIXTURES, 'roster-household-heads-only.xlsx')), fileName: 'heads.xlsx', source: 'roster' });
    const failed = await waitForImport(server, county, heads.body.importId);
    expect(failed.state).toBe('failed');
    expect(failed.error.zh).toContain('成员身份证号');
  });

  it('a file of thousands of rejected rows keeps the first few hundred with their row numbers and counts by reason', async () => {
    const rows: string[][] = [];
    for (let i = 0; i < 3000; i++) rows.push([`人员${i}`, i % 3 === 0 ? '5323011980' : '5.32301198001011E+17', '', '', '', '20000', '', '', '']);
    const up = await upload(server, county, { buffer: csvFile(MEDICAL_HEADER, rows), fileName: 'bad.csv', source: 'medical', period: '2026-09' });
    const dry = await waitForImport(server, county, up.body.importId);
    expect(dry.state).toBe('ready');
    expect(dry.summary.rejectedCount).toBe(3000);
    expect(dry.summary.rejectedByCode).toEqual({ 'id.format': 1000, 'id.excel_number': 2000 });
    expect(dry.summary.rejected.length).toBeLessThanOrEqual(500);
    expect(dry.summary.rejected[0]).toMatchObject({ row: 2, code: 'id.format' });
    const stored = await server.deps.db.get<{ plan_json: string }>('SELECT plan_json FROM imports WHERE id = ?', [up.body.importId]);
    const plan = JSON.parse(stored!.plan_json) as { result: { rejected: unknown[]; rejectedCount: number } };
    expect(plan.result.rejected.length).toBe(500);
    expect(plan.result.rejectedCount).toBe(3000);
    // Linear in what is kept, not in the file: 500 rows of messages, not 3000.
    expect(stored!.plan_json.length).toBeLessThan(250_000);
  });

  it('a lead closed between the dry run and the commit no longer takes the finding: the commit makes a new lead', async () => {
    const [p] = people(903, 1);
    const first = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 30000, '鹿城镇', '')]), fileName: 'first.csv', source: 'medical', period: '2026-10' });
    const leadNo = first.committed.summary.firstLeadNo as string;
    const up = await upload(server, county, {
      buffer: csvFile(['姓名', '身份证号', '病种', '乡镇（街道）'], [[p.name, p.id, '恶性肿瘤', '鹿城镇']]),
      fileName: 'disease-closed.csv', source: 'disease', period: '2026-10',
    });
    const dry = await waitForImport(server, county, up.body.importId);
    expect(dry.summary).toMatchObject({ leadsNew: 0, leadsLinked: 1 });
    // the village finished the first lead meanwhile
    await server.deps.db.run("UPDATE leads SET state = '已办结' WHERE lead_no = ?", [leadNo]);
    const committed = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
    expect(committed.status).toBe(200);
    expect(committed.body.summary).toMatchObject({ leadsNew: 1, leadsLinked: 0 });
    const leads = await server.deps.db.all<{ lead_no: string; source: string }>('SELECT lead_no, source FROM leads WHERE id_number = ? ORDER BY lead_no', [p.id]);
    expect(leads.map((l) => l.source)).toEqual(['medical', 'disease']);
  });

  it('the roster is indexed with the county policy: a covered 五保户 under a county category 特困人员 is not sent down as a lead', async () => {
    await saveCountyPolicy(server.deps.db, COUNTY, 0, { matching: { rosterCategories: { 低保: ['低保户'], 特困人员: ['特困', '特困供养', '五保户'] }, coveredCategories: ['低保', '特困人员'] } }, 'test', time.now());
    try {
      const [w] = people(904, 1);
      const roster = await importFile(server, county, {
        buffer: csvFile(['姓名', '身份证号', '保障类别', '保障状态'], [[w.name, w.id, '五保户', '在保']]),
        fileName: 'roster-wubao.csv', source: 'roster',
      });
      expect(roster.committed.state).toBe('committed');
      const disease = await importFile(server, county, {
        buffer: csvFile(['姓名', '身份证号', '病种', '乡镇（街道）'], [[w.name, w.id, '尿毒症', '鹿城镇']]),
        fileName: 'disease-wubao.csv', source: 'disease', period: '2026-10',
      });
      // covered (特困人员 under this county's words): no lead, whichever path built the index
      expect(disease.dryRun.summary.leadsNew).toBe(0);
      expect(disease.committed.summary.leadsNew).toBe(0);
    } finally {
      await saveCountyPolicy(server.deps.db, COUNTY, 0, {}, 'test', time.now());
    }
  });
});
