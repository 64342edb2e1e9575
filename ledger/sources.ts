/**
 * The county's import files as data: the roster of people already covered (保障对象名册) and
 * each departmental source (医保, 重特大疾病, 残联, 教育, 乡村振兴, 信访), with their columns,
 * schedule, period format, discovery channel and the ledger category a lead from them implies.
 *
 * Also the feed calendar (notice 二（二）1: 医保 monthly, 残联 quarterly, 教育 every October, …)
 * as pure functions: which periods are expected in a date range, and which are overdue.
 * Adding a source means adding one entry to SOURCES (its columns, aggregation, detail and amount
 * columns, row checks), its rules in matching/rules.ts, a demo file and tests — nothing in the matcher.
 */
import { isIsoDate } from './calendar';
import { LEDGER_COLUMNS } from './columns';
import type { Category, Channel } from './vocabularies';

export type { LocalizedText } from './text';
import type { LocalizedText } from './text';

export type SourceColumnType = 'text' | 'idNumber' | 'date' | 'money' | 'grade' | 'integer' | 'enum';

/** One column of an import file (the shape `locateColumns` takes, plus type and label). */
export interface SourceColumnSpec {
  key: string;
  /** Canonical zh-CN header text. */
  header: string;
  en: string;
  /** Other header texts seen in departmental files (matched after normalisation). */
  aliases: readonly string[];
  required: boolean;
  type: SourceColumnType;
}

export const SOURCE_CODES = ['medical', 'disease', 'disability', 'education', 'revitalization', 'petition'] as const;
export type SourceCode = (typeof SOURCE_CODES)[number];

/**
 * Why people (or rows) were left out of matching. `covered` is the roster's; a rule declares its
 * own (belowThreshold …); a row check declares the row exclusions (cancelled …). Counts of people,
 * except the row counts marked below.
 */
export const EXCLUSION_KEYS = [
  'covered', 'belowThreshold', 'noSelfPaid', 'notSevere', 'notCollege', 'duplicateInFile', 'outsidePeriod', 'cancelled',
] as const;
export type ExclusionKey = (typeof EXCLUSION_KEYS)[number];

export const EXCLUSION_LABELS: Record<ExclusionKey, LocalizedText> = {
  covered: { zh: '已纳入保障（在保）', en: 'already covered' },
  belowThreshold: { zh: '自付费用未达标准', en: 'self-paid cost below the threshold' },
  noSelfPaid: { zh: '特困人员无个人自付费用', en: 'extreme-poverty person with no self-paid cost' },
  notSevere: { zh: '非重度残疾', en: 'not severely disabled' },
  notCollege: { zh: '非专科、本科在读', en: 'not a college or university student' },
  duplicateInFile: { zh: '文件内重复行', en: 'duplicate rows in the file' },
  outsidePeriod: { zh: '日期不在本期的行', en: 'rows dated outside the period' },
  cancelled: { zh: '证件已注销或人员已死亡的行', en: 'rows of cancelled certificates or deceased people' },
};

/** Exclusions that count rows rather than people. */
export const ROW_EXCLUSIONS: readonly ExclusionKey[] = ['duplicateInFile', 'outsidePeriod', 'cancelled'];

export type FeedSchedule =
  | { kind: 'monthly' }
  | { kind: 'quarterly' }
  | { kind: 'yearly'; month: number }
  | { kind: 'asReceived' };

export type PeriodFormat = 'YYYY-MM' | 'YYYY-Qn' | 'YYYY' | 'YYYY-MM|YYYY-MM-DD';

/**
 * How a person's rows are gathered into the facts the rules read (ledger/matching/aggregate.ts):
 * `sumAmounts` sums the amount per settlement (refunds netted, repeats dropped);
 * `mostSevereGrade` keeps the most severe grade; `preferredLevel` keeps a level the policy counts
 * as college over one it does not; `firstDetail` keeps the first non-empty detail.
 */
