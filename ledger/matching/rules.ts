/**
 * The matching rules as data (notice 二（二）1). Each source lists its rules in order; the first
 * rule a person passes makes the lead, otherwise the first exclusion explains why not.
 * Thresholds come from policy.matching, never from literals here.
 */
import type { Policy } from '../policy';
import type { ExclusionKey, LocalizedText, SourceCode } from '../sources';
import type { Category } from '../vocabularies';
import { formatYuan, GRADE_ZH, type Vocabulary } from './cells';

/** What the matcher has gathered about one person of a source file. */
export interface PersonFacts {
  /** Summed self-paid cost in cents (medical). */
  cents: number;
  /** Stays summed (medical). */
  stays: number;
  /** Most severe grade seen, 1–4 (disability); 0 = none. */
  grade: number;
  /** Main detail: 病种, 学历层次, 三类对象类别, 诉求内容, 残疾类别. */
  detail: string;
  /** Second detail: 学校名称. */
  detail2: string;
  /**
   * Months whose amounts were summed (YYYYMM, ascending) when the county's window is longer than
   * the file's month (policy.matching.medicalWindow); empty = the file's month only.
   */
  months: number[];
}

export interface MatchRuleContext {
  policy: Policy;
  period: string;
  /** Canonical coverage categories of policy.matching.coveredCategories. */
  coveredSet: ReadonlySet<string>;
  /** Canonical policy.matching.collegeLevels. */
  collegeSet: ReadonlySet<string>;
  /** policy.matching.educationLevels. */
  educationLevels: Vocabulary;
  severeSet: ReadonlySet<number>;
  /** policy.matching.medicalSelfPaidMin in cents, and as people write it (10,000). */
  selfPaidMinCents: number;
  selfPaidMinText: string;
  /** 「未纳入低保、特困供养」 */
  notCovered: LocalizedText;
}

export interface MatchRule<Code extends string = string> {
  code: Code;
  source: SourceCode;
  /**
   * Who the rule looks at: `uncovered` = people not covered (an in-force roster category in
   * policy.matching.coveredCategories) — covered people are excluded as `covered`;
   * `tekun` = only in-force 特困供养 people (others are silently not this rule's business);
   * `everyone` = covered or not.
   */
  appliesTo: 'uncovered' | 'tekun' | 'everyone';
  /** What a person who fails `test` is counted as (absent: the rule takes everyone it looks at). */
  excludes?: ExclusionKey;
  /** True = the person qualifies (absent: always). */
  test?(facts: PersonFacts, ctx: MatchRuleContext): boolean;
  reason(facts: PersonFacts, ctx: MatchRuleContext): LocalizedText;
  /** 人员类别 when it depends on the row (default: the source's category). */
  category?(facts: PersonFacts): Category | undefined;
}

/** The coverage category the tekun rule looks for (a roster category, canonical form). */
export const TEKUN_CATEGORY = '特困供养';

const THREE_TYPES: readonly Category[] = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'];

const ONE_STAY: LocalizedText = { zh: '本月住院个人自付', en: 'Self-paid inpatient cost this month' };
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2025年12月、2026年1月、3月 / Dec 2025, Jan, Mar 2026 (months ascending). */
function monthsText(months: readonly number[]): LocalizedText {
  const zh: string[] = [];
  const en: string[] = [];
  months.forEach((m, i) => {
    const year = Math.floor(m / 100);
    const month = m % 100;
    const newYear = i === 0 || Math.floor(months[i - 1] / 100) !== year;
    zh.push(newYear ? `${year}年${month}月` : `${month}月`);
    const lastOfYear = i === months.length - 1 || Math.floor(months[i + 1] / 100) !== year;
    en.push(lastOfYear ? `${MONTH_EN[month - 1]} ${year}` : MONTH_EN[month - 1]);
  });
  return { zh: zh.join('、'), en: en.join(', ') };
}

function stayText(facts: PersonFacts): LocalizedText {
  if (facts.months.length > 0) {
    const months = monthsText(facts.months);
    return facts.stays > 1
      ? { zh: `${months.zh}住院${facts.stays}次，个人自付合计`, en: `${facts.stays} stays in ${months.en}, self-paid in total` }
      : facts.months.length > 1
        ? { zh: `${months.zh}住院个人自付合计`, en: `Self-paid inpatient cost in ${months.en} in total` }
        : { zh: `${months.zh}住院个人自付`, en: `Self-paid inpatient cost in ${months.en}` };
  }
  return facts.stays > 1
    ? { zh: `本月住院${facts.stays}次，个人自付合计`, en: `${facts.stays} stays this month, self-paid in total` }
    : ONE_STAY;
}

