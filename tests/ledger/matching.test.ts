import { MatchResultSchema } from '../../ledger/api/leads';
import { checkIdNumber, idCheckChar } from '../../ledger/id-number';
import { dateNumber, fastIdNumber, formatThreshold, formatYuan } from '../../ledger/matching/cells';
import {
  buildRosterIndex,
  linkLeads,
  matchSheet,
  parseRosterSheet,
  type MatchResult,
  type RosterIndex,
  type RosterRecord,
} from '../../ledger/matching';
import { DEFAULT_POLICY, resolvePolicy, type Policy } from '../../ledger/policy';
import type { SourceCode } from '../../ledger/sources';
import { fakeId, MEDICAL_HEADER, ROSTER_HEADER, sheetOf, TODAY } from './matching-helpers';

const A = fakeId(1);
const B = fakeId(2);
const C = fakeId(3);
const D = fakeId(4);

function roster(records: RosterRecord[]): RosterIndex {
  return buildRosterIndex(records);
}

function run(source: SourceCode, header: string[], rows: unknown[][], rosterIndex: RosterIndex = roster([]), policy: Policy = DEFAULT_POLICY, period = '2026-10'): MatchResult {
  const outcome = matchSheet({ source, period, sheet: sheetOf(header, rows), roster: rosterIndex, policy, today: TODAY });
  if (!outcome.ok) throw new Error(outcome.error.zh);
  // Every result is valid against the wire schema the server and add-in share.
  expect(() => MatchResultSchema.parse(outcome.result)).not.toThrow();
  return outcome.result;
}

function med(id: unknown, selfPaid: unknown, name = '张三', admitted = '2026-10-03', hospital = '楚雄州人民医院'): unknown[] {
  return [1, name, id, admitted, '2026-10-10', 30000, selfPaid, hospital];
}

describe('medical.high_self_paid', () => {
  it('dates a stay by its settlement first, and keeps a row any of whose dates is in the period (discharged 29 Sep, settled 8 Oct: October’s)', () => {
    const header = ['姓名', '身份证号', '入院日期', '出院日期', '结算日期', '个人自付费用'];
    const result = run('medical', header, [
      ['张三', A, '2026-09-10', '2026-09-29', '2026-10-08', 15000], // settled in October: in this file and in no other
      ['李四', B, '2026-10-20', '2026-10-28', '2026-11-03', 15000], // discharged in October, settled in November: kept
      ['王五', C, '2026-11-01', '2026-11-02', '2026-11-05', 15000], // every date after October: left out
    ]);
    expect(result.leads.map((l) => l.idNumber).sort()).toEqual([A, B].sort());
    expect(result.excluded.outsidePeriod).toBe(1);
  });

  it('10,000.00 makes a lead, 9,999.99 does not (threshold from the policy, cents exact)', () => {
    const result = run('medical', MEDICAL_HEADER, [med(A, 10000), med(B, 9999.99)]);
    expect(result.leads.map((l) => l.idNumber)).toEqual([A]);
    expect(result.leads[0].rule).toBe('medical.high_self_paid');
    expect(result.leads[0].reason.zh).toBe('本月住院个人自付 10,000.00 元 ≥ 10,000 元');
    expect(result.leads[0].category).toBe('因病支出型困难');
    expect(result.leads[0].channel).toBe('部门比对');
    expect(result.leads[0].sourceRows).toEqual([3]);
    expect(result.excluded.belowThreshold).toBe(1);
  });

  it('amounts written as text with separators and 元 are read', () => {
    const result = run('medical', MEDICAL_HEADER, [med(A, '12,345.00'), med(B, '9,999.99元')]);
    expect(result.leads).toHaveLength(1);
    expect(result.leads[0].reason.zh).toBe('本月住院个人自付 12,345.00 元 ≥ 10,000 元');
  });

  it('the threshold is policy data: 5,000 in a county that set it', () => {
    const policy = resolvePolicy({ matching: { medicalSelfPaidMin: 5000 } });
    const result = run('medical', MEDICAL_HEADER, [med(A, 5000), med(B, 4999.99)], roster([]), policy);
    expect(result.leads.map((l) => l.idNumber)).toEqual([A]);
    expect(result.leads[0].reason.zh).toContain('≥ 5,000 元');
  });

  it('several stays of one person in the month are summed into one lead', () => {
    const result = run('medical', MEDICAL_HEADER, [
      med(A, 4000.5, '张三', '2026-10-01'),
      med(B, 20000),
      med(A, 6000, '张三', '2026-10-15'),
      med(A.toLowerCase(), 0.01, '张三', '2026-10-25'),
    ]);
    const lead = result.leads.find((l) => l.idNumber === A)!;
    expect(lead.sourceRows).toEqual([3, 5, 6]);
    expect(lead.reason.zh).toBe('本月住院3次，个人自付合计 10,000.51 元 ≥ 10,000 元');
    expect(result.leads).toHaveLength(2);
  });

  it('an exact repeat of a stay is a duplicate row, not summed', () => {
    const result = run('medical', MEDICAL_HEADER, [med(A, 6000), med(A, 6000)]);
    expect(result.leads).toHaveLength(0);
    expect(result.excluded.duplicateInFile).toBe(1);
    expect(result.excluded.belowThreshold).toBe(1);
  });

  it('covered people (低保, 特困供养 in force) are excluded; 停保 and 低保边缘 are not covered', () => {
    const index = roster([
      { idNumber: A, name: '张三', category: '农村低保', status: '在保' },
      { idNumber: B, name: '李四', category: '低保', status: '停保' },
      { idNumber: C, name: '王五', category: '低保边缘' },
    ]);
    const result = run('medical', MEDICAL_HEADER, [med(A, 15000, '张三'), med(B, 15000, '李四'), med(C, 15000, '王五')], index);
    expect(result.leads.map((l) => l.idNumber).sort()).toEqual([B, C].sort());
    expect(result.excluded.covered).toBe(1);
    expect(result.leads.find((l) => l.idNumber === C)!.coverage).toBe('低保边缘');
    expect(result.leads.find((l) => l.idNumber === B)!.coverage).toBe('无');
  });

  it('covered categories are policy data', () => {
    const index = roster([{ idNumber: A, name: '张三', category: '低保边缘' }]);
    const policy = resolvePolicy({ matching: { coveredCategories: ['低保', '特困供养', '低保边缘'] } });
    expect(run('medical', MEDICAL_HEADER, [med(A, 15000)], index, policy).leads).toHaveLength(0);
    expect(run('medical', MEDICAL_HEADER, [med(A, 15000)], index).leads).toHaveLength(1);
  });
});