export const AGGREGATIONS = ['sumAmounts', 'mostSevereGrade', 'preferredLevel', 'firstDetail'] as const;
export type AggregationKind = (typeof AGGREGATIONS)[number];

/** Which columns make up a row's amount: the total column when the file has one, else the parts summed — never both. */
export interface AmountSpec {
  /** Column keys of a whole-burden column (住院自负费用, 个人负担合计), first found wins. */
  total: readonly string[];
  /** Column keys summed when no total column exists (个人自付 + 个人自费). */
  parts: readonly string[];
  /** What the amount is called in messages. */
  label: LocalizedText;
}

/** Settlements: a settlement number identifies one; a kind column marks reversals (冲销, 冲正, 退费). */
export interface SettlementSpec {
  number: string;
  kind: string;
  /** Texts of the kind column that mark a reversal (its amount counts negative). */
  reversalWords: readonly string[];
}

export type RowCheck =
  /** The row is rejected when the column's cell is empty. */
  | { kind: 'required'; column: string; message: LocalizedText }
  /** The row is left out (and counted under `exclusion`) when the cell reads as one of `values`. */
  | { kind: 'excludeWhen'; column: string; values: readonly string[]; exclusion: ExclusionKey };

export interface SourceDef {
  code: SourceCode;
  /** Short name used in messages: 「2026年10月 医保数据尚未导入」. */
  name: LocalizedText;
  /** What the file holds. */
  title: LocalizedText;
  schedule: FeedSchedule;
  periodFormat: PeriodFormat;
  channel: Extract<Channel, '部门比对' | '信访诉求'>;
  /** Ledger 人员类别 a lead from this source implies (a rule may refine it per row). */
  category: Category;
  columns: readonly SourceColumnSpec[];
  /** Groups of column keys of which the file must have at least one (the amount columns, ID or certificate). */
  requiredOneOf?: readonly (readonly string[])[];
  aggregation: AggregationKind;
  /** The column whose text the rules quote (病种, 学历层次 …), a second one (学校), and a suffix to drop. */
  detail?: { column: string; second?: string; dropSuffix?: string };
  /** sumAmounts: the amount columns. */
  amount?: AmountSpec;
  /** sumAmounts: settlement number and reversal marker. */
  settlement?: SettlementSpec;
  /** mostSevereGrade: the grade column. */
  grade?: string;
  /**
   * Date columns that place a row in time, in order of preference: the row counts in the month of the
   * first of them inside the period (or the policy's window); a row whose dates all fall outside is left
   * out and counted as outsidePeriod.
   */
  rowDate?: readonly string[];
  /** The county's medical window (policy.matching.medicalWindow) applies to the amount. */
  windowed?: boolean;
  /** A column whose first 18 characters are the ID number, read when the file has no ID column (残疾人证号). */
  idFromCertificate?: string;
  rowChecks?: readonly RowCheck[];
}

// ---------------------------------------------------------------------------------------------
// Columns

/** The ledger's own column of this key: its aliases are the source's too (one header rule for both). */
function ledgerAliases(key: 'township' | 'village'): readonly string[] {
  return LEDGER_COLUMNS.find((column) => column.key === key)?.aliases ?? [];
}

const NAME: SourceColumnSpec = {
  key: 'name', header: '姓名', en: 'Name', required: true, type: 'text',
  // Not 户主姓名: in a departmental file that is the head of household, not the person of the row.
  aliases: ['人员姓名', '对象姓名', '参保人姓名', '患者姓名', '学生姓名', '残疾人姓名', '信访人', '求助人', '风险线索人员', '成员姓名', '家庭成员姓名'],
};
const ID: SourceColumnSpec = {
  key: 'idNumber', header: '身份证号', en: 'ID number', required: true, type: 'idNumber',
  aliases: ['身份证号码', '公民身份号码', '公民身份证号码', '证件号码', '证件号', '身份证', '参保人身份证号', '学生身份证号', '患者身份证号', '残疾人身份证号', '成员身份证号', '家庭成员身份证号', '成员身份证号码'],
};
const TOWNSHIP: SourceColumnSpec = {
  key: 'township', header: '乡镇（街道）', en: 'Township', required: false, type: 'text',
  aliases: [...ledgerAliases('township'), '所属乡镇', '所属乡镇（街道）', '乡（镇）', '乡（镇、街道）', '镇（乡）', '乡镇（街道办）', '乡镇名称', '所在乡镇', '乡镇（街道）名称'],
};
const VILLAGE: SourceColumnSpec = {
  key: 'village', header: '村（社区）', en: 'Village', required: false, type: 'text',
  aliases: [...ledgerAliases('village'), '行政村', '所属村', '所属村（社区）', '村（居）', '村（居）委会', '村委会', '村（社区）名称', '所在村'],
};

