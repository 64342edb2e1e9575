import { readFileSync } from 'fs';
import { resolve } from 'path';
import { DEFAULT_CALENDAR, createCalendar } from '../../ledger/calendar';
import { DEFAULT_POLICY, resolvePolicy, type PolicyInput } from '../../ledger/policy';
import {
  NOTICE_CLAUSES,
  MEASURE_CLAUSES,
  clauseOf,
  questionnaireFromValues,
  recommendHandling,
  type HandlingCase,
  type HandlingQuestionnaire,
} from '../../ledger/handling';
import { VOCABULARIES } from '../../ledger/vocabularies';

/** Notice 楚民发〔2023〕7号, section 二（三）, copied verbatim (also checked against the notice's full text in docs/notice/). */
const SECTION_2_3 =
  '（三）完善主动发现接办流程。进一步明确主动发现接办流程，做到响应迅速、流程顺畅、措施精准。发现救助线索后，要对困难群众主动宣讲政策、了解其申请意愿和能力，并遵循救助自愿的原则，尊重群众意愿。对有申请意愿但申请能力不足的，要协助其提出申请。对符合低保、特困供养条件的，要按程序及时纳入低保、特困供养范围，并协助申请相应专项救助。对遭遇急难的，要按照“先行救助”规定直接实施临时救助，帮助其尽快渡过难关。对遭遇重大暂时性生活困难的，可通过“一事一议”方式提高临时救助额度。对涉及多个部门或情况复杂的急难个案，要充分发挥县级困难群众基本生活保障工作协调机制作用，实施综合救助帮扶。对现行救助政策不能覆盖，但符合低收入家庭条件的，要及时纳入低收入人口动态监测。';

const TODAY = '2026-09-28'; // a Monday, just before 国庆

const BASE: HandlingQuestionnaire = { willing: '愿意申请', ableToApplyAlone: true, area: 'urban' };

function measuresFor(q: Partial<HandlingQuestionnaire>, extra: Omit<HandlingCase, 'questionnaire'> = {}, policy: PolicyInput = {}): string[] {
  return recommendHandling({ ...extra, questionnaire: { ...BASE, ...q } }, resolvePolicy(policy), DEFAULT_CALENDAR, TODAY).map((r) => r.measure);
}

describe('clauses: exact quotes of the notice, section 二（三）', () => {
  it('the clauses, in order, are the section after its heading, word for word', () => {
    const heading = '（三）完善主动发现接办流程。进一步明确主动发现接办流程，做到响应迅速、流程顺畅、措施精准。';
    expect(heading + NOTICE_CLAUSES.map((c) => c.zh).join('')).toBe(SECTION_2_3);
  });

  it('the section is quoted verbatim from the notice kept in docs/notice/', () => {
    const notice = readFileSync(resolve(__dirname, '..', '..', 'docs', 'notice', 'chumin-2023-7.txt'), 'utf8');
    expect(notice).toContain(SECTION_2_3);
  });

  it('every route of the vocabulary but 转介其他部门 has its clause; unknown routes have none', () => {
    for (const route of VOCABULARIES.routes) {
      if (route === '转介其他部门') expect(clauseOf(route)).toBeUndefined();
      else expect(SECTION_2_3).toContain(clauseOf(route)!.zh);
    }
    expect(clauseOf('不存在')).toBeUndefined();
    expect(MEASURE_CLAUSES['医疗救助'].id).toBe('enrol');
    expect(MEASURE_CLAUSES['临时救助'].id).toBe('emergency');
  });
});