/** The rules, grouped by source in the order they are tried. The single list of rule codes. */
export const MATCH_RULES = [
  {
    code: 'medical.tekun_inpatient',
    source: 'medical',
    appliesTo: 'tekun',
    excludes: 'noSelfPaid',
    test: (facts) => facts.cents > 0,
    reason: (facts) => {
      const s = stayText(facts);
      const amount = formatYuan(facts.cents);
      return {
        zh: `特困供养人员住院：${s.zh} ${amount} 元`,
        en: `Extreme-poverty (特困) person hospitalised: ${s.en} ${amount} yuan`,
      };
    },
  },
  {
    code: 'medical.high_self_paid',
    source: 'medical',
    appliesTo: 'uncovered',
    excludes: 'belowThreshold',
    test: (facts, ctx) => facts.cents >= ctx.selfPaidMinCents,
    reason: (facts, ctx) => {
      const s = stayText(facts);
      const min = ctx.selfPaidMinText;
      const amount = formatYuan(facts.cents);
      return {
        zh: `${s.zh} ${amount} 元 ≥ ${min} 元`,
        en: `${s.en} ${amount} yuan ≥ ${min} yuan`,
      };
    },
  },
  {
    code: 'disease.major',
    source: 'disease',
    appliesTo: 'uncovered',
    reason: (facts, ctx) => {
      const nc = ctx.notCovered;
      return {
        zh: `重特大疾病（${facts.detail || '病种未注明'}），${nc.zh}`,
        en: `Serious disease (${facts.detail || 'not stated'}), ${nc.en}`,
      };
    },
  },
  {
    code: 'disability.severe',
    source: 'disability',
    appliesTo: 'uncovered',
    excludes: 'notSevere',
    test: (facts, ctx) => ctx.severeSet.has(facts.grade),
    reason: (facts, ctx) => {
      const nc = ctx.notCovered;
      const grades = [...ctx.severeSet].sort().map((g) => GRADE_ZH[g - 1]).join('、');
      return {
        zh: `${facts.detail ? `${facts.detail}残疾` : '残疾'}${GRADE_ZH[facts.grade - 1]}（重度：${grades}），${nc.zh}`,
        en: `Disability grade ${facts.grade}${facts.detail ? ` (${facts.detail})` : ''}, severe, ${nc.en}`,
      };
    },
  },
  {
    code: 'education.college',
    source: 'education',
    appliesTo: 'uncovered',
    excludes: 'notCollege',
    test: (facts, ctx) => ctx.collegeSet.has(facts.detail),
    reason: (facts, ctx) => {
      const nc = ctx.notCovered;
      return {
        zh: `${facts.detail2 ? `就读${facts.detail2}` : '在读'}（${facts.detail}），${nc.zh}`,
        en: `${facts.detail} student${facts.detail2 ? ` at ${facts.detail2}` : ''}, ${nc.en}`,
      };
    },
  },
  {
    code: 'revitalization.three_types',
    source: 'revitalization',
    appliesTo: 'uncovered',
    reason: (facts, ctx) => {
      const nc = ctx.notCovered;
      return {
        zh: `乡村振兴三类对象${facts.detail ? `（${facts.detail}）` : ''}，${nc.zh}`,
        en: `Rural revitalisation “three types”${facts.detail ? ` (${facts.detail})` : ''}, ${nc.en}`,
      };
    },
    category: (facts) => THREE_TYPES.find((type) => facts.detail.length >= 2 && (facts.detail.includes(type) || type.startsWith(facts.detail))),
  },
  {
    code: 'petition.request',
    source: 'petition',
    appliesTo: 'everyone',
    reason: (facts) => {
      const text = facts.detail.length > 60 ? `${facts.detail.slice(0, 60)}…` : facts.detail;
      return {
        zh: `信访、热线救助诉求${text ? `：${text}` : ''}`,
        en: `Request for help by petition or hotline${text ? `: ${text}` : ''}`,
      };
    },
  },
] as const satisfies readonly MatchRule[];

/** Rule codes (the contract with the server, the add-in and stored leads), derived from MATCH_RULES. */
export type MatchRuleCode = (typeof MATCH_RULES)[number]['code'];
export const MATCH_RULE_CODES: readonly MatchRuleCode[] = MATCH_RULES.map((rule) => rule.code);

const RULE_BY_CODE = new Map<string, MatchRule<MatchRuleCode>>(MATCH_RULES.map((rule) => [rule.code, rule]));

export function ruleByCode(code: string): MatchRule<MatchRuleCode> {
  const rule = RULE_BY_CODE.get(code);
  if (!rule) throw new Error(`unknown match rule: ${code}`);
  return rule;
}

/** The rules of a source, in the order they are tried. */
export function rulesOfSource(source: SourceCode): MatchRule<MatchRuleCode>[] {
  return MATCH_RULES.filter((rule) => rule.source === source);
}
