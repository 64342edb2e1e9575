/**
 * Every text a validation finding shows, in one table: zh-CN (what is wrong, where, how to fix)
 * with en-US beside it. Keyed by finding code; codes with several situations (status.inconsistent,
 * date.order…) have one entry per situation, `code/situation`. Rules name the entry they use.
 *
 * Personal data: messages never repeat a whole ID number except where the fix is the number
 * itself (id.legacy15 offers the 18-digit form). They go to the user working on the ledger only.
 */
import type { FindingCode } from '../types';

/** What a message may mention; `column` is the header text as it appears in the sheet. */
export interface MessageParams {
  column: string;
  /** The cell's value as shown to the user (never a whole ID number). */
  value?: string;
  /** Allowed values of a vocabulary. */
  allowed?: readonly string[];
  /** The offending values (multi-value cells, routes). */
  items?: readonly string[];
  /** Another column involved (header text in the sheet). */
  other?: string;
  /** Dates involved. */
  date?: string;
  otherDate?: string;
  /** Some other Excel rows involved (duplicates: at most DUPLICATE_ROWS_SHOWN of them). */
  rows?: readonly number[];
  /** Duplicates: how many rows share the value, this one included (may exceed `rows`). */
  count?: number;
  min?: number;
  max?: number;
  /** Working days (deadline.overdue). */
  days?: number;
  /** number.format: a whole number was expected. */
  integer?: boolean;
  /** Expected value (gender from the ID, the 18-digit upgrade…). */
  expected?: string;
}

export interface MessageTexts {
  message: string;
  hint: string;
  en: { message: string; hint: string };
}

type Builder = (p: MessageParams) => MessageTexts;

function t(message: string, hint: string, enMessage: string, enHint: string): MessageTexts {
  return { message, hint, en: { message: enMessage, hint: enHint } };
}

const zhList = (items: readonly string[] | undefined): string => (items ?? []).join('、');
const enList = (items: readonly string[] | undefined): string => (items ?? []).join(', ');
/**
 * The other rows of a duplicate group: a few named, the rest counted — a group of 10,000 rows must
 * not make 10,000 messages naming 9,999 rows each. `count` includes the row the message is on.
 */
function zhRows(p: MessageParams): string {
  const rows = p.rows ?? [];
  const others = othersOf(p);
  const named = `第${rows.join('、')}行`;
  return others > rows.length ? `${named}等其他${others}行` : named;
}
/** '（共N行）' after the verb when not every row is named. */
function zhTotal(p: MessageParams): string {
  const others = othersOf(p);
  return others > (p.rows ?? []).length ? `（共${others + 1}行）` : '';
}
function othersOf(p: MessageParams): number {
  const named = (p.rows ?? []).length;
  return Math.max((p.count ?? named + 1) - 1, named);
}
function enRows(p: MessageParams): string {
  const rows = p.rows ?? [];
  const others = othersOf(p);
  const named = rows.join(', ');
  return others > rows.length ? `${named} and ${others - rows.length} more (${others + 1} rows in all)` : named;
}

