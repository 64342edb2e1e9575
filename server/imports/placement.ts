/**
 * Placement of new leads in the county's unit tree: the township (and a suggested village) each
 * new lead of a departmental import goes to, or the county queue (待分派) when none is known.
 */
import type { MatchLead } from '../../ledger/matching';
import type { SqlDatabase } from '../db/database';
import type { AssignedBy } from '../leads/lifecycle';
import { createSqliteLedgerStore } from '../ledger/sqlite-store';
import type { CountyUnits } from '../units/county-units';
import { importStore } from './store';

export interface Placement {
  township?: string;
  village?: string;
  by: AssignedBy;
}

/**
 * Township/village of each lead: the file's (or roster's) 乡镇/村 names matched against the county's
 * unit tree, else the roster's stored unit by ID number, else the village of an earlier ledger row
 * with that ID number in the county, else nothing (county queue 待分派).
 */
export async function placeLeads(db: SqlDatabase, units: CountyUnits, leads: readonly MatchLead[]): Promise<Placement[]> {
  const out: Placement[] = [];
  const missing: { index: number; id: string }[] = [];
  leads.forEach((lead, index) => {
    const named = units.resolve(lead.township, lead.village);
    if (named.township) {
      out[index] = { township: named.township.code, village: named.village?.code, by: lead.placeFrom === 'roster' ? 'roster' : 'file' };
    } else {
      out[index] = { by: 'none' };
      missing.push({ index, id: lead.idNumber });
    }
  });
  if (missing.length === 0) return out;
  const ids = missing.map((m) => m.id);
  const fromRoster = await importStore(db).rosterUnits(units.countyCode, ids);
  const fromLedger = await createSqliteLedgerStore(db).villagesOfPeople(units.countyCode, ids);
  for (const { index, id } of missing) {
    const rosterUnit = fromRoster.get(id);
    const ledgerVillage = fromLedger.get(id);
    if (rosterUnit && units.get(rosterUnit.slice(0, 9))) {
      out[index] = { township: rosterUnit.slice(0, 9), village: rosterUnit.length === 12 ? rosterUnit : undefined, by: 'roster' };
    } else if (ledgerVillage && units.get(ledgerVillage.slice(0, 9))) {
      out[index] = { township: ledgerVillage.slice(0, 9), village: ledgerVillage, by: 'ledger' };
    }
  }
  return out;
}

/** Where the new leads of a dry run would go: per township, and the county queue (code null, 待分派). */
export function countByTownship(units: CountyUnits, placed: readonly Placement[]): { code: string | null; name: string; count: number }[] {
  const counts = new Map<string | null, number>();
  for (const p of placed) counts.set(p.township ?? null, (counts.get(p.township ?? null) ?? 0) + 1);
  return [...counts]
    .map(([code, count]) => ({ code, name: code ? units.get(code)?.name ?? code : '待分派（县级）', count }))
    .sort((a, b) => ((a.code ?? '\uffff') < (b.code ?? '\uffff') ? -1 : 1));
}
