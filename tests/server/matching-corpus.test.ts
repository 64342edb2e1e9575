/**
 * Issue 14, cause by cause, on files shaped the way a county receives them (tests/fixtures/matching:
 * real xlsx/csv written by generate.ts from corpus.ts), read by the server's file reader and matched
 * by the core — the same code the import dry run and `ledger match` use.
 */
import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { matchSheet, parseRosterSheet, type MatchResult, type RosterIndex } from '../../ledger/matching';
import { DEFAULT_POLICY, resolvePolicy, type Policy } from '../../ledger/policy';
import type { SourceCode } from '../../ledger/sources';
import type { SheetInput } from '../../ledger/types';
import { readTableFile } from '../../server/io/read-table';
import { CORPUS, P } from '../fixtures/matching/corpus';
import { generateCorpus } from '../fixtures/matching/generate';
import { makeTestDir } from '../temp-dirs';

const DIR = join(__dirname, '..', 'fixtures', 'matching');
const TODAY = '2026-11-20';

async function sheet(file: string): Promise<SheetInput> {
  return (await readTableFile(join(DIR, file)))[0];
}

async function roster(file = 'roster-statuses.xlsx', policy: Policy = DEFAULT_POLICY) {
  const parsed = parseRosterSheet(await sheet(file), TODAY, policy);
  if (!parsed.ok) throw new Error(parsed.error.zh);
  return parsed;
}

async function match(source: SourceCode, file: string, period: string, index?: RosterIndex, policy: Policy = DEFAULT_POLICY, prior?: Map<string, Map<number, number>>): Promise<MatchResult> {
  const outcome = matchSheet({
    source, period, sheet: await sheet(file), roster: index ?? (await roster()).index, policy, today: TODAY, priorMonths: prior,
  });
  if (!outcome.ok) throw new Error(outcome.error.zh);
  return outcome.result;
}

const ids = (result: MatchResult) => result.leads.map((l) => l.idNumber).sort();

