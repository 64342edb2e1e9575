/**
 * What the matcher needs from the database for one import: the county's roster as an index,
 * the open leads of the same source and period, and the open rows of the county's village ledgers.
 */
import { buildRosterIndex, type OpenLeadRef, type OpenLedgerRowRef, type RosterIndex } from '../../ledger/matching';
import type { SqlDatabase } from '../db/database';

export interface MatchContext {
  roster: RosterIndex;
  openLeads: OpenLeadRef[];
  openLedgerRows: OpenLedgerRowRef[];
}

/**
 * The roster index of a county, cached per database handle and keyed by the county's latest committed
 * roster import (a new roster commit changes the key, so a stale index is never used). A 300k roster
 * is then read from SQLite once, not on every departmental import.
 */
const rosterCache = new WeakMap<SqlDatabase, Map<string, { version: string; index: RosterIndex }>>();

async function rosterVersion(db: SqlDatabase, countyCode: string): Promise<string> {
  const row = await db.get<{ id: string }>(
    "SELECT id FROM imports WHERE county_code = ? AND source = 'roster' AND state = 'committed' ORDER BY committed_at DESC, rowid DESC LIMIT 1",
    [countyCode],
  );
  return row?.id ?? '';
}

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
  const version = await rosterVersion(db, countyCode);
  const cached = rosterCache.get(db)?.get(countyCode);
  if (cached && cached.version === version) return cached.index;
  const rows = await db.all<{ id_number: string; name: string; category: string; status: string; township_name: string | null; village_name: string | null }>(
    'SELECT id_number, name, category, status, township_name, village_name FROM roster_people WHERE county_code = ?',
    [countyCode],
  );
  const index = buildRosterIndex(
    rows.map((r) => ({
      idNumber: r.id_number,
      name: r.name,
      category: r.category,
      status: r.status,
      township: r.township_name ?? undefined,
      village: r.village_name ?? undefined,
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
  const leads = await db.all<{ id_number: string; lead_no: string; source: string; period: string }>(
    "SELECT id_number, lead_no, source, period FROM leads WHERE county_code = ? AND state <> '已办结' ORDER BY created_at, lead_no",
    [countyCode],
  );
  return leads.map((l) => ({ idNumber: l.id_number, source: l.source, period: l.period, leadNo: l.lead_no }));
}

// ---------------------------------------------------------------------------------------------
// Village ledger rows (table ledger_rows of migration 002: id_number and status copied out of the row)

/** Rows of the county's village ledgers that are still open (not deleted, 办理状态 not 已办结). */
export async function openLedgerRows(db: SqlDatabase, countyCode: string): Promise<OpenLedgerRowRef[]> {
  const rows = await db.all<{ row_id: string; id_number: string }>(
    "SELECT row_id, id_number FROM ledger_rows WHERE village_code LIKE ? AND deleted = 0 AND id_number IS NOT NULL AND COALESCE(status, '') <> '已办结'",
    [`${countyCode}%`],
  );
  return rows.map((r) => ({ idNumber: r.id_number.toUpperCase(), rowId: r.row_id }));
}

/** The village of an earlier ledger row (open or closed, newest first) for each of these ID numbers. */
export async function ledgerRowsByIds(db: SqlDatabase, countyCode: string, ids: readonly string[]): Promise<{ idNumber: string; villageCode: string }[]> {
  if (ids.length === 0) return [];
  const rows = await db.all<{ village_code: string; id_number: string }>(
    `SELECT village_code, id_number FROM ledger_rows
     WHERE village_code LIKE ? AND deleted = 0 AND id_number IN (${ids.map(() => '?').join(',')})
     ORDER BY updated_at DESC`,
    [`${countyCode}%`, ...ids],
  );
  const out = new Map<string, string>();
  for (const r of rows) {
    const id = r.id_number.toUpperCase();
    if (!out.has(id)) out.set(id, r.village_code);
  }
  return [...out].map(([idNumber, villageCode]) => ({ idNumber, villageCode }));
}
