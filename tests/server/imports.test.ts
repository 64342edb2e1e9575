/**
 * Import API end to end (real server, real SQLite): dry run → commit, the roster, rejected rows,
 * idempotent re-import by hash, duplicates linked, unit assignment fallbacks, lead numbers,
 * progress fields, feed calendar, access.
 */
import { createRng, fabricateIdNumber, fabricateName, fabricatePhone } from '../../server/seed/fabricate';
import { LEAD_NO_PATTERN } from '../../server/leads/states';
import { startTestServer, type TestServer } from './helpers';
import {
  COUNTY,
  DISABILITY_HEADER,
  LUCHENG,
  MEDICAL_HEADER,
  QINGSONG,
  ROSTER_HEADER,
  SHIFAN,
  clock, startCountyServer,
  csvFile,
  importFile,
  leadsOf,
  medicalRow,
  people,
  upload,
  waitForImport,
  xlsxFile,
} from './leads-helpers';

jest.setTimeout(120_000);

describe('imports', () => {
  let server: TestServer;
  let county: string;
  const time = clock('2026-11-02T02:00:00Z');

  beforeAll(async () => ({ server, county } = await startCountyServer(time)));
  afterAll(() => server?.close());

  /** The audit entries written for one request id. */
  async function auditOf(requestId: string): Promise<{ action: string; detail: unknown }[]> {
    const rows = await server.deps.db.all<{ action: string; detail: string }>('SELECT action, detail FROM audit_log WHERE request_id = ? ORDER BY id', [requestId]);
    return rows.map((r) => ({ action: r.action, detail: JSON.parse(r.detail) }));
  }

  it('roster: dry run with rejected rows, then commit replaces the county roster in one go', async () => {
    const [a, b, c] = people(1, 3);
    const rows = [
      [a.name, a.id, '低保', '鹿城镇', '示范村', '在保'],
      [b.name, b.id.slice(0, 17) + (b.id[17] === '1' ? '2' : '1'), '低保', '鹿城镇', '示范村', ''],
      [c.name, c.id, '特困人员', '东瓜镇', '红星村', ''],
    ];
    const up = await upload(server, county, { buffer: csvFile(ROSTER_HEADER, rows, '保障对象名册'), fileName: 'roster.csv', source: 'roster' });
    expect(up.status).toBe(202);
    expect(up.body.state).toBe('reading');
    const dry = await waitForImport(server, county, up.body.importId);
    expect(dry.state).toBe('ready');
    expect(dry.summary.kind).toBe('roster');
    expect(dry.summary.rowsRead).toBe(3);
    expect(dry.summary.rejectedCount).toBe(1);
    // title row 1, header row 2, data rows 3..5: the bad ID is on Excel row 4
    expect(dry.summary.rejected[0]).toMatchObject({ row: 4, code: 'id.checksum' });
    const before = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM roster_people WHERE county_code = ?', [COUNTY]);
    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
    expect(commit.status).toBe(200);
    expect(commit.body.state).toBe('committed');
    const stored = await server.deps.db.all<{ id_number: string; category: string; unit_code: string }>(
      'SELECT id_number, category, unit_code FROM roster_people WHERE county_code = ? AND import_id = ? ORDER BY id_number',
      [COUNTY, up.body.importId],
    );
    expect(stored.map((r) => r.id_number).sort()).toEqual([a.id, c.id].sort());
    expect(stored.find((r) => r.id_number === c.id)).toMatchObject({ category: '特困供养', unit_code: '532301102202' });
    const all = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM roster_people WHERE county_code = ?', [COUNTY]);
    // replaced, not added to: only the two people of this file remain (the demo roster is gone)
    expect(all!.n).toBe(2);
    expect(before!.n).not.toBe(2);
  });

  it('medical: dry run creates nothing; boundaries, summed stays, covered and rejected rows; commit numbers the leads', async () => {
    const [covered, tekun, rich, poor, twoStays, noPlace, bad] = people(2, 7);
    await importFile(server, county, {
      buffer: csvFile(ROSTER_HEADER, [
        [covered.name, covered.id, '低保', '鹿城镇', '示范村', '在保'],
        [tekun.name, tekun.id, '特困供养', '鹿城镇', '青松村', '在保'],
      ]),
      fileName: 'roster2.csv',
      source: 'roster',
    });
    const rows = [
      medicalRow(covered, 25000, '鹿城镇', '示范村'),
      medicalRow(tekun, 120, '', ''),
      medicalRow(rich, 10000, '鹿城镇', '示范村'),
      medicalRow(poor, 9999.99, '鹿城镇', '示范村'),
      medicalRow(twoStays, 6000, '东瓜', '', 3),
      medicalRow(twoStays, 4000, '东瓜', '', 20),
      medicalRow(noPlace, 15000),
      medicalRow(bad, 30000).map((v, i) => (i === 1 ? '5323011990010112' : v)),
    ];
    const up = await upload(server, county, { buffer: csvFile(MEDICAL_HEADER, rows, '2026年10月住院结算'), fileName: 'medical-10.csv', source: 'medical', period: '2026-10' });
    expect(up.status).toBe(202);
    const dry = await waitForImport(server, county, up.body.importId);
    expect(dry.state).toBe('ready');
    expect(dry.summary).toMatchObject({ kind: 'source', source: 'medical', period: '2026-10', rowsRead: 8, leadsNew: 4, leadsLinked: 0, rejectedCount: 1 });
    expect(dry.summary.excluded).toMatchObject({ covered: 1, belowThreshold: 1 });
    expect(dry.summary.rejected).toEqual([expect.objectContaining({ row: 10, code: 'id.format' })]);
    expect(dry.summary.unassigned).toBe(1);
    expect(dry.summary.byTownship).toEqual([
      { code: LUCHENG, name: '鹿城镇', count: 2 },
      { code: '532301102', name: '东瓜镇', count: 1 },
      { code: null, name: '待分派（县级）', count: 1 },
    ]);
    // IDs in the preview are masked
    expect(JSON.stringify(dry.summary.preview)).not.toContain(rich.id);
    expect((await leadsOf(server, county, COUNTY, 'period=2026-10')).total).toBe(0);

    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
    expect(commit.status).toBe(200);
    expect(commit.body.summary).toMatchObject({ state: 'committed', leadsNew: 4, firstLeadNo: 'XS-532301-202610-00001', lastLeadNo: 'XS-532301-202610-00004' });
    const listed = await leadsOf(server, county, COUNTY, 'source=medical&period=2026-10');
    expect(listed.total).toBe(4);
    const byName = new Map<string, any>(listed.leads.map((l: any) => [l.name, l]));
    expect(byName.get(rich.name)).toMatchObject({ rule: 'medical.high_self_paid', townshipCode: LUCHENG, state: '已派至乡镇', idNumber: expect.stringMatching(/^532301\*{8}\w{4}$/) });
    expect(byName.get(twoStays.name)).toMatchObject({ rule: 'medical.high_self_paid', townshipCode: '532301102' });
    expect(byName.get(tekun.name)).toMatchObject({ rule: 'medical.tekun_inpatient', townshipCode: LUCHENG, coverage: '特困供养' });
    expect(byName.get(noPlace.name)).toMatchObject({ state: '待分派', townshipCode: null, unitCode: COUNTY, dueOn: null });
    expect(byName.has(poor.name)).toBe(false);
    expect(byName.has(covered.name)).toBe(false);
    const numbers = listed.leads.map((l: any) => l.leadNo).sort();
    expect(numbers).toEqual(['XS-532301-202610-00001', 'XS-532301-202610-00002', 'XS-532301-202610-00003', 'XS-532301-202610-00004']);
    // the suggested village of the file is kept for the township's dispatch, not yet assigned
    const stored = await server.deps.db.get<{ suggested_village_code: string; village_code: string | null; assigned_by: string }>(
      'SELECT suggested_village_code, village_code, assigned_by FROM leads WHERE lead_no = ?',
      [byName.get(rich.name).leadNo],
    );
    expect(stored).toEqual({ suggested_village_code: SHIFAN, village_code: null, assigned_by: 'file' });
    const tekunRow = await server.deps.db.get<{ assigned_by: string; suggested_village_code: string }>('SELECT assigned_by, suggested_village_code FROM leads WHERE lead_no = ?', [byName.get(tekun.name).leadNo]);
    expect(tekunRow).toEqual({ assigned_by: 'roster', suggested_village_code: QINGSONG });

    // history: created, then auto-dispatched to the township
    const detail = await server.request('GET', `/api/v1/leads/${byName.get(rich.name).leadNo}`, { token: county });
    expect(detail.body.history.map((h: any) => [h.fromState, h.toState])).toEqual([[null, '待分派'], ['待分派', '已派至乡镇']]);
  });

  it('re-importing the same bytes creates nothing and returns the earlier summary; commit is idempotent', async () => {
    const [p] = people(3, 1);
    const buffer = csvFile(MEDICAL_HEADER, [medicalRow(p, 50000, '鹿城镇', '青松村')]);
    const first = await importFile(server, county, { buffer, fileName: 'm.csv', source: 'medical', period: '2026-09' });
    expect(first.committed.summary.leadsNew).toBe(1);
    const recommit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${first.committed.importId}/commit`, { token: county, headers: { 'x-request-id': 'imp-recommit' } });
    expect(recommit.status).toBe(200);
    expect(recommit.body.summary.leadsNew).toBe(1);
    // the repeated commit and the duplicate upload write nothing new, but they are audited
    expect(await auditOf(recommit.headers.get('x-request-id')!)).toEqual([{ action: 'import.commit_repeat', detail: { importId: first.committed.importId, source: 'medical', period: '2026-09' } }]);
    const again = await upload(server, county, { buffer, fileName: 'renamed.csv', source: 'medical', period: '2026-09' }, COUNTY, { 'x-request-id': 'imp-dup-upload' });
    expect(again.status).toBe(200);
    expect(await auditOf(again.requestId!)).toEqual([
      { action: 'import.upload_duplicate', detail: { duplicateOf: first.committed.importId, source: 'medical', period: '2026-09', bytes: buffer.length } },
    ]);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.importId).toBe(first.committed.importId);
    expect(again.body.summary).toMatchObject({ duplicateOf: first.committed.importId, leadsNew: 1, state: 'committed' });
    expect((await leadsOf(server, county, COUNTY, 'period=2026-09')).total).toBe(1);
    const imports = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM imports WHERE sha256 = ?", [first.committed.summary.sha256]);
    expect(imports!.n).toBe(1);
  });

  it('two dry runs of one file: the second commit creates nothing (duplicateOf)', async () => {
    const [p] = people(4, 1);
    const buffer = csvFile(MEDICAL_HEADER, [medicalRow(p, 50000, '鹿城镇', '青松村')]);
    const a = await upload(server, county, { buffer, fileName: 'a.csv', source: 'medical', period: '2026-08' });
    const b = await upload(server, county, { buffer, fileName: 'b.csv', source: 'medical', period: '2026-08' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    await waitForImport(server, county, a.body.importId);
    await waitForImport(server, county, b.body.importId);
    await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${a.body.importId}/commit`, { token: county });
    const second = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${b.body.importId}/commit`, { token: county, headers: { 'x-request-id': 'imp-dup-commit' } });
    expect(second.body.summary).toMatchObject({ duplicateOf: a.body.importId, leadsNew: 0 });
    // the duplicate-commit branch is audited like any commit (codes and counts only)
    expect(await auditOf(second.headers.get('x-request-id')!)).toEqual([
      { action: 'import.commit', detail: { importId: b.body.importId, source: 'medical', period: '2026-08', duplicateOf: a.body.importId, created: 0, linked: 0 } },
    ]);
    expect((await leadsOf(server, county, COUNTY, 'period=2026-08')).total).toBe(1);
  });

  it('a person already on an open lead of the same source and period is linked, not duplicated; the sequence continues', async () => {
    const [p, q] = people(5, 2);
    const first = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 12000, '鹿城镇', '')]), fileName: 'x1.csv', source: 'medical', period: '2026-07' });
    expect(first.committed.summary.firstLeadNo).toBe('XS-532301-202607-00001');
    const second = await importFile(server, county, {
      buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 13000, '鹿城镇', ''), medicalRow(q, 14000, '鹿城镇', '')]),
      fileName: 'x2.csv',
      source: 'medical',
      period: '2026-07',
    });
    expect(second.dryRun.summary).toMatchObject({ leadsNew: 1, leadsLinked: 1 });
    expect(second.committed.summary).toMatchObject({ leadsNew: 1, leadsLinked: 1, firstLeadNo: 'XS-532301-202607-00002' });
    const listed = await leadsOf(server, county, COUNTY, 'period=2026-07');
    expect(listed.total).toBe(2);
    const detail = await server.request('GET', `/api/v1/leads/XS-532301-202607-00001`, { token: county });
    expect(detail.body.links).toEqual([expect.objectContaining({ importId: second.committed.importId, rule: 'medical.high_self_paid' })]);
    // another period starts its own sequence (for someone else: p's lead is still open, so p is linked)
    const [r] = people(905, 1);
    const other = await importFile(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 12500, '鹿城镇', ''), medicalRow(r, 12500, '鹿城镇', '')]), fileName: 'x3.csv', source: 'medical', period: '2026-06' });
    expect(other.committed.summary).toMatchObject({ leadsNew: 1, leadsLinked: 1, firstLeadNo: 'XS-532301-202606-00001' });
  });

  it('xlsx upload with a title row: disability grades 二级 vs 三级, unit from the file names; quarterly lead numbers', async () => {
    const [two, three, one] = people(6, 3);
    const buffer = await xlsxFile(DISABILITY_HEADER, [
      [two.name, two.id, '肢体', '二级', '鹿城镇', '青松村'],
      [three.name, three.id, '肢体', '三级', '鹿城镇', '青松村'],
      [one.name, one.id, '视力', '1', '东瓜镇', '红星村'],
    ], '2026年第3季度残疾人数据');
    const { dryRun, committed } = await importFile(server, county, { buffer, fileName: '残联.xlsx', source: 'disability', period: '2026Q2' });
    expect(dryRun.summary).toMatchObject({ period: '2026-Q2', rowsRead: 3, leadsNew: 2 });
    expect(dryRun.summary.excluded).toMatchObject({ notSevere: 1 });
    // the quarter keeps its letter in the lead number (it read 20262, like a mistyped month)
    expect(committed.summary.firstLeadNo).toBe('XS-532301-2026Q2-00001');
    expect(committed.summary.firstLeadNo).toMatch(LEAD_NO_PATTERN);
    const listed = await leadsOf(server, county, COUNTY, 'source=disability&period=2026-Q2');
    expect(listed.leads.map((l: any) => l.townshipCode).sort()).toEqual(['532301101', '532301102']);
  });

  it('a file without the expected header fails with a clear message; a bad source or period is a 400', async () => {
    const up = await upload(server, county, { buffer: csvFile(['甲', '乙'], [['1', '2']]), fileName: 'junk.csv', source: 'medical', period: '2026-05' });
    expect(up.status).toBe(202);
    const status = await waitForImport(server, county, up.body.importId);
    expect(status.state).toBe('failed');
    expect(status.error.zh).toMatch(/表头|缺少/);
    const commit = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
    expect(commit.status).toBe(409);
    const badSource = await upload(server, county, { buffer: csvFile(MEDICAL_HEADER, []), fileName: 'x.csv', source: 'weather', period: '2026-05' });
    expect(badSource.status).toBe(400);
    const badPeriod = await upload(server, county, { buffer: csvFile(MEDICAL_HEADER, []), fileName: 'x.csv', source: 'medical', period: '2026-Q2' });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error.message).toContain('期次');
  });

  it('progress fields: rows read and bytes of the file', async () => {
    const many = people(7, 3000);
    const buffer = csvFile(MEDICAL_HEADER, many.map((p, i) => medicalRow(p, i % 2 ? 100 : 20000, '鹿城镇', '示范村')));
    const up = await upload(server, county, { buffer, fileName: 'big.csv', source: 'medical', period: '2026-04' });
    expect(up.body).toMatchObject({ state: 'reading', totalBytes: buffer.length });
    const done = await waitForImport(server, county, up.body.importId);
    expect(done).toMatchObject({ state: 'ready', rowsRead: 3000, totalBytes: buffer.length, bytesRead: buffer.length, percent: 100 });
    expect(done.summary.leadsNew).toBe(1500);
    const list = await server.request('GET', `/api/v1/counties/${COUNTY}/imports`, { token: county });
    expect(list.body.imports[0].importId).toBe(up.body.importId);
  });

  it('a commit is one transaction: a failure half-way leaves no lead, no history, no sequence number used', async () => {
    const [p, q] = people(9, 2);
    // a trigger that fails the second history row of this file only (the leads are already inserted then)
    const postgres = server.deps.db.engine === 'postgres';
    await server.deps.db.exec(
      postgres
        ? `CREATE FUNCTION fail_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
             IF NEW.note LIKE '%boom.csv%' AND EXISTS (SELECT 1 FROM lead_history WHERE note LIKE '%boom.csv%') THEN RAISE EXCEPTION 'boom'; END IF;
             RETURN NEW;
           END $$;
           CREATE TRIGGER fail_boom BEFORE INSERT ON lead_history FOR EACH ROW EXECUTE FUNCTION fail_boom();`
        : `CREATE TRIGGER fail_boom BEFORE INSERT ON lead_history
      WHEN NEW.note LIKE '%boom.csv%' AND EXISTS (SELECT 1 FROM lead_history WHERE note LIKE '%boom.csv%')
      BEGIN SELECT RAISE(ABORT, 'boom'); END;`,
    );
    const dropTrigger = postgres ? 'DROP TRIGGER IF EXISTS fail_boom ON lead_history' : 'DROP TRIGGER IF EXISTS fail_boom';
    try {
      const up = await upload(server, county, { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 40000), medicalRow(q, 40000, '鹿城镇', '')]), fileName: 'boom.csv', source: 'medical', period: '2026-02' });
      expect((await waitForImport(server, county, up.body.importId)).state).toBe('ready');
      const res = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
      expect(res.status).toBe(500);
      expect(await server.deps.db.get('SELECT COUNT(*) AS n FROM leads WHERE period = ?', ['2026-02'])).toEqual({ n: 0 });
      expect(await server.deps.db.get("SELECT COUNT(*) AS n FROM lead_history WHERE note LIKE '%boom.csv%'")).toEqual({ n: 0 });
      expect(await server.deps.db.get('SELECT COUNT(*) AS n FROM lead_sequences WHERE period = ?', ['2026-02'])).toEqual({ n: 0 });
      expect((await waitForImport(server, county, up.body.importId)).state).toBe('ready');
      await server.deps.db.exec(dropTrigger);
      const retry = await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}/commit`, { token: county });
      expect(retry.status).toBe(200);
      expect(retry.body.summary).toMatchObject({ leadsNew: 2, firstLeadNo: 'XS-532301-202602-00001' });
    } finally {
      await server.deps.db.exec(dropTrigger);
    }
  });

  it('an import left reading by a previous server process reports failed (upload again)', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    await server.deps.db.run(
      `INSERT INTO imports (id, county_code, source, period, file_name, sha256, total_bytes, state, created_by, created_at)
       VALUES (?, ?, 'medical', '2026-01', 'old.xlsx', 'abc', 10, 'reading', 'demo-county', '2026-11-02T00:00:00Z')`, // within the dry-run TTL (older ones are purged)
      [id, COUNTY],
    );
    const status = await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${id}`, { token: county });
    expect(status.body).toMatchObject({ state: 'failed', error: { zh: expect.stringContaining('重新上传') } });
  });

  it('a large file is read in the background: the client sees rows and bytes grow while reading', async () => {
    const many = people(10, 40000);
    const buffer = csvFile(MEDICAL_HEADER, many.map((p, i) => medicalRow(p, i % 50 ? 100 : 20000, '鹿城镇', '示范村')));
    const up = await upload(server, county, { buffer, fileName: 'large.csv', source: 'medical', period: '2025-12' });
    expect(up.status).toBe(202);
    const seen: any[] = [];
    // The read gives the event loop a turn at every progress report (every 2,000 rows), so polls are
    // answered while it reads; the deadline only stops a hung read from hanging the suite.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${up.body.importId}`, { token: county });
      seen.push(res.body);
      if (res.body.state !== 'reading') break;
      if (Date.now() > deadline) throw new Error('the import was still reading after 60 s');
      await new Promise((r) => setImmediate(r));
    }
    const partial = seen.filter((s) => s.state === 'reading' && s.rowsRead > 0);
    expect(partial.length).toBeGreaterThan(0);
    for (const s of partial) {
      expect(s.bytesRead).toBeGreaterThan(0);
      expect(s.bytesRead).toBeLessThanOrEqual(s.totalBytes);
      expect(s.percent).toBeLessThan(100);
    }
    expect(seen.at(-1)).toMatchObject({ state: 'ready', rowsRead: 40000, percent: 100 });
    expect(seen.at(-1).summary.leadsNew).toBe(800);
  });

  it('only the county (and admin) may import; a foreign county gets 403', async () => {
    const buffer = csvFile(MEDICAL_HEADER, []);
    for (const user of ['demo-township', 'demo-village', 'demo-prefecture', 'demo-county2']) {
      const res = await upload(server, await server.login(user), { buffer, fileName: 'x.csv', source: 'medical', period: '2026-03' });
      expect([user, res.status]).toEqual([user, 403]);
    }
    const admin = await upload(server, await server.login('demo-admin'), { buffer: csvFile(MEDICAL_HEADER, [], 'admin'), fileName: 'x.csv', source: 'medical', period: '2026-03' });
    expect(admin.status).toBe(202);
    const foreignRead = await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${admin.body.importId}`, { token: await server.login('demo-county2') });
    expect(foreignRead.status).toBe(403);
    // the prefecture reads a county's imports but neither uploads (above) nor commits
    const prefecture = await server.login('demo-prefecture');
    expect((await server.request('GET', `/api/v1/counties/${COUNTY}/imports`, { token: prefecture })).status).toBe(200);
    expect((await server.request('GET', `/api/v1/counties/${COUNTY}/imports/${admin.body.importId}`, { token: prefecture })).status).toBe(200);
    expect((await server.request('POST', `/api/v1/counties/${COUNTY}/imports/${admin.body.importId}/commit`, { token: prefecture })).status).toBe(403);
  });

  it('every response matched its schema, and no ID number, name or phone reached the log', async () => {
    // one more upload carrying phones (an extra column) and a rejected row, whose reasons must not leak either
    const rng = createRng('imports-log');
    const extra = Array.from({ length: 3 }, () => ({ name: fabricateName(rng), id: fabricateIdNumber(rng, { region: COUNTY }), phone: fabricatePhone(rng) }));
    const rows = extra.map((p, i) => [...medicalRow(p, 30000, '鹿城镇', '示范村'), p.phone].map((v, j) => (i === 2 && j === 1 ? `${p.id.slice(0, 17)}?` : v)));
    const up = await upload(server, county, { buffer: csvFile([...MEDICAL_HEADER, '联系电话'], rows), fileName: `${extra[0].name}.csv`, source: 'medical', period: '2026-01' });
    expect(up.status).toBe(202);
    const done = await waitForImport(server, county, up.body.importId);
    expect(done.summary.rejectedCount).toBe(1);
    // everyone this suite imported: leads, roster people, and the extra people above
    const known = await server.deps.db.all<{ name: string; id_number: string }>('SELECT name, id_number FROM leads UNION SELECT name, id_number FROM roster_people');
    expect(known.length).toBeGreaterThan(5);
    const secrets = [...known.flatMap((k) => [k.name, k.id_number]), ...extra.flatMap((p) => [p.name, p.id, p.id.slice(0, 17), p.phone])];
    // request ids are UUIDs whose hex groups can hold 11+ digits in a row: take them out before shape checks
    const log = server.logText().replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
    expect(log).not.toContain('response does not match its schema');
    expect(log).not.toMatch(/\d{17}[\dXx]/);
    expect(log).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    expect(secrets.filter((secret) => log.includes(secret))).toEqual([]);
  });
});

describe('feed calendar', () => {
  it('warns about a missing monthly feed only after the grace days, and not once imported', async () => {
    const time = clock('2026-11-15T10:00:00Z'); // 2026-11-15 18:00 in China: 2026-10 + 15 days, still within grace
    const server = await startTestServer({ now: time.now });
    try {
      // the clock moves by days: sign in again each time (tokens expire)
      const feeds = async () => (await server.request('GET', `/api/v1/counties/${COUNTY}/feeds`, { token: await server.login('demo-county') })).body;
      const msg = '2026年10月 医保数据尚未导入';
      expect((await feeds()).missing.map((m: any) => m.message.zh)).not.toContain(msg);
      time.set('2026-11-16T02:00:00Z');
      const late = await feeds();
      expect(late).toMatchObject({ today: '2026-11-16', graceDays: 15 });
      expect(late.missing.map((m: any) => m.message.zh)).toContain(msg);
      // never imported: one reminder (the latest period), not a year of them
      expect(late.missing.filter((m: any) => m.source === 'medical')).toHaveLength(1);
      // a county policy with a longer grace period moves the warning
      const put = await server.request('PUT', `/api/v1/counties/${COUNTY}/policy`, { token: await server.login('demo-county'), body: { settings: { feedGraceDays: 20 } } });
      expect(put.status).toBe(200);
      expect((await feeds()).missing.map((m: any) => m.message.zh)).not.toContain(msg);
      time.set('2026-11-21T02:00:00Z');
      expect((await feeds()).missing.map((m: any) => m.message.zh)).toContain(msg);
      const [p] = people(8, 1);
      await importFile(server, await server.login('demo-county'), { buffer: csvFile(MEDICAL_HEADER, [medicalRow(p, 100)]), fileName: 'oct.csv', source: 'medical', period: '2026-10' });
      const after = await feeds();
      expect(after.missing.filter((m: any) => m.source === 'medical')).toEqual([]);
      expect(after.imported).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'medical', period: '2026-10' })]));
      // a township cannot read the county's feed calendar; a foreign county neither
      expect((await server.request('GET', `/api/v1/counties/${COUNTY}/feeds`, { token: await server.login('demo-township') })).status).toBe(403);
      expect((await server.request('GET', `/api/v1/counties/${COUNTY}/feeds`, { token: await server.login('demo-county2') })).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
