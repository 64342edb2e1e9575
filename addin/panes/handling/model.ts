/**
 * The 接办流程 pane's logic (pure): the selected row out of a snapshot, the questionnaire
 * pre-filled from it, the recommendation, and what confirming writes back.
 */
import { DEFAULT_CALENDAR } from '../../../ledger/calendar';
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
import { joinMultiValue, splitMultiValue, type CaseStatus, type HandlingMeasure, type Willingness } from '../../../ledger/vocabularies';
import type { LedgerSnapshot } from '../../host/ledger-host';

export interface Answers {
  willing: Willingness;
  ableToApplyAlone: boolean;
  area: 'urban' | 'rural';
  /** Text as typed ('' = unknown). */
  income: string;
  meetsTekunConditions: boolean;
  emergency: boolean;
  amountNeeded: string;
  multipleDepartments: boolean;
  complex: boolean;
  specialNeeds: SpecialNeed[];
}

/** The row of the snapshot at an Excel row, or null (header, blank row, outside the ledger). */
export function rowAt(snapshot: LedgerSnapshot, excelRow: number): ParsedRow | null {
  if (excelRow <= snapshot.header.excelRow) return null;
  return readLedgerRows(snapshot.sheet, snapshot.header).find((row) => row.excelRow === excelRow) ?? null;
}

/** Questionnaire answers pre-filled from the row (申请意愿, 申请能力, needs from 人员类别); the rest default. */
export function prefill(values: LedgerValues): Answers {
  const q = questionnaireFromValues(values);
  return {
    willing: q.willing ?? '未表态',
    ableToApplyAlone: q.ableToApplyAlone ?? true,
    area: 'rural',
    income: '',
    meetsTekunConditions: false,
    emergency: false,
    amountNeeded: '',
    multipleDepartments: false,
    complex: false,
    specialNeeds: [...(q.specialNeeds ?? [])],
  };
}

/** '1,234.5' / '１２００' / '' → number | undefined; NaN for text that is not a number. */
export function parseAmount(text: string): number | undefined {
  const half = text.replace(/[\uFF10-\uFF19]/g, (d) => String(d.charCodeAt(0) - 0xff10)).replace(/[,，\s元]/g, '');
  if (half === '') return undefined;
  return /^\d+(\.\d+)?$/.test(half) ? Number(half) : Number.NaN;
}

export function questionnaireOf(answers: Answers): HandlingQuestionnaire {
  const income = parseAmount(answers.income);
  const amount = parseAmount(answers.amountNeeded);
  return {
    willing: answers.willing,
    ableToApplyAlone: answers.ableToApplyAlone,
    area: answers.area,
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

/**
 * What confirming writes: the chosen measures as 处置方式 (joined with 、), 办理状态 (持续关注 when the
 * person declined or only follow-up was chosen, else 办理中), and the answers the ledger has columns for.
 */
export function confirmValues(measures: readonly HandlingMeasure[], answers: Answers): LedgerValues {
  const followUpOnly = measures.every((m) => m === '尊重意愿持续关注' || m === '纳入低收入人口动态监测');
  const status: CaseStatus = answers.willing === '不愿申请' || followUpOnly ? '持续关注' : '办理中';
  return {
    routes: joinMultiValue(measures),
    status,
    willingness: answers.willing,
    ability: answers.ableToApplyAlone ? '能自行申请' : '需协助申请',
  };
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
