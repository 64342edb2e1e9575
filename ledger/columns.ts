/**
 * The village ledger's columns — the single source of truth.
 *
 * 村（社区）__月社会救助主动发现监测工作台账. The template, the sheet reader, the validation
 * rules, the sync API's value schema and the add-in panes all derive from this list:
 * adding a column means adding one entry here.
 */
// policy.ts imports only zod (never this file), so there is no import cycle.
import { DEFAULT_POLICY } from './policy';
import { VOCABULARIES, type VocabularyName } from './vocabularies';

export type ColumnType =
  | 'seq' // running number, informational
  | 'text'
  | 'idNumber' // 公民身份号码, GB 11643
  | 'phone'
  | 'integer'
  | 'money' // yuan, two decimals
  | 'date' // stored as YYYY-MM-DD
  | 'enum' // one value of a vocabulary
  | 'multi' // several values of a vocabulary, joined with 、
  | 'machine'; // hidden sync columns

export type { LocalizedText } from './text';
import type { LocalizedText } from './text';

export interface ColumnDef<K extends string = string> {
  /** Stable machine key, used in the sync API and in code. */
  key: K;
  /** Exact zh-CN header text in the template. */
  header: string;
  /** en-US label. */
  en: string;
  /** Other header texts staff use for the same column (matched after normalisation). */
  aliases: readonly string[];
  type: ColumnType;
  required: boolean;
  vocabulary?: VocabularyName;
  /** Shown in 填表说明 and as cell help in the add-in. */
  help: LocalizedText;
  /** Hidden machine column kept at the right of the sheet. */
  hidden?: boolean;
  /** Column width in the template (characters). */
  width: number;
  /** Numeric range for integer/money columns. */
  min?: number;
  max?: number;
}

