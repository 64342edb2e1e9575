/**
 * The duplicate lookup of every summary (server/reports/store.ts openDuplicateRows) must start from
 * the duplicated ID numbers and find their rows through migration 021's index — never scan the facts
 * of the whole subtree (a county summary over a million rows took seconds that way). Checked on
 * SQLite's plan, without statistics (a database never analysed) and with those of a county of a
 * million rows written in as ANALYZE would.
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { migrate } from '../../server/db/migrate';
import { SqliteDatabase } from '../../server/db/sqlite';
import { DUPLICATED_IDS_SQL, openRowsOfIdsSql } from '../../server/reports/store';
import { makeTestDir } from '../temp-dirs';

describe('duplicate lookup plan', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeAll(async () => {
    dir = makeTestDir('dup-plan').dir;
    db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function plan(sql: string, params: string[]): Promise<string[]> {
    const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
    return rows.map((row) => row.detail);
  }

  async function expectIndexedLookup(): Promise<void> {
    const ids = await plan(DUPLICATED_IDS_SQL, ['532301', '532301:']);
    // only the duplicated ID numbers are read (the partial index), never every open one
    expect(ids.filter((detail) => /\bs\b/.test(detail))).toEqual([expect.stringContaining('ledger_id_spread_duplicates')]);
    expect(ids.join('\n')).not.toMatch(/SCAN o\b/);
    for (const count of [1, 500]) {
      const rows = await plan(openRowsOfIdsSql(count), [...Array.from({ length: count }, (_, i) => `53230119800101${String(i).padStart(4, '0')}`), '532301', '532301:']);
      expect(rows.filter((detail) => /\bf\b/.test(detail))).toEqual([expect.stringContaining('ledger_row_facts_open_ids (id_number=?')]);
      expect(rows.join('\n')).not.toMatch(/SCAN (f|r|v)\b/);
    }
  }

  it('searches the facts by ID number on a database never analysed', async () => {
    await expectIndexedLookup();
  });

  it('and with the statistics of a county of a million rows, 100,000 open ID numbers, a few hundred duplicated', async () => {
    await db.exec('ANALYZE');
    await db.exec(`DELETE FROM sqlite_stat1;
      INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
        ('ledger_row_facts', 'ledger_row_facts', '1000000 6667 1'),
        ('ledger_row_facts', 'ledger_row_facts_open_ids', '666666 1 1'),
        ('ledger_rows', 'sqlite_autoindex_ledger_rows_1', '1000000 6667 1'),
        ('ledger_row_versions', 'sqlite_autoindex_ledger_row_versions_1', '1200000 8000 2 1'),
        ('ledger_open_ids', 'ledger_open_ids', '100331 2 1'),
        ('ledger_id_spread', 'ledger_id_spread', '100000 1'),
        ('ledger_id_spread', 'ledger_id_spread_duplicates', '331 1');
      ANALYZE sqlite_schema;`);
    await expectIndexedLookup();
  });
});
