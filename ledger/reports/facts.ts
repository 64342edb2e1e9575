/**
 * What a ledger row contributes to the summaries: its found and closed months and one
 * (dimension, value) pair per figure it is counted under. This is the rule; the server keeps a
 * SQL mirror of it (migration 010, maintained on every write) and a test proves both agree.
 */
import { columnByKey, type ColumnKey } from '../columns';
import type { LedgerValues } from '../types';
import { monthOfDate } from './window';
import type { LocalizedText } from '../text';

/** The five breakdowns of ledger rows, in the order the summary shows them. */
export const SUMMARY_DIMENSIONS = ['categories', 'channel', 'verifyResult', 'routes', 'status'] as const satisfies readonly ColumnKey[];
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

/** Column header of each dimension (人员类别, 发现渠道, 核实结果, 处置方式, 办理状态). */
export const DIMENSION_LABEL: Record<SummaryDimension, LocalizedText> = Object.fromEntries(
  SUMMARY_DIMENSIONS.map((key) => [key, { zh: columnByKey(key).header, en: columnByKey(key).en }]),
) as Record<SummaryDimension, LocalizedText>;

/** The value a row is counted under when the cell is empty. */
export const UNFILLED = '未填写';

export interface RowFacts {
  /** YYYY-MM of 发现日期, '' when there is no valid date. */
  foundMonth: string;
  /** YYYY-MM of 办结日期 ('' = open), never before foundMonth (a typo closing a row before it was found cannot subtract it from earlier months). */
  closedMonth: string;
  /** One pair per value counted (multi-value columns: one per distinct value). */
  dims: Array<[SummaryDimension, string]>;
}

function textOf(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

export function rowFacts(values: LedgerValues): RowFacts {
  const foundMonth = monthOfDate(values.foundOn);
  let closedMonth = monthOfDate(values.closedOn);
  if (closedMonth !== '' && foundMonth !== '' && closedMonth < foundMonth) closedMonth = foundMonth;
  const dims: Array<[SummaryDimension, string]> = [];
  for (const dimension of SUMMARY_DIMENSIONS) {
    const raw = values[dimension];
    if (columnByKey(dimension).type === 'multi') {
      const distinct = [...new Set((Array.isArray(raw) ? raw : []).map(textOf).filter((text) => text !== ''))];
      if (distinct.length === 0) dims.push([dimension, UNFILLED]);
      for (const value of distinct) dims.push([dimension, value]);
    } else {
      dims.push([dimension, textOf(raw) || UNFILLED]);
    }
  }
  return { foundMonth, closedMonth, dims };
}