const COLUMN_LIST = [
  { key: 'seq', header: '序号', en: 'No.', aliases: ['编号'], type: 'seq', required: false, width: 6,
    help: { zh: '行序号，可留空；系统不依赖它识别记录。', en: 'Row number; optional, records are not identified by it.' } },
  { key: 'township', header: '乡镇（街道）', en: 'Township', aliases: ['乡镇', '街道', '乡镇街道'], type: 'text', required: false, width: 12,
    help: { zh: '所属乡镇（街道）名称。', en: 'Township (sub-district) name.' } },
  { key: 'village', header: '村（社区）', en: 'Village', aliases: ['村', '社区', '村社区', '村居'], type: 'text', required: false, width: 12,
    help: { zh: '所属村（社区）名称。', en: 'Village (community) name.' } },
  { key: 'name', header: '姓名', en: 'Name', aliases: ['风险线索人员', '人员姓名', '救助对象姓名'], type: 'text', required: true, width: 10,
    help: { zh: '困难群众姓名，必填。', en: 'Full name; required.' } },
  { key: 'gender', header: '性别', en: 'Gender', aliases: [], type: 'enum', vocabulary: 'gender', required: false, width: 6,
    help: { zh: '男或女；须与身份证号第17位一致（奇数男、偶数女）。', en: 'Male or female; must agree with the 17th digit of the ID number (odd male, even female).' } },
  { key: 'idNumber', header: '公民身份号码', en: 'ID number', aliases: ['身份证号', '身份证号码', '证件号码'], type: 'idNumber', required: true, width: 21,
    help: { zh: '18位公民身份号码，末位可为X；本列须设为“文本”格式，否则Excel会丢失后三位。', en: '18-character resident ID; last may be X. Keep this column formatted as Text or Excel drops the last digits.' } },
  { key: 'phone', header: '联系电话', en: 'Phone', aliases: ['电话', '手机号', '手机号码', '联系方式'], type: 'phone', required: false, width: 14,
    help: { zh: '11位手机号，或带区号的固定电话（如0878-3123456）。', en: 'Mobile (11 digits) or landline with area code (e.g. 0878-3123456).' } },
  { key: 'householdSize', header: '家庭人口', en: 'Household size', aliases: ['家庭人口数', '家庭人数'], type: 'integer', required: false, width: 8, min: 1, max: 20,
    help: { zh: '共同生活的家庭成员人数，1–20。', en: 'Members of the household living together, 1–20.' } },
  { key: 'address', header: '家庭住址', en: 'Address', aliases: ['住址', '地址'], type: 'text', required: false, width: 24,
    help: { zh: '现居住地址。', en: 'Current address.' } },
  { key: 'categories', header: '人员类别', en: 'Target groups', aliases: ['对象类别', '重点对象类别'], type: 'multi', vocabulary: 'categories', required: true, width: 18,
    help: { zh: '重点对象类别（通知二（一）），可多选，用“、”分隔。', en: 'Target groups (notice 2.1); several allowed, separated by 、.' } },
  { key: 'hardship', header: '困难情形', en: 'Hardship', aliases: ['困难情况', '主要困难'], type: 'text', required: false, width: 24,
    help: { zh: '简述主要困难（如住院自付费用、突发事故）。', en: 'Short description of the hardship.' } },
  { key: 'channel', header: '发现渠道', en: 'Channel', aliases: ['线索来源', '风险线索来源', '发现途径', '发现方式'], type: 'enum', vocabulary: 'channel', required: true, width: 10,
    help: { zh: '线索从何发现：入户走访、部门比对、平台预警等。', en: 'How the case was found: home visit, departmental matching, platform warning, …' } },
  { key: 'leadNo', header: '线索编号', en: 'Lead No.', aliases: ['线索号'], type: 'text', required: false, width: 22,
    help: { zh: '县级下发线索的编号（如XS-532301-202610-00001），自行发现的留空。', en: 'County lead number, blank for cases found locally.' } },
  { key: 'foundOn', header: '发现日期', en: 'Found on', aliases: ['发现时间', '线索发现日期'], type: 'date', required: true, width: 11,
    help: { zh: '发现或接收线索的日期，格式2026-10-05。', en: 'Date found or received, e.g. 2026-10-05.' } },
  { key: 'coverage', header: '已纳入保障', en: 'Coverage', aliases: ['是否已纳入保障', '是否纳入保障', '保障情况', '已享受保障'], type: 'enum', vocabulary: 'coverage', required: false, width: 10,
    help: { zh: '目前已享受的保障：无、低保、特困供养等。', en: 'Assistance already received.' } },
  { key: 'verifyBy', header: '核实时限', en: 'Verify by', aliases: ['核实期限'], type: 'date', required: false, width: 11,
    help: { zh: `应完成核实的日期；留空时按政策（默认${DEFAULT_POLICY.leadVerifyWorkingDays}个工作日）从发现日期推算。`, en: `Verification due date; blank = found-on date plus the policy’s working days (default ${DEFAULT_POLICY.leadVerifyWorkingDays}).` } },
  { key: 'verifiedOn', header: '核实日期', en: 'Verified on', aliases: ['核实时间'], type: 'date', required: false, width: 11,
    help: { zh: '完成调查核实的日期，不得早于发现日期。', en: 'Date verified; not before the found-on date.' } },
  { key: 'verifier', header: '核实人', en: 'Verifier', aliases: ['核实人员'], type: 'text', required: false, width: 8,
    help: { zh: '负责核实的工作人员。', en: 'Staff member who verified.' } },
  { key: 'verifyResult', header: '核实结果', en: 'Result', aliases: ['核实情况', '核实结论'], type: 'enum', vocabulary: 'verifyResult', required: false, width: 14,
    help: { zh: '调查核实的结论。', en: 'Outcome of the verification.' } },
  { key: 'willingness', header: '申请意愿', en: 'Willingness', aliases: ['是否愿意申请'], type: 'enum', vocabulary: 'willingness', required: false, width: 9,
    help: { zh: '遵循救助自愿原则，记录本人意愿。', en: 'The person’s own will; assistance is voluntary.' } },
  { key: 'ability', header: '申请能力', en: 'Ability to apply', aliases: [], type: 'enum', vocabulary: 'ability', required: false, width: 10,
    help: { zh: '能否自行提出申请。', en: 'Whether the person can apply alone.' } },
  { key: 'routes', header: '处置方式', en: 'Handling routes', aliases: ['处置情况', '救助方式'], type: 'multi', vocabulary: 'routes', required: false, width: 20,
    help: { zh: '接办流程（通知二（三）），可多选，用“、”分隔。', en: 'Handling routes (notice 2.3); several allowed, separated by 、.' } },
  { key: 'amount', header: '救助金额（元）', en: 'Amount (yuan)', aliases: ['救助金额', '金额'], type: 'money', required: false, width: 14, min: 0,
    help: { zh: '已实施救助的金额（元），不小于0。', en: 'Assistance paid, in yuan, not negative.' } },
  { key: 'status', header: '办理状态', en: 'Status', aliases: ['状态', '办理进度', '办理情况'], type: 'enum', vocabulary: 'status', required: false, width: 9,
    help: { zh: '待核实、核实中、办理中、已办结、持续关注。', en: 'Pending, verifying, in progress, closed, monitoring.' } },
  { key: 'closedOn', header: '办结日期', en: 'Closed on', aliases: ['办结时间'], type: 'date', required: false, width: 11,
    help: { zh: '办结的日期；状态为“已办结”时必填，不得早于核实日期。', en: 'Date closed; required when status is closed.' } },
  { key: 'notes', header: '备注', en: 'Notes', aliases: ['说明'], type: 'text', required: false, width: 20,
    help: { zh: '其他需要说明的情况。', en: 'Anything else.' } },
  { key: 'rowId', header: '记录ID', en: 'Row ID', aliases: [], type: 'machine', required: false, hidden: true, width: 38,
    help: { zh: '系统使用，请勿修改。', en: 'Used by the system for sync; do not edit.' } },
  { key: 'version', header: '版本号', en: 'Version', aliases: [], type: 'machine', required: false, hidden: true, width: 8,
    help: { zh: '系统使用，请勿修改。', en: 'Used by the system for sync; do not edit.' } },
] as const satisfies readonly ColumnDef[];

