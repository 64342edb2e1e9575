/**
 * Decompression bombs through the county import (issue 8 part 2): each upload ends `failed` with a
 * zh-CN + en-US message naming the limit and what to do; the server keeps answering meanwhile,
 * memory stays bounded, no inflated copy is left in the temp dir, and an ordinary file imports
 * right after.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { importTempRoot } from '../../server/imports/service';
import { deflateParts, manyEntryZip, sharedStringBomb, SHEET_HEAD, SHEET_TAIL, worksheetBomb, xlsxBytes } from '../../bench/zip-bombs';
import { waitUntil } from '../wait';
import type { TestServer } from './helpers';
import { MEDICAL_HEADER, clock, startCountyServer, medicalRow, people, upload, waitForImport, xlsxFile } from './leads-helpers';

jest.setTimeout(180_000);

describe('import of decompression bombs', () => {
  let server: TestServer;
  let county: string;
  let village: string;
  const time = clock('2026-11-02T02:00:00Z');

  beforeAll(async () => {
    ({ server, county } = await startCountyServer(time));
    village = await server.login('demo-village');
  });
  afterAll(() => server?.close());

  it('each bomb fails with the limit named; others are answered meanwhile; RSS bounded; nothing left in the temp dir; an ordinary file imports after', async () => {
    const importIds: string[] = [];
    const bombs = [
      { fileName: 'strings-bomb.xlsx', buffer: await sharedStringBomb(300), limit: /IMPORT_MAX_COMPRESSION_RATIO/ },
      { fileName: 'strings-liar.xlsx', buffer: await sharedStringBomb(300, 2048), limit: /声明的大小/ },
      { fileName: 'sheet-bomb.xlsx', buffer: await worksheetBomb(256), limit: /IMPORT_MAX_COMPRESSION_RATIO/ },
      { fileName: 'sheet-liar.xlsx', buffer: await worksheetBomb(64, 50_000), limit: /声明的大小/ },
      { fileName: 'many-entries.xlsx', buffer: await manyEntryZip(5000), limit: /IMPORT_MAX_ZIP_ENTRIES/ },
    ];
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    for (const [i, bomb] of bombs.entries()) {
      const up = await upload(server, county, { buffer: bomb.buffer, fileName: bomb.fileName, source: 'medical', period: `2026-0${i + 1}` });
      expect(up.status).toBe(202);
      importIds.push(up.body.importId);
      // Another user is answered while the bomb is being refused.
      const other = await server.request('GET', '/api/v1/me', { token: village });
      expect(other.status).toBe(200);
      const done = await waitForImport(server, county, up.body.importId);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      expect(done.state).toBe('failed');
      expect(done.summary.error.zh).toMatch(/超出读取上限/);
      expect(done.summary.error.zh).toMatch(bomb.limit);
      expect(done.summary.error.en).toMatch(/exceeds a read limit/);
    }
    // Generous: the bombs inflate to 300 MB and more; refusing them must not come near that.
    expect(rssPeak - rssBefore).toBeLessThan(150 * 1024 * 1024);
    expect((await server.request('GET', '/healthz')).status).toBe(200);

    const rows = people(81, 3).map((p) => medicalRow(p, 9000, '鹿城镇', '示范村'));
    const up = await upload(server, county, { buffer: await xlsxFile(MEDICAL_HEADER, rows), fileName: 'medical.xlsx', source: 'medical', period: '2026-09' });
    const ready = await waitForImport(server, county, up.body.importId);
    expect(ready.state).toBe('ready');
    expect(ready.summary.rowsRead).toBe(3);
    // Each import's private temp dir (the uploaded file) is gone once its read ended; that no reader
    // parks an inflated sheet anywhere is checked in a real process (tests/io/read-limits.test.ts).
    importIds.push(up.body.importId);
    // (the job removes its dir just after recording its state: polled with a deadline)
    for (const id of importIds) await waitUntil(`the temp dir of import ${id} removed`, () => !existsSync(join(importTempRoot(), id)));
  });

  it('a village ledger upload (read whole in memory) with a far-away cell or a large sheet is a 400 naming the limit; the server stays up', async () => {
    const far = await deflateParts('xl/worksheets/sheet1.xml', [
      `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row>${SHEET_TAIL}`,
    ]);
    for (const [fileName, buffer] of [['far.xlsx', await xlsxBytes(far)], ['bomb.xlsx', await worksheetBomb(256)]] as const) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(buffer)]), fileName);
      const res = await fetch(`${server.baseUrl}/api/v1/ledgers/532301101201/uploads`, { method: 'POST', headers: { authorization: `Bearer ${village}` }, body: form });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string; reason: string } };
      expect(body.error.code).toBe('upload_unreadable');
      expect(body.error.reason).toBe('limit_exceeded');
      expect(body.error.message).toMatch(/超出读取上限/);
    }
    expect((await server.request('GET', '/api/v1/me', { token: village })).status).toBe(200);
  });
});