it('the corpus on disk is what generate.ts writes from corpus.ts today (regenerate after changing it)', async () => {
  const dir = makeTestDir('matching-corpus').dir;
  try {
    await generateCorpus(dir);
    for (const entry of CORPUS) {
      if (entry.file.endsWith('.csv')) expect(readFileSync(join(dir, entry.file))).toEqual(readFileSync(join(DIR, entry.file)));
      else {
        const values = (sheets: SheetInput[]) => sheets.map((s) => [s.name, s.values]);
        expect(values(await readTableFile(join(dir, entry.file)))).toEqual(values(await readTableFile(join(DIR, entry.file))));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('people who were missed', () => {
  it('a 残疾人证号 column left of 身份证号 does not hide the ID column (canonical beats alias)', async () => {
    const result = await match('disability', 'disability-certificate-left.xlsx', '2026-Q3');
    expect(result.rejected.filter((r) => r.code.startsWith('id.'))).toEqual([]);
    expect(ids(result)).toEqual([P.severe1.id, P.severe2.id].sort());
    expect(result.excluded.notSevere).toBe(1);
  });

  it('without an ID column a 20-character 残疾人证号 is read as its first 18 characters; a bad one is rejected', async () => {
    const result = await match('disability', 'disability-certificate-only.csv', '2026-Q3');
    expect(ids(result)).toEqual([P.severe1.id]);
    expect(result.excluded.notSevere).toBe(1);
    expect(result.rejected.map((r) => [r.row, r.code])).toEqual([[4, 'id.certificate']]);
  });

  it('个人自付 and 个人自费 without a total are summed', async () => {
    const result = await match('medical', 'medical-amount-parts.xlsx', '2026-10');
    expect(ids(result)).toEqual([P.parts.id]);
    expect(result.leads[0].reason.zh).toBe('本月住院个人自付 11,000.00 元 ≥ 10,000 元');
  });

  it('with a 住院自负费用 total column the total alone counts (never parts and total both)', async () => {
    const result = await match('medical', 'medical-amount-total.xlsx', '2026-10');
    expect(ids(result)).toEqual([P.total.id]);
    expect(result.leads[0].reason.zh).toContain('12,000.00 元');
    expect(result.excluded.belowThreshold).toBe(1);
  });

  it('a 结算单号 identifies a settlement: two same-amount stays count twice, a repeated number once', async () => {
    const result = await match('medical', 'medical-settlements.csv', '2026-10');
    expect(ids(result)).toEqual([P.twoStays.id]);
    expect(result.leads[0].reason.zh).toBe('本月住院2次，个人自付合计 12,000.00 元 ≥ 10,000 元');
    expect(result.excluded.duplicateInFile).toBe(1);
    expect(result.excluded.belowThreshold).toBe(1);
  });

  it('roster statuses are a vocabulary: 不享受 is not covered, 未停保/新增/在册 are; an unknown status is a warning', async () => {
    const parsed = await roster();
    expect(parsed.rejectedCount).toBe(0);
    expect(parsed.warnings.map((w) => [w.row, w.code])).toEqual([[11, 'roster.status_unknown']]);
    const result = await match('medical', 'medical-roster-statuses.xlsx', '2026-10', parsed.index);
    // 不享受 and the unknown status make leads; everyone else is covered (full-width and apostrophe IDs included).
    expect(result.leads.filter((l) => l.rule === 'medical.high_self_paid').map((l) => l.idNumber).sort()).toEqual([P.buxiangshou.id, P.unknownStatus.id].sort());
    expect(result.excluded.covered).toBe(5);
  });

  it('an unknown status counts as covered only when the county says so', async () => {
    const policy = resolvePolicy({ matching: { unknownStatusCovered: true } });
    const parsed = await roster('roster-statuses.xlsx', policy);
    const result = await match('medical', 'medical-roster-statuses.xlsx', '2026-10', parsed.index, policy);
    expect(result.leads.map((l) => l.idNumber)).not.toContain(P.unknownStatus.id);
  });

  it('五保户 (the old name) and 特困人员 are 特困供养: the 特困 inpatient rule finds them', async () => {
    const result = await match('medical', 'medical-roster-statuses.xlsx', '2026-10');
    const tekun = result.leads.filter((l) => l.rule === 'medical.tekun_inpatient');
    expect(tekun.map((l) => l.idNumber).sort()).toEqual([P.wubao.id, P.zaice.id].sort());
    expect(tekun.every((l) => l.coverage === '特困供养')).toBe(true);
  });

  it('education levels come from a vocabulary: 高职（专科）, 专升本 found; 研究生, 高中 not unless the county says so', async () => {
    const result = await match('education', 'education-levels.xlsx', '2026');
    expect(ids(result)).toEqual([P.zhuanke.id, P.zhuanshengben.id].sort());
    expect(result.leads.map((l) => l.reason.zh).sort()).toEqual(['就读楚雄医药高等专科学校（专科），未纳入低保、特困供养', '就读楚雄师范学院（本科），未纳入低保、特困供养'].sort());
    expect(result.excluded.notCollege).toBe(3);
    const wider = await match('education', 'education-levels.xlsx', '2026', undefined, resolvePolicy({ matching: { collegeLevels: ['专科', '本科', '研究生'] } }));
    expect(ids(wider)).toContain(P.yanjiusheng.id);
  });

  it('a level written in a way the vocabulary does not know (全日制本科) is rejected naming it — never quietly counted as “not college”; added to the policy, it is found', async () => {
    const result = await match('education', 'education-levels.xlsx', '2026');
    expect(result.rejected).toEqual([expect.objectContaining({ row: 7, code: 'level.unknown' })]);
    expect(result.rejected[0].message).toContain('学历层次“全日制本科”不在本县的学历层次清单中');
    expect(result.rejected[0].message).toContain('政策设置');
    const levels = { ...DEFAULT_POLICY.matching.educationLevels, 本科: [...DEFAULT_POLICY.matching.educationLevels.本科, '全日制本科'] };
    const taught = await match('education', 'education-levels.xlsx', '2026', undefined, resolvePolicy({ matching: { educationLevels: levels } }));
    expect(ids(taught)).toContain(P.quanrizhi.id);
    expect(taught.rejected).toEqual([]);
  });
});

describe('wrong people and wrong leads', () => {
  it('an Excel-damaged ID that passes the check on a covered person with another name: not covered, id.name_mismatch with both names', async () => {
    const result = await match('medical', 'medical-name-mismatch.xlsx', '2026-10');
    const lead = result.leads.find((l) => l.idNumber === P.patientDamaged.damaged);
    expect(lead).toMatchObject({ name: P.patientDamaged.name, rosterName: P.rosterOwner.name, coverage: '无' });
    expect(result.warnings.filter((w) => w.row === 3)).toEqual([expect.objectContaining({ row: 3, code: 'id.name_mismatch' })]); // not also id.excel_suspect
    expect(result.warnings[0].message).not.toContain(P.rosterOwner.name); // names only where the role allows: on the lead
    expect(result.excluded.covered).toBe(0);
  });

  it('a …000 ID that passes the check and is on no roster makes its lead, flagged with the Excel-precision hint (id.excel_suspect)', async () => {
    const result = await match('medical', 'medical-name-mismatch.xlsx', '2026-10');
    expect(result.leads.map((l) => l.name).sort()).toEqual([P.patientDamaged.name, P.patientDamagedAlone.name].sort());
    const alone = result.leads.find((l) => l.name === P.patientDamagedAlone.name);
    expect(alone).toMatchObject({ idNumber: P.patientDamagedAlone.damaged });
    expect(alone?.rosterName).toBeUndefined();
    const flagged = result.warnings.filter((w) => w.code === 'id.excel_suspect');
    expect(flagged).toEqual([expect.objectContaining({ row: 5 })]);
    expect(flagged[0].message).toContain('末三位是000');
    expect(flagged[0].message).toContain('Excel');
    expect(flagged[0].message).not.toContain(P.patientDamagedAlone.damaged);
    expect(result.warningCount).toBe(2);
  });

  it('a …000 ID that fails the check gets the Excel-precision hint, not 校验码错误', async () => {
    const result = await match('medical', 'medical-name-mismatch.xlsx', '2026-10');
    expect(result.rejected).toEqual([expect.objectContaining({ row: 4, code: 'id.excel_number' })]);
    expect(result.rejected[0].message).toContain('文本');
  });

  it('a household roster with a two-level header (户主信息 / 家庭成员信息) is read per member', async () => {
    const parsed = await roster('roster-household-two-level.xlsx');
    for (const p of [P.head, P.spouse, P.child]) expect(parsed.index.people.get(p.id)?.active).toEqual(['低保']);
    expect(parsed.index.people.get(P.spouse.id)?.name).toBe(P.spouse.name);
    const result = await match('medical', 'medical-household-members.xlsx', '2026-10', parsed.index);
    expect(ids(result)).toEqual([P.member2.id]); // not on this roster
    expect(result.excluded.covered).toBe(2);
  });

  it('a household roster of one row per member keyed by the head covers each member (and the head)', async () => {
    const parsed = await roster('roster-household-members.csv');
    for (const p of [P.head2, P.member2, P.member2b]) expect(parsed.index.people.get(p.id)?.active).toEqual(['特困供养']);
    expect(parsed.index.people.get(P.member2.id)?.name).toBe(P.member2.name);
  });

  it('a household roster without member ID numbers is refused with a message naming the expected columns', async () => {
    const parsed = parseRosterSheet(await sheet('roster-household-heads-only.xlsx'), TODAY);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.zh).toContain('成员身份证号');
    expect(parsed.error.zh).toContain('户主身份证号');
  });

  it('户主姓名 left of 姓名 does not name the lead; a township headed 乡（镇） is read; a lead without one is counted', async () => {
    const result = await match('disease', 'disease-head-left.xlsx', '2026-10');
    const found = result.leads.find((l) => l.idNumber === P.disease1.id)!;
    expect(found).toMatchObject({ name: P.disease1.name, township: '东瓜镇', village: '东瓜村', placeFrom: 'file' });
    expect(result.leadsWithoutTownship).toBe(1);
  });

  it('refunds and reversals are netted per person; a negative total is a warning, never a lead', async () => {
    const result = await match('medical', 'medical-refunds.xlsx', '2026-10');
    expect(ids(result)).toEqual([P.refunded.id]);
    expect(result.leads[0].reason.zh).toContain('15,000.00 元');
    expect(result.rejectedCount).toBe(0);
    expect(result.warnings).toEqual([expect.objectContaining({ row: 7, code: 'amount.negative_total' })]);
    expect(result.excluded.duplicateInFile).toBe(0); // a reversal of A1 is not a repeat of A1
  });

  it('the period is enforced: rows dated outside the month are excluded and counted', async () => {
    const result = await match('medical', 'medical-period.xlsx', '2026-03');
    expect(ids(result)).toEqual([P.january.id]);
    expect(result.excluded.outsidePeriod).toBe(2);
  });

  it('with a calendar-year window, earlier months of the year are summed and named; December of last year is not', async () => {
    const policy = resolvePolicy({ matching: { medicalWindow: 'calendarYear' } });
    const result = await match('medical', 'medical-period.xlsx', '2026-03', undefined, policy);
    expect(ids(result)).toEqual([P.january.id, P.febMar.id].sort());
    expect(result.leads.find((l) => l.idNumber === P.febMar.id)!.reason.zh).toBe('2026年2月、3月住院2次，个人自付合计 11,000.00 元 ≥ 10,000 元');
    expect(result.excluded.outsidePeriod).toBe(1);
    // Only this month's totals are kept for the next imports.
    expect(result.monthlyTotals).toEqual(expect.arrayContaining([{ idNumber: P.febMar.id, month: '2026-03', cents: 500000 }]));
  });

  it('a rolling 12-month window sums kept monthly totals of earlier imports, naming the months', async () => {
    const policy = resolvePolicy({ matching: { medicalWindow: 'rolling12' } });
    const prior = new Map([[P.january.id, new Map([[202511, 100], [202504, 700000]])]]);
    const result = await match('medical', 'medical-period.xlsx', '2026-03', undefined, policy, prior);
    const lead = result.leads.find((l) => l.idNumber === P.january.id)!;
    expect(lead.reason.zh).toBe('2025年4月、11月、2026年3月住院个人自付合计 18,001.00 元 ≥ 10,000 元');
    // December 2025 is inside a rolling window ending March 2026.
    expect(ids(result)).toContain(P.december.id);
  });

  it('cancelled certificates (注销, 死亡, 注销（死亡）) are excluded and counted; 重度 without a grade is rejected saying why', async () => {
    const result = await match('disability', 'disability-certificate-left.xlsx', '2026-Q3');
    expect(result.excluded.cancelled).toBe(3);
    expect(ids(result)).not.toEqual(expect.arrayContaining([P.cancelled.id]));
    expect(result.rejected).toEqual([expect.objectContaining({ row: 9, code: 'grade.ambiguous' })]);
    expect(result.rejected[0].message).toContain('一级和二级');
  });

  it('blank markers in amount parts (“-” of the accounting format, “/”) are empty, not an unreadable amount that loses the person; a township “/” is none', async () => {
    const result = await match('medical', 'medical-blank-markers.csv', '2026-10');
    expect(ids(result)).toEqual([P.dashSelfFunded.id, P.slashSelfPaid.id].sort());
    const byId = Object.fromEntries(result.leads.map((l) => [l.idNumber, l]));
    expect(byId[P.dashSelfFunded.id].reason.zh).toContain('12,000.00 元');
    expect(byId[P.dashSelfFunded.id]).toMatchObject({ township: '鹿城镇', village: '太平社区' });
    expect(byId[P.slashSelfPaid.id].reason.zh).toContain('11,000.00 元');
    expect(byId[P.slashSelfPaid.id]).toMatchObject({ township: '', village: '', placeFrom: 'none' });
    expect(result.leadsWithoutTownship).toBe(1);
    // Nothing but markers: no amount at all, said so (not “不是有效金额”).
    expect(result.rejected).toEqual([expect.objectContaining({ row: 4, code: 'required' })]);
  });

  it('1.2万, full-width digits and a leading apostrophe are read; a 15-digit ID born 80-02-30 is rejected', async () => {
    const result = await match('medical', 'medical-cell-forms.csv', '2026-10');
    expect(ids(result)).toEqual([P.wan.id, P.fullWidthFile.id, P.apostropheFile.id].sort());
    expect(result.leads.find((l) => l.idNumber === P.wan.id)!.reason.zh).toContain('12,000.00 元');
    expect(result.rejected).toEqual([expect.objectContaining({ row: 5, code: 'id.birthdate' })]);
    // The positions of a 15-digit number's birth date (7–12), not those of an 18-digit one (7–14).
    expect(result.rejected[0].message).toContain('15位旧身份证号中的出生日期（第7–12位');
    expect(result.rejected[0].message).not.toContain('7–14');
  });
});
