/**
 * CountyPolicyStore: the county_policy table (migration 003) — each county's policy overrides,
 * one row for all years (year 0) and one per year. Engine-neutral SQL (ON CONFLICT … DO UPDATE).
 */
import type { SqlDatabase } from '../db/database';

export interface StoredOverrides {
  year: number;
  settingsJson: string;
}

export interface CountyPolicyStore {
  /** The county's all-years row and its row for `year`, all-years first. */
  overrides(countyCode: string, year: number): Promise<StoredOverrides[]>;
  save(countyCode: string, year: number, settingsJson: string, updatedBy: string, updatedAt: string): Promise<void>;
}

class SqlCountyPolicyStore implements CountyPolicyStore {
  constructor(private readonly db: SqlDatabase) {}

  async overrides(countyCode: string, year: number): Promise<StoredOverrides[]> {
    const rows = await this.db.all<{ year: number; settings_json: string }>(
      'SELECT year, settings_json FROM county_policy WHERE county_code = ? AND year IN (0, ?) ORDER BY year',
      [countyCode, year],
    );
    return rows.map((row) => ({ year: Number(row.year), settingsJson: row.settings_json }));
  }

  async save(countyCode: string, year: number, settingsJson: string, updatedBy: string, updatedAt: string): Promise<void> {
    await this.db.run(
      `INSERT INTO county_policy (county_code, year, settings_json, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (county_code, year) DO UPDATE SET settings_json = excluded.settings_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      [countyCode, year, settingsJson, updatedBy, updatedAt],
    );
  }
}

export function countyPolicyStore(db: SqlDatabase): CountyPolicyStore {
  return new SqlCountyPolicyStore(db);
}
