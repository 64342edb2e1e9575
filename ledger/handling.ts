/**
 * Handling (接办流程), notice 楚民发〔2023〕7号 section 二（三）: from a case (ledger row values,
 * what the person already receives) and a short questionnaire, the handling measures (处置方式) that apply, in the notice's
 * order (the order of VOCABULARIES.routes), each with the clause quoted verbatim, why it applies (with
 * the figures used) and its time limit.
 *
 * Thresholds and time limits come from the Policy; dates from the working-day calendar. Pure.
 */
import { z } from 'zod';
import { isIsoDate, type WorkingDayCalendar } from './calendar';
import type { LocalizedText } from './columns';
import { deadlineLabels, dibaoReviewDueDate, emergencyDeadlines, tekunDeadlines } from './deadlines';
import { monthlyDibaoStandard, type Policy } from './policy';
import type { LedgerValues } from './types';
import { VOCABULARIES, splitMultiValue, type HandlingMeasure } from './vocabularies';

// ---------------------------------------------------------------------------------------------
// The notice's clauses (exact quotes of section 二（三）), in the notice's order
// ---------------------------------------------------------------------------------------------

export interface NoticeClause {
  /** Stable id of the clause. */
  id: 'voluntary' | 'assist' | 'enrol' | 'emergency' | 'caseByCase' | 'coordination' | 'monitoring';
  /** Where it is in the notice. */
  section: '二（三）';
  /** Exact quote of the notice (zh-CN). */
  zh: string;
  /** English rendering (not an official translation). */
  en: string;
  /** Handling measures (处置方式) this clause justifies. */
  measures: readonly HandlingMeasure[];
}

export const NOTICE_CLAUSES: readonly NoticeClause[] = [
  {
    id: 'voluntary',
    section: '二（三）',
    zh: '发现救助线索后，要对困难群众主动宣讲政策、了解其申请意愿和能力，并遵循救助自愿的原则，尊重群众意愿。',
    en: 'Once a lead is found, explain the policies to the person, learn whether they wish to apply and can do so, follow the principle that assistance is voluntary, and respect their wishes.',
    measures: ['尊重意愿持续关注'],
  },
  {
    id: 'assist',
    section: '二（三）',
    zh: '对有申请意愿但申请能力不足的，要协助其提出申请。',
    en: 'Where a person wishes to apply but is not able to, help them submit the application.',
    measures: ['协助申请'],
  },
  {
    id: 'enrol',
    section: '二（三）',
    zh: '对符合低保、特困供养条件的，要按程序及时纳入低保、特困供养范围，并协助申请相应专项救助。',
    en: 'Where the conditions of the minimum living allowance (低保) or extreme-poverty support (特困供养) are met, enrol the person promptly by procedure and help them apply for the matching special assistance.',
    measures: ['纳入低保', '纳入特困供养', '医疗救助', '教育救助', '住房救助', '就业救助'],
  },
  {
    id: 'emergency',
    section: '二（三）',
    zh: '对遭遇急难的，要按照“先行救助”规定直接实施临时救助，帮助其尽快渡过难关。',
    en: 'Where a person meets an emergency, give temporary assistance directly under the "assist first" (先行救助) rule, to help them through quickly.',
    measures: ['先行救助', '临时救助'],
  },
  {
    id: 'caseByCase',
    section: '二（三）',
    zh: '对遭遇重大暂时性生活困难的，可通过“一事一议”方式提高临时救助额度。',
    en: 'Where a person meets a major temporary hardship, the temporary-assistance amount may be raised by a case-by-case decision (一事一议).',
    measures: ['一事一议'],
  },
  {
    id: 'coordination',
    section: '二（三）',
    zh: '对涉及多个部门或情况复杂的急难个案，要充分发挥县级困难群众基本生活保障工作协调机制作用，实施综合救助帮扶。',
    en: "For emergency cases involving several departments or complex circumstances, use the county's coordination mechanism for the basic living security of people in difficulty and provide comprehensive assistance.",
    measures: ['综合救助帮扶'],
  },
  {
    id: 'monitoring',
    section: '二（三）',
    zh: '对现行救助政策不能覆盖，但符合低收入家庭条件的，要及时纳入低收入人口动态监测。',
    en: 'Where current assistance policies do not cover the person but the conditions of a low-income household are met, bring them promptly under dynamic low-income population monitoring.',
    measures: ['纳入低收入人口动态监测'],
  },
];

