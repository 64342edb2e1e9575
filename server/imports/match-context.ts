/**
 * What the matcher needs from the database for one import: the county's roster as an index,
 * the open leads of the same source and period, and the open rows of the county's village ledgers.
 */
import { buildRosterIndex, type OpenLeadRef, type OpenLedgerRowRef, type RosterIndex } from '../../ledger/matching';
import type { SqlDatabase } from '../db/database';
import { leadStore } from '../leads/store';
import { createSqliteLedgerStore } from '../ledger/sqlite-store';
import { importStore } from './store';

export interface MatchContext {
  roster: RosterIndex;
  openLeads: OpenLeadRef[];
  openLedgerRows: OpenLedgerRowRef[];
}

/**
 * The roster index of a county, cached per database handle and keyed by the county's latest committed
 * roster import (a new roster commit changes the key, so a stale index is never used). A 300k roster
 * is then read from the database once, not on every departmental import.
 */
const rosterCache = new WeakMap<SqlDatabase, Map<string, { version: string; index: RosterIndex }>>();

/** Puts an index built elsewhere (the roster commit) into the cache. */
export function primeRosterIndex(db: SqlDatabase, countyCode: string, version: string, index: RosterIndex): void {
  let byCounty = rosterCache.get(db);
  if (!byCounty) rosterCache.set(db, (byCounty = new Map()));
  byCounty.set(countyCode, { version, index });
  // keep the memory bounded: the few counties imported most recently
  const oldest = byCounty.keys().next();
  if (byCounty.size > 3 && !oldest.done) byCounty.delete(oldest.value);
}

export async function loadRosterIndex(db: SqlDatabase, countyCode: string): Promise<RosterIndex> {
  const store = importStore(db);
  const version = await store.latestRosterImport(countyCode);
  const cached = rosterCache.get(db)?.get(countyCode);
  if (cached && cached.version === version) return cached.index;
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
  );
  primeRosterIndex(db, countyCode, version, index);
  return index;
}

/**
 * The roster, the county's open leads of every source and period (one person, one lead: a person
 * on an open lead is linked, oldest lead first) and the open ledger rows.
 */
export async function loadMatchContext(db: SqlDatabase, countyCode: string): Promise<MatchContext> {
  const roster = await loadRosterIndex(db, countyCode);
  return { roster, openLeads: await openLeadsOf(db, countyCode), openLedgerRows: await openLedgerRows(db, countyCode) };
}

/** Open leads of the county (any source and period), oldest first. */
export async function openLeadsOf(db: SqlDatabase, countyCode: string): Promise<OpenLeadRef[]> {
  return leadStore(db).openOfCounty(countyCode);
}

/** Rows of the county's village ledgers that are still open (not deleted, 办理状态 not 已办结). */
export async function openLedgerRows(db: SqlDatabase, countyCode: string): Promise<OpenLedgerRowRef[]> {
  return createSqliteLedgerStore(db).openRowsOfCounty(countyCode);
}