/** 保障对象名册 — the people already covered. 保障状态 missing = 在保. */
export const ROSTER_COLUMNS: readonly SourceColumnSpec[] = [
  NAME,
  ID,
  { key: 'category', header: '保障类别', en: 'Assistance category', required: true, type: 'enum',
    aliases: ['救助类别', '保障类型', '对象类别', '救助类型', '人员类别'] },
  TOWNSHIP,
  VILLAGE,
  { key: 'status', header: '保障状态', en: 'Status', required: false, type: 'enum',
    aliases: ['状态', '享受状态', '保障情况'] },
  // Household rosters: the head of household (each member still has a row of their own).
  { key: 'headName', header: '户主姓名', en: 'Head of household', required: false, type: 'text', aliases: ['户主'] },
  { key: 'headId', header: '户主身份证号', en: 'Head of household’s ID number', required: false, type: 'idNumber',
    aliases: ['户主身份证号码', '户主公民身份号码', '户主证件号码'] },
  { key: 'relation', header: '与户主关系', en: 'Relation to the head', required: false, type: 'text', aliases: ['与户主的关系', '家庭关系', '关系'] },
];

export const ROSTER_SOURCE = {
  name: { zh: '保障对象名册', en: 'Roster of covered people' },
  columns: ROSTER_COLUMNS,
} as const;

/** 保障状态 values as stored (the texts rosters use are policy.matching.rosterStatuses). */
export const ROSTER_STATUSES = ['在保', '停保'] as const;
export type RosterStatus = (typeof ROSTER_STATUSES)[number];

/** 残联: certificates no longer in force (the row never makes a lead). */
/**
 * Certificate statuses that end the person's entry (the row is excluded, counted as cancelled or
 * deceased). 过期 is not one: an expired certificate not yet renewed is still a disabled person,
 * and leaving them out would miss someone in hardship.
 */
const CANCELLED_CERTIFICATE = ['注销', '已注销', '死亡', '已死亡', '注销（死亡）', '注销(死亡)', '死亡注销', '作废', '已作废'];

// ---------------------------------------------------------------------------------------------
// Sources