describe('recommendHandling: one branch per row', () => {
  it.each<[string, Partial<HandlingQuestionnaire>, Omit<HandlingCase, 'questionnaire'>, PolicyInput, string[]]>([
    // 1. willing but unable → 协助申请
    ['willing, unable to apply alone', { ableToApplyAlone: false }, {}, {}, ['协助申请']],
    ['willing and able, nothing else known', {}, {}, {}, []],
    ['未表态 and unable: no 协助申请 without the wish to apply', { willing: '未表态', ableToApplyAlone: false }, {}, {}, []],
    // 2. 低保 by income (monthly standard from the policy; rural = yearly / 12)
    ['urban income 600 ≤ 735', { perCapitaMonthlyIncome: 600 }, {}, {}, ['纳入低保']],
    ['urban income at the standard (735)', { perCapitaMonthlyIncome: 735 }, {}, {}, ['纳入低保']],
    ['rural income 500 ≤ 6400/12', { perCapitaMonthlyIncome: 500, area: 'rural' }, {}, {}, ['纳入低保']],
    ['county standard 800: income 780', { perCapitaMonthlyIncome: 780 }, {}, { dibaoStandardUrbanMonthly: 800 }, ['纳入低保']],
    ['未表态 still gets the eligibility routes', { willing: '未表态', perCapitaMonthlyIncome: 600 }, {}, {}, ['纳入低保']],
    ['already on 低保: not enrolled twice', { perCapitaMonthlyIncome: 600 }, { coverage: ['低保'] }, {}, []],
    // 2. 专项救助 with 低保/特困
    ['低保 + all four special needs', { perCapitaMonthlyIncome: 600, specialNeeds: ['医疗', '教育', '住房', '就业'] }, {}, {},
      ['纳入低保', '医疗救助', '教育救助', '住房救助', '就业救助']],
    ['on 低保 already (from the row) + 医疗', { perCapitaMonthlyIncome: 600, specialNeeds: ['医疗', '医疗'] }, { values: { coverage: '低保' } }, {}, ['医疗救助']],
    ['special needs without 低保/特困 eligibility: not this clause', { perCapitaMonthlyIncome: 900, specialNeeds: ['医疗'] }, {}, {}, ['纳入低收入人口动态监测']],
    // 2. 特困
    ['特困 conditions (takes the place of 低保)', { meetsTekunConditions: true, perCapitaMonthlyIncome: 300 }, {}, {}, ['纳入特困供养']],
    ['特困 conditions while on 低保', { meetsTekunConditions: true }, { coverage: ['低保'] }, {}, ['纳入特困供养']],
    ['特困 + unable + 住房', { meetsTekunConditions: true, ableToApplyAlone: false, specialNeeds: ['住房'] }, {}, {}, ['协助申请', '纳入特困供养', '住房救助']],
    ['already 特困供养: only 专项', { meetsTekunConditions: true, perCapitaMonthlyIncome: 300, specialNeeds: ['教育'] }, { coverage: ['特困供养'] }, {}, ['教育救助']],
    // 3. emergency
    ['emergency', { emergency: true }, {}, {}, ['先行救助', '临时救助']],
    // 4. amount above the township cap (3 × monthly standard: 2205 urban, 1600 rural)
    ['urban amount 3000 > 2205', { amountNeeded: 3000 }, {}, {}, ['一事一议']],
    ['urban amount at the cap (2205)', { amountNeeded: 2205 }, {}, {}, []],
    ['rural amount 2000 > 1600', { amountNeeded: 2000, area: 'rural' }, {}, {}, ['一事一议']],
    ['cap multiplier 5 from the county policy', { amountNeeded: 3000 }, {}, { temporaryAidTownshipCapMultiplier: 5 }, []],
    // 5. coordination
    ['several departments', { multipleDepartments: true }, {}, {}, ['综合救助帮扶']],
    ['complex emergency', { complex: true, emergency: true }, {}, {}, ['先行救助', '临时救助', '综合救助帮扶']],
    ['complex but no emergency', { complex: true }, {}, {}, []],
    // 6. low-income monitoring (below 1.5 × standard, above the standard)
    ['urban income 736 > 735', { perCapitaMonthlyIncome: 736 }, {}, {}, ['纳入低收入人口动态监测']],
    ['urban income 1102 < 1102.5', { perCapitaMonthlyIncome: 1102 }, {}, {}, ['纳入低收入人口动态监测']],
    ['urban income 1102.5: not below the line', { perCapitaMonthlyIncome: 1102.5 }, {}, {}, []],
    ['rural income 600 > 533.33 and < 800', { perCapitaMonthlyIncome: 600, area: 'rural' }, {}, {}, ['纳入低收入人口动态监测']],
    ['multiplier 2 from the county policy: 1400 < 1470', { perCapitaMonthlyIncome: 1400 }, {}, { lowIncomeMultiplier: 2 }, ['纳入低收入人口动态监测']],
    ['already under monitoring', { perCapitaMonthlyIncome: 900 }, { values: { coverage: '低收入监测' } }, {}, []],
    ['special: 特困 conditions are not monitoring', { meetsTekunConditions: true, perCapitaMonthlyIncome: 900 }, {}, {}, ['纳入特困供养']],
    // declined: only 尊重意愿持续关注 (+ monitoring where low-income)
    ['declines, everything else applies', { willing: '不愿申请', ableToApplyAlone: false, perCapitaMonthlyIncome: 600, emergency: true,
      amountNeeded: 9000, multipleDepartments: true, meetsTekunConditions: true, specialNeeds: ['医疗'] }, {}, {},
      ['纳入低收入人口动态监测', '尊重意愿持续关注']],
    ['declines, income above the low-income line', { willing: '不愿申请', perCapitaMonthlyIncome: 2000 }, {}, {}, ['尊重意愿持续关注']],
    ['declines, income unknown', { willing: '不愿申请', emergency: true }, {}, {}, ['尊重意愿持续关注']],
    ['declines, already monitored', { willing: '不愿申请', perCapitaMonthlyIncome: 900 }, { coverage: ['低收入监测'] }, {}, ['尊重意愿持续关注']],
    // several at once, in the notice's order
    ['everything at once', { ableToApplyAlone: false, perCapitaMonthlyIncome: 600, emergency: true, amountNeeded: 5000,
      multipleDepartments: true, specialNeeds: ['就业', '医疗'] }, {}, {},
      ['协助申请', '纳入低保', '医疗救助', '就业救助', '先行救助', '临时救助', '一事一议', '综合救助帮扶']],
  ])('%s', (_name, q, extra, policy, expected) => {
    expect(measuresFor(q, extra, policy)).toEqual(expected);
  });
});

