/**
 * Policy: every threshold, standard and time limit the notice leaves to counties and years.
 * One zod schema, defaults from DOMAIN.md; a county's settings override them per year.
 * Nothing else in the code base may hard-code these figures.
 */
import { z } from 'zod';
// vocabularies.ts imports nothing: no cycle (columns.ts imports this file).
import { VOCABULARIES, type VocabularyName } from './vocabularies';

/**
 * Well-known ways staff write a vocabulary value, by vocabulary: accepted with a warning that says
 * what was assumed. Only unambiguous ones belong here (a mistyped value that could mean two things
 * gets a suggestion, not an assumption).
 */
export const DEFAULT_VOCABULARY_SYNONYMS: { readonly [V in VocabularyName]?: Readonly<Record<string, (typeof VOCABULARIES)[V][number]>> } = {
  channel: {
    走访: '入户走访', 入户: '入户走访', 上门走访: '入户走访', 入户调查: '入户走访', 排查: '集中排查', 摸底排查: '集中排查',
    比对: '部门比对', 数据比对: '部门比对', 信息比对: '部门比对', 预警: '平台预警', 系统预警: '平台预警', 信访: '信访诉求',
    热线: '救助热线', 救助热线电话: '救助热线', 网络: '网络求助', 网上求助: '网络求助',
  },
  coverage: {
    未纳入: '无', 未享受: '无', 没有: '无', 低保户: '低保', 城市低保: '低保', 农村低保: '低保', 城乡低保: '低保',
    特困: '特困供养', 特困人员: '特困供养', 特困户: '特困供养', 五保: '特困供养', 五保户: '特困供养', 低保边缘户: '低保边缘',
    低收入人口: '低收入监测', 低收入监测对象: '低收入监测',
  },
  categories: {
    老人: '老年人', 老年: '老年人', 残疾: '残疾人', 残疾人员: '残疾人', 残疾人士: '残疾人', 大病: '重大疾病', 重病: '重大疾病',
    零就业家庭: '城镇零就业家庭', 低保边缘户: '低保边缘家庭', 受灾: '受灾影响', 因病致贫: '因病支出型困难', 因学致贫: '因学支出型困难',
    失能: '生活不能自理', 意外事故: '突发意外事故',
  },
  verifyResult: {
    符合: '符合救助条件', 符合条件: '符合救助条件', 不符合: '不符合救助条件', 不符合条件: '不符合救助条件', 联系不上: '无法联系', 失联: '无法联系',
  },
  willingness: { 愿意: '愿意申请', 同意申请: '愿意申请', 不愿意: '不愿申请', 不愿意申请: '不愿申请', 拒绝申请: '不愿申请', 未表示: '未表态' },
  ability: { 能自主申请: '能自行申请', 可自行申请: '能自行申请', 需要协助: '需协助申请', 需协助: '需协助申请', 需代办: '需协助申请' },
  gender: { 男性: '男', 女性: '女' },
  routes: { 低保: '纳入低保', 特困: '纳入特困供养', 特困供养: '纳入特困供养', 转介: '转介其他部门', 低收入监测: '纳入低收入人口动态监测' },
  status: {
    办结: '已办结', 已完成: '已办结', 完成: '已办结', 办理完毕: '已办结', 结案: '已办结', 未核实: '待核实', 正在核实: '核实中',
    正在办理: '办理中', 办理: '办理中', 关注: '持续关注', 跟踪关注: '持续关注',
  },
};

/**
 * Texts that mean “left empty on purpose”: many townships tell clerks never to leave a cell empty.
 * In an optional cell they are empty; in a required one, “not filled in”. (A value a vocabulary
 * allows, such as 已纳入保障 “无”, stays that value.)
 */
export const DEFAULT_BLANK_MARKERS: readonly string[] = ['/', '／', '\\', '无', '—', '——', '-', '－', '--', '暂无', '不详', '空', '空白', 'N/A', 'n/a', '#'];

const VOCABULARY_NAMES = Object.keys(VOCABULARIES) as [VocabularyName, ...VocabularyName[]];

export const MEDICAL_WINDOWS = ['month', 'calendarYear', 'rolling12'] as const;
export type MedicalWindow = (typeof MEDICAL_WINDOWS)[number];

