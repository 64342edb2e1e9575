/**
 * The consolidated export reads the subtree's live rows a batch at a time after the last row sent
 * (ReportStore.exportBatch): batches of one row give exactly the rows of one big batch, in
 * (village, creation) order — across villages and for a village's own ledger.
 */
import { reportStoreOf } from '../../server/reports/store';
import { startTestServer, type TestServer } from './helpers';

describe('export batches (keyset pagination)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  for (const code of ['5323', '532301', '532301101201']) {
    it(`row by row equals all at once under ${code}`, async () => {
      const store = reportStoreOf(server.deps.db);
      const whole = await store.exportBatch(code, null, 100_000);
      expect(whole.length).toBeGreaterThan(0);
      expect(whole.every((row) => row.villageCode.startsWith(code))).toBe(true);
      const paged: typeof whole = [];
      let after: { villageCode: string; seq: number } | null = null;
      for (;;) {
        const batch = await store.exportBatch(code, after, 1);
        if (batch.length === 0) break;
        paged.push(...batch);
        after = { villageCode: batch[0].villageCode, seq: batch[0].seq };
      }
      expect(paged.map((row) => `${row.villageCode}/${row.seq}`)).toEqual(whole.map((row) => `${row.villageCode}/${row.seq}`));
      const keys = whole.map((row) => [row.villageCode, row.seq] as const);
      const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
      expect(keys).toEqual(sorted);
    });
  }
});
