/**
 * SeedStore: the seed module's own reads and writes — the server mode mark in server_settings
 * (migration 020) and the demo leads sent to the demo village — and nothing else. Accounts go through
 * the auth module's AccountStore.
 */
import type { SqlDatabase } from '../db/database';

export interface SeedStore {
  /** The setting `key` of server_settings, if set. */
  setting(key: string): Promise<string | undefined>;
  insertSetting(key: string, value: string): Promise<void>;
  /** Numbers of leads already sent to `townshipCode` and suggested for `villageCode`, first `limit`. */
  leadsSuggestedFor(townshipCode: string, villageCode: string, limit: number): Promise<string[]>;
}

class SqlSeedStore implements SeedStore {
  constructor(private readonly db: SqlDatabase) {}

  async setting(key: string): Promise<string | undefined> {
    return (await this.db.get<{ value: string }>('SELECT value FROM server_settings WHERE key = ?', [key]))?.value;
  }

  async insertSetting(key: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO server_settings (key, value) VALUES (?, ?)', [key, value]);
  }

  async leadsSuggestedFor(townshipCode: string, villageCode: string, limit: number): Promise<string[]> {
    const rows = await this.db.all<{ lead_no: string }>(
      "SELECT lead_no FROM leads WHERE state = '已派至乡镇' AND township_code = ? AND suggested_village_code = ? ORDER BY lead_no LIMIT ?",
      [townshipCode, villageCode, limit],
    );
    return rows.map((row) => row.lead_no);
  }
}

/** The seed store on a handle (the database, or a transaction). */
export function seedStore(db: SqlDatabase): SeedStore {
  return new SqlSeedStore(db);
}