describe('recommendHandling: clauses, reasons with figures, deadlines', () => {
  const recs = recommendHandling(
    { questionnaire: { ...BASE, ableToApplyAlone: false, perCapitaMonthlyIncome: 600, emergency: true, amountNeeded: 3000, specialNeeds: ['医疗'] } },
    DEFAULT_POLICY,
    DEFAULT_CALENDAR,
    TODAY,
  );
  const byMeasure = new Map(recs.map((r) => [r.measure, r]));

  it('each recommendation quotes its clause exactly, in zh-CN with an en-US rendering', () => {
    for (const rec of recs) {
      expect(SECTION_2_3).toContain(rec.clause);
      expect(rec.clause).toBe(MEASURE_CLAUSES[rec.measure as keyof typeof MEASURE_CLAUSES].zh);
      expect(rec.clauseEn.length).toBeGreaterThan(20);
      expect(rec.reason.zh.length).toBeGreaterThan(0);
      expect(rec.reason.en.length).toBeGreaterThan(0);
    }
  });

  it('低保: the income and the standard in the reason; review due 30 working days from today', () => {
    const rec = byMeasure.get('纳入低保')!;
    expect(rec.reason.zh).toBe('人均月收入 600 元 ≤ 城市低保标准 735 元/人·月');
    expect(rec.reason.en).toContain('600 yuan');
    expect(rec.deadline?.iso).toBe('2026-11-13'); // 9/29, 9/30, then 国庆 off, 10/10 调休 …
    expect(rec.deadline?.label.zh).toContain('30个工作日');
  });

  it('rural: the monthly standard is the yearly one / 12, and the reason says so', () => {
    const [rec] = recommendHandling({ questionnaire: { ...BASE, area: 'rural', perCapitaMonthlyIncome: 500 } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY);
    expect(rec.reason.zh).toBe('人均月收入 500 元 ≤ 农村低保标准 533.33 元/人·月（6400 元/人·年 ÷ 12）');
  });

  it('先行救助 within 48 hours, then formalities within 5 working days of the latest aid date', () => {
    expect(byMeasure.get('先行救助')!.deadline?.iso).toBe('2026-09-30');
    expect(byMeasure.get('先行救助')!.deadline?.label.zh).toContain('48小时');
    expect(byMeasure.get('临时救助')!.deadline?.iso).toBe('2026-10-13');
  });

  it('the emergency clock can start before today', () => {
    const [aid] = recommendHandling({ questionnaire: { ...BASE, emergency: true, emergencyStart: '2026-09-26T22:00' } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY);
    expect(aid.deadline?.iso).toBe('2026-09-28');
  });

  it('一事一议: amount, cap and how the cap is made', () => {
    expect(byMeasure.get('一事一议')!.reason.zh).toContain('所需救助金额 3000 元 > 乡镇审批上限 2205 元（3 × 城市低保标准 735 元/人·月）');
  });

  it('特困: decision due after investigation (15) + decision (10) working days', () => {
    const [rec] = recommendHandling({ questionnaire: { ...BASE, meetsTekunConditions: true } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY);
    expect(rec.deadline?.iso).toBe('2026-11-06');
    expect(rec.deadline?.label.zh).toContain('2026-10-23');
  });

  it('monitoring: the low-income line and its multiple', () => {
    const [rec] = recommendHandling({ questionnaire: { ...BASE, perCapitaMonthlyIncome: 900 } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY);
    expect(rec.reason.zh).toContain('人均月收入 900 元 < 低收入认定线 1102.5 元（1.5 × 城市低保标准 735 元/人·月）');
  });

  it('deadlines follow the calendar given', () => {
    const weekendsOnly = createCalendar({});
    const [rec] = recommendHandling({ questionnaire: { ...BASE, perCapitaMonthlyIncome: 600 } }, DEFAULT_POLICY, weekendsOnly, TODAY);
    expect(rec.deadline?.iso).toBe(weekendsOnly.addWorkingDays(TODAY, 30));
    expect(rec.deadline?.iso).not.toBe('2026-11-13');
  });

  it('routes without a time limit carry no deadline', () => {
    expect(byMeasure.get('协助申请')!.deadline).toBeUndefined();
    expect(byMeasure.get('医疗救助')!.deadline).toBeUndefined();
  });

  it('rejects a malformed questionnaire or date', () => {
    expect(() => recommendHandling({ questionnaire: { ...BASE, willing: '也许' as never } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY)).toThrow();
    expect(() => recommendHandling({ questionnaire: { ...BASE, perCapitaMonthlyIncome: -1 } }, DEFAULT_POLICY, DEFAULT_CALENDAR, TODAY)).toThrow();
    expect(() => recommendHandling({ questionnaire: BASE }, DEFAULT_POLICY, DEFAULT_CALENDAR, '2026/09/28')).toThrow(RangeError);
  });
});

describe('questionnaireFromValues (pre-fill from the ledger row)', () => {
  it.each([
    [{ willingness: '愿意申请', ability: '需协助申请' }, { willing: '愿意申请', ableToApplyAlone: false }],
    [{ willingness: '不愿申请', ability: '能自行申请' }, { willing: '不愿申请', ableToApplyAlone: true }],
    [{ willingness: '随便', ability: '' }, {}],
    [{ categories: ['因病支出型困难', '老年人'] }, { specialNeeds: ['医疗'] }],
    [{ categories: '重大疾病、因学支出型困难' }, { specialNeeds: ['医疗', '教育'] }],
  ] as const)('%j → %j', (values, expected) => {
    expect(questionnaireFromValues(values as never)).toEqual(expected);
  });
});