/** Roster categories and the ways rosters write them (canonical name first). */
export const DEFAULT_ROSTER_CATEGORIES: Record<string, string[]> = {
  低保: ['低保', '低保户', '低保对象', '城市低保', '农村低保', '城乡低保', '最低生活保障', '城市最低生活保障', '农村最低生活保障', '低保人员'],
  特困供养: ['特困供养', '特困', '特困人员', '特困供养人员', '城市特困', '农村特困', '五保', '五保户', '五保对象', '五保供养', '农村五保', '分散供养特困', '集中供养特困', '三无人员'],
  低保边缘: ['低保边缘', '低保边缘户', '低保边缘家庭', '低保边缘对象'],
  临时救助: ['临时救助', '临时救助对象'],
  低收入监测: ['低收入监测', '低收入', '低收入人口', '低收入家庭', '监测对象', '防返贫监测'],
};

export const DEFAULT_ROSTER_STATUSES = {
  covered: ['在保', '正常', '在册', '新增', '未停保', '享受', '正常享受', '享受中', '保障中', '有效', '续保', '正常保障'],
  notCovered: ['停保', '已停保', '退出', '已退出', '注销', '已注销', '取消', '已取消', '不享受', '终止', '已终止', '停发', '停止', '死亡', '已死亡'],
};

/**
 * 研究生, 高中 and the rest are levels of their own: not college unless a county lists them in
 * collegeLevels. A wording in no list is rejected with its row (ledger/matching/match.ts), so it is
 * added here, never quietly taken as “not college”.
 */
export const DEFAULT_EDUCATION_LEVELS: Record<string, string[]> = {
  专科: ['专科', '大专', '高职', '高职（专科）', '高职专科', '高职高专', '专科生', '大学专科', '专科（高职）', '高等职业教育', '五年制高职'],
  本科: ['本科', '本科生', '普通本科', '大学本科', '职业本科', '专升本', '本科（专升本）', '大学'],
  研究生: ['研究生', '硕士', '硕士研究生', '博士', '博士研究生'],
  高中: ['高中', '普通高中'],
  中职: ['中职', '中专', '职高', '技校'],
  义务教育: ['初中', '小学', '义务教育', '九年义务教育'],
  学前: ['学前', '学前教育', '幼儿园'],
};

/**
 * Strict at every level: a misspelt key (e.g. `matching.medicalSelfPaidMln`) is an error naming
 * its path, never silently ignored (which would leave the default in force unnoticed).
 */
