/**
 * Retention of import dry runs (privacy): an uncommitted dry run (its plan holds names and ID
 * numbers) is purged after ServerConfig.importDryRunTtlHours (default 24 h); a committed import
 * keeps only its summary (counts, no preview of people); temp files of imports are removed.
 */
import { randomUUID } from 'crypto';
import { existsSync, promises as fs } from 'fs';
import { join } from 'path';
import { DEFAULT_IMPORT_DRY_RUN_TTL_HOURS, loadConfig } from '../../server/config';
import { uploadTempDir } from '../../server/http/mount';
import { importTempRoot, purgeExpiredImports, whenRead } from '../../server/imports/service';
import type { TestServer } from './helpers';
import { waitUntil } from '../wait';
import { COUNTY, MEDICAL_HEADER, clock, startCountyServer, csvFile, medicalRow, people, upload, waitForImport } from './leads-helpers';

jest.setTimeout(120_000);

describe('import retention', () => {
  let server: TestServer;
  let county: string;
  const time = clock('2026-11-02T02:00:00Z');

  beforeAll(async () => ({ server, county } = await startCountyServer(time)));
  afterAll(() => server?.close());

  function medicalFile(seed: number): Buffer {
    const rows = people(seed, 3).map((p) => medicalRow(p, 20000 + seed));
    return csvFile(MEDICAL_HEADER, rows, '2026年10月住院结算');
  }

  async function planOf(id: string): Promise<{ state: string; plan_json: string | null; summary_json: string | null } | undefined> {
    return server.deps.db.get('SELECT state, plan_json, summary_json FROM imports WHERE id = ?', [id]);
  }

  it('the TTL is a server setting: env IMPORT_DRY_RUN_TTL_HOURS, default 24 h', () => {
    expect(DEFAULT_IMPORT_DRY_RUN_TTL_HOURS).toBe(24);
    expect(loadConfig({}).importDryRunTtlHours).toBeUndefined();
    expect(loadConfig({ IMPORT_DRY_RUN_TTL_HOURS: '6' }).importDryRunTtlHours).toBe(6);
    expect(() => loadConfig({ IMPORT_DRY_RUN_TTL_HOURS: '0' })).toThrow(/IMPORT_DRY_RUN_TTL_HOURS/);
  });

  it('an uncommitted dry run older than the TTL is purged (404 with a clear message); committed ones keep only their summary', async () => {
    time.set('2026-11-02T02:00:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    const dry = await upload(server, county, { buffer: medicalFile(501), fileName: 'medical-dry.csv', source: 'medical', period: '2026-10' });
    expect(dry.status).toBe(202);
    const dryId = dry.body.importId as string;
    await whenRead(dryId);
    expect((await waitForImport(server, county, dryId)).state).toBe('ready');
    // the file's temp directory is gone once the read has finished
    expect(existsSync(join(importTempRoot(), dryId))).toBe(false);
    expect((await planOf(dryId))!.plan_json).not.toBeNull();

    const kept = await upload(server, county, { buffer: medicalFile(502), fileName: 'medical-kept.csv', source: 'medical', period: '2026-10' });
    expect(kept).toMatchObject({ status: 202 });
    const keptId = kept.body.importId as string;
    const keptDry = await waitForImport(server, county, keptId);
    expect(keptDry.summary.preview.length).toBeGreaterThan(0);
    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${keptId}/commit`, { token: county });
    expect(commit.status).toBe(200);
    expect(commit.body.summary).toMatchObject({ state: 'committed', leadsNew: 3 });
    // committed: counts only, no preview of people, no plan
    expect(commit.body.summary.preview).toBeUndefined();
    const keptRow = await planOf(keptId);
    expect(keptRow!.plan_json).toBeNull();
    expect(keptRow!.summary_json).not.toContain('preview');

    // just inside the TTL: still there
    time.set('2026-11-03T01:59:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    expect((await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${dryId}`, { token: county })).status).toBe(200);

    // past the TTL: gone, with a message that says why
    time.set('2026-11-03T02:01:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    const gone = await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${dryId}`, { token: county });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(/保留期限/);
    expect(await planOf(dryId)).toBeUndefined();
    const commitLate = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${dryId}/commit`, { token: county });
    expect(commitLate.status).toBe(404);

    const still = await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${keptId}`, { token: county });
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ state: 'committed', summary: { leadsNew: 3, rowsRead: 3 } });
    const list = await server.request('GET', `/api/v1/counties/${COUNTY}/imports`, { token: county });
    const ids = list.body.imports.map((s: any) => s.importId);
    expect(ids).toContain(keptId);
    expect(ids).not.toContain(dryId);
    expect((await server.request('GET', `/api/v1/units/${COUNTY}/leads?period=2026-10&source=medical`, { token: county })).body.total).toBeGreaterThanOrEqual(3);
  });

  it('purge removes expired failed imports and temp files left behind (e.g. by a crash), not fresh ones', async () => {
    time.set('2026-11-10T02:00:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    // a failed import (unreadable file) and a fresh dry run
    const bad = await upload(server, county, { buffer: Buffer.from('PK\u0003\u0004 not really a workbook'), fileName: 'broken.xlsx', source: 'medical', period: '2026-10' });
    const badStatus = await waitForImport(server, county, bad.body.importId);
    expect(badStatus.state).toBe('failed');
    // leftovers in the private temp root: one stale (2 days old), one fresh
    const root = importTempRoot();
    const stale = join(root, randomUUID());
    const fresh = join(root, randomUUID());
    for (const dir of [stale, fresh]) {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(join(dir, 'medical.csv'), '姓名,身份证号\n');
    }
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    await fs.utimes(join(stale, 'medical.csv'), twoDaysAgo, twoDaysAgo);
    await fs.utimes(stale, twoDaysAgo, twoDaysAgo);
    expect((await fs.stat(root)).mode & 0o777).toBe(0o700);

    expect(await purgeExpiredImports(server.deps)).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(await planOf(bad.body.importId)).toBeDefined();

    time.set('2026-11-11T03:00:00Z');

    county = await server.login('demo-county'); // tokens follow the injected clock
    expect(await purgeExpiredImports(server.deps)).toBe(1);
    expect(await planOf(bad.body.importId)).toBeUndefined();
    await fs.rm(fresh, { recursive: true, force: true });
  });

  /** Files in the upload temp dir and the import temp root whose text contains the marker. */
  async function tempFilesWith(marker: string): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if ((await fs.readFile(path, 'utf8').catch(() => '')).includes(marker)) found.push(path);
      }
    };
    await walk(uploadTempDir());
    await walk(importTempRoot());
    return found;
  }

  it('uploads go to disk and are removed after the read, after commit, on a duplicate upload and on a rejected upload', async () => {
    time.set('2026-11-15T02:00:00Z');
    county = await server.login('demo-county');
    const marker = `标记${Date.now()}`;
    const buffer = csvFile(MEDICAL_HEADER, people(504, 2).map((p) => medicalRow(p, 30000)), marker);
    const up = await upload(server, county, { buffer, fileName: 'medical-disk.csv', source: 'medical', period: '2026-10' });
    expect(up.status).toBe(202);
    await whenRead(up.body.importId);
    expect((await waitForImport(server, county, up.body.importId)).summary.rowsRead).toBe(2);
    expect(await tempFilesWith(marker)).toEqual([]);
    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
    expect(commit.status).toBe(200);
    const again = await upload(server, county, { buffer, fileName: 'medical-disk-again.csv', source: 'medical', period: '2026-10' });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const badSource = await upload(server, county, { buffer, fileName: 'x.csv', source: 'weather', period: '2026-10' });
    expect(badSource.status).toBe(400);
    // the rejected upload's file is removed as its response closes, just after the client has the answer
    await waitUntil('the rejected upload to leave no temp file', async () => (await tempFilesWith(marker)).length === 0);
    expect(await tempFilesWith(marker)).toEqual([]);
  });

  it('a shorter TTL from the config applies', async () => {
    time.set('2026-11-20T02:00:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    const up = await upload(server, county, { buffer: medicalFile(503), fileName: 'medical-short.csv', source: 'medical', period: '2026-10' });
    await waitForImport(server, county, up.body.importId);
    const config = server.deps.config;
    const shortDeps = { ...server.deps, config: { ...config, importDryRunTtlHours: 1 } };
    time.set('2026-11-20T02:30:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    expect(await purgeExpiredImports(shortDeps)).toBe(0);
    time.set('2026-11-20T03:01:00Z');
    county = await server.login('demo-county'); // tokens follow the injected clock
    expect(await purgeExpiredImports(shortDeps)).toBe(1);
    expect(await planOf(up.body.importId)).toBeUndefined();
  });
});
