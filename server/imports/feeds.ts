/**
 * The county's feed calendar: which scheduled departmental files have not been imported although
 * their period ended more than policy.feedGraceDays days ago (ledger/sources.ts missingFeeds).
 * Per source, periods before the county's first import of it are not reported, and a source never
 * imported reports only its latest missing period — a county new to the system gets one reminder per
 * source, not a year of them.
 */
import { missingFeeds, type MissingFeed } from '../../ledger/sources';
import type { SqlDatabase } from '../db/database';
import { countyPolicy } from '../policy/county-policy';
import { importStore } from './store';

export interface FeedStatus {
  today: string;
  graceDays: number;
  missing: MissingFeed[];
  imported: { source: string; period: string; committedAt: string }[];
}

export async function feedStatus(db: SqlDatabase, countyCode: string, today: string): Promise<FeedStatus> {
  const policy = await countyPolicy(db, countyCode, Number(today.slice(0, 4)));
  const imported = await importStore(db).committedFeeds(countyCode);
  const firstPeriod = new Map<string, string>();
  for (const imp of imported) if (imp.period < (firstPeriod.get(imp.source) ?? '\uffff')) firstPeriod.set(imp.source, imp.period);
  const all = missingFeeds(imported, today, policy.feedGraceDays);
  const latestMissing = new Map<string, string>();
  for (const feed of all) if (feed.period > (latestMissing.get(feed.source) ?? '')) latestMissing.set(feed.source, feed.period);
  const missing = all.filter((feed) => {
    const first = firstPeriod.get(feed.source);
    return first === undefined ? feed.period === latestMissing.get(feed.source) : feed.period > first;
  });
  return {
    today,
    graceDays: policy.feedGraceDays,
    missing,
    imported,
  };
}
