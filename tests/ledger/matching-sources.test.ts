import { LEDGER_COLUMNS } from '../../ledger/columns';
import { DEFAULT_POLICY } from '../../ledger/policy';
import {
  expectedPeriods,
  feedDueDate,
  isValidPeriod,
  missingFeeds,
  normalizePeriod,
  periodLabel,
  periodRange,
  ROSTER_COLUMNS,
  SOURCES,
  sourceByCode,
} from '../../ledger/sources';
import { VOCABULARIES } from '../../ledger/vocabularies';
import { MATCH_RULES } from '../../ledger/matching';

describe('source definitions', () => {
  it('every source has the two key columns, a category and channel from the ledger vocabularies, and rules that exist', () => {
    for (const source of SOURCES) {
      const keys = source.columns.map((c) => c.key);
      expect(keys).toEqual(expect.arrayContaining(['name', 'idNumber', 'township', 'village']));
      expect(new Set(keys).size).toBe(keys.length);
      expect(VOCABULARIES.categories).toContain(source.category);
      expect(VOCABULARIES.channel).toContain(source.channel);
      // Every source has rules, and every column a source definition names is one of its columns.
      expect(MATCH_RULES.some((r) => r.source === source.code)).toBe(true);
      const named = [
        source.detail?.column, source.detail?.second, source.grade, source.idFromCertificate,
        ...(source.amount ? [...source.amount.total, ...source.amount.parts] : []),
        ...(source.settlement ? [source.settlement.number, source.settlement.kind] : []),
        ...(source.rowDate ?? []), ...(source.rowChecks ?? []).map((c) => c.column), ...(source.requiredOneOf ?? []).flat(),
      ].filter((k): k is string => k !== undefined);
      for (const key of named) expect(keys).toContain(key);
    }
    for (const rule of MATCH_RULES) expect(SOURCES.map((s) => s.code)).toContain(rule.source);
  });

  it('the notice’s schedules and implied categories', () => {
    expect(sourceByCode('medical')).toMatchObject({ schedule: { kind: 'monthly' }, periodFormat: 'YYYY-MM', category: '因病支出型困难' });
    expect(sourceByCode('disability')).toMatchObject({ schedule: { kind: 'quarterly' }, periodFormat: 'YYYY-Qn', category: '残疾人' });
    expect(sourceByCode('education')).toMatchObject({ schedule: { kind: 'yearly', month: 10 }, periodFormat: 'YYYY', category: '因学支出型困难' });
    expect(sourceByCode('petition')).toMatchObject({ schedule: { kind: 'asReceived' }, channel: '信访诉求' });
    const selfPaid = sourceByCode('medical').columns.find((c) => c.key === 'selfPaid')!;
    expect(selfPaid).toMatchObject({ header: '个人自付费用' });
    expect(selfPaid.aliases).toEqual(expect.arrayContaining(['自付金额', '个人自付']));
    expect(sourceByCode('medical').amount).toEqual(expect.objectContaining({ total: ['burdenTotal'], parts: ['selfPaid', 'selfFunded'] }));
  });

  it('roster columns: 保障状态 optional (missing = 在保); ID aliases include the ledger’s header', () => {
    expect(ROSTER_COLUMNS.find((c) => c.key === 'status')!.required).toBe(false);
    const ledgerId = LEDGER_COLUMNS.find((c) => c.key === 'idNumber')!;
    const id = ROSTER_COLUMNS.find((c) => c.key === 'idNumber')!;
    expect([id.header, ...id.aliases]).toContain(ledgerId.header);
  });
});