export const SOURCES: readonly SourceDef[] = [
  {
    code: 'medical',
    name: { zh: '医保', en: 'Medical insurance' },
    title: { zh: '医保住院费用（按月）', en: 'Inpatient costs from medical insurance (monthly)' },
    schedule: { kind: 'monthly' },
    periodFormat: 'YYYY-MM',
    channel: '部门比对',
    category: '因病支出型困难',
    columns: [
      NAME,
      ID,
      { key: 'admittedOn', header: '入院日期', en: 'Admitted on', required: false, type: 'date', aliases: ['入院时间'] },
      { key: 'dischargedOn', header: '出院日期', en: 'Discharged on', required: false, type: 'date', aliases: ['出院时间'] },
      { key: 'settledOn', header: '结算日期', en: 'Settled on', required: false, type: 'date', aliases: ['结算时间', '费用结算日期'] },
      { key: 'totalCost', header: '医疗总费用', en: 'Total cost', required: false, type: 'money', aliases: ['总费用', '住院总费用', '医疗费用总额'] },
      // The person's whole burden (the notice's 住院自负费用): used alone when present.
      { key: 'burdenTotal', header: '住院自负费用', en: 'Self-borne cost in total', required: false, type: 'money',
        aliases: ['个人负担合计', '个人负担总额', '个人负担费用合计', '自负费用合计', '个人自负合计', '个人负担', '个人负担费用', '个人自负', '住院自负'] },
      { key: 'selfPaid', header: '个人自付费用', en: 'Self-paid cost (co-payment)', required: false, type: 'money',
        aliases: ['自付金额', '个人自付', '个人自付金额', '自付费用'] },
      { key: 'selfFunded', header: '个人自费费用', en: 'Self-funded cost (outside the catalogue)', required: false, type: 'money',
        aliases: ['个人自费', '个人自费金额', '自费金额', '自费费用', '全自费'] },
      { key: 'settlementNo', header: '结算单号', en: 'Settlement number', required: false, type: 'text',
        aliases: ['结算编号', '结算流水号', '结算号', '就诊流水号', '住院号', '单据号'] },
      { key: 'settlementKind', header: '结算类型', en: 'Settlement kind', required: false, type: 'text',
        aliases: ['结算标志', '业务类型', '交易类型', '结算状态', '冲销标志'] },
      { key: 'institution', header: '医疗机构', en: 'Hospital', required: false, type: 'text', aliases: ['就诊医院', '医院名称', '定点医疗机构', '医疗机构名称'] },
      TOWNSHIP,
      VILLAGE,
    ],
    requiredOneOf: [['burdenTotal', 'selfPaid', 'selfFunded']],
    aggregation: 'sumAmounts',
    amount: {
      total: ['burdenTotal'],
      parts: ['selfPaid', 'selfFunded'],
      label: { zh: '个人自付费用', en: 'self-paid cost' },
    },
    settlement: { number: 'settlementNo', kind: 'settlementKind', reversalWords: ['冲销', '冲正', '退费', '退款', '撤销', '红冲', '冲红'] },
    // 医保 extracts are cut by settlement: the settlement date first
    rowDate: ['settledOn', 'dischargedOn', 'admittedOn'],
    windowed: true,
  },
  {
    code: 'disease',
    name: { zh: '重特大疾病', en: 'Serious diseases' },
    title: { zh: '重特大疾病人员（按月）', en: 'People with serious diseases on the provincial list (monthly)' },
    schedule: { kind: 'monthly' },
    periodFormat: 'YYYY-MM',
    channel: '部门比对',
    category: '重大疾病',
    columns: [
      NAME,
      ID,
      { key: 'disease', header: '病种', en: 'Disease', required: true, type: 'text', aliases: ['病种名称', '疾病名称', '诊断', '重特大疾病病种'] },
      TOWNSHIP,
      VILLAGE,
    ],
    aggregation: 'firstDetail',
    detail: { column: 'disease' },
  },
  {
    code: 'disability',
    name: { zh: '残联', en: 'Disabled persons’ federation' },
    title: { zh: '重度残疾人员（按季度）', en: 'Severely disabled people (quarterly)' },
    schedule: { kind: 'quarterly' },
    periodFormat: 'YYYY-Qn',
    channel: '部门比对',
    category: '残疾人',
    columns: [
      NAME,
      { ...ID, required: false },
      // 20 characters: the ID number, then category and grade digits. Not an alias of the ID column.
      { key: 'certificateNo', header: '残疾人证号', en: 'Disability certificate number', required: false, type: 'text',
        aliases: ['残疾证号', '残疾人证号码', '残疾证号码', '第二代残疾人证号'] },
      { key: 'disabilityType', header: '残疾类别', en: 'Disability type', required: false, type: 'text', aliases: ['残疾类型'] },
      { key: 'disabilityGrade', header: '残疾等级', en: 'Disability grade', required: true, type: 'grade', aliases: ['残疾级别', '等级'] },
      { key: 'certificateStatus', header: '证件状态', en: 'Certificate status', required: false, type: 'enum',
        aliases: ['持证状态', '残疾证状态', '证状态', '人员状态'] },
      TOWNSHIP,
      VILLAGE,
    ],
    requiredOneOf: [['idNumber', 'certificateNo']],
    aggregation: 'mostSevereGrade',
    detail: { column: 'disabilityType', dropSuffix: '残疾' },
    grade: 'disabilityGrade',
    idFromCertificate: 'certificateNo',
    rowChecks: [{ kind: 'excludeWhen', column: 'certificateStatus', values: CANCELLED_CERTIFICATE, exclusion: 'cancelled' }],
  },
  {
    code: 'education',
    name: { zh: '教育', en: 'Education' },
    title: { zh: '在读专科、本科学生（每年10月）', en: 'College and university students (every October)' },
    schedule: { kind: 'yearly', month: 10 },
    periodFormat: 'YYYY',
    channel: '部门比对',
    category: '因学支出型困难',
    columns: [
      NAME,
      ID,
      { key: 'school', header: '学校名称', en: 'School', required: false, type: 'text', aliases: ['就读学校', '院校名称', '学校'] },
      { key: 'level', header: '学历层次', en: 'Level', required: true, type: 'enum', aliases: ['培养层次', '学历', '就读层次', '学段'] },
      { key: 'enrolYear', header: '入学年份', en: 'Year of entry', required: false, type: 'integer', aliases: ['入学年度', '入学时间'] },
      TOWNSHIP,
      VILLAGE,
    ],
    aggregation: 'preferredLevel',
    detail: { column: 'level', second: 'school' },
    rowChecks: [{ kind: 'required', column: 'level', message: { zh: '学历层次为空', en: 'education level is empty' } }],
  },
  {
    code: 'revitalization',
    name: { zh: '乡村振兴', en: 'Rural revitalisation' },
    title: { zh: '乡村振兴三类对象（随时接收）', en: 'Rural revitalisation “three types” (as received)' },
    schedule: { kind: 'asReceived' },
    periodFormat: 'YYYY-MM|YYYY-MM-DD',
    channel: '部门比对',
    category: '边缘易致贫户',
    columns: [
      NAME,
      ID,
      { key: 'type', header: '类别', en: 'Type', required: false, type: 'enum',
        aliases: ['监测对象类别', '三类对象类别', '对象类别', '监测类型', '户类型'] },
      { key: 'risk', header: '风险类型', en: 'Risk', required: false, type: 'text', aliases: ['致贫返贫风险', '风险情形', '主要风险'] },
      TOWNSHIP,
      VILLAGE,
    ],
    aggregation: 'firstDetail',
    detail: { column: 'type' },
  },
  {
    code: 'petition',
    name: { zh: '信访', en: 'Petitions' },
    title: { zh: '信访、热线救助诉求（随时接收）', en: 'Petitions and hotline requests (as received)' },
    schedule: { kind: 'asReceived' },
    periodFormat: 'YYYY-MM|YYYY-MM-DD',
    channel: '信访诉求',
    category: '信访求助',
    columns: [
      NAME,
      ID,
      { key: 'request', header: '诉求内容', en: 'Request', required: false, type: 'text', aliases: ['诉求', '反映问题', '主要诉求', '来信来访内容', '求助内容'] },
      { key: 'via', header: '诉求渠道', en: 'Via', required: false, type: 'text', aliases: ['来源渠道', '渠道', '信访形式'] },
      { key: 'receivedOn', header: '受理日期', en: 'Received on', required: false, type: 'date', aliases: ['登记日期', '来访日期', '受理时间'] },
      TOWNSHIP,
      VILLAGE,
    ],
    aggregation: 'firstDetail',
    detail: { column: 'request' },
  },
];