export const MESSAGES = {
  'header.missing': (p) =>
    t(
      `缺少必填列「${p.column}」。`,
      `请在表头行加上「${p.column}」列（列顺序不限，表头文字须与模板一致或为其常用别名）。`,
      `Required column "${p.column}" is missing.`,
      `Add a "${p.column}" column to the header row (any position; use the template's header text or a known alias).`,
    ),
  required: (p) =>
    t(
      `「${p.column}」为必填项，本行未填写。`,
      `请填写「${p.column}」。`,
      `"${p.column}" is required but empty.`,
      `Fill in "${p.column}".`,
    ),
  'id.format': (p) =>
    t(
      `「${p.column}」格式不正确：应为18位（17位数字加1位数字或X）。`,
      '请对照身份证重新录入；末位的x请写作大写X，不要夹带空格以外的符号。',
      `"${p.column}" is malformed: it must be 18 characters (17 digits, then a digit or X).`,
      'Re-type it from the ID card; write a final x as X.',
    ),
  'id.checksum': (p) =>
    t(
      `「${p.column}」校验位不正确（按GB 11643计算，最后一位与前17位不符）。`,
      p.value?.endsWith('000')
        ? '号码末三位为000，多半是Excel把它当数字存储时丢失了末位：请将本列设为“文本”格式后重新录入完整号码。'
        : '号码中至少有一位录错，请对照身份证逐位核对后改正。',
      `"${p.column}" has a wrong check character (GB 11643: the last character does not match the first 17 digits).`,
      p.value?.endsWith('000')
        ? 'It ends in 000: Excel probably stored it as a number and dropped the last digits. Format the column as Text and re-type the full number.'
        : 'At least one digit is mistyped; compare it with the ID card.',
    ),
  'id.birthdate': (p) =>
    t(
      `「${p.column}」中的出生日期（第7–14位）不存在或晚于今天。`,
      '请对照身份证核对第7–14位出生日期。',
      `The birth date in "${p.column}" (characters 7–14) is impossible or in the future.`,
      'Check characters 7–14 (birth date) against the ID card.',
    ),
  'id.region': (p) =>
    t(
      `「${p.column}」前两位不是有效的省级行政区划代码。`,
      '请对照身份证核对前6位地址码（云南省为53开头）。',
      `The first two digits of "${p.column}" are not a province code.`,
      'Check the 6-digit address code (Yunnan starts with 53).',
    ),
  'id.excel_number': (p) =>
    t(
      `「${p.column}」被Excel存成了数字（显示为 ${p.value ?? ''}），Excel只保留15位有效数字，身份证号的末几位已经丢失。`,
      `请选中「${p.column}」整列，设置单元格格式为“文本”，再对照身份证重新录入完整的18位号码（仅改格式无法找回丢失的数字）。`,
      `Excel stored "${p.column}" as a number (${p.value ?? ''}); Excel keeps only 15 significant digits, so the last digits of the ID are lost.`,
      `Format the whole "${p.column}" column as Text, then re-type the full 18-character number from the ID card (changing the format alone cannot restore the lost digits).`,
    ),
  'id.legacy15': (p) =>
    t(
      `「${p.column}」是15位旧号码，应使用18位公民身份号码。`,
      `对应的18位号码为 ${p.expected ?? ''}，请核对后替换。`,
      `"${p.column}" is an old 15-digit number; use the 18-character ID.`,
      `Its 18-character form is ${p.expected ?? ''}; check and replace it.`,
    ),
  'id.duplicate': (p) =>
    t(
      `「${p.column}」与${zhRows(p)}相同${zhTotal(p)}：同一人在台账中出现多次。`,
      '同一人只保留一行：请合并这些行的信息后删除多余的行，或核对号码是否录错。',
      `"${p.column}" is the same as on row(s) ${enRows(p)}: one person appears more than once.`,
      'Keep one row per person: merge the rows and delete the extras, or correct a mistyped number.',
    ),
  'gender.mismatch': (p) =>
    t(
      `「${p.column}」填的是“${p.value ?? ''}”，但身份证号第17位表明是“${p.expected ?? ''}”。`,
      '身份证号第17位奇数为男、偶数为女：请核对性别或身份证号。',
      `"${p.column}" says ${p.value ?? ''} but the ID number's 17th digit says ${p.expected === '男' ? 'male' : 'female'}.`,
      'Odd 17th digit = male, even = female: check the gender or the ID number.',
    ),
  enum: (p) =>
    t(
      `「${p.column}」的值“${p.value ?? ''}”不在可选范围内。`,
      `请从下拉列表中选择：${zhList(p.allowed)}。`,
      `"${p.value ?? ''}" is not an allowed value of "${p.column}".`,
      `Choose one of: ${enList(p.allowed)}.`,
    ),
  'enum/multi': (p) =>
    t(
      `「${p.column}」中的“${zhList(p.items)}”不在可选范围内。`,
      `可多选，用“、”分隔，可选值：${zhList(p.allowed)}。`,
      `"${p.column}" holds value(s) that are not allowed: ${enList(p.items)}.`,
      `Several allowed, separated by 、; choose from: ${enList(p.allowed)}.`,
    ),
  'date.format': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”不是有效日期。`,
      '请填写实际存在的日期，格式如2026-10-05（也可写2026/10/5、2026年10月5日）。',
      `"${p.value ?? ''}" in "${p.column}" is not a valid date.`,
      'Enter a real date such as 2026-10-05 (2026/10/5 and 2026年10月5日 also work).',
    ),
  'date.future': (p) =>
    t(
      `「${p.column}」为${p.date ?? ''}，晚于今天（${p.otherDate ?? ''}）。`,
      '已发生的事项不能填写将来的日期，请核对后改正。',
      `"${p.column}" is ${p.date ?? ''}, after today (${p.otherDate ?? ''}).`,
      'Something that already happened cannot have a future date; correct it.',
    ),
  'date.order': (p) =>
    t(
      `「${p.column}」（${p.date ?? ''}）早于「${p.other ?? ''}」（${p.otherDate ?? ''}）。`,
      `「${p.column}」不得早于「${p.other ?? ''}」，请核对两个日期。`,
      `"${p.column}" (${p.date ?? ''}) is before "${p.other ?? ''}" (${p.otherDate ?? ''}).`,
      `"${p.column}" cannot be earlier than "${p.other ?? ''}"; check both dates.`,
    ),
  'phone.format': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”不是有效的电话号码。`,
      '请填写11位手机号（1开头，第二位3–9），或带区号的固定电话（如0878-3123456）；多个号码用“、”分隔。',
      `"${p.value ?? ''}" in "${p.column}" is not a valid phone number.`,
      'Enter an 11-digit mobile number (1, then 3–9, then 9 digits) or a landline with area code (e.g. 0878-3123456); separate several with 、.',
    ),
  'number.format': (p) =>
    p.integer
      ? t(
          `「${p.column}」的“${p.value ?? ''}”不是整数。`,
          '请只填写整数，不要带单位或文字说明（说明可写在备注中）。',
          `"${p.value ?? ''}" in "${p.column}" is not a whole number.`,
          'Enter a whole number only, without units or words (explanations go in the notes column).',
        )
      : t(
          `「${p.column}」的“${p.value ?? ''}”不是数字。`,
          '请只填写金额数字（元，可带两位小数），不要带文字说明（说明可写在备注中）。',
          `"${p.value ?? ''}" in "${p.column}" is not a number.`,
          'Enter the amount in yuan only (up to two decimals), without words (explanations go in the notes column).',
        ),
  'number.range': (p) =>
    t(
      `「${p.column}」为${p.value ?? ''}，超出允许范围（${rangeZh(p)}）。`,
      `请填写${rangeZh(p)}的数值。`,
      `"${p.column}" is ${p.value ?? ''}, outside the allowed range (${rangeEn(p)}).`,
      `Enter a value ${rangeEn(p)}.`,
    ),
  'deadline.overdue': (p) =>
    t(
      `核实时限为${p.date ?? ''}，至今（${p.otherDate ?? ''}）仍未核实${p.days ? `，已超期${p.days}个工作日` : ''}。`,
      `请尽快完成调查核实并填写「${p.other ?? p.column}」；确有困难的请向乡镇说明情况。`,
      `Verification was due on ${p.date ?? ''} and is still not done (${p.otherDate ?? ''})${p.days ? `: ${p.days} working day(s) overdue` : ''}.`,
      `Verify the case now and fill in "${p.other ?? p.column}"; tell the township if it cannot be done.`,
    ),
  'consent.declined_route': (p) =>
    t(
      `「${p.other ?? ''}」为“不愿申请”，但「${p.column}」填写了“${zhList(p.items)}”。`,
      '救助遵循自愿原则：本人不愿申请时，处置方式只能是“尊重意愿持续关注”（符合条件的可“纳入低收入人口动态监测”）。请核实本人意愿后改正其中一项。',
      `"${p.other ?? ''}" says the person declines, but "${p.column}" holds ${enList(p.items)}.`,
      'Assistance is voluntary: for a person who declines, the only routes are 尊重意愿持续关注 (and 纳入低收入人口动态监测 where eligible). Confirm the person’s wish and correct one of the two.',
    ),
  'route.missing': (p) =>
    t(
      `「${p.other ?? ''}」为“符合救助条件”，但「${p.column}」未填写。`,
      '请按接办流程确定处置方式（可使用“处置建议”功能），如协助申请、纳入低保、临时救助等。',
      `"${p.other ?? ''}" says the person qualifies, but "${p.column}" is empty.`,
      'Choose the handling route(s) (the route helper can suggest them): assisted application, 低保, temporary aid, …',
    ),
  'status.inconsistent/closed_without_date': (p) =>
    t(
      `「${p.other ?? ''}」为“已办结”，但「${p.column}」未填写。`,
      `请填写「${p.column}」，或将状态改为实际的办理状态。`,
      `"${p.other ?? ''}" is closed but "${p.column}" is empty.`,
      `Fill in "${p.column}", or set the status to what it really is.`,
    ),
  'status.inconsistent/date_without_closed': (p) =>
    t(
      `已填写「${p.other ?? ''}」（${p.date ?? ''}），但「${p.column}」为“${p.value ?? ''}”而不是“已办结”。`,
      `案件已办结的请把「${p.column}」改为“已办结”；尚未办结的请清空「${p.other ?? ''}」。`,
      `"${p.other ?? ''}" is set (${p.date ?? ''}) but "${p.column}" is "${p.value ?? ''}", not closed.`,
      `If the case is closed set "${p.column}" to 已办结; otherwise clear "${p.other ?? ''}".`,
    ),
  'status.inconsistent/pending_but_verified': (p) =>
    t(
      `「${p.column}」为“待核实”，但已填写「${p.other ?? ''}」（${p.date ?? ''}）。`,
      `已核实的请把「${p.column}」改为办理中、持续关注或已办结；未核实的请清空「${p.other ?? ''}」。`,
      `"${p.column}" is pending verification but "${p.other ?? ''}" is set (${p.date ?? ''}).`,
      `If verified, update "${p.column}"; otherwise clear "${p.other ?? ''}".`,
    ),
  'status.inconsistent/result_without_date': (p) =>
    t(
      `已填写「${p.other ?? ''}」，但「${p.column}」为空。`,
      `请补填「${p.column}」（完成调查核实的日期）。`,
      `"${p.other ?? ''}" is filled in but "${p.column}" is empty.`,
      `Fill in "${p.column}" (the date the case was verified).`,
    ),
  'status.inconsistent/date_without_result': (p) =>
    t(
      `已填写「${p.other ?? ''}」（${p.date ?? ''}），但「${p.column}」为空。`,
      `请补填「${p.column}」（调查核实的结论）。`,
      `"${p.other ?? ''}" is set (${p.date ?? ''}) but "${p.column}" is empty.`,
      `Fill in "${p.column}" (the outcome of the verification).`,
    ),
  'status.inconsistent/handled_unverified': (p) =>
    t(
      `「${p.column}」为“${p.value ?? ''}”，但尚未填写「${p.other ?? ''}」和核实结果。`,
      '进入办理前须先完成调查核实：请补填核实日期和核实结果，或更正办理状态。',
      `"${p.column}" is ${p.value ?? ''} but "${p.other ?? ''}" and the verification result are empty.`,
      'A case is handled only after verification: fill in the verification date and result, or correct the status.',
    ),
  'lead.duplicate': (p) =>
    t(
      `「${p.column}」“${p.value ?? ''}”与${zhRows(p)}重复${zhTotal(p)}。`,
      '同一条线索只登记一行：请合并重复的行，或核对线索编号是否录错。',
      `"${p.column}" ${p.value ?? ''} also appears on row(s) ${enRows(p)}.`,
      'Record each lead once: merge the rows or correct a mistyped lead number.',
    ),
} satisfies Record<string, Builder>;

export type MessageId = keyof typeof MESSAGES;

function rangeZh(p: MessageParams): string {
  if (p.min !== undefined && p.max !== undefined) return `${p.min}–${p.max}`;
  if (p.min !== undefined) return `不小于${p.min}`;
  return `不大于${p.max ?? ''}`;
}

function rangeEn(p: MessageParams): string {
  if (p.min !== undefined && p.max !== undefined) return `${p.min}–${p.max}`;
  if (p.min !== undefined) return `of at least ${p.min}`;
  return `of at most ${p.max ?? ''}`;
}

/** The finding code a message entry belongs to: 'status.inconsistent/closed_without_date' → 'status.inconsistent'. */
export function codeOfMessage(id: MessageId): FindingCode {
  const slash = id.indexOf('/');
  return (slash < 0 ? id : id.slice(0, slash)) as FindingCode;
}

export function messageFor(id: MessageId, params: MessageParams): MessageTexts {
  return MESSAGES[id](params);
}
