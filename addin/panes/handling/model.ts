/**
 * The 接办流程 pane's logic (pure): the selected row out of a snapshot, the questionnaire
 * pre-filled from it (blank cells left unanswered), the recommendation, and what confirming writes
 * back — or which answers it still needs.
 */
import { DEFAULT_CALENDAR, isIsoDate } from '../../../ledger/calendar';
import {
  questionnaireFromValues,
  recommendHandling,
  type HandlingQuestionnaire,
  type HandlingRecommendation,
  type SpecialNeed,
} from '../../../ledger/handling';
import { DEFAULT_POLICY } from '../../../ledger/policy';
import { readLedgerRows, type ParsedRow } from '../../../ledger/validate';
import type { LedgerValues } from '../../../ledger/types';
import { villageKind, villageKindOfName } from '../../../ledger/units';
import {
  VOCABULARIES,
  joinMultiValue,
  splitMultiValue,
  type CaseStatus,
  type HandlingMeasure,
  type VerifyResult,
  type Willingness,
} from '../../../ledger/vocabularies';
import type { LedgerSnapshot } from '../../host/ledger-host';

export type Area = 'urban' | 'rural';

export interface Answers {
  /** null: not answered — the ledger cell is blank and the clerk has not chosen yet. */
  willing: Willingness | null;
  /** null: not answered (as willing). */
  ableToApplyAlone: boolean | null;
  /** Which 低保标准 applies; null: the unit does not say and the clerk has not chosen. */
  area: Area | null;
  /** Text as typed ('' = unknown). */
  income: string;
  meetsTekunConditions: boolean;
  emergency: boolean;
  amountNeeded: string;
  multipleDepartments: boolean;
  complex: boolean;
  specialNeeds: SpecialNeed[];
  /** 核实日期 as YYYY-MM-DD; asked (and written) only when the row has no 核实日期 or 核实结果. */
  verifiedOn: string;
  /** 核实结果; null: not chosen. */
  verifyResult: VerifyResult | null;
}

/** Questions whose answer decides the route or what is written; unanswered ones block 写回台账. */
export type Question = 'willing' | 'ability' | 'area' | 'verifiedOn' | 'verifyResult';

/** The row of the snapshot at an Excel row, or null (header, blank row, outside the ledger). */
export function rowAt(snapshot: LedgerSnapshot, excelRow: number): ParsedRow | null {
  if (excelRow <= snapshot.header.excelRow) return null;
  return readLedgerRows(snapshot.sheet, snapshot.header).find((row) => row.excelRow === excelRow) ?? null;
}

/**
 * Questionnaire answers pre-filled from the row (申请意愿, 申请能力, needs from 人员类别, 核实日期 /
 * 核实结果) and the area from the unit. A blank cell stays unanswered: a default here would be written
 * back as if the clerk had said it (a blank 申请能力 read as 能自行申请 hides 协助申请).
 */
export function prefill(values: LedgerValues, today: string): Answers {
  const q = questionnaireFromValues(values);
  const verifiedOn = typeof values.verifiedOn === 'string' && isIsoDate(values.verifiedOn) ? values.verifiedOn : today;
  const result = values.verifyResult;
  return {
    willing: q.willing ?? null,
    ableToApplyAlone: q.ableToApplyAlone ?? null,
    area: areaOfUnit(values)?.area ?? null,
    income: '',
    meetsTekunConditions: false,
    emergency: false,
    amountNeeded: '',
    multipleDepartments: false,
    complex: false,
    specialNeeds: [...(q.specialNeeds ?? [])],
    verifiedOn,
    verifyResult: typeof result === 'string' && (VOCABULARIES.verifyResult as readonly string[]).includes(result) ? (result as VerifyResult) : null,
  };
}

/**
 * 城市 or 农村 from the row's 村（社区）: a 12-digit unit code by its suffix (001–199 居委会/社区 →
 * urban, 200–399 村委会 → rural, ledger/units.ts), else the name's ending (…社区 / …居委会 urban,
 * …村 / …村委会 rural). Undefined when neither says: the pane asks.
 */
export function areaOfUnit(values: LedgerValues): { area: Area; unit: string } | undefined {
  // NFKC: a code typed with full-width digits is still the code
  const unit = typeof values.village === 'string' ? values.village.normalize('NFKC').replace(/\s+/g, '') : '';
  if (unit === '') return undefined;
  // the code's suffix first, else the name's ending (the list in ledger/units.ts)
  const kind = villageKind(unit) ?? villageKindOfName(unit);
  return kind ? { area: kind === '社区' ? 'urban' : 'rural', unit } : undefined;
}

/** The row lacks 核实日期 or 核实结果: the pane asks for them (both, so neither is left alone). */
export function needsVerification(values: LedgerValues): boolean {
  return isBlank(values.verifiedOn) || isBlank(values.verifyResult);
}

function isBlank(value: LedgerValues[keyof LedgerValues]): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** '1,234.5' / '１２００' / '' → number | undefined; NaN for text that is not a number. */
export function parseAmount(text: string): number | undefined {
  const half = text.replace(/[\uFF10-\uFF19]/g, (d) => String(d.charCodeAt(0) - 0xff10)).replace(/[,，\s元]/g, '');
  if (half === '') return undefined;
  return /^\d+(\.\d+)?$/.test(half) ? Number(half) : Number.NaN;
}

