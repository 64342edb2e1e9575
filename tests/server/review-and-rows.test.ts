/**
 * The two routes the 审核 and 汇总 panes added: a submitted month's findings (re-checked frozen
 * rows, scoped to the village's ancestors) and the consolidated rows as JSON pages (the same cells
 * as the CSV download, masked by role, paged by cursor, every page audited).
 */
import { randomUUID } from 'crypto';
import { csvField } from '../../ledger/reports/export';
import { PendingSubmissionsResponseSchema, SubmissionFindingsResponseSchema } from '../../ledger/api/submissions';
import { ConsolidatedRowsResponseSchema, type ConsolidatedRowsResponse } from '../../ledger/api/reports';
import { upgradeLegacy15 } from '../../ledger/id-number';
import { DEFAULT_POLICY } from '../../ledger/policy';
import type { Finding } from '../../ledger/types';
import { checkRows } from '../../server/ledger/revalidate';
import { maskedFinding } from '../../server/ledger/routes';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201'; // 示范村, 鹿城镇
const TOWNSHIP = '532301101';
const MONTH = '2026-10';
const FULL_ID = /\d{17}[\dX]/;

describe('GET /ledgers/{village}/submissions/{month}/findings', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-township', 'demo-township2', 'demo-county']) tokens[user] = await server.login(user);
    // one row with a warning (老人 is a synonym of 老年人: kept, flagged) so the month has findings
    const rows = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=1`, { token: tokens['demo-village'] });
    const first = rows.body.rows[0];
    const synced = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token: tokens['demo-village'],
      body: { clientId: 'review-test', requestId: randomUUID(), changes: [{ rowId: first.rowId, baseVersion: first.version, values: { categories: ['老人'] } }] },
    });
    expect(synced.status).toBe(200);
    const submitted = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: tokens['demo-village'], body: { month: MONTH } });
    expect(submitted.status).toBe(201);
  });
  afterAll(() => server.close());

  it('lists the frozen rows that have findings: the same rows the live ledger counts warnings on', async () => {
    const live = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token: tokens['demo-township'] });
    const withFindings = live.body.rows.filter((row: { errors: number; warnings: number }) => row.errors + row.warnings > 0).map((row: { rowId: string }) => row.rowId);
    const res = await server.json(SubmissionFindingsResponseSchema, 'GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens['demo-township'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ villageCode: VILLAGE, month: MONTH, revision: 1, rowCount: live.body.total, findingsTruncated: false });
    expect(withFindings.length).toBeGreaterThan(0); // the demo ledger has rows with warnings
    expect(res.body.findings.map((entry) => entry.rowId).sort()).toEqual([...withFindings].sort());
    expect(res.body.findingCounts.rows).toBe(withFindings.length);
    // a submitted month has no errors (they refuse the submission)
    expect(res.body.findingCounts.errors).toBe(0);
    expect(JSON.stringify(res.body)).not.toMatch(FULL_ID);
  });

  it('every read is audited: who (user, role, unit), the village, month, revision and counts — never a finding’s text', async () => {
    const before = await server.deps.db.all<{ id: number }>("SELECT id FROM audit_log WHERE action = 'ledger.submission_findings.read'");
    const res = await server.json(SubmissionFindingsResponseSchema, 'GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens['demo-county'] });
    const entries = await server.deps.db.all<{ user: string; role: string; unit: string; target: string; detail: string }>(
      "SELECT user, role, unit, target, detail FROM audit_log WHERE action = 'ledger.submission_findings.read' ORDER BY id",
    );
    const added = entries.slice(before.length);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ user: 'demo-county', role: 'county', unit: '532301', target: VILLAGE });
    // the county sees phones in full (ID numbers masked): the entry says so
    expect(JSON.parse(added[0].detail)).toEqual({ month: MONTH, revision: 1, rows: res.body.rowCount, findingRows: res.body.findingCounts.rows, unmasked: 'phone' });
    // a refused read (another township) leaves no entry: nothing was read
    await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens['demo-township2'] });
    const after = await server.deps.db.all<{ id: number }>("SELECT id FROM audit_log WHERE action = 'ledger.submission_findings.read'");
    expect(after).toHaveLength(before.length + 1);
  });

  it('is scoped: another township gets 403, an unsubmitted month 404', async () => {
    const other = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens['demo-township2'] });
    expect(other.status).toBe(403);
    const county = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens['demo-county'] });
    expect(county.status).toBe(200);
    const none = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/2026-09/findings`, { token: tokens['demo-township'] });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('submission_not_found');
  });
});