describe('medical.tekun_inpatient', () => {
  it('keeps a 特困供养 person in force with any self-paid amount, even below the threshold', () => {
    const index = roster([{ idNumber: A, name: '张三', category: '特困人员', status: '在保', township: '鹿城镇', village: '太平社区' }]);
    const result = run('medical', MEDICAL_HEADER, [med(A, 123.4)], index);
    expect(result.leads).toHaveLength(1);
    expect(result.leads[0].rule).toBe('medical.tekun_inpatient');
    expect(result.leads[0].coverage).toBe('特困供养');
    expect(result.leads[0].reason.zh).toBe('特困供养人员住院：本月住院个人自付 123.40 元');
    expect(result.leads[0]).toMatchObject({ township: '鹿城镇', village: '太平社区', placeFrom: 'roster' });
  });

  it('one lead per person: a 特困 person above the threshold gets the tekun rule only', () => {
    const index = roster([{ idNumber: A, name: '张三', category: '特困供养' }]);
    const result = run('medical', MEDICAL_HEADER, [med(A, 30000)], index);
    expect(result.leads.map((l) => l.rule)).toEqual(['medical.tekun_inpatient']);
  });

  it('a 特困 person whose support stopped is treated as not covered; zero self-paid makes no lead', () => {
    const index = roster([
      { idNumber: A, name: '张三', category: '特困供养', status: '停保' },
      { idNumber: B, name: '李四', category: '特困供养', status: '在保' },
    ]);
    const result = run('medical', MEDICAL_HEADER, [med(A, 500, '张三'), med(B, 0, '李四')], index);
    expect(result.leads).toHaveLength(0);
    expect(result.excluded.belowThreshold).toBe(1);
    expect(result.excluded.noSelfPaid).toBe(1);
  });
});