/** Routes the notice's section 二（三） justifies (转介其他部门 is local practice, not in that section). */
export type ClauseMeasure = Exclude<HandlingMeasure, '转介其他部门'>;

/** HandlingMeasure → the clause that justifies it, for panes to cite. */
export const MEASURE_CLAUSES: Readonly<Record<ClauseMeasure, NoticeClause>> = Object.fromEntries(
  NOTICE_CLAUSES.flatMap((clause) => clause.measures.map((measure) => [measure, clause])),
) as Record<ClauseMeasure, NoticeClause>;

/** The clause of a measure, or undefined for a measure the notice's section 二（三） does not name. */
export function clauseOf(measure: string): NoticeClause | undefined {
  return (MEASURE_CLAUSES as Readonly<Record<string, NoticeClause>>)[measure];
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/** 专项救助 needs and the measure each leads to. */
export const SPECIAL_NEEDS = ['医疗', '教育', '住房', '就业'] as const;
export type SpecialNeed = (typeof SPECIAL_NEEDS)[number];
export const SPECIAL_NEED_MEASURES: Readonly<Record<SpecialNeed, HandlingMeasure>> = {
  医疗: '医疗救助',
  教育: '教育救助',
  住房: '住房救助',
  就业: '就业救助',
};

export const HandlingQuestionnaireSchema = z.object({
  /** 申请意愿 — asked after explaining the policy. */
  willing: z.enum(VOCABULARIES.willingness),
  /** Can the person apply alone? */
  ableToApplyAlone: z.boolean(),
  /** Household per-capita monthly income (yuan); unknown → no income-based measure. */
  perCapitaMonthlyIncome: z.number().nonnegative().optional(),
  /** Which 低保标准 applies: 城市 (urban) or 农村 (rural). */
  area: z.enum(['urban', 'rural']),
  /** 特困: 无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其法定义务人无履行义务能力. */
  meetsTekunConditions: z.boolean().optional(),
  /** 遭遇急难 */
  emergency: z.boolean().optional(),
  /** When the emergency became known: YYYY-MM-DD or YYYY-MM-DDTHH:mm (default: today). */
  emergencyStart: z.string().optional(),
  /** Amount of temporary assistance needed (yuan). */
  amountNeeded: z.number().nonnegative().optional(),
  /** Several departments involved. */
  multipleDepartments: z.boolean().optional(),
  /** Complex circumstances (counts for 综合救助帮扶 together with an emergency). */
  complex: z.boolean().optional(),
  /** Needs for 专项救助. */
  specialNeeds: z.array(z.enum(SPECIAL_NEEDS)).optional(),
});

export type HandlingQuestionnaire = z.input<typeof HandlingQuestionnaireSchema>;

export interface HandlingCase {
  /** The ledger row (normalised values). `coverage` is read from it unless given below. */
  values?: LedgerValues;
  /** What the person already receives (已纳入保障 values); overrides values.coverage. */
  coverage?: readonly string[];
  questionnaire: HandlingQuestionnaire;
}

export interface HandlingRecommendation {
  measure: HandlingMeasure;
  /** Exact quote of the notice, section 二（三）. */
  clause: string;
  /** English rendering of the clause. */
  clauseEn: string;
  /** Why it applies, with the figures used. */
  reason: LocalizedText;
  deadline?: { iso: string; label: LocalizedText };
}

/**
 * Questionnaire answers the ledger row already holds (申请意愿, 申请能力) and 专项 needs suggested by
 * its 人员类别 — for the pane to pre-fill; staff confirm them.
 */
export function questionnaireFromValues(values: LedgerValues): Partial<HandlingQuestionnaire> {
  const result: Partial<HandlingQuestionnaire> = {};
  const willing = values.willingness;
  if (typeof willing === 'string' && (VOCABULARIES.willingness as readonly string[]).includes(willing)) {
    result.willing = willing as HandlingQuestionnaire['willing'];
  }
  if (values.ability === '能自行申请') result.ableToApplyAlone = true;
  if (values.ability === '需协助申请') result.ableToApplyAlone = false;
  const categories = listOf(values.categories);
  const needs: SpecialNeed[] = [];
  if (categories.includes('因病支出型困难') || categories.includes('重大疾病')) needs.push('医疗');
  if (categories.includes('因学支出型困难')) needs.push('教育');
  if (needs.length > 0) result.specialNeeds = needs;
  return result;
}

function listOf(value: LedgerValues[keyof LedgerValues]): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return splitMultiValue(value);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Recommender
// ---------------------------------------------------------------------------------------------

/** Numbers in reasons: integers as is, otherwise two decimals without trailing zeros. */
function yuan(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

const MEASURE_ORDER: ReadonlyMap<string, number> = new Map(VOCABULARIES.routes.map((measure, index) => [measure, index]));

/**
 * Recommended handling measures for one case, in the notice's order. `today` (YYYY-MM-DD) is the day the
 * questionnaire is answered: application deadlines assume acceptance today, the emergency clock
 * starts at `questionnaire.emergencyStart` or today. Throws a ZodError on a malformed questionnaire.
 */
export function recommendHandling(
  caseInput: HandlingCase,
  policy: Policy,
  calendar: WorkingDayCalendar,
  today: string,
): HandlingRecommendation[] {
  if (!isIsoDate(today)) throw new RangeError(`today is not a YYYY-MM-DD date: ${String(today)}`);
  const q = HandlingQuestionnaireSchema.parse(caseInput.questionnaire);
  const coverage = new Set(caseInput.coverage ?? listOf(caseInput.values?.coverage));
  const labels = deadlineLabels(policy);

  const standard = monthlyDibaoStandard(policy, q.area);
  const areaZh = q.area === 'urban' ? '城市' : '农村';
  const areaEn = q.area === 'urban' ? 'urban' : 'rural';
  const standardZh =
    q.area === 'urban'
      ? `${areaZh}低保标准 ${yuan(standard)} 元/人·月`
      : `${areaZh}低保标准 ${yuan(standard)} 元/人·月（${yuan(policy.dibaoStandardRuralYearly)} 元/人·年 ÷ 12）`;
  const standardEn =
    q.area === 'urban'
      ? `the ${areaEn} dibao standard of ${yuan(standard)} yuan per person per month`
      : `the ${areaEn} dibao standard of ${yuan(standard)} yuan per person per month (${yuan(policy.dibaoStandardRuralYearly)} yuan a year ÷ 12)`;
  const lowIncomeLine = policy.lowIncomeMultiplier * standard;
  const income = q.perCapitaMonthlyIncome;

  const onDibao = coverage.has('低保');
  const onTekun = coverage.has('特困供养');
  const monitored = coverage.has('低收入监测');
  const meetsDibaoIncome = income !== undefined && income <= standard;
  const meetsTekun = q.meetsTekunConditions === true;
  const belowLowIncomeLine = income !== undefined && income < lowIncomeLine;

  const out: HandlingRecommendation[] = [];
  const add = (measure: ClauseMeasure, reason: LocalizedText, deadline?: HandlingRecommendation['deadline']): void => {
    const clause = MEASURE_CLAUSES[measure];
    out.push({ measure, clause: clause.zh, clauseEn: clause.en, reason, ...(deadline ? { deadline } : {}) });
  };

  const monitoringReason = (): LocalizedText => ({
    zh: `人均月收入 ${yuan(income ?? 0)} 元 < 低收入认定线 ${yuan(lowIncomeLine)} 元（${yuan(policy.lowIncomeMultiplier)} × ${standardZh}）`,
    en: `Per-capita monthly income of ${yuan(income ?? 0)} yuan < the low-income line of ${yuan(lowIncomeLine)} yuan (${yuan(policy.lowIncomeMultiplier)} × ${standardEn})`,
  });
  const alreadyCovered = onDibao || onTekun || monitored;

  // Assistance is voluntary: a person who declines gets only 尊重意愿持续关注 (+ monitoring where low-income).
  if (q.willing === '不愿申请') {
    add('尊重意愿持续关注', {
      zh: '本人表示不愿申请：遵循救助自愿原则，尊重其意愿，记录在案并定期走访、持续关注',
      en: 'The person declines to apply: assistance is voluntary, so respect this, record it and keep visiting',
    });
    if (belowLowIncomeLine && !alreadyCovered) {
      const reason = monitoringReason();
      add('纳入低收入人口动态监测', {
        zh: `${reason.zh}；本人不愿申请救助，纳入监测以便及时发现变化`,
        en: `${reason.en}; the person declines assistance, so monitoring keeps track of changes`,
      });
    }
    return sortByNotice(out);
  }

  // 1. Willing but unable → 协助申请.
  if (q.willing === '愿意申请' && !q.ableToApplyAlone) {
    add('协助申请', {
      zh: '本人愿意申请，但无法自行提出申请（申请能力不足），由工作人员协助提出申请',
      en: 'The person wishes to apply but cannot do so alone; staff help them apply',
    });
  }

  // 2. 低保 / 特困供养 conditions → enrol, plus the matching 专项救助.
  const incomeVsStandard: LocalizedText | undefined =
    income !== undefined && meetsDibaoIncome
    ? {
        zh: `人均月收入 ${yuan(income)} 元 ≤ ${standardZh}`,
        en: `Per-capita monthly income of ${yuan(income)} yuan ≤ ${standardEn}`,
      }
    : undefined;
  if (meetsTekun && !onTekun) {
    const { investigationDue, decisionDue } = tekunDeadlines(today, policy, calendar);
    add(
      '纳入特困供养',
      {
        zh: `符合特困供养条件（无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其法定义务人无履行义务能力）${
          onDibao ? '；现享受低保，纳入特困供养后不再同时享受低保' : ''
        }`,
        en: `Meets the extreme-poverty conditions (unable to work, no source of livelihood, no legal supporter or one unable to support)${
          onDibao ? '; currently on dibao, which ends once enrolled in extreme-poverty support' : ''
        }`,
      },
      {
        iso: decisionDue,
        label: {
          zh: `${labels.tekunInvestigation.zh}（至 ${investigationDue}），${labels.tekunDecision.zh}；按今日受理计算`,
          en: `${labels.tekunInvestigation.en} (by ${investigationDue}), ${labels.tekunDecision.en}; assuming the application is accepted today`,
        },
      },
    );
  } else if (incomeVsStandard && !meetsTekun && !onDibao && !onTekun) {
    add('纳入低保', incomeVsStandard, {
      iso: dibaoReviewDueDate(today, policy, calendar),
      label: {
        zh: `${labels.dibaoReview.zh}（特殊情况可延至${policy.dibaoReviewExtendedWorkingDays}个工作日）；按今日受理计算`,
        en: `${labels.dibaoReview.en} (${policy.dibaoReviewExtendedWorkingDays} in special cases); assuming the application is accepted today`,
      },
    });
  }
  const basis: LocalizedText | undefined = meetsTekun
    ? { zh: '符合特困供养条件', en: 'meets the extreme-poverty conditions' }
    : onTekun
      ? { zh: '已纳入特困供养', en: 'already receives extreme-poverty support' }
      : onDibao
        ? { zh: '已纳入低保', en: 'already receives dibao' }
        : incomeVsStandard;
  if (basis) {
    for (const need of new Set(q.specialNeeds ?? [])) {
      const measure = SPECIAL_NEED_MEASURES[need] as ClauseMeasure;
      add(measure, {
        zh: `${basis.zh}，且有${need}方面的困难，协助申请${measure}`,
        en: `${capitalise(basis.en)}, with a ${SPECIAL_NEED_EN[need]} need: help apply for ${SPECIAL_NEED_EN[need]} assistance`,
      });
    }
  }

  // 3. Emergency → 先行救助 (temporary assistance at once, formalities after).
  const start = q.emergencyStart ?? today;
  if (q.emergency) {
    const { aidDue, formalitiesDue } = emergencyDeadlines(start, policy, calendar);
    add(
      '先行救助',
      {
        zh: `遭遇急难，按“先行救助”规定直接实施临时救助，${policy.emergencyHours}小时内（自 ${start} 起）`,
        en: `In an emergency: give temporary assistance directly under the "assist first" rule, within ${policy.emergencyHours} hours (from ${start})`,
      },
      { iso: aidDue, label: labels.emergencyAid },
    );
    add(
      '临时救助',
      {
        zh: `先行救助以临时救助形式实施，事后${policy.emergencyFormalitiesWorkingDays}个工作日内补齐手续`,
        en: `Emergency aid is given as temporary assistance; formalities follow within ${policy.emergencyFormalitiesWorkingDays} working days`,
      },
      {
        iso: formalitiesDue,
        label: {
          zh: `${labels.emergencyFormalities.zh}（自先行救助最晚日 ${aidDue} 起算）`,
          en: `${labels.emergencyFormalities.en} (counted from the latest aid date, ${aidDue})`,
        },
      },
    );
  }

  // 4. Major temporary hardship: amount above the township's cap → 一事一议.
  const cap = policy.temporaryAidTownshipCapMultiplier * standard;
  if (q.amountNeeded !== undefined && q.amountNeeded > cap) {
    add('一事一议', {
      zh: `所需救助金额 ${yuan(q.amountNeeded)} 元 > 乡镇审批上限 ${yuan(cap)} 元（${yuan(policy.temporaryAidTownshipCapMultiplier)} × ${standardZh}），报县级“一事一议”提高临时救助额度`,
      en: `Amount needed of ${yuan(q.amountNeeded)} yuan > the township cap of ${yuan(cap)} yuan (${yuan(policy.temporaryAidTownshipCapMultiplier)} × ${standardEn}): the county may raise the amount case by case`,
    });
  }

  // 5. Several departments, or a complex emergency → county coordination mechanism.
  const complexEmergency = q.complex === true && q.emergency === true;
  if (q.multipleDepartments || complexEmergency) {
    const why: LocalizedText[] = [];
    if (q.multipleDepartments) why.push({ zh: '涉及多个部门', en: 'several departments are involved' });
    if (complexEmergency) why.push({ zh: '情况复杂的急难个案', en: 'a complex emergency case' });
    add('综合救助帮扶', {
      zh: `${why.map((w) => w.zh).join('，')}：提请县级困难群众基本生活保障工作协调机制实施综合救助帮扶`,
      en: `${capitalise(why.map((w) => w.en).join(' and '))}: refer to the county coordination mechanism for comprehensive assistance`,
    });
  }

  // 6. Not covered by 低保/特困 but low-income → 纳入低收入人口动态监测.
  if (!meetsDibaoIncome && !meetsTekun && belowLowIncomeLine && !alreadyCovered) {
    const reason = monitoringReason();
    add('纳入低收入人口动态监测', {
      zh: `${reason.zh}，但高于${standardZh}：不符合低保条件，符合低收入家庭条件`,
      en: `${reason.en}, but above ${standardEn}: not eligible for dibao, but a low-income household`,
    });
  }

  return sortByNotice(out);
}

const SPECIAL_NEED_EN: Readonly<Record<SpecialNeed, string>> = {
  医疗: 'medical',
  教育: 'education',
  住房: 'housing',
  就业: 'employment',
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sortByNotice(list: HandlingRecommendation[]): HandlingRecommendation[] {
  return list.sort((a, b) => (MEASURE_ORDER.get(a.measure) ?? 99) - (MEASURE_ORDER.get(b.measure) ?? 99));
}