const SOURCE_BY_CODE = new Map<string, SourceDef>(SOURCES.map((source) => [source.code, source]));

export function isSourceCode(code: string): code is SourceCode {
  return SOURCE_BY_CODE.has(code);
}

export function sourceByCode(code: string): SourceDef {
  const source = SOURCE_BY_CODE.get(code);
  if (!source) throw new Error(`unknown source code: ${code}`);
  return source;
}

// ---------------------------------------------------------------------------------------------
// Periods

const PERIOD_PATTERNS: Record<PeriodFormat, RegExp> = {
  'YYYY-MM': /^(\d{4})-(0[1-9]|1[0-2])$/,
  'YYYY-Qn': /^(\d{4})-Q([1-4])$/,
  YYYY: /^(\d{4})$/,
  'YYYY-MM|YYYY-MM-DD': /^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$/,
};

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `period` is well-formed for the source (2026-10, 2026-Q3, 2026, or 2026-10[-05]). */
export function isValidPeriod(source: SourceDef | SourceCode, period: string): boolean {
  const def = typeof source === 'string' ? sourceByCode(source) : source;
  const match = PERIOD_PATTERNS[def.periodFormat].exec(period);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) return false;
  if (match[3] && Number(match[3]) > daysInMonth(year, Number(match[2]))) return false;
  return true;
}