/** The 28 column keys as a union: a typo'd key does not compile (tests/ledger/column-keys.test.ts). */
export type ColumnKey = (typeof COLUMN_LIST)[number]['key'];

export const LEDGER_COLUMNS: readonly ColumnDef<ColumnKey>[] = COLUMN_LIST;

/** Every column key, in sheet order. */
export const COLUMN_KEYS: readonly ColumnKey[] = LEDGER_COLUMNS.map((column) => column.key);

const BY_KEY = new Map<string, ColumnDef<ColumnKey>>(LEDGER_COLUMNS.map((column) => [column.key, column]));

/** True when `key` is one of the ledger's column keys (for keys that arrive as text: JSON, URLs). */
export function isColumnKey(key: string): key is ColumnKey {
  return BY_KEY.has(key);
}

export function columnByKey(key: ColumnKey): ColumnDef<ColumnKey> {
  const column = BY_KEY.get(key);
  if (!column) throw new Error(`unknown ledger column key: ${key}`);
  return column;
}

/** The columns a person fills in (everything but the hidden machine columns). */
export const VISIBLE_COLUMNS: readonly ColumnDef<ColumnKey>[] = LEDGER_COLUMNS.filter((column) => !column.hidden);

/** Allowed values of a vocabulary column. */
export function vocabularyOf(column: ColumnDef<string>): readonly string[] {
  return column.vocabulary ? VOCABULARIES[column.vocabulary] : [];
}

/** Title row text; `__` blanks are filled with the village name and month when known. */
export function ledgerTitle(villageName?: string, month?: number): string {
  return `${villageName ?? '_____村（社区）'}${month ?? '__'}月社会救助主动发现监测工作台账`;
}

/**
 * The village name a title row gives (ledgerTitle's inverse, lenient on spaces, the year and the
 * month): 示范村11月社会救助主动发现监测工作台账 and 示范村2024年11月… → 示范村. null for the blank
 * template (_____村（社区）) or a title of another shape.
 */
export function villageOfTitle(title: string): string | null {
  const match = /^\s*(.+?)\s*(?:\d{4}\s*年度?)?\s*(?:\d{1,2}|_+)?\s*月?\s*社会救助主动发现/.exec(title.normalize('NFKC'));
  const name = match?.[1].trim() ?? '';
  return name === '' || name.includes('_') ? null : name;
}
