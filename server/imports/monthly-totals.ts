/**
 * Per-person monthly 医保 totals (migration 014) for counties whose medical window is longer than
 * a month: written when an import is committed, read by the next month's import to sum the window,
 * purged once older than any window. Totals only — never stays, hospitals or diagnoses.
 */
import type { MonthlyTotal } from '../../ledger/matching';
import type { SqlDatabase } from '../db/database';
import { importStore } from './store';

/** Kept months of the longest window (rolling 12 months, plus the month being imported). */
export const MONTHLY_TOTALS_KEPT_MONTHS = 13;

/** Each person's kept totals of these months (YYYY-MM), as the matcher takes them: ID → YYYYMM → cents. */
export async function loadPriorMonths(db: SqlDatabase, countyCode: string, months: readonly string[]): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  if (months.length === 0) return out;
  for (const row of await importStore(db).monthlyTotals(countyCode, months)) {
    let byMonth = out.get(row.idNumber);
    if (!byMonth) out.set(row.idNumber, (byMonth = new Map()));
    byMonth.set(Number(row.month.slice(0, 4)) * 100 + Number(row.month.slice(5, 7)), row.cents);
  }
  return out;
}

/** Replaces the county's totals of the imported month by this import's (a re-import of a month wins). */
export async function storeMonthlyTotals(tx: SqlDatabase, countyCode: string, importId: string, totals: readonly MonthlyTotal[]): Promise<void> {
  await importStore(tx).replaceMonthlyTotals(countyCode, importId, totals);
}

/** Removes totals older than any window (months before `today`'s month minus MONTHLY_TOTALS_KEPT_MONTHS). */
export async function purgeOldMonthlyTotals(db: SqlDatabase, today: string): Promise<void> {
  const index = Number(today.slice(0, 4)) * 12 + Number(today.slice(5, 7)) - 1 - MONTHLY_TOTALS_KEPT_MONTHS;
  const cutoff = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  await importStore(db).deleteMonthlyTotalsBefore(cutoff);
}
