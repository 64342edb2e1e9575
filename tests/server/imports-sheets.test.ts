/**
 * Workbooks of several sheets through the county import (real server; SQLite, and PostgreSQL with
 * .ci/test-pg.sh): a 医保 workbook with one sheet per hospital is read whole — every sheet with the
 * 医保 header, each with its own columns, rows numbered per sheet and saying their sheet; 说明 and
 * 汇总 (no ID column) skipped and named in the summary; a 汇总 sheet with the header beside detail
 * sheets left out (it counts everyone twice), read when it alone holds the data; a workbook without the header anywhere
 * refused naming the expected columns; the row cap counts the whole workbook. The server read the
 * first sheet only: everyone on the other sheets was missed without a word.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { maskIdNumber } from '../../ledger/id-number';
import { manySheetRowsBomb } from '../../bench/zip-bombs';
import { P } from '../fixtures/matching/corpus';
import { startTestServer, type TestServer } from './helpers';
import { MEDICAL_HEADER, ROSTER_HEADER, clock, importFile, medicalRow, people, upload, waitForImport, xlsxFile } from './leads-helpers';

jest.setTimeout(120_000);

const CORPUS_DIR = join(__dirname, '..', 'fixtures', 'matching');
/** A low row cap for this suite's server, so a bomb spread over sheets stays small. */
const MAX_ROWS = 10_000;

