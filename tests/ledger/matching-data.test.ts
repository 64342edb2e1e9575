/**
 * Sources and rules as data (issue 12.5/12.6) and the cell readers issue 14 relies on: the header
 * rule shared with the ledger (canonical beats alias), vocabularies with synonyms, amounts, dates,
 * certificate numbers, ID numbers. Each test fails without the rule it names.
 */
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { MatchRuleCodeSchema } from '../../ledger/api/leads';
import { idCheckChar } from '../../ledger/id-number';
import { locateLedgerHeader } from '../../ledger/sheet';
import {
  createSourceMatcher,
  dateMonth,
  idFromCertificate,
  MATCH_RULE_CODES,
  MATCH_RULES,
  matchSheet,
  parseMoneyCents,
  parseRosterSheet,
  readIdNumber,
  rosterStatusReader,
  vocabularyOf,
  EMPTY_ROSTER,
} from '../../ledger/matching';
import { DEFAULT_POLICY } from '../../ledger/policy';
import { EXCLUSION_KEYS, SOURCES, type SourceDef } from '../../ledger/sources';
import { fakeId, TODAY } from './matching-helpers';

describe('one list per concept', () => {
  it('rule codes are derived from MATCH_RULES (the wire enum too)', () => {
    expect(MATCH_RULE_CODES).toEqual(MATCH_RULES.map((r) => r.code));
    for (const code of MATCH_RULE_CODES) expect(MatchRuleCodeSchema.parse(code)).toBe(code);
    expect(() => MatchRuleCodeSchema.parse('medical.unknown')).toThrow();
  });

  it('every rule that can leave someone out declares its exclusion, and every exclusion is a known key', () => {
    for (const rule of MATCH_RULES) {
      if ('test' in rule) expect(EXCLUSION_KEYS).toContain((rule as { excludes?: string }).excludes);
    }
  });

  it('the pure matching core keeps no module-level mutable state', () => {
    const dir = join(__dirname, '..', '..', 'ledger', 'matching');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect({ file, topLevelLet: /^(let|var)\s/m.test(text) }).toEqual({ file, topLevelLet: false });
    }
  });

  it('a new source is one entry of data: the matcher takes a definition it has never seen', () => {
    // A copy of 重特大疾病 under another name and detail column: nothing in match.ts knows it.
    const disease = SOURCES.find((s) => s.code === 'disease')!;
    const custom: SourceDef = {
      ...disease,
      columns: [...disease.columns.filter((c) => c.key !== 'disease'), { key: 'diagnosis', header: '诊断结论', en: 'Diagnosis', aliases: [], required: true, type: 'text' }],
      detail: { column: 'diagnosis' },
    };
    const id = fakeId(5);
    const outcome = matchSheet({
      source: custom, period: '2026-10', roster: EMPTY_ROSTER, policy: DEFAULT_POLICY, today: TODAY,
      sheet: { values: [['姓名', '身份证号', '诊断结论'], ['甲', id, '白血病']] },
    });
    expect(outcome.ok && outcome.result.leads[0].reason.zh).toBe('重特大疾病（白血病），未纳入低保、特困供养');
  });
});

describe('headers: the ledger’s rule, shared', () => {
  it('a canonical header beats an alias to its left, in the ledger too', () => {
    const sheet = { values: [['身份证号', '姓名', '公民身份号码', '乡镇（街道）']] };
    expect(locateLedgerHeader(sheet)!.indexByKey.idNumber).toBe(2);
  });

  it('a departmental file: 残疾人证号 is its own column, 身份证号 the ID wherever it sits', () => {
    const id = fakeId(9);
    const matcher = createSourceMatcher({
      source: 'disability', period: '2026-Q3', roster: EMPTY_ROSTER, policy: DEFAULT_POLICY, today: TODAY,
      header: { rowIndex: 0, excelRow: 1, indexByKey: { certificateNo: 0, name: 1, idNumber: 2, disabilityGrade: 3 } },
    });
    matcher.addRow([`${id}11`, '甲', id, '一级'], 2);
    expect(matcher.finish().leads.map((l) => l.idNumber)).toEqual([id]);
  });
});