/** A run of 15 or more digits (half- or full-width): an ID number, whole or nearly. */
const ID_LIKE_RUN = /[0-9０-９]{15,}/;

describe('findings name no full ID number to units that see IDs masked', () => {
  const LEGACY = '532301800102123';
  const FULL_WIDTH = '５３２３０１１９８００１０１１２３３';
  const FULL_WIDTH_AS_TYPED = '532301198001011233';
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-township', 'demo-county']) tokens[user] = await server.login(user);
    const row = (n: number, idNumber: string) => ({
      rowId: `6f1c2a9e-3b7d-4c55-9a01-2f6e8d4b7c1${n}`,
      baseVersion: 0,
      values: { name: `测试${n}`, idNumber, categories: ['老年人'], channel: '入户走访', foundOn: '2026-10-05' },
    });
    const synced = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token: tokens['demo-village'],
      body: { clientId: 'findings-mask', requestId: randomUUID(), cursor: 0, changes: [row(1, LEGACY), row(2, FULL_WIDTH)] },
    });
    expect(synced.status).toBe(200);
    const submitted = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: tokens['demo-village'], body: { month: MONTH } });
    expect(submitted.status).toBe(201);
  });
  afterAll(() => server.close());

  const findingsOf = async (user: string) => {
    const res = await server.json(SubmissionFindingsResponseSchema, 'GET', `/api/v1/ledgers/${VILLAGE}/submissions/${MONTH}/findings`, { token: tokens[user] });
    expect(res.status).toBe(200);
    const byCode = (code: string) => res.body.findings.flatMap((entry) => entry.findings).find((finding) => finding.code === code);
    return { text: JSON.stringify(res.body), legacy: byCode('id.legacy15'), retyped: byCode('cell.retyped') };
  };

  it('township and county: the 15-digit and the full-width row are listed, with no ID-like run anywhere and no fix', async () => {
    for (const user of ['demo-township', 'demo-county']) {
      const { text, legacy, retyped } = await findingsOf(user);
      expect(legacy).toBeDefined();
      expect(retyped).toBeDefined();
      expect(text).not.toMatch(ID_LIKE_RUN);
      expect(text).not.toContain(upgradeLegacy15(LEGACY));
      expect(legacy?.fix).toBeUndefined();
      expect(retyped?.fix).toBeUndefined();
      expect(legacy?.hint).toContain('532301********');
    }
  });

  it('the village itself still gets the numbers and the fixes', async () => {
    const { legacy, retyped } = await findingsOf('demo-village');
    expect(legacy?.fix).toBe(upgradeLegacy15(LEGACY));
    expect(legacy?.hint).toContain(upgradeLegacy15(LEGACY));
    expect(retyped?.fix).toBe(FULL_WIDTH_AS_TYPED);
  });

  it('maskedFinding: short and Excel-mangled numbers masked in the texts, phones by role', () => {
    const [shortId, excelId, phoneWords] = checkRows(
      [{ idNumber: '５３２３０１１９８００１０２' }, { idNumber: 532301197209181000 }, { phone: '13812345678（儿子）' }],
      '2026-10-31',
      DEFAULT_POLICY,
    ).map((check) => check.findings);
    const idFindings = [...shortId, ...excelId].filter((finding) => finding.key === 'idNumber');
    expect(idFindings.map((finding) => finding.code)).toEqual(expect.arrayContaining(['id.format', 'id.excel_number']));
    const texts = (finding: Finding) => [finding.message, finding.hint, finding.en.message, finding.en.hint].join('\n');
    expect(idFindings.map(texts).join('\n')).toMatch(/[0-9０-９]{14}/); // as the village reads them
    for (const finding of idFindings) {
      const masked = maskedFinding(finding, { masked: true, phonesMasked: false });
      expect(texts(masked)).not.toMatch(/[0-9０-９]{7,}/);
      expect(masked.fix).toBeUndefined();
    }
    const words = phoneWords.find((finding) => finding.code === 'phone.format');
    expect(words?.fix).toBe('13812345678');
    // township and county see phones: the finding is theirs as it is; prefecture and admin do not
    expect(maskedFinding(words!, { masked: true, phonesMasked: false })).toEqual(words);
    const oversight = maskedFinding(words!, { masked: true, phonesMasked: true });
    expect(texts(oversight)).not.toContain('13812345678');
    expect(oversight.message).toContain('138****5678');
    expect(oversight.fix).toBeUndefined();
    // the village's own view leaves everything as it is
    for (const finding of [...idFindings, words!]) expect(maskedFinding(finding, { masked: false, phonesMasked: false })).toBe(finding);
  });
});