/** An xlsx of these sheets (name → rows), ID columns as text. */
async function workbook(sheets: [string, (string | number)[][]][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('imports of workbooks with several sheets', () => {
  let server: TestServer;
  let county: string;
  const time = clock('2026-11-02T02:00:00Z');

  beforeAll(async () => {
    server = await startTestServer({ now: time.now, config: { readLimits: { maxRows: MAX_ROWS } } });
    county = await server.login('demo-county');
  });
  afterAll(() => server?.close());

  it('a 医保 workbook with two hospital sheets of different shapes and a 说明 sheet: people of both sheets matched, added up across them, leads of the second sheet created, the skipped sheets named', async () => {
    const buffer = readFileSync(join(CORPUS_DIR, 'medical-hospital-sheets.xlsx'));
    const { dryRun, committed } = await importFile(server, county, { buffer, fileName: 'hospitals.xlsx', source: 'medical', period: '2026-10' });
    const summary = dryRun.summary;
    expect(summary.sheets).toEqual(['州医院', '住院2']);
    expect(summary.skippedSheets.map((s: { name: string }) => s.name)).toEqual(['说明', '汇总']);
    expect(summary.skippedSheets[0].reason.zh).toMatch(/未找到.*表头.*身份证号/);
    // 2 rows on 州医院, 3 on 住院2
    expect(summary.rowsRead).toBe(5);
    const byId = new Map<string, { sourceRows: number[]; sourceSheets?: string[] }>(summary.preview.map((lead: { idNumber: string }) => [lead.idNumber, lead]));
    expect([...byId.keys()].sort()).toEqual([P.hospitalA.id, P.hospitalB.id, P.bothHospitals.id].map(maskIdNumber).sort());
    expect(byId.get(maskIdNumber(P.hospitalA.id))).toMatchObject({ sourceRows: [3], sourceSheets: ['州医院'] });
    // The second sheet: ID first, 个人自付 + 个人自费 parts instead of a total, no title row.
    expect(byId.get(maskIdNumber(P.hospitalB.id))).toMatchObject({ sourceRows: [2], sourceSheets: ['住院2'] });
    // 6,000 in one hospital and 5,000 in the other: below the threshold in each, over it together.
    expect(byId.get(maskIdNumber(P.bothHospitals.id))).toMatchObject({ sourceRows: [4, 3], sourceSheets: ['州医院', '住院2'] });
    expect(summary.rejected).toEqual([expect.objectContaining({ row: 4, sheet: '住院2', code: 'id.checksum' })]);
    expect(summary.leadsNew).toBe(3);
    expect(committed.summary.leadsNew).toBe(3);
    const leads = await server.deps.db.all<{ id_number: string }>('SELECT id_number FROM leads WHERE county_code = ? AND id_number IN (?, ?, ?)', [
      '532301', P.hospitalA.id, P.hospitalB.id, P.bothHospitals.id,
    ]);
    expect(leads.map((l) => l.id_number).sort()).toEqual([P.hospitalA.id, P.hospitalB.id, P.bothHospitals.id].sort());
  });

  it('a sheet with ID numbers whose header lacks a required column refuses the file, naming the sheet; a workbook without the header anywhere is refused naming the expected columns', async () => {
    const [a, b] = people(301, 2);
    const withoutAmount = await workbook([
      ['住院', [MEDICAL_HEADER, medicalRow(a, 15000, '鹿城镇', '示范村', 5)]],
      ['门诊', [['姓名', '身份证号', '就诊日期'], [b.name, b.id, '2026-10-06']]],
    ]);
    const up = await upload(server, county, { buffer: withoutAmount, fileName: 'no-amount.xlsx', source: 'medical', period: '2026-09' });
    const failed = await waitForImport(server, county, up.body.importId);
    expect(failed.state).toBe('failed');
    expect(failed.summary.error.zh).toMatch(/^工作表“门诊”有身份证号列，但无法读取：.*缺少必需的列/);

    const noHeader = await workbook([
      ['说明', [['本表为2026年10月住院结算'], ['单位：元']]],
      ['汇总', [['医院', '人次', '合计'], ['楚雄州人民医院', 2, 21000]]],
    ]);
    const none = await upload(server, county, { buffer: noHeader, fileName: 'no-header.xlsx', source: 'medical', period: '2026-08' });
    const refused = await waitForImport(server, county, none.body.importId);
    expect(refused.state).toBe('failed');
    expect(refused.summary.error.zh).toMatch(/no-header\.xlsx 的工作表 “说明”、“汇总” 中都没有找到所需的表头：未找到.*表头.*“姓名”“身份证号”/);
  });

  it('a 汇总 sheet with the same header as the detail sheets is not read beside them (its people would count twice); read when it is the only sheet with data', async () => {
    const [under, over, alone] = people(331, 3);
    const withSummary = await workbook([
      ['住院', [MEDICAL_HEADER, medicalRow(under, 6000, '鹿城镇', '示范村'), medicalRow(over, 15000, '鹿城镇', '示范村')]],
      // the county's total sheet repeats everyone: read with 住院, 6,000 would become 12,000 and a wrong lead
      ['全县汇总', [MEDICAL_HEADER, medicalRow(under, 6000, '鹿城镇', '示范村'), medicalRow(over, 15000, '鹿城镇', '示范村')]],
    ]);
    const { dryRun } = await importFile(server, county, { buffer: withSummary, fileName: 'with-summary.xlsx', source: 'medical', period: '2026-05' });
    expect(dryRun.summary.sheets).toEqual(['住院']);
    expect(dryRun.summary.skippedSheets).toEqual([{ name: '全县汇总', reason: expect.objectContaining({ zh: expect.stringMatching(/汇总表.*为免重复计算未读取.*请改名/) }) }]);
    expect(dryRun.summary.rowsRead).toBe(2);
    expect(dryRun.summary.preview.map((lead: { idNumber: string }) => lead.idNumber)).toEqual([maskIdNumber(over.id)]);

    const onlySummary = await workbook([
      ['说明', [['本表为2026年4月住院结算']]],
      ['汇总', [MEDICAL_HEADER, medicalRow(alone, 15000, '鹿城镇', '示范村')]],
    ]);
    const only = await importFile(server, county, { buffer: onlySummary, fileName: 'only-summary.xlsx', source: 'medical', period: '2026-04' });
    expect(only.dryRun.summary.sheets).toEqual(['汇总']);
    expect(only.dryRun.summary.skippedSheets.map((s: { name: string }) => s.name)).toEqual(['说明']);
    expect(only.dryRun.summary.preview.map((lead: { idNumber: string }) => lead.idNumber)).toEqual([maskIdNumber(alone.id)]);
  });

  it('the row cap counts the whole workbook: a bomb spread over many sheets, each under the cap, is refused', async () => {
    const up = await upload(server, county, { buffer: await manySheetRowsBomb(12, 1000), fileName: 'sheets-bomb.xlsx', source: 'medical', period: '2026-07' });
    const done = await waitForImport(server, county, up.body.importId);
    expect(done.state).toBe('failed');
    expect(done.summary.error.zh).toMatch(/超出读取上限.*各工作表合计行数超过上限 10000 行.*IMPORT_MAX_ROWS/);
  });

  it('an ordinary one-sheet import is unchanged: no sheet names in the summary, the rows or the leads', async () => {
    const [a, b] = people(311, 2);
    const rows = [medicalRow(a, 15000, '鹿城镇', '示范村'), [b.name, `${b.id.slice(0, 17)}${b.id[17] === '1' ? '2' : '1'}`, '', '', '0', '12000', '', '', '']];
    const { dryRun } = await importFile(server, county, { buffer: await xlsxFile(MEDICAL_HEADER, rows, '2026年6月住院结算'), fileName: 'one.xlsx', source: 'medical', period: '2026-06' });
    expect(dryRun.summary).not.toHaveProperty('sheets');
    expect(dryRun.summary).not.toHaveProperty('skippedSheets');
    expect(dryRun.summary.rowsRead).toBe(2);
    expect(dryRun.summary.rejected).toEqual([{ row: 4, code: 'id.checksum', message: expect.any(String), en: expect.any(String) }]);
    expect(dryRun.summary.preview).toHaveLength(1);
    expect(dryRun.summary.preview[0]).toMatchObject({ idNumber: maskIdNumber(a.id), sourceRows: [3] });
    expect(dryRun.summary.preview[0]).not.toHaveProperty('sourceSheets');
  });

  it('a roster workbook with one sheet per township: people of every sheet read, rejected rows say their sheet, 说明 skipped', async () => {
    const [a, b, c] = people(321, 3);
    const buffer = await workbook([
      ['说明', [['保障对象名册，每个乡镇一张表']]],
      ['鹿城镇', [ROSTER_HEADER, [a.name, a.id, '低保', '鹿城镇', '示范村', '在保']]],
      ['东瓜镇', [['保障类别', '姓名', '身份证号', '乡镇（街道）'], ['特困人员', b.name, b.id, '东瓜镇'], ['低保', c.name, `${c.id.slice(0, 17)}${c.id[17] === '1' ? '2' : '1'}`, '东瓜镇']]],
    ]);
    const up = await upload(server, county, { buffer, fileName: 'roster.xlsx', source: 'roster' });
    const dry = await waitForImport(server, county, up.body.importId);
    expect(dry.state).toBe('ready');
    expect(dry.summary).toMatchObject({ rowsRead: 3, rosterPeople: 2, rejectedCount: 1, sheets: ['鹿城镇', '东瓜镇'] });
    expect(dry.summary.skippedSheets.map((s: { name: string }) => s.name)).toEqual(['说明']);
    expect(dry.summary.rejected).toEqual([expect.objectContaining({ row: 3, sheet: '东瓜镇', code: 'id.checksum' })]);
  });
});