/**
 * The questionnaire the recommender gets. Unanswered questions count as "nothing said" (未表态,
 * no need for help); without the area the income and the amount are left out, since both are
 * measured against the area's 低保标准. Such answers are never written: confirmation() refuses.
 */
export function questionnaireOf(answers: Answers): HandlingQuestionnaire {
  const known = answers.area !== null;
  const income = known ? parseAmount(answers.income) : undefined;
  const amount = known ? parseAmount(answers.amountNeeded) : undefined;
  return {
    willing: answers.willing ?? '未表态',
    ableToApplyAlone: answers.ableToApplyAlone ?? true,
    area: answers.area ?? 'rural',
    ...(income !== undefined && !Number.isNaN(income) ? { perCapitaMonthlyIncome: income } : {}),
    meetsTekunConditions: answers.meetsTekunConditions,
    emergency: answers.emergency,
    ...(answers.emergency && amount !== undefined && !Number.isNaN(amount) ? { amountNeeded: amount } : {}),
    multipleDepartments: answers.multipleDepartments,
    complex: answers.complex,
    specialNeeds: answers.specialNeeds,
  };
}

export function recommend(values: LedgerValues, answers: Answers, today: string): HandlingRecommendation[] {
  return recommendHandling({ values, questionnaire: questionnaireOf(answers) }, DEFAULT_POLICY, DEFAULT_CALENDAR, today);
}

/** 持续关注 when the person declined or only follow-up was chosen, else 办理中. */
export function statusFor(measures: readonly HandlingMeasure[], answers: Answers): CaseStatus {
  const followUpOnly = measures.every((m) => m === '尊重意愿持续关注' || m === '纳入低收入人口动态监测');
  return answers.willing === '不愿申请' || followUpOnly ? '持续关注' : '办理中';
}

/** What is wrong with the 核实日期 typed: not a date, after today, or before the row's 发现日期. */
export type DateProblem = { kind: 'invalid' } | { kind: 'future' } | { kind: 'beforeFound'; foundOn: string };

export function verifiedOnProblem(values: LedgerValues, verifiedOn: string, today: string): DateProblem | null {
  if (!isIsoDate(verifiedOn)) return { kind: 'invalid' };
  if (verifiedOn > today) return { kind: 'future' };
  const foundOn = values.foundOn;
  if (typeof foundOn === 'string' && isIsoDate(foundOn) && verifiedOn < foundOn) return { kind: 'beforeFound', foundOn };
  return null;
}

export type Confirmation =
  | { ok: true; values: LedgerValues; status: CaseStatus }
  | { ok: false; missing: Question[]; dateProblem: DateProblem | null };

/**
 * What confirming writes, or why it may not yet. Refused while a question that decides the route is
 * unanswered (申请意愿; 申请能力 of a person willing to apply; 城市/农村 once an income or an amount is
 * measured against it) or, for 办理中 on a row not yet verified, while 核实日期 / 核实结果 are missing:
 * the ledger's rule status.inconsistent/handled_unverified wants a case verified before it is handled.
 * Writes 处置方式 (joined with 、), 办理状态, the answers the ledger has columns for (only those given)
 * and, when asked, 核实日期 with 核实结果 together.
 */
export function confirmation(values: LedgerValues, measures: readonly HandlingMeasure[], answers: Answers, today: string): Confirmation {
  const missing: Question[] = [];
  if (answers.willing === null) missing.push('willing');
  if (answers.willing === '愿意申请' && answers.ableToApplyAlone === null) missing.push('ability');
  const measured = answers.income.trim() !== '' || (answers.emergency && answers.amountNeeded.trim() !== '');
  if (answers.area === null && measured) missing.push('area');
  const status = statusFor(measures, answers);
  const asking = needsVerification(values);
  // 持续关注 needs no verification first: the result is written only when the clerk chose one
  const writeVerification = asking && (status === '办理中' || answers.verifyResult !== null);
  const dateProblem = writeVerification ? verifiedOnProblem(values, answers.verifiedOn, today) : null;
  if (writeVerification) {
    if (answers.verifiedOn.trim() === '') missing.push('verifiedOn');
    if (answers.verifyResult === null) missing.push('verifyResult');
  }
  if (missing.length > 0 || (dateProblem && answers.verifiedOn.trim() !== '')) return { ok: false, missing, dateProblem };
  const out: LedgerValues = { routes: joinMultiValue(measures), status };
  if (answers.willing !== null) out.willingness = answers.willing;
  if (answers.willing !== '不愿申请' && answers.ableToApplyAlone !== null) out.ability = answers.ableToApplyAlone ? '能自行申请' : '需协助申请';
  if (writeVerification && answers.verifyResult !== null) {
    out.verifiedOn = answers.verifiedOn;
    out.verifyResult = answers.verifyResult;
  }
  return { ok: true, values: out, status };
}

/** The cells confirm changes, as they are now (written back by undo). */
export function previousValues(row: ParsedRow, keys: readonly (keyof LedgerValues)[]): LedgerValues {
  const out: LedgerValues = {};
  for (const key of keys) {
    const value = row.values[key];
    out[key] = Array.isArray(value) ? joinMultiValue(value) : value ?? '';
  }
  return out;
}

/** Measures already on the row (处置方式). */
export function currentMeasures(values: LedgerValues): string[] {
  const value = values.routes;
  return Array.isArray(value) ? value : typeof value === 'string' ? splitMultiValue(value) : [];
}
