/**
 * Controlled vocabularies of the village ledger (exact values, notice section 二).
 * Every dropdown, every `enum` finding and every route recommendation reads from here:
 * adding a value means editing one list.
 */
export const VOCABULARIES = {
  /** 人员类别 — target groups, notice 二（一）; a person can be in several. */
  categories: [
    '申请能力不足', '城镇零就业家庭', '低保边缘家庭', '脱贫不稳定户', '边缘易致贫户', '突发严重困难户',
    '因病支出型困难', '因学支出型困难', '老年人', '残疾人', '生活不能自理', '重大疾病', '曾申请未获批',
    '信访求助', '受灾影响', '救助后仍困难', '突发意外事故',
  ],
  /** 发现渠道 — discovery channels, notice 二（二）. */
  channel: ['入户走访', '集中排查', '部门比对', '平台预警', '信访诉求', '网络求助', '救助热线', '其他'],
  /** 已纳入保障 — what assistance the person already has. */
  coverage: ['无', '低保', '特困供养', '低保边缘', '临时救助', '低收入监测', '其他'],
  /** 核实结果 */
  verifyResult: ['符合救助条件', '不符合但需关注', '不符合救助条件', '信息不实', '无法联系'],
  /** 申请意愿 — assistance is voluntary (遵循救助自愿的原则). */
  willingness: ['愿意申请', '不愿申请', '未表态'],
  /** 申请能力 */
  ability: ['能自行申请', '需协助申请'],
  gender: ['男', '女'],
  /** 处置方式 — handling routes, in the notice's order (二（三）) followed by follow-up routes. */
  routes: [
    '协助申请', '纳入低保', '纳入特困供养', '医疗救助', '教育救助', '住房救助', '就业救助', '先行救助',
    '临时救助', '一事一议', '综合救助帮扶', '纳入低收入人口动态监测', '尊重意愿持续关注', '转介其他部门',
  ],
  /** 办理状态 */
  status: ['待核实', '核实中', '办理中', '已办结', '持续关注'],
} as const;

export type VocabularyName = keyof typeof VOCABULARIES;
export type Category = (typeof VOCABULARIES.categories)[number];
export type Channel = (typeof VOCABULARIES.channel)[number];
export type Coverage = (typeof VOCABULARIES.coverage)[number];
export type VerifyResult = (typeof VOCABULARIES.verifyResult)[number];
export type Willingness = (typeof VOCABULARIES.willingness)[number];
export type Ability = (typeof VOCABULARIES.ability)[number];
export type HandlingMeasure = (typeof VOCABULARIES.routes)[number];
export type CaseStatus = (typeof VOCABULARIES.status)[number];

/**
 * Multi-value cells are split on any of these separators, full- and half-width: 、，,；; the slashes
 * / ／, a space, a full-width space and a line break (Alt+Enter). No vocabulary value contains one.
 */
export const MULTI_VALUE_SEPARATORS = /[、，,；;/／\s\u3000]/;
/** …and written back joined with this one. */
export const MULTI_VALUE_JOINER = '、';

/** True when the text holds one of MULTI_VALUE_SEPARATORS (a char-code loop: faster than a regex on CJK text). */
export function hasMultiSeparator(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3001 || c === 0xff0c || c === 0x2c || c === 0xff1b || c === 0x3b || c === 0x2f || c === 0xff0f || c === 0x3000 || c <= 0x20 || c === 0xa0) return true;
  }
  return false;
}

/** The values of a multi-value cell, trimmed, empties dropped; a single value allocates only its array. */
export function splitMultiValue(text: string): string[] {
  if (!hasMultiSeparator(text)) return text.length > 0 ? [text] : [];
  const parts: string[] = [];
  for (const part of text.split(MULTI_VALUE_SEPARATORS)) {
    const trimmed = part.trim();
    if (trimmed.length > 0) parts.push(trimmed);
  }
  return parts;
}

export function joinMultiValue(values: readonly string[]): string {
  return values.join(MULTI_VALUE_JOINER);
}
