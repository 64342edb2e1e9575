/**
 * The background read of an import records every failure on the import, including one before the
 * file is opened (loading the import's own row): the county sees a failed import with a server
 * error — not a read "interrupted by a restart" — and the log says which import failed. Leads a
 * commit creates go through the leads life cycle (created 待分派, moved on to 已派至乡镇 when placed).
 */
import type { AuthUser } from '../../server/app-deps';
import type { SqlDatabase } from '../../server/db/database';
import { READ_SERVER_ERROR } from '../../server/imports/read';
import { importStatus } from '../../server/imports/status';
import { commitImport, startImport, whenRead } from '../../server/imports/service';
import { leadStore } from '../../server/leads/store';
import { startTestServer, type TestServer } from './helpers';
import { COUNTY, LUCHENG, MEDICAL_HEADER, csvFile, medicalRow, people } from './leads-helpers';

jest.setTimeout(60_000);

const COUNTY_USER: AuthUser = { id: 0, username: 'demo-county', role: 'county', unit: { code: COUNTY, name: '楚雄市', level: 'county' } };

/** The database, except that the first read of one import's row by id fails like a broken disk. */
function failingFirstImportRead(db: SqlDatabase): { db: SqlDatabase; failed: () => boolean } {
  let failed = false;
  const faulty: SqlDatabase = {
    engine: db.engine,
    writeGuard: db.writeGuard,
    run: (sql, params) => db.run(sql, params),
    all: (sql, params) => db.all(sql, params),
    get: (sql, params) => {
      if (!failed && /FROM imports WHERE id = \?/.test(sql)) {
        failed = true;
        return Promise.reject(Object.assign(new Error('disk I/O error'), { name: 'SqliteIoError' }));
      }
      return db.get(sql, params);
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn, options) => db.transaction(fn, options),
    close: () => db.close(),
  };
  return { db: faulty, failed: () => failed };
}

describe('imports: a failing read is recorded, never swallowed', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an error loading the import row in the background read fails the import with a server error and is logged', async () => {
    const [p] = people(7101, 1);
    const faulty = failingFirstImportRead(server.deps.db);
    const deps = { ...server.deps, db: faulty.db };
    const started = await startImport(deps, COUNTY_USER, COUNTY, {
      source: 'medical',
      period: '2026-10',
      fileName: 'read-failure.csv',
      buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 30000, '鹿城镇', '')]),
    });
    expect(started.created).toBe(true);
    await whenRead(started.status.importId);
    expect(faulty.failed()).toBe(true);

    const status = await importStatus(server.deps, COUNTY, started.status.importId);
    expect(status.state).toBe('failed');
    expect(status.error).toEqual(READ_SERVER_ERROR);
    const logged = server
      .logText()
      .split('\n')
      .filter((line) => line.includes(started.status.importId) && line.includes('import read failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('SqliteIoError');
    // No personal data in the log line.
    expect(logged[0]).not.toContain(p.id);
  });

  it('a committed lead is created 待分派 and, placed in a township, moved on to 已派至乡镇 with its history', async () => {
    const [placed, unplaced] = people(7102, 2);
    const started = await startImport(server.deps, COUNTY_USER, COUNTY, {
      source: 'medical',
      period: '2026-10',
      fileName: 'lifecycle.csv',
      buffer: csvFile(MEDICAL_HEADER, [medicalRow(placed, 30000, '鹿城镇', ''), medicalRow(unplaced, 30000, '', '')]),
    });
    await whenRead(started.status.importId);
    const committed = await commitImport(server.deps, COUNTY_USER, COUNTY, started.status.importId, 'lifecycle-test');
    expect(committed.state).toBe('committed');
    expect(committed.summary?.leadsNew).toBe(2);

    const leads = leadStore(server.deps.db);
    const open = await leads.openOfCounty(COUNTY);
    const leadOf = async (id: string) => {
      const ref = open.find((lead) => lead.idNumber === id);
      if (!ref) throw new Error(`no open lead for ${id.slice(0, 6)}…`);
      const row = await leads.get(ref.leadNo);
      if (!row) throw new Error(`lead ${ref.leadNo} not stored`);
      return { row, history: await leads.history(ref.leadNo) };
    };

    const inTownship = await leadOf(placed.id);
    expect(inTownship.row).toMatchObject({ state: '已派至乡镇', township_code: LUCHENG, unit_code: LUCHENG, assigned_by: 'file' });
    expect(inTownship.row.due_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(inTownship.row.dispatched_on).toBe(inTownship.row.found_on);
    expect(inTownship.history.map((h) => [h.fromState, h.toState])).toEqual([
      [null, '待分派'],
      ['待分派', '已派至乡镇'],
    ]);
    expect(inTownship.history[0].note).toBe('由导入生成（lifecycle.csv）');
    expect(inTownship.history[1].note).toBe('按文件中的乡镇自动派至乡镇');

    const queued = await leadOf(unplaced.id);
    expect(queued.row).toMatchObject({ state: '待分派', township_code: null, unit_code: COUNTY, dispatched_on: null, due_on: null });
    expect(queued.history.map((h) => [h.fromState, h.toState])).toEqual([[null, '待分派']]);
  });
});