describe('cell readers', () => {
  it('vocabularies match whole texts with synonyms, never substrings', () => {
    const status = rosterStatusReader(DEFAULT_POLICY.matching.rosterStatuses);
    expect(['在保', '正常', '在册', '新增', '未停保', ''].map(status)).toEqual(['在保', '在保', '在保', '在保', '在保', '在保']);
    expect(['停保', '已停保', '退出', '注销', '取消', '不享受'].map(status)).toEqual(['停保', '停保', '停保', '停保', '停保', '停保']);
    expect(status('享受待遇中止')).toBe('unknown');
    const categories = vocabularyOf(DEFAULT_POLICY.matching.rosterCategories);
    expect(['五保户', '特困人员', '农村低保', '低保边缘户'].map((c) => categories.canonical(c))).toEqual(['特困供养', '特困供养', '低保', '低保边缘']);
    // Qualifiers a roster adds (a class, a bracketed remark) are dropped for a second lookup.
    const parsed = parseRosterSheet({ values: [['姓名', '身份证号', '保障类别'], ['甲', fakeId(1), '农村低保A类'], ['乙', fakeId(2), '特困供养（分散）'], ['丙', fakeId(3), '低保边缘外']] }, TODAY);
    expect(parsed.ok && [1, 2, 3].map((n) => parsed.index.people.get(fakeId(n))!.active)).toEqual([['低保'], ['特困供养'], ['低保边缘外']]);
    expect(parsed.ok && parsed.warnings.map((w) => [w.row, w.code])).toEqual([[4, 'roster.category_unknown']]);
    const levels = vocabularyOf(DEFAULT_POLICY.matching.educationLevels);
    expect(['高职（专科）', '高职(专科)', '大专', '专升本', '普通本科', '硕士'].map((l) => levels.canonical(l))).toEqual(['专科', '专科', '专科', '本科', '本科', '研究生']);
  });

  it('amounts: 1.2万, full-width digits, signs; IDs: apostrophe and ="…" removed (the shared typedText)', () => {
    expect(parseMoneyCents('1.2万')).toBe(1_200_000);
    expect(parseMoneyCents('1.2万元')).toBe(1_200_000);
    expect(parseMoneyCents('１２，３４５.６')).toBe(1_234_560);
    expect(parseMoneyCents('-300')).toBe(-30_000);
    expect(parseMoneyCents('abc')).toBeUndefined();
    expect(readIdNumber(`'${fakeId(3)}`, TODAY)).toEqual({ ok: true, id: fakeId(3) });
    expect(readIdNumber(`="${fakeId(3)}"`, TODAY)).toEqual({ ok: true, id: fakeId(3) });
  });

  it('dates give the month: text in several forms and Excel serial numbers', () => {
    expect(['2026-10-03', '2026/10/3', '2026.10.03', '20261003', '2026年10月3日'].map(dateMonth)).toEqual([202610, 202610, 202610, 202610, 202610]);
    expect(dateMonth(46298)).toBe(202610); // 2026-10-03 as an Excel serial
    expect(dateMonth(new Date(Date.UTC(2025, 11, 31)))).toBe(202512);
    expect(dateMonth('不详')).toBeUndefined();
  });

  it('IDs: a 15-digit number with an impossible birth date is rejected; …000 with a bad check is the Excel hint; certificates', () => {
    expect(readIdNumber('532301800230123', TODAY)).toMatchObject({ ok: false, code: 'id.birthdate' });
    expect(readIdNumber('532301800228123', TODAY)).toMatchObject({ ok: true });
    let n = 70;
    while (idCheckChar(`${fakeId(n).slice(0, 15)}00`) === '0') n++; // one whose damage fails the check
    const id = fakeId(n);
    expect(readIdNumber(`${id.slice(0, 15)}000`, TODAY)).toMatchObject({ ok: false, code: 'id.excel_number' });
    const wrong = idCheckChar(`${id.slice(0, 15)}00`) === '1' ? '2' : '1';
    expect(readIdNumber(`${id.slice(0, 15)}00${wrong}`, TODAY)).toMatchObject({ ok: false, code: 'id.checksum' });
    expect(idFromCertificate(`${id}42`, TODAY)).toBe(id);
    expect(idFromCertificate(`${id}4`, TODAY)).toBeUndefined();
  });
});