describe('GET /exports/consolidated-rows', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-township', 'demo-county', 'demo-county2']) tokens[user] = await server.login(user);
  });
  afterAll(() => server.close());

  async function allPages(user: string, unit: string, limit: number): Promise<ConsolidatedRowsResponse[]> {
    const pages: ConsolidatedRowsResponse[] = [];
    let after: string | null = null;
    do {
      const query: string = `unit=${unit}&limit=${limit}${after ? `&after=${after}` : ''}`;
      const res = await server.json(ConsolidatedRowsResponseSchema, 'GET', `/api/v1/exports/consolidated-rows?${query}`, { token: tokens[user] });
      expect(res.status).toBe(200);
      pages.push(res.body);
      after = res.body.next;
    } while (after !== null && pages.length < 1000);
    return pages;
  }

  async function csvLines(user: string, unit: string): Promise<string[]> {
    const res = await fetch(`${server.baseUrl}/api/v1/exports/consolidated.csv?unit=${unit}&month=${MONTH}`, { headers: { authorization: `Bearer ${tokens[user]}` } });
    expect(res.status).toBe(200);
    return (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
  }

  it('pages hold exactly the CSV download’s cells, numbered on across pages, ending with next = null', async () => {
    const pages = await allPages('demo-county', '532301', 4);
    const csv = await csvLines('demo-county', '532301');
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.slice(0, -1).every((page) => page.rows.length === 4)).toBe(true);
    const rows = pages.flatMap((page) => page.rows);
    expect(csv[0]).toBe(pages[0].columns.map(csvField).join(','));
    expect(rows.map((row) => row.map(csvField).join(','))).toEqual(csv.slice(1));
    expect(rows.map((row) => row[0])).toEqual(rows.map((_, i) => i + 1)); // 序号 goes on across pages
    // progress: villages done never goes back and reaches all of them on the last page
    const done = pages.map((page) => page.progress.villagesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done[done.length - 1]).toBe(pages[0].progress.villages);
    expect(pages.every((page) => page.masked)).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(FULL_ID);
  });

  it('every page is audited with its row count', async () => {
    // a file leaving the system: phones masked with the ID numbers for the township (exportViewOf)
    const before = await server.deps.db.all<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'export.consolidated' AND target = '532301101'");
    const pages = await allPages('demo-township', TOWNSHIP, 5);
    const after = await server.deps.db.all<{ user: string; detail: string }>("SELECT user, detail FROM audit_log WHERE action = 'export.consolidated' AND target = '532301101'");
    const added = after.slice(before.length);
    expect(added).toHaveLength(pages.length);
    expect(added.every((entry) => entry.user === 'demo-township')).toBe(true);
    expect(added.map((entry) => JSON.parse(entry.detail).rows)).toEqual(pages.map((page) => page.rows.length));
    expect(added.every((entry) => JSON.parse(entry.detail).unmasked === undefined && JSON.parse(entry.detail).masked === true)).toBe(true);
    const text = JSON.stringify(pages.map((page) => page.rows));
    expect(text).toMatch(/1\d{2}\*{4}\d{4}/); // the demo villages' phones are there, masked
    expect(text).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
  });

  it('a village reading its own rows gets full ID numbers (audited as unmasked)', async () => {
    const pages = await allPages('demo-village', VILLAGE, 500);
    expect(pages[0].masked).toBe(false);
    expect(JSON.stringify(pages[0].rows)).toMatch(FULL_ID);
    const audit = await server.deps.db.all<{ user: string }>("SELECT user FROM audit_log WHERE action = 'export.consolidated.unmasked' AND target = ?", [VILLAGE]);
    expect(audit.map((entry) => entry.user)).toContain('demo-village');
  });

  it('refuses another county (403), an unreadable cursor and a limit past the maximum (400)', async () => {
    const other = await server.request('GET', '/api/v1/exports/consolidated-rows?unit=532301', { token: tokens['demo-county2'] });
    expect(other.status).toBe(403);
    const cursor = await server.request('GET', '/api/v1/exports/consolidated-rows?unit=532301&after=abc', { token: tokens['demo-county'] });
    expect(cursor.status).toBe(400);
    expect(JSON.stringify(cursor.body)).toContain('续读位置无法识别');
    const limit = await server.request('GET', '/api/v1/exports/consolidated-rows?unit=532301&limit=100000', { token: tokens['demo-county'] });
    expect(limit.status).toBe(400);
  });
});

