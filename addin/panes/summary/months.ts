/** The months a township or county picks from: this month (China time) and the 23 before it. */
import { chinaDate } from '../../../ledger/dates';

export function recentMonths(now: Date = new Date(), count = 24): string[] {
  const [year, month] = chinaDate(now).slice(0, 7).split('-').map(Number);
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}
