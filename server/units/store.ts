/** Units (统计用区划代码) in the database. */
import type { UnitLevel } from '../../ledger/units';
import type { SqlDatabase } from '../db/database';

export interface UnitRow {
  code: string;
  name: string;
  level: UnitLevel;
  parent_code: string | null;
  invented: number;
}

export interface UnitNode {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  invented: boolean;
}

export function toUnitNode(row: UnitRow): UnitNode {
  return { code: row.code, name: row.name, level: row.level, parentCode: row.parent_code, invented: row.invented === 1 };
}

export function getUnit(db: SqlDatabase, code: string): Promise<UnitRow | undefined> {
  return db.get<UnitRow>('SELECT code, name, level, parent_code, invented FROM units WHERE code = ?', [code]);
}

export function childUnits(db: SqlDatabase, code: string): Promise<UnitRow[]> {
  return db.all<UnitRow>('SELECT code, name, level, parent_code, invented FROM units WHERE parent_code = ? ORDER BY code', [code]);
}

/** Every unit in the subtree of `code` (itself included), optionally of one level. */
export function subtreeUnits(db: SqlDatabase, code: string, level?: UnitLevel): Promise<UnitRow[]> {
  return db.all<UnitRow>(
    `SELECT code, name, level, parent_code, invented FROM units
      WHERE substr(code, 1, ?) = ? ${level ? 'AND level = ?' : ''} ORDER BY code`,
    level ? [code.length, code, level] : [code.length, code],
  );
}

/** Names of these units (unknown codes are left out), looked up in chunks. */
export async function unitNames(db: SqlDatabase, codes: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set([...codes].filter((c): c is string => !!c))];
  const names = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const rows = await db.all<{ code: string; name: string }>(`SELECT code, name FROM units WHERE code IN (${chunk.map(() => '?').join(',')})`, chunk);
    for (const r of rows) names.set(r.code, r.name);
  }
  return names;
}

/** Code and name of every unit whose code starts with `prefix` (a county's tree), by code. */
export function unitsWithPrefix(db: SqlDatabase, prefix: string): Promise<{ code: string; name: string }[]> {
  return db.all<{ code: string; name: string }>('SELECT code, name FROM units WHERE code LIKE ? ORDER BY code', [`${prefix}%`]);
}

/** Inserts or updates (name, parent, invented) a unit — idempotent seeding. */
export async function upsertUnit(db: SqlDatabase, unit: UnitNode): Promise<void> {
  await db.run(
    `INSERT INTO units (code, name, level, parent_code, invented) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level,
       parent_code = excluded.parent_code, invented = excluded.invented`,
    [unit.code, unit.name, unit.level, unit.parentCode, unit.invented ? 1 : 0],
  );
}