describe('GET /units/{code}/submissions/pending — the review queue across months', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const queue = async (user: string, unit: string) => {
    const res = await server.json(PendingSubmissionsResponseSchema, 'GET', `/api/v1/units/${unit}/submissions/pending`, { token: tokens[user] });
    expect(res.status).toBe(200);
    return res.body.pending.map((entry) => `${entry.month} ${entry.villageName} r${entry.revision}`);
  };
  const submit = async (user: string, village: string, month: string) => {
    const res = await server.request('POST', `/api/v1/ledgers/${village}/submissions`, { token: tokens[user], body: { month } });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    server = await startTestServer();
    for (const user of ['demo-village', 'demo-village2', 'demo-township', 'demo-township2', 'demo-county', 'demo-county2']) tokens[user] = await server.login(user);
    // submitted out of month order: the queue goes by month, not by when it arrived
    await submit('demo-village', VILLAGE, '2026-10');
    await submit('demo-village', VILLAGE, '2026-08');
    await submit('demo-village2', '532301102201', '2026-09');
  });
  afterAll(() => server.close());

  it('lists every waiting month of the subtree, oldest month first, with the village and its township', async () => {
    expect(await queue('demo-county', '532301')).toEqual(['2026-08 示范村 r1', '2026-09 东瓜示例村 r1', '2026-10 示范村 r1']);
    expect(await queue('demo-township', TOWNSHIP)).toEqual(['2026-08 示范村 r1', '2026-10 示范村 r1']);
    expect(await queue('demo-township2', '532301102')).toEqual(['2026-09 东瓜示例村 r1']);
    const full = await server.json(PendingSubmissionsResponseSchema, 'GET', `/api/v1/units/${TOWNSHIP}/submissions/pending`, { token: tokens['demo-township'] });
    expect(full.body.pending[0]).toMatchObject({ villageCode: VILLAGE, townshipCode: TOWNSHIP, townshipName: '鹿城镇', submittedBy: 'demo-village' });
    expect(full.body.pending[0].rowCount).toBeGreaterThan(0);
  });

  it('a decided month leaves the queue; resubmitted after a return it comes back as the next revision', async () => {
    const approved = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions/2026-10/approve`, { token: tokens['demo-township'], body: {} });
    expect(approved.status).toBe(200);
    const returned = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions/2026-08/return`, { token: tokens['demo-township'], body: { reason: '请补充核实日期' } });
    expect(returned.status).toBe(200);
    expect(await queue('demo-township', TOWNSHIP)).toEqual([]);
    await submit('demo-village', VILLAGE, '2026-08');
    expect(await queue('demo-township', TOWNSHIP)).toEqual(['2026-08 示范村 r2']);
  });

  it('is scoped: another county gets 403; the answer holds no personal data', async () => {
    expect((await server.request('GET', '/api/v1/units/532301/submissions/pending', { token: tokens['demo-county2'] })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/units/${TOWNSHIP}/submissions/pending`, { token: tokens['demo-township2'] })).status).toBe(403);
    const res = await server.request('GET', '/api/v1/units/532301/submissions/pending', { token: tokens['demo-county'] });
    expect(res.text).not.toMatch(FULL_ID);
  });
});
