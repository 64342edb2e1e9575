/**
 * Every text a validation finding shows, in one table: zh-CN (what is wrong, where, how to fix)
 * with en-US beside it. Keyed by finding code; codes with several situations (status.inconsistent,
 * date.order…) have one entry per situation, `code/situation`. Rules name the entry they use.
 *
 * Personal data: messages never repeat a whole ID number except where the fix is the number
 * itself (id.legacy15 offers the 18-digit form). They go to the user working on the ledger only.
 */

import { ID_PROBLEM_TEXT } from '../id-number';
import type { LocalizedText } from '../text';

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
  /** Expected value (gender from the ID, the 18-digit upgrade, the value a synonym stands for…). */
  expected?: string;
  /** Mistyped values with the allowed value each most likely meant: 老人→老年人. */
  suggestions?: readonly string[];
  /**
   * The value to write into the cell to fix it (full-width → half-width, synonym → allowed value,
   * 15 → 18 digits). Not shown in the texts (it may be a whole ID number); Finding.fix carries it.
   */
  fix?: string;
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

const T = ID_PROBLEM_TEXT;
/** An ID problem in the shared wording (ledger/id-number.ts), with the column in front. */
const idText = (p: MessageParams, problem: keyof typeof ID_PROBLEM_TEXT, detail = ''): MessageTexts =>
  t(
    `「${p.column}」${detail}：${T[problem].zh}。`,
    T[problem].hint.zh,
    `"${p.column}"${detail ? ` (${detail.replace(/[（）]/g, '')})` : ''}: ${T[problem].en}.`,
    T[problem].hint.en,
  );