export const PolicySchema = z.strictObject({
  /** Lead verification by the village/township (楚雄州: 10 working days; some counties 4). */
  leadVerifyWorkingDays: z.number().int().min(1).max(60).default(10),
  /** 急难 先行救助: help within this many hours… */
  emergencyHours: z.number().int().min(1).max(240).default(48),
  /** …formalities completed within this many working days after. */
  emergencyFormalitiesWorkingDays: z.number().int().min(1).max(60).default(5),
  /** 低保 review from acceptance, and the extended limit in special cases. */
  dibaoReviewWorkingDays: z.number().int().min(1).max(120).default(30),
  dibaoReviewExtendedWorkingDays: z.number().int().min(1).max(120).default(45),
  /** 特困: township investigation, county decision. */
  tekunInvestigationWorkingDays: z.number().int().min(1).max(60).default(15),
  tekunDecisionWorkingDays: z.number().int().min(1).max(60).default(10),
  /** 低保标准 (yuan): urban per person per month, rural per person per year. */
  dibaoStandardUrbanMonthly: z.number().positive().default(735),
  dibaoStandardRuralYearly: z.number().positive().default(6400),
  /** 低保边缘: per-capita income below this multiple of the 低保标准. */
  lowIncomeMultiplier: z.number().positive().default(1.5),
  /** 特困 basic-living standard: at least this multiple of the 低保标准. */
  tekunMultiplier: z.number().positive().default(1.3),
  /** 临时救助 the township may approve alone: this multiple of the monthly 低保标准; above → 一事一议. */
  temporaryAidTownshipCapMultiplier: z.number().positive().default(3),
  /** Departmental matching thresholds. */
  matching: z
    .strictObject({
      /** 医保: self-paid inpatient cost in a month at or above this (yuan). */
      medicalSelfPaidMin: z.number().nonnegative().default(10000),
      /** 残联: grades counted as severe (重残). */
      severeDisabilityGrades: z.array(z.number().int().min(1).max(4)).default([1, 2]),
      /** 教育: education levels that make a lead. */
      collegeLevels: z.array(z.string()).default(['专科', '本科']),
      /** Coverage categories that count as covered for the "not covered" rules. */
      coveredCategories: z.array(z.string()).default(['低保', '特困供养']),
      /**
       * Roster categories as the county's rosters write them: canonical name → synonyms (五保户 is
       * the old name of 特困供养). Matched whole after normalisation, never by substring.
       */
      rosterCategories: z.record(z.string(), z.array(z.string())).default(DEFAULT_ROSTER_CATEGORIES),
      /** 保障状态 texts that mean in force / not in force; empty = in force. */
      rosterStatuses: z
        .strictObject({ covered: z.array(z.string()), notCovered: z.array(z.string()) })
        .default(DEFAULT_ROSTER_STATUSES),
      /**
       * A roster status in neither list is a warning with its row number; the person then counts
       * as covered only when the county says so here (default: not covered, so a lead is checked).
       */
      unknownStatusCovered: z.boolean().default(false),
      /** 学历层次: canonical level → synonyms (专科 = 大专 = 高职 = 高职（专科）). */
      educationLevels: z.record(z.string(), z.array(z.string())).default(DEFAULT_EDUCATION_LEVELS),
      /**
       * Window of the 医保 self-paid total: `month` (the file's month, the notice's monthly
       * comparison), `calendarYear` (January to the file's month) or `rolling12` (the 12 months
       * ending with the file's month), summed from the per-person monthly totals kept.
       */
      medicalWindow: z.enum(MEDICAL_WINDOWS).default('month'),
    })
    .prefault({}),
  /** Days after a feed's period ends before the county is told it was not imported. */
  feedGraceDays: z.number().int().min(0).max(90).default(15),
  /** Cell texts that mean empty (see DEFAULT_BLANK_MARKERS). */
  blankMarkers: z.array(z.string().trim().min(1).max(8)).default([...DEFAULT_BLANK_MARKERS]),
  /** Vocabulary name → typed text → allowed value; every target must be a value of its vocabulary. */
  vocabularySynonyms: z
    .partialRecord(z.enum(VOCABULARY_NAMES), z.record(z.string(), z.string()))
    .superRefine((tables, ctx) => {
      for (const [name, table] of Object.entries(tables) as [VocabularyName, Record<string, string>][]) {
        const allowed: readonly string[] = VOCABULARIES[name];
        for (const [typed, value] of Object.entries(table)) {
          if (!allowed.includes(value)) ctx.addIssue({ code: 'custom', path: [name, typed], message: `“${value}”不是${name}的可选值 / not a value of ${name}` });
        }
      }
    })
    .default(DEFAULT_VOCABULARY_SYNONYMS as Record<string, Record<string, string>>),
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** Defaults overlaid with a county's settings; throws a ZodError naming the bad (or unknown) field. */
export function resolvePolicy(overrides: PolicyInput = {}): Policy {
  return PolicySchema.parse(overrides);
}

/** 低保标准 per person per month for an urban (城市) or rural (农村) household. */
export function monthlyDibaoStandard(policy: Policy, area: 'urban' | 'rural'): number {
  return area === 'urban' ? policy.dibaoStandardUrbanMonthly : policy.dibaoStandardRuralYearly / 12;
}

/**
 * Dotted paths of the problems in a policy parse error; unknown keys are named in full
 * (`matching.medicalSelfPaidMln`), not just the object that holds them.
 */
export function policyIssuePaths(error: z.ZodError): { path: string; message: string; unknownKey: boolean }[] {
  const out: { path: string; message: string; unknownKey: boolean }[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...base, key].join('.');
        out.push({ path, message: `未知的政策参数：${path} / unknown policy setting: ${path}`, unknownKey: true });
      }
    } else {
      out.push({ path: base.join('.'), message: issue.message, unknownKey: false });
    }
  }
  return out;
}
