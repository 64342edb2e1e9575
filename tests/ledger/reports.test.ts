/** Consolidation rules (ledger/reports): the month window, row facts, lead figures, roll-up, duplicates. */
import { LEAD_STATES } from '../../ledger/lead-states';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { findDuplicateGroups, maskName, nameFor, type OpenRowRef } from '../../ledger/reports/duplicates';
import { SUMMARY_DIMENSIONS, UNFILLED, rowFacts } from '../../ledger/reports/facts';
import {
  buildSummary,
  leadContribution,
  leadStateOn,
  lowestCommonUnit,
  type LeadFact,
  type RowBucket,
  type SummaryInput,
} from '../../ledger/reports/summary';
import { sumFigures as sumOf } from '../server/reports-helpers';
import { countsInWindow, lastDayOf, monthsOf } from '../../ledger/reports/window';

describe('month window', () => {
  const october = { from: '2026-10', to: '2026-10' };
  it('counts a row found by the month end and not closed before its start', () => {
    expect(countsInWindow('2026-10', '', october)).toBe(true);
    expect(countsInWindow('2026-03', '', october)).toBe(true); // still open: stays on the ledger
    expect(countsInWindow('2026-03', '2026-10', october)).toBe(true); // closed during the month
    expect(countsInWindow('2026-03', '2026-09', october)).toBe(false); // closed before the month
    expect(countsInWindow('2026-11', '', october)).toBe(false); // found after the month
    expect(countsInWindow('', '', october)).toBe(false); // no found date: undated, not counted
  });
  it('ranges: found by the last month, not closed before the first', () => {
    const q3 = { from: '2026-07', to: '2026-09' };
    expect(countsInWindow('2026-09', '', q3)).toBe(true);
    expect(countsInWindow('2026-01', '2026-07', q3)).toBe(true);
    expect(countsInWindow('2026-01', '2026-06', q3)).toBe(false);
    expect(monthsOf({ from: '2026-11', to: '2027-02' })).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
  });
});

describe('rowFacts', () => {
  it('one pair per single value, one per distinct multi value, 未填写 for empty cells', () => {
    const facts = rowFacts({ foundOn: '2026-10-05', categories: ['老年人', '残疾人', '老年人'], channel: '入户走访', routes: [], status: null });
    expect(facts.foundMonth).toBe('2026-10');
    expect(facts.closedMonth).toBe('');
    expect(facts.dims).toEqual([
      ['categories', '老年人'],
      ['categories', '残疾人'],
      ['channel', '入户走访'],
      ['verifyResult', UNFILLED],
      ['routes', UNFILLED],
      ['status', UNFILLED],
    ]);
    // every dimension present at least once, and 办理状态 exactly once (the row total rests on it)
    for (const dimension of SUMMARY_DIMENSIONS) expect(facts.dims.some(([d]) => d === dimension)).toBe(true);
    expect(facts.dims.filter(([d]) => d === 'status')).toHaveLength(1);
  });
  it('a closing date before the found date is clamped to the found month', () => {
    expect(rowFacts({ foundOn: '2026-10-05', closedOn: '2026-08-01' }).closedMonth).toBe('2026-10');
    expect(rowFacts({ foundOn: 'not a date', closedOn: '2026-08-01' })).toMatchObject({ foundMonth: '', closedMonth: '2026-08' });
  });
});

