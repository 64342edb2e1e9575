/**
 * Instants the server sends (ISO, UTC) as a clerk in Yunnan reads them: China time (UTC+8, no
 * daylight saving). `at.slice(0, 10)` would show yesterday's date for anything done before 08:00.
 */
import { chinaDate } from '../../ledger/dates';

/** 2026-11-05 */
export function chinaDay(iso: string): string {
  return chinaDate(new Date(iso));
}

/** 2026-11-05 10:00 */
export function chinaMinute(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
