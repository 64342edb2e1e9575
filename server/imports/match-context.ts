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

export async function loadRosterIndex(db: SqlDatabase, countyCode: string): Promise<RosterIndex> {
  const rows = await db.all<{ id_number: string; name: string; category: string; status: string; township_name: string | null; village_name: string | null }>(
    'SELECT id_number, name, category, status, township_name, village_name FROM roster_people WHERE county_code = ?',
    [countyCode],
  );
  return buildRosterIndex(
    rows.map((r) => ({
      idNumber: r.id_number,
      name: r.name,
      category: r.category,
      status: r.status,
      township: r.township_name ?? undefined,
      village: r.village_name ?? undefined,
    })),
  );
}

export async function loadMatchContext(db: SqlDatabase, countyCode: string, source: string, period: string): Promise<MatchContext> {
  const roster = await loadRosterIndex(db, countyCode);
  const leads = await db.all<{ id_number: string; lead_no: string }>(
    "SELECT id_number, lead_no FROM leads WHERE county_code = ? AND source = ? AND period = ? AND state <> '已办结'",
    [countyCode, source, period],
  );
  return {
    roster,
    openLeads: leads.map((l) => ({ idNumber: l.id_number, source, period, leadNo: l.lead_no })),
    openLedgerRows: await openLedgerRows(db, countyCode),
  };
}

// ---------------------------------------------------------------------------------------------
// Village ledger rows (migration 002, sync owner). Read defensively: the leads module must work
// before and without that table.

async function ledgerTable(db: SqlDatabase): Promise<LedgerTableShape | undefined> {
  return LEDGER_TABLE.detect(db);
}

interface LedgerTableShape {
  /** SQL selecting (row_id, village_code, id_number, open) from the current (non-deleted) rows of villages LIKE ?. */
  select: string;
}

const LEDGER_TABLE = {
  cache: new WeakMap<object, LedgerTableShape | null>(),
  async detect(db: SqlDatabase): Promise<LedgerTableShape | undefined> {
    const columns = await db.all<{ name: string }>("SELECT name FROM pragma_table_info('ledger_rows')");
    if (columns.length === 0) return undefined;
    const names = new Set(columns.map((c) => c.name));
    const idColumn = names.has('id_number') ? 'id_number' : undefined;
    const values = names.has('values_json') ? 'values_json' : names.has('data') ? 'data' : undefined;
    const village = names.has('village_code') ? 'village_code' : undefined;
    const rowId = names.has('row_id') ? 'row_id' : 'id';
    if (!village) return undefined;
    const deleted = names.has('deleted') ? 'AND deleted = 0' : '';
    const idExpr = idColumn ?? (values ? `json_extract(${values}, '$.idNumber')` : undefined);
    if (!idExpr) return undefined;
    const statusExpr = names.has('status') ? 'status' : values ? `json_extract(${values}, '$.status')` : "''";
    return {
      select: `SELECT ${rowId} AS row_id, ${village} AS village_code, ${idExpr} AS id_number, COALESCE(${statusExpr}, '') AS status
               FROM ledger_rows WHERE ${village} LIKE ? ${deleted}`,
    };
  },
};

/** Rows of the county's village ledgers that are still open (办理状态 not 已办结). */
export async function openLedgerRows(db: SqlDatabase, countyCode: string): Promise<OpenLedgerRowRef[]> {
  const shape = await ledgerTable(db);
  if (!shape) return [];
  const rows = await db.all<{ row_id: string; id_number: string | null; status: string }>(shape.select, [`${countyCode}%`]);
  return rows
    .filter((r) => r.id_number && r.status !== '已办结')
    .map((r) => ({ idNumber: String(r.id_number).toUpperCase(), rowId: String(r.row_id) }));
}

/** Villages whose ledgers carry these ID numbers (earlier ledger rows, open or closed), one per ID. */
export async function ledgerRowsByIds(db: SqlDatabase, countyCode: string, ids: readonly string[]): Promise<{ idNumber: string; villageCode: string }[]> {
  const shape = await ledgerTable(db);
  if (!shape || ids.length === 0) return [];
  const wanted = new Set(ids);
  const rows = await db.all<{ village_code: string; id_number: string | null }>(shape.select, [`${countyCode}%`]);
  const out = new Map<string, string>();
  for (const r of rows) {
    const id = r.id_number ? String(r.id_number).toUpperCase() : '';
    if (wanted.has(id) && !out.has(id)) out.set(id, r.village_code);
  }
  return [...out].map(([idNumber, villageCode]) => ({ idNumber, villageCode }));
}
