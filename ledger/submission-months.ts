/**
 * Which months a village may submit (月度报送), the one rule for the add-in's 同步提交 pane and the
 * web page: the month just ended first — what a clerk at the start of a month means to submit, and
 * the default — then the current month (the server refuses later ones). The current month is
 * offered second, never first: a clerk who just clicks 报送 on 3 December would otherwise submit an
 * unfinished December and leave November unsubmitted.
 *
 * Pure: today (China's calendar date, YYYY-MM-DD) is a parameter, as everywhere in ledger/.
 */

/** [the previous month, the current month] as YYYY-MM, for China's date `today` (YYYY-MM-DD). */
export function submittableMonths(today: string): [previous: string, current: string] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const previous = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  return [previous, today.slice(0, 7)];
}

/**
 * The months to offer: submittableMonths, then every other month the township returned (newest first),
 * so a month returned long ago can still be submitted again (the server refuses only months to come).
 */
export function monthsToOffer(today: string, returnedMonths: Iterable<string>): string[] {
  const offered: string[] = submittableMonths(today);
  const older = [...new Set(returnedMonths)].filter((month) => !offered.includes(month) && month < today.slice(0, 7)).sort().reverse();
  return [...offered, ...older];
}