describe('lead figures', () => {
  const october = { from: '2026-10', to: '2026-10' };
  const dispatched = { 待分派: '2026-10-08', 已派至乡镇: '2026-10-09' } as const;
  const base: LeadFact = { source: 'medical', unitCode: '532301101201', foundOn: '2026-10-08', dispatchedOn: '2026-10-09', dueOn: '2026-10-23', reachedOn: dispatched };
  /** The lead verified on `on` (through 已下发村 and 核实中 the day before). */
  const verified = (on: string, extra: Partial<LeadFact['reachedOn']> = {}): LeadFact => ({ ...base, reachedOn: { ...dispatched, 已下发村: '2026-10-10', 核实中: '2026-10-10', 已核实: on, ...extra } });

  it('verified on time, with working days from dispatch by the ledger calendar', () => {
    const tally = leadContribution(verified('2026-10-16'), october, '2026-10-31', DEFAULT_CALENDAR)!;
    expect(tally).toMatchObject({ total: 1, verified: 1, verifiedOnTime: 1, overdue: 0, verifyWorkingDaysCount: 1 });
    expect(tally.verifyWorkingDaysSum).toBe(DEFAULT_CALENDAR.workingDaysBetween('2026-10-09', '2026-10-16'));
    // Fri 10-09 → Fri 10-16: five weekdays plus Sat 10-10, a 调休 make-up workday of the 2026 National Day holiday
    expect(tally.verifyWorkingDaysSum).toBe(6);
  });
  it('verified late is verified but not on time; unverified past due is overdue', () => {
    expect(leadContribution(verified('2026-10-26'), october, '2026-10-31', DEFAULT_CALENDAR)).toMatchObject({ verified: 1, verifiedOnTime: 0, overdue: 0 });
    expect(leadContribution(base, october, '2026-10-31', DEFAULT_CALENDAR)).toMatchObject({ verified: 0, overdue: 1 });
    expect(leadContribution(base, october, '2026-10-20', DEFAULT_CALENDAR)).toMatchObject({ verified: 0, overdue: 0 });
  });
  it('a verification after the as-of date does not count yet; a lead closed before the window is out', () => {
    expect(leadContribution(verified('2026-11-02'), october, '2026-10-31', DEFAULT_CALENDAR)).toMatchObject({ verified: 0, overdue: 1 });
    expect(leadContribution({ ...verified('2026-09-20', { 已办结: '2026-09-30' }), foundOn: '2026-08-01' }, october, '2026-10-31', DEFAULT_CALENDAR)).toBeNull();
    expect(leadContribution({ ...base, foundOn: '2026-11-01' }, october, '2026-10-31', DEFAULT_CALENDAR)).toBeNull();
  });
  it('each lead counts once, in the state it was in at the as-of date (its history, not today’s state)', () => {
    const closedLater = verified('2026-10-16', { 已办结: '2026-11-03' });
    expect(leadStateOn(closedLater.reachedOn, '2026-10-31')).toBe('已核实');
    expect(leadStateOn(closedLater.reachedOn, '2026-11-03')).toBe('已办结');
    expect(leadStateOn(closedLater.reachedOn, '2026-10-09')).toBe('已派至乡镇');
    expect(leadStateOn({}, '2026-10-09')).toBe('待分派'); // nothing recorded yet: the first state
    const tally = leadContribution(closedLater, october, '2026-10-31', DEFAULT_CALENDAR)!;
    expect(tally.byState).toEqual({ 待分派: 0, 已派至乡镇: 0, 已下发村: 0, 核实中: 0, 已核实: 1, 已办结: 0 });
    expect(Object.keys(tally.byState)).toEqual([...LEAD_STATES]); // every state of the one list, in its order
    expect(leadContribution(base, october, '2026-10-31', DEFAULT_CALENDAR)!.byState['已派至乡镇']).toBe(1);
  });
});

describe('lowestCommonUnit', () => {
  it('township for two villages of one township, county across townships, prefecture across counties', () => {
    expect(lowestCommonUnit(['532301101201', '532301101202'])).toBe('532301101');
    expect(lowestCommonUnit(['532301101201', '532301102201'])).toBe('532301');
    expect(lowestCommonUnit(['532301101201', '532322101201'])).toBe('5323');
    expect(lowestCommonUnit(['532301101201'])).toBe('532301101201');
  });
});