/**
 * Tolerant reading of what a user types (202610, 2026年10月, 2026/10, 2026q3, 2026年第3季度)
 * into the canonical period; undefined when it cannot be one.
 */
export function normalizePeriod(source: SourceDef | SourceCode, text: string): string | undefined {
  const def = typeof source === 'string' ? sourceByCode(source) : source;
  const t = text.trim().replace(/\s+/g, '').toUpperCase();
  let candidate = t;
  if (def.periodFormat === 'YYYY-Qn') {
    const q = /^(\d{4})(?:-|\/|年)?(?:第)?Q?([1-4])(?:季度)?$/.exec(t);
    if (q) candidate = `${q[1]}-Q${q[2]}`;
  } else if (def.periodFormat === 'YYYY') {
    const y = /^(\d{4})年?$/.exec(t);
    if (y) candidate = y[1];
  } else {
    const d = /^(\d{4})(?:[-/.年])?(\d{1,2})(?:月)?(?:(?:[-/.])?(\d{1,2})日?)?$/.exec(t);
    if (d && (d[3] === undefined || def.periodFormat !== 'YYYY-MM')) {
      candidate = `${d[1]}-${d[2].padStart(2, '0')}${d[3] !== undefined ? `-${d[3].padStart(2, '0')}` : ''}`;
    }
  }
  return isValidPeriod(def, candidate) ? candidate : undefined;
}

/** First and last calendar day (YYYY-MM-DD) a period covers. */
export function periodRange(source: SourceDef | SourceCode, period: string): { start: string; end: string } {
  const def = typeof source === 'string' ? sourceByCode(source) : source;
  if (!isValidPeriod(def, period)) throw new Error(`invalid period for ${def.code}: ${period}`);
  const year = Number(period.slice(0, 4));
  const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (def.periodFormat === 'YYYY-Qn') {
    const q = Number(period.slice(6));
    return { start: iso(year, q * 3 - 2, 1), end: iso(year, q * 3, daysInMonth(year, q * 3)) };
  }
  if (def.periodFormat === 'YYYY') {
    // Yearly feeds are compared in their month (教育: October); a yearly feed without a month is the year.
    const month = def.schedule.kind === 'yearly' ? def.schedule.month : undefined;
    return month
      ? { start: iso(year, month, 1), end: iso(year, month, daysInMonth(year, month)) }
      : { start: iso(year, 1, 1), end: iso(year, 12, 31) };
  }
  const month = Number(period.slice(5, 7));
  if (period.length === 10) return { start: period, end: period };
  return { start: iso(year, month, 1), end: iso(year, month, daysInMonth(year, month)) };
}

