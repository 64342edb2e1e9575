/**
 * The sync storm at a small size (issue 8 part 6): clients editing, deleting and re-creating rows
 * of one ledger, paging, losing answers and retrying them, resolving conflicts both ways, and a
 * server restart — every invariant of the protocol checked against what the server acknowledged
 * (bench/sync-storm.ts). Sequential and seeded: the same run every time. The full size (20 clients,
 * concurrent, SIGKILL restarts) is `npm run bench` (bench/sync-storm.bench.ts).
 */
import { runStorm } from '../../bench/sync-storm';
import { startTestServer, type TestServer } from './helpers';
import { makeTestDir } from '../temp-dirs';

const VILLAGE = '532301101201';

describe('sync storm (small, deterministic)', () => {
  let server: TestServer;
  // the database outlives the restart, so it lives in the suite's directory, not the server's
  const data = makeTestDir('sync-storm');

  afterAll(async () => {
    await server?.close();
    data.remove();
  });

  it('loses no acknowledged change, overwrites nothing silently, replays exactly and converges', async () => {
    // units and accounts only: the ledger starts empty, so every version comes from the storm
    const dbFile = data.path('ledger.sqlite');
    server = await startTestServer({ dbFile, seed: 'platform' });
    const token = await server.login('demo-village');
    const report = await runStorm({
      villageCode: VILLAGE,
      token,
      clients: 6,
      rounds: 40,
      concurrency: 1,
      seed: 'storm-test',
      dropRate: 0.15,
      restartAfter: [20],
      send: async (village, auth, body) => {
        const res = await server.request('POST', `/api/v1/ledgers/${village}/sync`, { token: auth, body });
        return { status: res.status, body: res.body, text: res.text };
      },
      restart: async () => {
        await server.close();
        server = await startTestServer({ dbFile, seed: false });
      },
      truth: async () => server.deps.db,
    });
    expect(report.violations).toEqual([]);
    // the storm did what it is for: deletes, re-creates, conflicts, lost answers, replays, a restart
    expect(report.applied).toBeGreaterThan(100);
    expect(report.conflicts).toBeGreaterThan(0);
    expect(report.unchanged).toBeGreaterThan(0);
    expect(report.dropped).toBeGreaterThan(0);
    expect(report.replaysChecked).toBeGreaterThan(0);
    expect(report.restarts).toBe(1);
    expect(report.versions).toBeGreaterThan(report.rows);
  }, 120_000);
});