describe('periods', () => {
  it('validates each source’s format', () => {
    expect(isValidPeriod('medical', '2026-10')).toBe(true);
    expect(isValidPeriod('medical', '2026-13')).toBe(false);
    expect(isValidPeriod('medical', '2026-Q3')).toBe(false);
    expect(isValidPeriod('disability', '2026-Q3')).toBe(true);
    expect(isValidPeriod('disability', '2026-Q5')).toBe(false);
    expect(isValidPeriod('education', '2026')).toBe(true);
    expect(isValidPeriod('education', '2026-10')).toBe(false);
    expect(isValidPeriod('petition', '2026-10-05')).toBe(true);
    expect(isValidPeriod('petition', '2026-02-30')).toBe(false);
  });

  it('normalises what people type', () => {
    expect(normalizePeriod('medical', '202610')).toBe('2026-10');
    expect(normalizePeriod('medical', '2026年10月')).toBe('2026-10');
    expect(normalizePeriod('medical', '2026/9')).toBe('2026-09');
    expect(normalizePeriod('disability', '2026q3')).toBe('2026-Q3');
    expect(normalizePeriod('disability', '2026年第3季度')).toBe('2026-Q3');
    expect(normalizePeriod('education', '2026年')).toBe('2026');
    expect(normalizePeriod('medical', '2026-10-05')).toBeUndefined();
    expect(normalizePeriod('medical', 'october')).toBeUndefined();
  });

  it('ranges and labels', () => {
    expect(periodRange('disability', '2026-Q1')).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(periodRange('medical', '2028-02')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(periodRange('education', '2026')).toEqual({ start: '2026-10-01', end: '2026-10-31' });
    expect(periodLabel('2026-10')).toEqual({ zh: '2026年10月', en: 'October 2026' });
    expect(periodLabel('2026-Q3')).toEqual({ zh: '2026年第3季度', en: '2026 Q3' });
  });
});

describe('feed calendar', () => {
  it('expected periods in a range, per schedule', () => {
    expect(expectedPeriods('medical', '2026-08-15', '2026-11-02')).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(expectedPeriods('disability', '2026-02-01', '2026-07-01')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);
    expect(expectedPeriods('education', '2025-11-01', '2027-09-30')).toEqual(['2026']);
    expect(expectedPeriods('petition', '2026-01-01', '2026-12-31')).toEqual([]);
    expect(() => expectedPeriods('medical', '2026-02-30', '2026-03-31')).toThrow(/real YYYY-MM-DD/);
  });

  it('says 「2026年10月 医保数据尚未导入」 only after the grace period', () => {
    const grace = DEFAULT_POLICY.feedGraceDays;
    expect(feedDueDate('medical', '2026-10', grace)).toBe('2026-11-15');
    const since = '2026-10-01';
    const onDue = missingFeeds([], '2026-11-15', grace, { since, sources: ['medical'] });
    expect(onDue).toEqual([]);
    const after = missingFeeds([], '2026-11-16', grace, { since, sources: ['medical'] });
    expect(after).toEqual([
      { source: 'medical', period: '2026-10', dueDate: '2026-11-15', message: { zh: '2026年10月 医保数据尚未导入', en: 'Medical insurance data for October 2026 has not been imported' } },
    ]);
    expect(missingFeeds([{ source: 'medical', period: '2026-10' }], '2026-11-16', grace, { since, sources: ['medical'] })).toEqual([]);
  });

  it('covers every scheduled source, never the as-received ones; grace days come from the caller (policy)', () => {
    const missing = missingFeeds([{ source: 'disease', period: '2026-10' }], '2026-12-01', 0, { since: '2026-09-01' });
    expect(missing.map((m) => `${m.source} ${m.period}`)).toEqual([
      'medical 2026-09',
      'medical 2026-10',
      'medical 2026-11',
      'disease 2026-09',
      'disease 2026-11',
      'disability 2026-Q3',
      'education 2026',
    ]);
    expect(missing.find((m) => m.source === 'education')!.message.zh).toBe('2026年 教育数据尚未导入');
    expect(missing.find((m) => m.source === 'disability')!.message.zh).toBe('2026年第3季度 残联数据尚未导入');
    expect(missingFeeds([], '2026-12-01', 31, { since: '2026-09-01' }).map((m) => `${m.source} ${m.period}`)).toEqual([
      'medical 2026-09',
      'disease 2026-09',
      'disability 2026-Q3',
    ]);
  });

  it('looks back one year by default', () => {
    const missing = missingFeeds([], '2026-11-20', 15, { sources: ['medical'] });
    expect(missing[0].period).toBe('2025-11');
    expect(missing[missing.length - 1].period).toBe('2026-10');
  });
});
