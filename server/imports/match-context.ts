/**
 * What the matcher needs from the database for one import: the county's roster as an index (built
 * with the county's policy) and the county's open leads.
 */
import { buildRosterIndex, type OpenLeadRef, type RosterIndex } from '../../ledger/matching';
import type { Policy } from '../../ledger/policy';
import type { SqlDatabase } from '../db/database';
import { leadStore } from '../leads/store';
import { importStore } from './store';

export interface MatchContext {
  roster: RosterIndex;
  openLeads: OpenLeadRef[];
}

/**
 * The roster index of a county, cached per database handle and keyed by the county's latest committed
 * roster import and the policy it was built with (a new roster commit or a changed policy changes the
 * key, so a stale index is never used). A 300k roster is then read from the database once, not on
 * every departmental import.
 *
 * The policy matters: the index canonicalises each category with the policy's synonyms and covered
 * list. Built with the defaults for a county that names its 特困 category otherwise, a covered person
 * would read as uncovered and be sent down as a lead.
 */
const rosterCache = new WeakMap<SqlDatabase, Map<string, { version: string; index: RosterIndex }>>();

function cacheVersion(rosterImport: string, policy: Policy): string {
  return `${rosterImport}\u0000${JSON.stringify(policy)}`;
}

/** Puts an index built elsewhere (the roster commit, with `policy`) into the cache. */
export function primeRosterIndex(db: SqlDatabase, countyCode: string, rosterImport: string, policy: Policy, index: RosterIndex): void {
  const version = cacheVersion(rosterImport, policy);
  let byCounty = rosterCache.get(db);
  if (!byCounty) rosterCache.set(db, (byCounty = new Map()));
  byCounty.set(countyCode, { version, index });
  // keep the memory bounded: the few counties imported most recently
  const oldest = byCounty.keys().next();
  if (byCounty.size > 3 && !oldest.done) byCounty.delete(oldest.value);
}

export async function loadRosterIndex(db: SqlDatabase, countyCode: string, policy: Policy): Promise<RosterIndex> {
  const store = importStore(db);
  const rosterImport = await store.latestRosterImport(countyCode);
  const cached = rosterCache.get(db)?.get(countyCode);
  if (cached && cached.version === cacheVersion(rosterImport, policy)) return cached.index;
  const rows = await store.roster(countyCode);
  const index = buildRosterIndex(
    rows.map((r) => ({
      idNumber: r.idNumber,
      name: r.name,
      category: r.category,
      status: r.status,
      township: r.townshipName ?? undefined,
      village: r.villageName ?? undefined,
    })),
    policy,
  );
  primeRosterIndex(db, countyCode, rosterImport, policy, index);
  return index;
}

/**
 * The roster (indexed with the county's policy) and the county's open leads of every source and period
 * (one person, one lead: a person on an open lead is linked, oldest lead first).
 */
export async function loadMatchContext(db: SqlDatabase, countyCode: string, policy: Policy): Promise<MatchContext> {
  const roster = await loadRosterIndex(db, countyCode, policy);
  return { roster, openLeads: await openLeadsOf(db, countyCode) };
}

/** Open leads of the county (any source and period), oldest first. */
export async function openLeadsOf(db: SqlDatabase, countyCode: string): Promise<OpenLeadRef[]> {
  return leadStore(db).openOfCounty(countyCode);
}
