/** Figures of a summary flattened to "path → number" (additive figures only: rates are derived). */
import type { UnitFigures } from '../../ledger/reports/summary';

const LEAD_KEYS = ['total', 'verified', 'verifiedOnTime', 'overdue', 'closed', 'verifyWorkingDaysSum', 'verifyWorkingDaysCount'] as const;

export function additiveFigures(figures: UnitFigures): Map<string, number> {
  const out = new Map<string, number>();
  out.set('rows.total', figures.rows.total);
  for (const [dimension, counts] of Object.entries(figures.rows.byDimension)) for (const [value, n] of Object.entries(counts)) out.set(`rows.${dimension}.${value}`, n);
  for (const [source, lead] of Object.entries({ ...figures.leads.bySource, '*': figures.leads.all })) {
    for (const key of LEAD_KEYS) out.set(`leads.${source}.${key}`, lead[key]);
    for (const [state, n] of Object.entries(lead.byState)) out.set(`leads.${source}.byState.${state}`, n);
  }
  for (const [month, tally] of Object.entries(figures.submissions)) for (const [state, n] of Object.entries(tally)) out.set(`submissions.${month}.${state}`, n);
  out.set('duplicates', figures.duplicates);
  return out;
}

/** Sum of several figures, zero entries dropped (so "absent" and "0" compare equal). */
export function sumFigures(list: readonly UnitFigures[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const figures of list) for (const [key, n] of additiveFigures(figures)) out.set(key, (out.get(key) ?? 0) + n);
  for (const [key, n] of out) if (n === 0) out.delete(key);
  return out;
}