describe('rejected rows', () => {
  it('rows with a bad ID number or amount are rejected with their Excel row; the rest still matches', () => {
    const badCheck = A.slice(0, 17) + (A[17] === '0' ? '1' : '0');
    const result = run('medical', MEDICAL_HEADER, [
      med(badCheck, 20000), // row 3
      med(5.32301198001011e17, 20000), // row 4: Excel number
      med('', 20000), // row 5
      med(B, 'abc'), // row 6
      med(C, '-5-'), // row 7
      med(D, 20000), // row 8
      med('53230119801301001X', 20000), // row 9: month 13
    ]);
    expect(result.leads.map((l) => l.idNumber)).toEqual([D]);
    expect(result.rejected.map((r) => [r.row, r.code])).toEqual([
      [3, 'id.checksum'],
      [4, 'id.excel_number'],
      [5, 'required'],
      [6, 'money.format'],
      [7, 'money.format'],
      [9, 'id.birthdate'],
    ]);
    expect(result.rejectedCount).toBe(6);
    expect(result.rejectedByCode).toEqual({ 'id.checksum': 1, 'id.excel_number': 1, required: 1, 'money.format': 2, 'id.birthdate': 1 });
    expect(result.rejected[1].message).toContain('文本');
    expect(result.rowsRead).toBe(7);
  });

  it('blank rows are skipped, 15-digit IDs are upgraded to 18', () => {
    const legacy = '532301800101123';
    const result = run('medical', MEDICAL_HEADER, [['', '', '', '', '', '', '', ''], med(legacy, 20000)]);
    expect(result.rowsRead).toBe(1);
    expect(result.leads[0].idNumber).toHaveLength(18);
    expect(result.leads[0].idNumber.slice(0, 8)).toBe('53230119');
    expect(result.leads[0].sourceRows).toEqual([4]);
  });

  it('a file without the required column is refused with the column named', () => {
    const outcome = matchSheet({
      source: 'medical',
      period: '2026-10',
      sheet: sheetOf(['姓名', '身份证号', '入院日期'], [['张三', A, '2026-10-01']]),
      roster: roster([]),
      policy: DEFAULT_POLICY,
      today: TODAY,
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.zh).toContain('个人自付费用');
  });

  it('header aliases are accepted (自付金额, 个人负担) and the header may sit below a title', () => {
    for (const alias of ['自付金额', '个人负担']) {
      const header = ['姓名', '身份证号', alias];
      const result = run('medical', header, [['张三', A, 10000]]);
      expect(result.leads).toHaveLength(1);
    }
  });
});

describe('disability.severe', () => {
  const header = ['姓名', '身份证号', '残疾类别', '残疾等级', '乡镇（街道）', '村（社区）'];
  it('二级 is severe, 三级 is not; grades read as 一级, 1, 壹级, 一级残疾', () => {
    const result = run('disability', header, [
      ['甲', A, '肢体', '二级', '鹿城镇', '太平社区'],
      ['乙', B, '视力', '三级', '鹿城镇', '太平社区'],
      ['丙', C, '智力', 1, '东瓜镇', '东瓜村'],
      ['丁', D, '精神', '壹级', '', ''],
      ['戊', fakeId(5), '言语', '一级残疾', '', ''],
      ['己', fakeId(6), '听力', '4', '', ''],
    ], roster([]), DEFAULT_POLICY, '2026-Q3');
    expect(result.leads.map((l) => l.name)).toEqual(['甲', '丙', '丁', '戊']);
    expect(result.excluded.notSevere).toBe(2);
    expect(result.leads[0]).toMatchObject({ rule: 'disability.severe', category: '残疾人', township: '鹿城镇', village: '太平社区', placeFrom: 'file' });
    expect(result.leads[0].reason.zh).toContain('肢体残疾二级');
    expect(result.leads[3].placeFrom).toBe('none');
  });

  it('severity words that name one grade (GB/T 26341: 极重度 一级, 中度 三级, 轻度 四级) are read; 重度 alone is rejected as ambiguous', () => {
    const result = run('disability', header, [
      ['甲', A, '智力', '极重度', '', ''],
      ['乙', B, '肢体', '中度残疾', '', ''],
      ['丙', C, '视力', '轻度', '', ''],
      ['丁', D, '精神', '重度残疾', '', ''],
    ], roster([]), DEFAULT_POLICY, '2026-Q3');
    expect(result.leads.map((l) => [l.name, l.reason.zh.includes('一级')])).toEqual([['甲', true]]);
    expect(result.excluded.notSevere).toBe(2);
    expect(result.rejected).toEqual([expect.objectContaining({ row: 6, code: 'grade.ambiguous' })]);
    expect(result.rejected[0].message).toContain('无法区分一级和二级');
  });

  it('an expired certificate (过期, not yet renewed) is still a severely disabled person: a lead, not “cancelled”', () => {
    const withStatus = ['姓名', '身份证号', '残疾类别', '残疾等级', '证件状态'];
    const result = run('disability', withStatus, [['甲', A, '肢体', '一级', '过期'], ['乙', B, '肢体', '一级', '已注销']], roster([]), DEFAULT_POLICY, '2026-Q3');
    expect(result.leads.map((l) => l.name)).toEqual(['甲']);
    expect(result.excluded.cancelled).toBe(1);
  });

  it('severe grades are policy data', () => {
    const policy = resolvePolicy({ matching: { severeDisabilityGrades: [1] } });
    const result = run('disability', header, [['甲', A, '肢体', '二级', '', '']], roster([]), policy, '2026-Q3');
    expect(result.leads).toHaveLength(0);
    expect(result.excluded.notSevere).toBe(1);
  });

  it('covered people are excluded; an unreadable grade is rejected; a repeated person is one lead (most severe grade)', () => {
    const index = roster([{ idNumber: A, name: '甲', category: '低保' }]);
    const result = run('disability', header, [
      ['甲', A, '肢体', '一级', '', ''],
      ['乙', B, '视力', '重度', '', ''], // 一级 or 二级? rejected, saying so
      ['丙', C, '智力', '三级', '', ''],
      ['丙', C, '智力', '二级', '', ''],
    ], index, DEFAULT_POLICY, '2026-Q3');
    expect(result.excluded.covered).toBe(1);
    expect(result.rejected).toEqual([expect.objectContaining({ row: 4, code: 'grade.ambiguous' })]);
    expect(result.leads).toHaveLength(1);
    expect(result.leads[0].sourceRows).toEqual([5, 6]);
    expect(result.leads[0].reason.zh).toContain('二级');
    expect(result.excluded.duplicateInFile).toBe(1);
  });
});

describe('education.college', () => {
  const header = ['姓名', '身份证号', '学校名称', '学历层次', '入学年份'];
  it('专科 and 本科 (and 大专) make leads, 高中 does not; covered excluded', () => {
    const index = roster([{ idNumber: D, name: '丁', category: '特困供养' }]);
    const result = run('education', header, [
      ['甲', A, '楚雄医药高等专科学校', '专科', 2026],
      ['乙', B, '云南大学', '本科', 2025],
      ['丙', C, '楚雄一中', '高中', 2025],
      ['丁', D, '楚雄师范学院', '本科', 2024],
      ['戊', fakeId(5), '云南工商学院', '大专', 2026],
    ], index, DEFAULT_POLICY, '2026');
    expect(result.leads.map((l) => l.name)).toEqual(['甲', '乙', '戊']);
    expect(result.excluded).toMatchObject({ notCollege: 1, covered: 1 });
    expect(result.leads[0]).toMatchObject({ rule: 'education.college', category: '因学支出型困难' });
    expect(result.leads[0].reason.zh).toBe('就读楚雄医药高等专科学校（专科），未纳入低保、特困供养');
  });

  it('college levels are policy data', () => {
    const policy = resolvePolicy({ matching: { collegeLevels: ['本科'] } });
    const result = run('education', header, [['甲', A, '某校', '专科', 2026]], roster([]), policy, '2026');
    expect(result.leads).toHaveLength(0);
  });
});

describe('disease.major, revitalization.three_types, petition.request', () => {
  it('disease: anyone listed and not covered', () => {
    const index = roster([{ idNumber: B, name: '乙', category: '低保' }]);
    const result = run('disease', ['姓名', '身份证号', '病种'], [['甲', A, '恶性肿瘤'], ['乙', B, '尿毒症']], index);
    expect(result.leads.map((l) => [l.name, l.rule, l.category])).toEqual([['甲', 'disease.major', '重大疾病']]);
    expect(result.excluded.covered).toBe(1);
  });

  it('revitalization: category from the file’s 类别 when it is one of the three types', () => {
    const result = run('revitalization', ['姓名', '身份证号', '类别', '乡镇', '村'], [
      ['甲', A, '脱贫不稳定户', '吕合镇', '吕合村'],
      ['乙', B, '突发严重困难户', '', ''],
    ]);
    expect(result.leads.map((l) => [l.rule, l.category])).toEqual([
      ['revitalization.three_types', '脱贫不稳定户'],
      ['revitalization.three_types', '突发严重困难户'],
    ]);
    expect(result.leads[0]).toMatchObject({ township: '吕合镇', village: '吕合村' });
  });

  it('petition: covered people too (a request is answered whatever the coverage), channel 信访诉求', () => {
    const index = roster([{ idNumber: A, name: '甲', category: '低保' }]);
    const result = run('petition', ['姓名', '身份证号', '诉求内容'], [['甲', A, '申请临时救助'], ['乙', B, '看病困难']], index);
    expect(result.leads.map((l) => [l.rule, l.channel, l.category])).toEqual([
      ['petition.request', '信访诉求', '信访求助'],
      ['petition.request', '信访诉求', '信访求助'],
    ]);
    expect(result.leads[0].coverage).toBe('低保');
  });

  it('duplicates in the file: one lead per person, extra rows counted', () => {
    const result = run('disease', ['姓名', '身份证号', '病种'], [['甲', A, '恶性肿瘤'], ['甲', A, '恶性肿瘤'], ['甲', A, '恶性肿瘤']]);
    expect(result.leads).toHaveLength(1);
    expect(result.leads[0].sourceRows).toEqual([3, 4, 5]);
    expect(result.excluded.duplicateInFile).toBe(2);
  });
});

describe('roster', () => {
  it('reads a roster sheet: 保障状态 missing = 在保, several rows per person, bad rows rejected', () => {
    const parsed = parseRosterSheet(
      sheetOf(ROSTER_HEADER, [
        ['甲', A, '低保', '鹿城镇', '太平社区', '停保'],
        ['甲', A, '特困供养', '鹿城镇', '太平社区', '在保'],
        ['乙', B, '低保', '东瓜镇', '东瓜村', ''],
        ['丙', '123', '低保', '', '', '在保'],
        ['丁', D, '低保', '', '', '不知道'],
      ]),
      TODAY,
    );
    if (!parsed.ok) throw new Error(parsed.error.zh);
    expect(parsed.index.people.get(A)!.active).toEqual(['特困供养']);
    expect(parsed.index.people.get(B)!.active).toEqual(['低保']);
    expect(parsed.rejected.map((r) => [r.row, r.code])).toEqual([[6, 'id.format']]);
    // An unknown status is a warning with its row number; not covered unless the county says so.
    expect(parsed.warnings.map((r) => [r.row, r.code])).toEqual([[7, 'roster.status_unknown']]);
    expect(parsed.index.people.get(D)!.active).toEqual([]);
    expect(parsed.rowsRead).toBe(5);
  });

  it('a roster without a 保障状态 column counts everyone as in force', () => {
    const parsed = parseRosterSheet(sheetOf(['姓名', '身份证号', '保障类别'], [['甲', A, '低保']]), TODAY);
    if (!parsed.ok) throw new Error(parsed.error.zh);
    const result = run('medical', MEDICAL_HEADER, [med(A, 50000, '甲')], parsed.index);
    expect(result.leads).toHaveLength(0);
    expect(result.excluded.covered).toBe(1);
  });

  it('township and village come from the file first, else from the roster', () => {
    const index = roster([{ idNumber: A, name: '甲', category: '低保边缘', township: '吕合镇', village: '吕合村' }]);
    const header = ['姓名', '身份证号', '病种', '乡镇（街道）', '村（社区）'];
    const result = run('disease', header, [['甲', A, '恶性肿瘤', '', ''], ['乙', B, '恶性肿瘤', '东瓜镇', '东瓜村']], index);
    expect(result.leads.map((l) => [l.township, l.village, l.placeFrom])).toEqual([
      ['吕合镇', '吕合村', 'roster'],
      ['东瓜镇', '东瓜村', 'file'],
    ]);
  });
});

describe('names compared with the roster (id.name_mismatch)', () => {
  it('the same name written with or without its separator dot, with spaces or full-width, is the same person: covered, no warning', () => {
    const index = roster([
      { idNumber: A, name: '阿依·木呷', category: '低保' },
      { idNumber: B, name: '买买提•艾力', category: '低保' },
      { idNumber: C, name: '张三', category: '低保' },
      { idNumber: D, name: '李四', category: '低保' },
    ]);
    const matched = run('medical', MEDICAL_HEADER, [med(A, 20000, '阿依木呷'), med(B, 20000, '买买提.艾力'), med(C, 20000, '张 三'), med(D, 20000, '王五')], index);
    expect(matched.excluded.covered).toBe(3);
    // A different name on that ID is still flagged and not taken as covered.
    expect(matched.leads.map((l) => [l.name, l.rosterName])).toEqual([['王五', '李四']]);
    expect(matched.warnings.map((w) => [w.row, w.code])).toEqual([[6, 'id.name_mismatch']]);
  });
});

describe('blank markers in places', () => {
  it('a township “/” in the file falls back to the roster’s; a roster township “无” is none (the county queue), never a place named “无”', () => {
    const parsed = parseRosterSheet(sheetOf(ROSTER_HEADER, [['甲', A, '低保边缘', '吕合镇', '吕合村', '在保'], ['乙', B, '低保边缘', '无', '/', '在保']], '名册'), TODAY);
    if (!parsed.ok) throw new Error(parsed.error.zh);
    const header = ['姓名', '身份证号', '病种', '乡镇（街道）', '村（社区）'];
    const result = run('disease', header, [['甲', A, '恶性肿瘤', '/', '/'], ['乙', B, '恶性肿瘤', '—', '—']], parsed.index);
    expect(result.leads.map((l) => [l.name, l.township, l.village, l.placeFrom])).toEqual([
      ['甲', '吕合镇', '吕合村', 'roster'],
      ['乙', '', '', 'none'],
    ]);
    expect(result.leadsWithoutTownship).toBe(1);
  });
});

describe('linkLeads', () => {
  it('links a person on an open lead (any source or period: one person, one lead), the same source and period first', () => {
    const result = run('medical', MEDICAL_HEADER, [med(A, 20000), med(B, 20000), med(C, 20000), med(D, 20000)]);
    const linked = linkLeads(result, {
      openLeads: [
        { idNumber: A, source: 'medical', period: '2026-10', leadNo: 'XS-532301-202610-00001' },
        { idNumber: B, source: 'medical', period: '2026-09', leadNo: 'XS-532301-202609-00007' },
        { idNumber: D, source: 'disease', period: '2026-09', leadNo: 'XS-532301-202609-00003' },
        { idNumber: D, source: 'medical', period: '2026-10', leadNo: 'XS-532301-202610-00002' },
      ],
    });
    expect(linked.leads.map((l) => l.linkedTo)).toEqual([
      { kind: 'lead', target: 'XS-532301-202610-00001' },
      { kind: 'lead', target: 'XS-532301-202609-00007' },
      undefined, // C is on no open lead: a new lead (a village ledger row no longer takes the finding)
      { kind: 'lead', target: 'XS-532301-202610-00002' },
    ]);
    expect(linked.newCount).toBe(1);
    expect(linked.linkedCount).toBe(3);
    expect(result.leads[0].linkedTo).toBeUndefined();
  });

  it('replaces an earlier mark: a lead closed since the dry run no longer takes the person', () => {
    const result = run('medical', MEDICAL_HEADER, [med(A, 20000)]);
    const dryRun = linkLeads(result, { openLeads: [{ idNumber: A, source: 'medical', period: '2026-10', leadNo: 'XS-532301-202610-00001' }] });
    expect(dryRun.leads[0].linkedTo).toEqual({ kind: 'lead', target: 'XS-532301-202610-00001' });
    const atCommit = linkLeads(dryRun, { openLeads: [] });
    expect(atCommit.leads[0].linkedTo).toBeUndefined();
    expect(atCommit.newCount).toBe(1);
  });
});

describe('fast ID path', () => {
  it('accepts exactly what checkIdNumber accepts (random mutations of valid IDs)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const today = '2026-11-20';
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const year = 1870 + Math.floor(rnd() * 170);
      const month = Math.floor(rnd() * 14);
      const day = Math.floor(rnd() * 33);
      const region = String(Math.floor(rnd() * 100)).padStart(2, '0');
      const first17 = `${region}2301${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`;
      let id = first17 + idCheckChar(first17);
      if (rnd() < 0.2) id = id.slice(0, 17) + '0123456789X'[Math.floor(rnd() * 11)];
      const slow = checkIdNumber(id, today).problems.length === 0;
      const fast = fastIdNumber(id, dateNumber(today)) !== undefined;
      expect(`${id} ${fast}`).toBe(`${id} ${slow}`);
      if (fast) accepted++;
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});


describe('money formatting', () => {
  it('groups thousands and keeps two decimals', () => {
    expect([0, 5, 99, 100, 100000, 1234567, 100000000, 123456789012, -1234567].map(formatYuan)).toEqual([
      '0.00', '0.05', '0.99', '1.00', '1,000.00', '12,345.67', '1,000,000.00', '1,234,567,890.12', '-12,345.67',
    ]);
    expect([10000, 9999.5, 500].map(formatThreshold)).toEqual(['10,000', '9,999.50', '500']);
  });
});
