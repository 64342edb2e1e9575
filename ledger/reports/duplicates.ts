/**
 * Cross-village duplicates: the same ID number open (not deleted, not 已办结) on two or more
 * villages' ledgers — a person who moved, or was entered twice. Each group is flagged to the lowest
 * unit whose subtree holds all its villages (the township that can settle it, else the county).
 *
 * What a reader may see is decided here, not in the route: ID numbers are always masked outside the
 * village's own working ledger, and names follow the reader's role (PII_VIEW).
 */
import { maskIdNumber } from '../id-number';
import { lowestCommonUnit } from './summary';

/** Roles as the API knows them (one list lives in the server's route table; mirrored by this union). */
export type ReaderRole = 'village' | 'township' | 'county' | 'prefecture' | 'admin';

/**
 * Names in consolidated views: townships and counties handle the cases and see names; the
 * prefecture oversees statistics and the administrator runs the system, so they see 张* only.
 */
export const NAME_VISIBLE_TO: Readonly<Record<ReaderRole, boolean>> = {
  village: true,
  township: true,
  county: true,
  prefecture: false,
  admin: false,
};

/** 张三丰 → 张**, 欧阳 → 欧* (the family name's first character only). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

export function nameFor(role: ReaderRole, name: string | null): string | null {
  if (name === null) return null;
  return NAME_VISIBLE_TO[role] ? name : maskName(name);
}

export interface OpenRowRef {
  idNumber: string;
  villageCode: string;
  rowId: string;
  name: string | null;
  foundOn: string | null;
  status: string | null;
}

export interface DuplicateRow {
  villageCode: string;
  rowId: string;
  name: string | null;
  foundOn: string | null;
  status: string | null;
}

export interface DuplicateGroup {
  /** Opaque key within one answer (D1, D2, …): never derived from the ID number, which could be brute-forced. */
  key: string;
  idNumberMasked: string;
  lowestCommonUnit: string;
  villageCodes: string[];
  rows: DuplicateRow[];
}

/**
 * Groups the open rows by ID number; keeps the groups spanning two or more villages. Rows of the
 * same ID twice in one village are that village's own concern (the ledger's id.duplicate finding).
 */
export function findDuplicateGroups(rows: readonly OpenRowRef[], role: ReaderRole): DuplicateGroup[] {
  const byId = new Map<string, OpenRowRef[]>();
  for (const row of rows) {
    const id = row.idNumber.trim().toUpperCase();
    if (id === '') continue;
    const list = byId.get(id);
    if (list) list.push(row);
    else byId.set(id, [row]);
  }
  const groups: Omit<DuplicateGroup, 'key'>[] = [];
  for (const [id, list] of byId) {
    const villageCodes = [...new Set(list.map((row) => row.villageCode))].sort();
    if (villageCodes.length < 2) continue;
    groups.push({
      idNumberMasked: maskIdNumber(id),
      lowestCommonUnit: lowestCommonUnit(villageCodes),
      villageCodes,
      rows: [...list]
        .sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.rowId.localeCompare(b.rowId))
        .map((row) => ({ villageCode: row.villageCode, rowId: row.rowId, name: nameFor(role, row.name), foundOn: row.foundOn, status: row.status })),
    });
  }
  groups.sort((a, b) => a.lowestCommonUnit.localeCompare(b.lowestCommonUnit) || a.villageCodes.join().localeCompare(b.villageCodes.join()) || a.rows[0].rowId.localeCompare(b.rows[0].rowId));
  return groups.map((group, index) => ({ key: `D${index + 1}`, ...group }));
}