describe('buildSummary', () => {
  const county = { code: '532301', name: '楚雄市', level: 'county' as const };
  const townships = [
    { code: '532301101', name: '鹿城镇', level: 'township' as const },
    { code: '532301102', name: '东瓜镇', level: 'township' as const },
  ];
  const villages = [
    { code: '532301101201', name: '示范村', townshipCode: '532301101', townshipName: '鹿城镇' },
    { code: '532301101202', name: '青松村', townshipCode: '532301101', townshipName: '鹿城镇' },
    { code: '532301102201', name: '东瓜示例村', townshipCode: '532301102', townshipName: '东瓜镇' },
  ];
  const buckets: RowBucket[] = [];
  for (const [village, n] of [['532301101201', 3], ['532301101202', 2], ['532301102201', 4]] as const) {
    buckets.push({ unitCode: village, dimension: 'status', value: '核实中', count: n - 1 });
    buckets.push({ unitCode: village, dimension: 'status', value: '已办结', count: 1 });
    buckets.push({ unitCode: village, dimension: 'categories', value: '老年人', count: n });
    buckets.push({ unitCode: village, dimension: 'categories', value: '残疾人', count: 1 });
  }
  const lead = (unitCode: string, extra: Partial<LeadFact> = {}): LeadFact => ({
    source: 'medical', unitCode, foundOn: '2026-10-02', dispatchedOn: '2026-10-09', dueOn: '2026-10-23', reachedOn: { 待分派: '2026-10-02', 已派至乡镇: '2026-10-09' }, ...extra,
  });
  const through = (verifiedOn: string, closedOn?: string): Pick<LeadFact, 'reachedOn'> => ({
    reachedOn: { 待分派: '2026-10-02', 已派至乡镇: '2026-10-09', 已下发村: '2026-10-09', 核实中: '2026-10-10', 已核实: verifiedOn, ...(closedOn ? { 已办结: closedOn } : {}) },
  });
  const input: SummaryInput = {
    unit: county,
    children: townships,
    window: { from: '2026-09', to: '2026-10' },
    today: '2026-11-15',
    calendar: DEFAULT_CALENDAR,
    rowBuckets: buckets,
    leads: [
      lead('532301101201', through('2026-10-12', '2026-10-20')),
      lead('532301101', { source: 'disability' }), // still at the township
      lead('532301'), // still at the county: belongs to no child
      lead('532301102201', through('2026-10-30')),
    ],
    villages,
    submissions: [
      { villageCode: '532301101201', month: '2026-10', state: '已审核' },
      { villageCode: '532301102201', month: '2026-09', state: '已退回' },
    ],
    duplicates: [{ lowestCommonUnit: '532301101' }, { lowestCommonUnit: '532301' }],
  };
  const summary = buildSummary(input);

  it('children plus the unit itself add up to the parent, figure by figure', () => {
    const parent = sumOf([summary.figures]);
    expect(parent.size).toBeGreaterThan(20);
    expect(sumOf([...summary.children.map((child) => child.figures), summary.unitItself])).toEqual(parent);
  });

  it('the unit itself holds only what is not below it (a lead at the county, a county-level duplicate)', () => {
    expect(summary.unitItself.rows.total).toBe(0);
    expect(summary.unitItself.leads.all.total).toBe(1);
    expect(summary.unitItself.duplicates).toBe(1);
    expect(summary.children[0].figures.duplicates).toBe(1);
  });

  it('rows total is the sum of 办理状态; rates derive from the sums', () => {
    expect(summary.figures.rows.total).toBe(9);
    expect(summary.children.map((child) => child.figures.rows.total)).toEqual([5, 4]);
    expect(summary.figures.rows.byDimension.categories).toEqual({ 老年人: 9, 残疾人: 3 });
    const all = summary.figures.leads.all;
    expect(all).toMatchObject({ total: 4, verified: 2, verifiedOnTime: 1, overdue: 2, closed: 1 });
    expect(all.onTimeRate).toBe(0.5);
    expect(all.closureRate).toBe(0.25);
    expect(all.averageWorkingDaysToVerify).toBe(all.verifyWorkingDaysSum / 2);
    expect(Object.keys(summary.figures.leads.bySource)).toEqual(['disability', 'medical']);
    // by state at the as-of date (10-31): one closed, one verified, two still where the county sent them
    expect(all.byState).toEqual({ 待分派: 0, 已派至乡镇: 2, 已下发村: 0, 核实中: 0, 已核实: 1, 已办结: 1 });
    expect(summary.figures.leads.bySource.disability.byState['已派至乡镇']).toBe(1);
    expect(summary.children[1].figures.leads.all.byState['已核实']).toBe(1);
  });

  it('a month without a submission is 未提交 for every village, not zero rows', () => {
    expect(summary.villages.map((v) => [v.code, v.states])).toEqual([
      ['532301101201', { '2026-09': '未提交', '2026-10': '已审核' }],
      ['532301101202', { '2026-09': '未提交', '2026-10': '未提交' }],
      ['532301102201', { '2026-09': '已退回', '2026-10': '未提交' }],
    ]);
    expect(summary.figures.submissions['2026-10']).toEqual({ villages: 3, 未提交: 2, 已提交: 0, 已退回: 0, 已审核: 1 });
    expect(summary.children[1].figures.submissions['2026-09']).toEqual({ villages: 1, 未提交: 0, 已提交: 0, 已退回: 1, 已审核: 0 });
  });

  it('the as-of date is the window end when the window is over, today while it runs', () => {
    expect(summary.asOf).toBe('2026-10-31');
    expect(buildSummary({ ...input, today: '2026-10-15' }).asOf).toBe('2026-10-15');
  });
});

describe('cross-village duplicates', () => {
  const rows: OpenRowRef[] = [
    { idNumber: '53230119800101001x', villageCode: '532301101201', rowId: 'a', name: '张三丰', foundOn: '2026-10-01', status: '核实中' },
    { idNumber: '53230119800101001X', villageCode: '532301101202', rowId: 'b', name: '张三丰', foundOn: '2026-10-03', status: null },
    { idNumber: '532301199002020022', villageCode: '532301101201', rowId: 'c', name: '李四', foundOn: null, status: null },
    { idNumber: '532301199002020022', villageCode: '532301101201', rowId: 'd', name: '李四', foundOn: null, status: null },
  ];
  it('groups ID numbers open in two villages, flagged to their lowest common unit, ID masked', () => {
    const groups = findDuplicateGroups(rows, 'township');
    expect(groups).toHaveLength(1); // twice in one village is that village's own id.duplicate finding
    expect(groups[0]).toMatchObject({ key: 'D1', idNumberMasked: '532301********001X', lowestCommonUnit: '532301101', villageCodes: ['532301101201', '532301101202'] });
    expect(groups[0].rows.map((row) => [row.rowId, row.name])).toEqual([['a', '张三丰'], ['b', '张三丰']]);
    expect(JSON.stringify(groups)).not.toMatch(/\d{17}[\dX]/i);
  });
  it('names as the role allows: masked for the prefecture and the administrator', () => {
    expect(findDuplicateGroups(rows, 'prefecture')[0].rows.map((row) => row.name)).toEqual(['张**', '张**']);
    expect(nameFor('admin', '欧阳')).toBe('欧*');
    expect(nameFor('county', '欧阳')).toBe('欧阳');
    expect(maskName('李')).toBe('李*');
  });
});