/** Human label: 2026年10月 / October 2026, 2026年第3季度 / 2026 Q3, 2026年 / 2026. */
export function periodLabel(period: string): LocalizedText {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  let m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return { zh: `${m[1]}年第${m[2]}季度`, en: `${m[1]} Q${m[2]}` };
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (m) return { zh: `${m[1]}年${Number(m[2])}月${Number(m[3])}日`, en: period };
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return { zh: `${m[1]}年${Number(m[2])}月`, en: `${months[Number(m[2]) - 1]} ${m[1]}` };
  m = /^(\d{4})$/.exec(period);
  if (m) return { zh: `${m[1]}年`, en: m[1] };
  return { zh: period, en: period };
}

function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The periods a scheduled source delivers whose window overlaps [fromIso, toIso], oldest first.
 * Monthly: every month; quarterly: every quarter; yearly: each year whose delivery month
 * (教育: October) overlaps. Sources received as they come have no schedule: [].
 */
export function expectedPeriods(source: SourceDef | SourceCode, fromIso: string, toIso: string): string[] {
  const def = typeof source === 'string' ? sourceByCode(source) : source;
  if (!isIsoDate(fromIso) || !isIsoDate(toIso)) throw new Error('expectedPeriods: dates must be real YYYY-MM-DD dates');
  if (fromIso > toIso) return [];
  const fromYear = Number(fromIso.slice(0, 4));
  const toYear = Number(toIso.slice(0, 4));
  const out: string[] = [];
  const keep = (period: string) => {
    const { start, end } = periodRange(def, period);
    if (start <= toIso && end >= fromIso) out.push(period);
  };
  switch (def.schedule.kind) {
    case 'asReceived':
      return [];
    case 'yearly':
      for (let y = fromYear; y <= toYear; y++) keep(String(y));
      return out;
    case 'quarterly':
      for (let y = fromYear; y <= toYear; y++) for (let q = 1; q <= 4; q++) keep(`${y}-Q${q}`);
      return out;
    case 'monthly':
      for (let y = fromYear; y <= toYear; y++) for (let m = 1; m <= 12; m++) keep(`${y}-${String(m).padStart(2, '0')}`);
      return out;
  }
}

/** Last day a period's file may arrive before the county is told: period end + grace days. */
export function feedDueDate(source: SourceDef | SourceCode, period: string, graceDays: number): string {
  return addDays(periodRange(source, period).end, graceDays);
}

export interface FeedImport {
  source: string;
  period: string;
}

export interface MissingFeed {
  source: SourceCode;
  period: string;
  /** Last day it could arrive without a warning (period end + grace days). */
  dueDate: string;
  /** 「2026年10月 医保数据尚未导入」 */
  message: LocalizedText;
}

export interface MissingFeedsOptions {
  /** Oldest date to look back to (default: 12 months before today). */
  since?: string;
  /** Sources to check (default: every scheduled source). */
  sources?: readonly SourceCode[];
}

/**
 * Scheduled feeds not imported although their period ended more than `graceDays` days ago
 * (policy.feedGraceDays): one entry per source and period, oldest first within a source.
 * `imports` are the committed imports (source + period).
 */
export function missingFeeds(
  imports: readonly FeedImport[],
  today: string,
  graceDays: number,
  options: MissingFeedsOptions = {},
): MissingFeed[] {
  const since = options.since ?? `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
  const done = new Set(imports.map((imp) => `${imp.source} ${imp.period}`));
  const wanted = options.sources ?? SOURCE_CODES;
  const out: MissingFeed[] = [];
  for (const def of SOURCES) {
    if (!wanted.includes(def.code) || def.schedule.kind === 'asReceived') continue;
    for (const period of expectedPeriods(def, since, today)) {
      const dueDate = feedDueDate(def, period, graceDays);
      if (today <= dueDate || done.has(`${def.code} ${period}`)) continue;
      const label = periodLabel(period);
      out.push({
        source: def.code,
        period,
        dueDate,
        message: {
          zh: `${label.zh} ${def.name.zh}数据尚未导入`,
          en: `${def.name.en} data for ${label.en} has not been imported`,
        },
      });
    }
  }
  return out;
}