export const FINDING_MESSAGES = {
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
  'required/marker': (p) =>
    t(
      `「${p.column}」为必填项，本行填的是“${p.value ?? ''}”（表示空），视为未填写。`,
      `请填写「${p.column}」的实际内容；“/”“无”等只能用于选填项。`,
      `"${p.column}" is required; this row holds "${p.value ?? ''}" (a blank marker), so it is not filled in.`,
      `Fill in "${p.column}"; markers such as / or 无 are only for optional cells.`,
    ),
  'cell.formula_error': (p) =>
    t(
      `「${p.column}」显示公式错误 ${p.value ?? ''}，不是有效内容。`,
      '请检查该单元格的公式（引用的单元格是否被删除、查找的值是否存在），或直接填写数值。',
      `"${p.column}" shows the formula error ${p.value ?? ''}, not a value.`,
      'Check the formula (a deleted reference, a lookup that finds nothing) or type the value itself.',
    ),
  'cell.retyped': (p) =>
    t(
      `「${p.column}」含全角字符、引号或不可见字符，已按半角读取。`,
      '建议改为半角内容（输入法切换到英文状态后录入），以免其他系统无法识别。',
      `"${p.column}" holds full-width characters, quotes or invisible marks; it was read as half-width text.`,
      'Retype it in half-width characters (IME in English mode) so other systems read it.',
    ),
  'id.format': (p) => idText(p, 'format'),
  'id.format/short': (p) => idText(p, 'short', p.value ? `（${p.value}）` : ''),
  'id.checksum': (p) => idText(p, 'checksum'),
  'id.birthdate': (p) => idText(p, 'birthdate'),
  'id.birthdate/legacy15': (p) => idText(p, 'birthdate15'),
  'id.region': (p) => idText(p, 'region'),
  'id.excel_number': (p) => idText(p, 'excelNumber', p.value ? `（显示为 ${p.value}）` : ''),
  'id.excel_suspect': (p) => idText(p, 'excelSuspect'),
  'id.legacy15': (p) =>
    t(
      `「${p.column}」：${T.legacy15.zh}。`,
      `对应的18位号码为 ${p.expected ?? ''}，请核对后替换（本列请设为“文本”格式）。`,
      `"${p.column}": ${T.legacy15.en}.`,
      `Its 18-character form is ${p.expected ?? ''}; check and replace it (keep the column formatted as Text).`,
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
      `请填写以下之一（模板中可从下拉列表选择）：${zhList(p.allowed)}。`,
      `"${p.value ?? ''}" is not an allowed value of "${p.column}".`,
      `Use one of (the template's drop-down lists them): ${enList(p.allowed)}.`,
    ),
  'enum/suggestion': (p) =>
    t(
      `「${p.column}」的值“${p.value ?? ''}”不在可选范围内，是否应为“${p.expected ?? ''}”？`,
      `确认后改为“${p.expected ?? ''}”；可选值：${zhList(p.allowed)}。`,
      `"${p.value ?? ''}" is not an allowed value of "${p.column}"; did you mean "${p.expected ?? ''}"?`,
      `If so, change it to ${p.expected ?? ''}; allowed: ${enList(p.allowed)}.`,
    ),
  'enum/multi': (p) =>
    t(
      `「${p.column}」中的“${zhList(p.items)}”不在可选范围内。`,
      `可多选，用“、”分隔，可选值：${zhList(p.allowed)}。`,
      `"${p.column}" holds value(s) that are not allowed: ${enList(p.items)}.`,
      `Several allowed, separated by 、; choose from: ${enList(p.allowed)}.`,
    ),
  'enum/multi_suggestion': (p) =>
    t(
      `「${p.column}」中的“${zhList(p.items)}”不在可选范围内（是否应为：${zhList(p.suggestions)}？）。`,
      `可多选，用“、”分隔，可选值：${zhList(p.allowed)}。`,
      `"${p.column}" holds value(s) that are not allowed: ${enList(p.items)} (did you mean: ${enList(p.suggestions)}?).`,
      `Several allowed, separated by 、; choose from: ${enList(p.allowed)}.`,
    ),
  'enum.synonym': (p) =>
    t(
      `「${p.column}」填的是“${p.value ?? ''}”，已按可选值“${p.expected ?? ''}”理解。`,
      `如理解无误，请改为“${p.expected ?? ''}”，以便统计汇总。`,
      `"${p.column}" holds "${p.value ?? ''}", read as the allowed value "${p.expected ?? ''}".`,
      `If that is what was meant, change it to ${p.expected ?? ''} so totals count it.`,
    ),
  'enum.synonym/multi': (p) =>
    t(
      `「${p.column}」中的值已按可选值理解：${zhList(p.items)}。`,
      '如理解无误，请改用可选值，以便统计汇总。',
      `Values in "${p.column}" were read as allowed values: ${enList(p.items)}.`,
      'If that is what was meant, use the allowed values so totals count them.',
    ),
  'date.format': (p) =>
    t(
      `「${p.column}」的${p.value ? `“${p.value}”` : '内容'}不是有效日期。`,
      '请填写实际存在的日期，格式如2026-10-05（也可写2026/10/5、2026年10月5日）。',
      `${p.value ? `"${p.value}" in ` : ''}"${p.column}" is not a valid date.`,
      'Enter a real date such as 2026-10-05 (2026/10/5 and 2026年10月5日 also work).',
    ),
  'date.format/no_year': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”没有写年份。`,
      '请写上年份，如2026-10-05（也可写2026/10/5、2026年10月5日）；跨年时尤其不能省略。',
      `"${p.value ?? ''}" in "${p.column}" has no year.`,
      'Write the year, e.g. 2026-10-05 (2026/10/5 and 2026年10月5日 also work); it cannot be left out around New Year.',
    ),
  'date.format/no_day': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”只写到月份，没有写日。`,
      '请写出具体日期，如2026-10-05（也可写2026/10/5、2026年10月5日）。',
      `"${p.value ?? ''}" in "${p.column}" gives a month but no day.`,
      'Write the full date, e.g. 2026-10-05 (2026/10/5 and 2026年10月5日 also work).',
    ),
  'date.format/words': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”带有文字，已按 ${p.expected ?? ''} 读取。`,
      `本列请只填写日期 ${p.expected ?? ''}，说明可写在备注中。`,
      `"${p.value ?? ''}" in "${p.column}" has words after the date; read as ${p.expected ?? ''}.`,
      `Enter only the date ${p.expected ?? ''} here; notes go in the notes column.`,
    ),
  'date.format/short_year': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”年份只写了两位。`,
      '请写四位年份，如2026-10-05（也可写2026/10/5、2026年10月5日）。',
      `"${p.value ?? ''}" in "${p.column}" has a two-digit year.`,
      'Write the year in four digits, e.g. 2026-10-05 (2026/10/5 and 2026年10月5日 also work).',
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
  'phone.format/words': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”带有文字，已按 ${p.expected ?? ''} 读取。`,
      '本列请只填写电话号码（多个用“、”分隔），说明（如“儿子”）可写在备注中。',
      `"${p.value ?? ''}" in "${p.column}" has words around the number; read as ${p.expected ?? ''}.`,
      'Enter only phone numbers here (several separated by 、); notes such as whose phone it is go in the notes column.',
    ),
  'phone.format/no_number': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”中没有电话号码，按未填写处理。`,
      '没有电话时请留空或填“无”；有电话时请填写11位手机号或带区号的固定电话。',
      `"${p.value ?? ''}" in "${p.column}" holds no phone number; taken as empty.`,
      'Leave it empty (or write 无) when there is no phone; otherwise enter an 11-digit mobile number or a landline with area code.',
    ),
  'phone.format/lost_zero': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”像是丢了开头0的固定电话（应为 ${p.expected ?? ''}）。`,
      '请把本列设为“文本”格式后补上区号前的0（如0878-3123456），否则Excel会再次去掉它。',
      `"${p.value ?? ''}" in "${p.column}" looks like a landline that lost its leading 0 (${p.expected ?? ''}).`,
      'Format the column as Text and restore the 0 of the area code (e.g. 0878-3123456), or Excel drops it again.',
    ),
  'number.format/words': (p) =>
    t(
      `「${p.column}」的“${p.value ?? ''}”带有文字，已按 ${p.expected ?? ''} 读取。`,
      `请只填写数字 ${p.expected ?? ''}（说明可写在备注中）。`,
      `"${p.value ?? ''}" in "${p.column}" has words around the number; read as ${p.expected ?? ''}.`,
      `Enter the number ${p.expected ?? ''} only (explanations go in the notes column).`,
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
      `「${p.column}」仍为空：核实时限为${p.date ?? ''}，至今（${p.otherDate ?? ''}）${p.days ? `已超期${p.days}个工作日` : '仍未核实'}。`,
      `请尽快完成调查核实并填写「${p.other ?? p.column}」；确有困难的请向乡镇说明情况。`,
      `"${p.column}" is still empty: verification was due on ${p.date ?? ''} (today ${p.otherDate ?? ''})${p.days ? `, ${p.days} working day(s) overdue` : ''}.`,
      `Verify the case now and fill in "${p.other ?? p.column}"; tell the township if it cannot be done.`,
    ),
  'consent.declined_route': (p) =>
    t(
      `「${p.other ?? ''}」为“不愿申请”，但「${p.column}」填写了“${zhList(p.items)}”。`,
      '救助遵循自愿原则：本人不愿申请时，处置方式只能是“尊重意愿持续关注”（符合条件的可“纳入低收入人口动态监测”）。请核实本人意愿后改正其中一项。',
      `"${p.other ?? ''}" says the person declines, but "${p.column}" holds ${enList(p.items)}.`,
      'Assistance is voluntary: for a person who declines, the only routes are 尊重意愿持续关注 (and 纳入低收入人口动态监测 where eligible). Confirm the person’s wish and correct one of the two.',
    ),
  'route.ineligible': (p) =>
    t(
      `「${p.other ?? ''}」为“${p.value ?? ''}”，但「${p.column}」填写了“${zhList(p.items)}”。`,
      '纳入低保、纳入特困供养须符合条件：若本人符合条件，请把核实结果改为“符合救助条件”；若不符合，请删去这些处置方式（可“纳入低收入人口动态监测”或“尊重意愿持续关注”）。',
      `"${p.other ?? ''}" says "${p.value ?? ''}", but "${p.column}" holds ${enList(p.items)}.`,
      'Enrolment in 低保 or 特困供养 needs the conditions met: if the person qualifies, set the result to 符合救助条件; if not, remove these routes (低收入人口动态监测 or 尊重意愿持续关注 may apply).',
    ),
  'route.missing': (p) =>
    t(
      `「${p.other ?? ''}」为“符合救助条件”，但「${p.column}」未填写。`,
      '请按接办流程确定处置方式，如协助申请、纳入低保、临时救助等（可多选，用“、”分隔）。',
      `"${p.other ?? ''}" says the person qualifies, but "${p.column}" is empty.`,
      'Choose the handling route(s): assisted application, 低保, temporary aid, … (several allowed, separated by 、).',
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
  // Found by the server when a synced row names a lead of the village (server/leads/ledger-hook.ts):
  // the lead is another person's, so it does not follow the row. No ID number in the texts.
  'lead.id_mismatch': (p) =>
    t(
      `「${p.column}」“${p.value ?? ''}”是另一人的线索：线索上的身份证号与本行「${p.other ?? ''}」不一致，该线索未随本行更新。`,
      '请核对线索编号是否录错，改为本人的线索编号（不是线索对象的请清空）；如本行身份证号无误而线索上的有误，请联系乡镇核实。',
      `"${p.column}" ${p.value ?? ''} is another person's lead: its ID number differs from this row's "${p.other ?? ''}", so the lead was not updated.`,
      "Check for a mistyped lead number and enter this person's own (clear it if the person has no lead); if this row's ID is right and the lead's is wrong, ask the township.",
    ),
  // The server's check of a pushed row against the village whose ledger it is (rules.ts village.other).
  'village.other': (p) =>
    t(
      `「${p.column}」填的是“${p.value ?? ''}”，而这是“${p.expected ?? ''}”的台账：本行可能属于其他村（社区），被同步到了本村。`,
      `若此人确属“${p.expected ?? ''}”，请把「${p.column}」改为本村名称；若不是，请删除本行，并用该村的账号同步其台账。`,
      `"${p.column}" says "${p.value ?? ''}" but this is the ledger of "${p.expected ?? ''}": the row may belong to another village and have been synced here by mistake.`,
      `If the person belongs to "${p.expected ?? ''}", write this village's name; if not, delete the row and sync it with that village's account.`,
    ),
} satisfies Record<string, Builder>;

export type MessageId = keyof typeof FINDING_MESSAGES;

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

/** The finding code of a message entry: the part before `/` ('status.inconsistent/closed_without_date' → 'status.inconsistent'). */
type CodeOf<Id extends string> = Id extends `${infer Code}/${string}` ? Code : Id;

/** Every finding code, as a union derived from the message table: a new code needs only its message entry. */
export type FindingCode = CodeOf<MessageId>;

/** The finding code a message entry belongs to: 'status.inconsistent/closed_without_date' → 'status.inconsistent'. */
export function codeOfMessage<Id extends MessageId>(id: Id): CodeOf<Id> {
  const slash = id.indexOf('/');
  return (slash < 0 ? id : id.slice(0, slash)) as CodeOf<Id>;
}

/** Every finding code, in message-table order (the runtime twin of FindingCode). */
export const FINDING_CODES: readonly FindingCode[] = [...new Set((Object.keys(FINDING_MESSAGES) as MessageId[]).map((id) => codeOfMessage(id)))];

/**
 * A short name per finding code, for a summary line that stands for several findings (the 台账校验
 * pane's summary by column). Keyed by FindingCode: a new code does not compile without its label.
 */
export const FINDING_LABELS: Record<FindingCode, LocalizedText> = {
  required: { zh: '必填项未填写', en: 'required value missing' },
  'id.format': { zh: '身份证号位数或字符不对', en: 'ID number malformed' },
  'id.checksum': { zh: '身份证号校验位不正确', en: 'ID check character wrong' },
  'id.birthdate': { zh: '身份证号中的出生日期不成立', en: 'birth date in the ID impossible' },
  'id.region': { zh: '身份证号地区码不存在', en: 'region code of the ID unknown' },
  'id.excel_number': { zh: '身份证号被Excel存成了数字', en: 'ID stored as a number by Excel' },
  'id.excel_suspect': { zh: '身份证号末三位为000，可能被Excel损坏', en: 'ID ends in 000, maybe damaged by Excel' },
  'id.legacy15': { zh: '15位旧身份证号', en: 'old 15-digit ID' },
  'id.duplicate': { zh: '同一身份证号出现多次', en: 'same ID on several rows' },
  'gender.mismatch': { zh: '性别与身份证号不符', en: 'gender contradicts the ID' },
  enum: { zh: '不在可选范围内', en: 'not one of the allowed values' },
  'date.format': { zh: '日期写法无法识别', en: 'date not readable' },
  'date.future': { zh: '日期晚于今天', en: 'date in the future' },
  'date.order': { zh: '日期先后顺序不对', en: 'dates out of order' },
  'phone.format': { zh: '电话号码不正确', en: 'phone number invalid' },
  'number.range': { zh: '数值超出范围', en: 'number out of range' },
  'number.format': { zh: '不是有效的数字', en: 'not a number' },
  'deadline.overdue': { zh: '核实已超期', en: 'verification overdue' },
  'consent.declined_route': { zh: '本人不愿申请却填了救助方式', en: 'measure recorded although the person declined' },
  'route.ineligible': { zh: '核实为不符合却填了纳入低保/特困', en: 'enrolment although found not eligible' },
  'route.missing': { zh: '缺少处置方式', en: 'handling measure missing' },
  'status.inconsistent': { zh: '办理状态与填写内容不一致', en: 'status inconsistent with the row' },
  'lead.duplicate': { zh: '线索编号重复', en: 'lead number repeated' },
  'lead.id_mismatch': { zh: '线索编号是另一人的线索', en: "lead number of another person's lead" },
  'village.other': { zh: '村（社区）与本台账所属村不符', en: "village differs from the ledger's village" },
  'header.missing': { zh: '缺少必需的列', en: 'required column missing' },
  'cell.formula_error': { zh: '公式出错', en: 'formula error' },
  'cell.retyped': { zh: '含全角或不可见字符', en: 'full-width or invisible characters' },
  'enum.synonym': { zh: '写法与可选值不一致', en: 'written differently from the allowed value' },
};

export function messageFor(id: MessageId, params: MessageParams): MessageTexts {
  return FINDING_MESSAGES[id](params);
}
