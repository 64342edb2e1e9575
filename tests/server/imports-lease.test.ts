/**
 * Import reads across server instances (server/imports/lease.ts, read-job.ts; issue 13), on both
 * engines: the reading app's heartbeat renews its lease and writes its progress to the row; a read
 * whose lease ran out (its instance stopped) is taken over from the upload stored in the database
 * and ends ready exactly once, or is failed as interrupted when no upload is stored; a live lease
 * is left alone; an import started on one app is polled and committed on another. The same with
 * two server processes and a SIGKILL: tests/server/two-instances.test.ts (PostgreSQL).
 */
import { randomUUID } from 'crypto';
import { INTERRUPTED } from '../../server/imports/status';
import { keepLease, leaseOwner } from '../../server/imports/lease';
import { importStore, type NewImportRow } from '../../server/imports/store';
import { startTestServer, type TestServer } from './helpers';
import { COUNTY, medicalFile, upload, waitForImport } from './leads-helpers';
import { waitUntil } from '../wait';

jest.setTimeout(60_000);

function reading(id: string, fileName: string, totalBytes: number, lease?: NewImportRow['lease']): NewImportRow {
  return {
    id, countyCode: COUNTY, source: 'medical', period: '2026-10', fileName, sha256: `sha-${id}`, totalBytes,
    createdBy: 'demo-county', createdAt: new Date().toISOString(), ...(lease ? { lease } : {}),
  };
}

describe('import reads with a lease in the database', () => {
  let server: TestServer;
  let county: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { importLeaseMs: 900 } });
    county = await server.login('demo-county');
  });
  afterAll(() => server.close());

  const status = (id: string) => server.request('GET', `/api/v1/counties/${COUNTY}/imports/${id}`, { token: county });
  const chunksOf = async (id: string) => (await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM import_upload_chunks WHERE import_id = ?', [id]))!.n;

  it('a read whose instance stopped (lease ran out) is taken over from the stored upload and ends ready once; no upload → interrupted; a live lease is left alone', async () => {
    const store = importStore(server.deps.db);
    const [stuck, noUpload, held] = [randomUUID(), randomUUID(), randomUUID()];
    const bytes = medicalFile(301, 3);
    const past = Date.now() - 1;
    // what a killed instance leaves: the row reading under its lapsed lease, the upload stored in two chunks
    await store.insertReading(reading(stuck, 'stuck.csv', bytes.length, { owner: 'killed-instance', expiresAt: past }));
    await store.saveUploadChunk(stuck, 0, bytes.subarray(0, 100), new Date().toISOString());
    await store.saveUploadChunk(stuck, 1, bytes.subarray(100), new Date().toISOString());
    await store.insertReading(reading(noUpload, 'gone.csv', 10, { owner: 'killed-instance', expiresAt: past }));
    await store.insertReading(reading(held, 'held.csv', bytes.length, { owner: 'live-instance', expiresAt: Date.now() + 60_000 }));
    await store.saveUploadChunk(held, 0, bytes, new Date().toISOString());

    const first = await status(stuck);
    expect(first.status).toBe(200);
    expect(first.body.state).toBe('reading');
    expect((await store.get(COUNTY, stuck))?.lease_owner).toBe(leaseOwner(server.deps));
    const done = await waitForImport(server, county, stuck);
    expect(done.state).toBe('ready');
    expect(done.summary).toMatchObject({ rowsRead: 3, leadsNew: 3 });
    expect(await chunksOf(stuck)).toBe(0);
    expect(server.logText()).toContain('import read taken over');
    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${stuck}/commit`, { token: county });
    expect(commit.status).toBe(200);
    expect(await server.deps.db.get('SELECT COUNT(*) AS n FROM leads WHERE import_id = ?', [stuck])).toEqual({ n: 3 });

    const gone = await status(noUpload);
    expect(gone.body).toMatchObject({ state: 'failed', error: INTERRUPTED });

    expect((await status(held)).body.state).toBe('reading');
    expect(await store.get(COUNTY, held)).toMatchObject({ state: 'reading', lease_owner: 'live-instance' });
    expect(await chunksOf(held)).toBe(1);
    // the retention purge removes it with its stored upload once it is old and its lease ran out
    await server.deps.db.run("UPDATE imports SET created_at = '2020-01-01T00:00:00.000Z', lease_expires_at = 1 WHERE id = ?", [held]);
    const { purgeExpiredImports } = await import('../../server/imports/service');
    expect(await purgeExpiredImports(server.deps)).toBeGreaterThanOrEqual(1);
    expect(await store.get(COUNTY, held)).toBeUndefined();
    expect(await chunksOf(held)).toBe(0);
  });

  it('the heartbeat renews the lease and writes the progress to the row; a lease taken by another instance is noticed', async () => {
    const store = importStore(server.deps.db);
    const owner = leaseOwner(server.deps);
    const beat = randomUUID();
    const startedAt = Date.now();
    await store.insertReading(reading(beat, 'beat.csv', 1000, { owner, expiresAt: startedAt + 900 }));
    let lost = 0;
    const stop = keepLease(server.deps, beat, () => ({ rowsRead: 42, bytesRead: 512 }), () => lost++);
    try {
      const row = await waitUntil('the heartbeat to write progress and renew the lease', async () => {
        const r = await store.get(COUNTY, beat);
        return r && r.rows_read === 42 && (r.lease_expires_at ?? 0) > startedAt + 900 ? r : undefined;
      });
      expect(row.bytes_read).toBe(512);
      // progress as any instance's poll shows it (this app holds no live progress for it)
      expect((await status(beat)).body).toMatchObject({ state: 'reading', rowsRead: 42, bytesRead: 512 });
      // another instance claims it after a lapse: this one hears it has lost the lease, once
      expect(await store.claimExpired(beat, 'other-instance', Number.MAX_SAFE_INTEGER, Date.now() + 60_000)).toBe(true);
      await waitUntil('the lost lease to be noticed', () => lost === 1);
      expect(await store.get(COUNTY, beat)).toMatchObject({ lease_owner: 'other-instance', rows_read: 0 });
      // the result of a read whose lease was lost is not recorded
      expect(await store.markReady(beat, 1, '{}', '{}', owner)).toBe(false);
      expect(await store.markReady(beat, 1, '{}', '{}', 'other-instance')).toBe(true);
    } finally {
      stop();
    }
  });

  it('an import started on one app is polled and committed on another app on the same database; its stored upload is gone when the read ends', async () => {
    const other = await startTestServer({ seed: false, dbFile: server.dbFile });
    try {
      const otherCounty = await other.login('demo-county');
      const up = await upload(server, county, { buffer: medicalFile(302, 4, 50), fileName: 'shared.csv', source: 'medical', period: '2026-10' });
      expect(up.status).toBe(202);
      const done = await waitForImport(other, otherCounty, up.body.importId);
      expect(done).toMatchObject({ state: 'ready', summary: { leadsNew: 4 } });
      expect(await chunksOf(up.body.importId)).toBe(0);
      const commit = await other.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: otherCounty });
      expect(commit.status).toBe(200);
      expect(await other.deps.db.get('SELECT COUNT(*) AS n FROM leads WHERE import_id = ?', [up.body.importId])).toEqual({ n: 4 });
    } finally {
      await other.close();
    }
  });
});
