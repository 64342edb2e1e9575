/**
 * `ledger match` end to end in-process: real .xlsx / .csv files written with exceljs into a temp
 * folder, read by server/io/read-table, matched by ledger/matching.
 */
import ExcelJS from 'exceljs';
import { rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { idCheckChar, maskIdNumber } from '../../ledger/id-number';
import { MatchResultSchema } from '../../ledger/api/leads';
import { main } from '../../server/cli/ledger-cli';
import { makeTestDir } from '../temp-dirs';

function fakeId(n: number): string {
  const first17 = `53230119850315${String(n).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const COVERED = fakeId(11); // 低保 在保
const STOPPED = fakeId(12); // 低保 停保
const TEKUN = fakeId(13); // 特困供养 在保
const NEW1 = fakeId(14); // not on the roster
const NEW2 = fakeId(15);

let dir: string;

async function writeXlsx(name: string, rows: unknown[][], textColumns: number[] = []): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据');
  for (const row of rows) sheet.addRow(row);
  for (const c of textColumns) sheet.getColumn(c).numFmt = '@';
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    cwd: dir,
    today: '2026-11-20',
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = makeTestDir('match').dir;
  await writeXlsx('roster.xlsx', [
    ['楚雄市保障对象名册'],
    ['姓名', '身份证号', '保障类别', '乡镇（街道）', '村（社区）', '保障状态'],
    ['甲', COVERED, '低保', '鹿城镇', '太平社区', '在保'],
    ['乙', STOPPED, '低保', '鹿城镇', '太平社区', '停保'],
    ['丙', TEKUN, '特困供养', '东瓜镇', '东瓜村', '在保'],
  ], [2]);
  await writeXlsx('medical.xlsx', [
    ['2026年10月医保住院结算数据'],
    ['序号', '姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '自付金额', '医疗机构'],
    [1, '甲', COVERED, '2026-10-02', '2026-10-09', 50000, 15000, '楚雄州人民医院'],
    [2, '乙', STOPPED, '2026-10-02', '2026-10-09', 30000, 10000, '楚雄州人民医院'],
    [3, '丙', TEKUN, '2026-10-05', '2026-10-08', 3000, 800, '楚雄市人民医院'],
    [4, '丁', NEW1, '2026-10-01', '2026-10-05', 20000, 6000, '楚雄州人民医院'],
    [5, '丁', NEW1, '2026-10-20', '2026-10-28', 20000, 4000, '楚雄州人民医院'],
    [6, '戊', NEW2, '2026-10-11', '2026-10-12', 20000, 9999.99, '楚雄州人民医院'],
    [7, '己', '53230119850315001', '2026-10-11', '2026-10-12', 20000, 30000, '楚雄州人民医院'],
  ], [3]);
  writeFileSync(join(dir, 'disability.csv'), `姓名,身份证号,残疾类别,残疾等级,乡镇（街道）,村（社区）\n庚,${NEW1},肢体,二级,吕合镇,吕合村\n辛,${NEW2},视力,三级,吕合镇,吕合村\n`, 'utf8');
  writeFileSync(join(dir, 'broken.xlsx'), 'this is not a workbook');
  await writeXlsx('nothing.xlsx', [['随便'], ['一些', '内容']]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger match', () => {
  it('prints the leads with masked IDs, the excluded counts and the rejected rows; exit 0', async () => {
    const { code, out, err } = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(maskIdNumber(STOPPED));
    expect(out).not.toContain(STOPPED);
    expect(out).toContain('本月住院个人自付 10,000.00 元 ≥ 10,000 元');
    expect(out).toContain('本月住院2次，个人自付合计 10,000.00 元 ≥ 10,000 元');
    expect(out).toContain('medical.tekun_inpatient');
    expect(out).toContain('已纳入保障（在保）：1');
    expect(out).toContain('自付费用未达标准：1');
    expect(out).toMatch(/行 9：身份证号格式不正确/);
    expect(out).toContain('线索 3 条');
  });

  it('--json --show-id gives the full result (schema shared with the server)', async () => {
    const { code, out } = await cli(['match', '--source', 'medical', '--period', '202610', '--roster', 'roster.xlsx', 'medical.xlsx', '--json', '--show-id']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(() => MatchResultSchema.parse(report)).not.toThrow();
    expect(report.period).toBe('2026-10');
    expect(report.idsMasked).toBe(false);
    const byId = Object.fromEntries(report.leads.map((l: { idNumber: string; rule: string }) => [l.idNumber, l]));
    expect(Object.keys(byId).sort()).toEqual([STOPPED, TEKUN, NEW1].sort());
    expect(byId[TEKUN]).toMatchObject({ rule: 'medical.tekun_inpatient', township: '东瓜镇', placeFrom: 'roster', coverage: '特困供养' });
    expect(byId[NEW1]).toMatchObject({ rule: 'medical.high_self_paid', sourceRows: [6, 7], placeFrom: 'none' });
    expect(report.excluded).toMatchObject({ covered: 1, belowThreshold: 1 });
    expect(report.rejected).toEqual([expect.objectContaining({ row: 9, code: 'id.format' })]);
    expect(report.roster).toMatchObject({ people: 3, rowsRead: 3 });
  });

  it('reads csv and quarterly periods (2026q3 → 2026-Q3)', async () => {
    const { code, out } = await cli(['match', '--source', 'disability', '--period', '2026q3', '--roster', 'roster.xlsx', 'disability.csv', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.period).toBe('2026-Q3');
    expect(report.leads).toHaveLength(1);
    expect(report.leads[0]).toMatchObject({ name: '庚', idNumber: maskIdNumber(NEW1), township: '吕合镇', rule: 'disability.severe' });
    expect(report.excluded.notSevere).toBe(1);
  });

  it.each([
    [['match', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx'], '缺少 --source'],
    [['match', '--source', 'hospital', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx'], '未知的数据来源'],
    [['match', '--source', 'medical', '--period', '2026-Q3', '--roster', 'roster.xlsx', 'medical.xlsx'], '不适用于医保数据'],
    [['match', '--source', 'medical', '--period', '2026-10', 'medical.xlsx'], '缺少 --roster'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx'], '缺少要比对的部门数据文件'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx', '--bogus'], '未知选项'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx', '--today', '2026-02-30'], '--today 须为 YYYY-MM-DD 格式的真实日期'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'missing.xlsx'], 'missing.xlsx'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'broken.xlsx'], 'broken.xlsx'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'nothing.xlsx'], '未找到医保数据的表头'],
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', 'medical.xlsx', 'medical.xlsx'], '保障对象名册缺少必需的列：保障类别'],
    // A roster kept by household with the head's ID only: the household message (as the server says it), not “缺少姓名”.
    [['match', '--source', 'medical', '--period', '2026-10', '--roster', join(__dirname, '..', 'fixtures', 'matching', 'roster-household-heads-only.xlsx'), 'medical.xlsx'], '保障对象名册按户登记，但无法确定每位家庭成员的身份证号：请每位成员一行'],
  ])('bad usage or unreadable input → exit 2 with one Chinese line, no stack trace (%#)', async (args, expected) => {
    const { code, out, err } = await cli(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(expected);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).not.toMatch(/\n\s+at /);
    expect(err.startsWith('错误：')).toBe(true);
  });

  it('a workbook with several sheets (one per hospital) is matched as the server imports it: every sheet with the header, people added up across them, 说明 and a 汇总 beside them left out and named; --sheet matches one', async () => {
    const workbook = new ExcelJS.Workbook();
    const add = (name: string, rows: unknown[][]) => {
      const sheet = workbook.addWorksheet(name);
      sheet.getColumn(2).numFmt = '@';
      rows.forEach((row) => sheet.addRow(row));
    };
    const header = ['姓名', '身份证号', '出院日期', '个人自付费用'];
    add('说明', [['本表为各医院2026年10月住院结算']]);
    add('州医院', [header, ['丁', NEW1, '2026-10-05', 20000], ['戊', NEW2, '2026-10-06', 6000]]);
    add('市医院', [header, ['戊', NEW2, '2026-10-20', 5000]]);
    // the county's total repeats everyone: read with them, 戊 would count 22,000
    add('全县汇总', [header, ['丁', NEW1, '', 20000], ['戊', NEW2, '', 11000]]);
    await workbook.xlsx.writeFile(join(dir, 'hospitals.xlsx'));
    const all = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'hospitals.xlsx', '--json', '--show-id']);
    expect(all.code).toBe(0);
    const report = JSON.parse(all.out);
    expect(report.sheets).toEqual(['州医院', '市医院']);
    expect(report.skippedSheets.map((s: { name: string }) => s.name)).toEqual(['说明', '全县汇总']);
    const leads = new Map(report.leads.map((lead: { idNumber: string; sourceSheets?: string[] }) => [lead.idNumber, lead]));
    // 6,000 + 5,000 in two hospitals: over the line together (the CLI matched the first sheet only and missed 戊)
    expect(leads.get(NEW2)).toMatchObject({ sourceSheets: ['州医院', '市医院'] });
    expect(leads.get(NEW1)).toMatchObject({ sourceSheets: ['州医院'] });
    const text = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'hospitals.xlsx']);
    expect(text.out).toContain('工作表：州医院、市医院');
    expect(text.out).toMatch(/未读取的工作表：“说明”（.*）；“全县汇总”（按名称为汇总表.*）/);
    const one = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'hospitals.xlsx', '--sheet', '市医院', '--json', '--show-id']);
    const single = JSON.parse(one.out);
    expect(single.sheets).toEqual(['市医院']);
    expect(single.leads).toEqual([]); // 5,000 alone is under the line
  });

  it('a workbook whose sheet has ID numbers under a header that cannot be read is refused naming the sheet, in one line', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('住院').addRows([['姓名', '身份证号', '出院日期', '个人自付费用'], ['丁', NEW1, '2026-10-05', 20000]]);
    workbook.addWorksheet('门诊').addRows([['姓名', '身份证号', '就诊日期'], ['戊', NEW2, '2026-10-06']]);
    await workbook.xlsx.writeFile(join(dir, 'no-amount.xlsx'));
    const { code, err } = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'no-amount.xlsx']);
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^错误：no-amount\.xlsx：工作表“门诊”有身份证号列，但无法读取/);
  });

  it('rows rejected for the same reason are said once with their row numbers (a column of Excel-damaged IDs is one paragraph); --json keeps every row', async () => {
    const rows = ['姓名,身份证号,出院日期,个人自付费用'];
    for (let i = 0; i < 60; i++) rows.push(`人员${i},${i % 3 === 0 ? '5323011980' : '5.32301198001011E+17'},2026-10-01,20000`);
    writeFileSync(join(dir, 'damaged.csv'), `${rows.join('\n')}\n`, 'utf8');
    const { code, out } = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'damaged.csv']);
    expect(code).toBe(0);
    expect(out).toContain('被拒绝的行 60 行');
    const excel = out.split('\n').filter((line) => line.includes('Excel只保留15位有效数字'));
    expect(excel).toHaveLength(1);
    expect(excel[0]).toMatch(/^ {2}行 3、4、6、7、9(、\d+){15} 等（共 40 行）：身份证号被Excel存成了数字/);
    const short = out.split('\n').filter((line) => line.includes('位数不足'));
    expect(short).toEqual([expect.stringMatching(/^ {2}行 2、5、8(、\d+){17}（共 20 行）：/)]);
    const json = JSON.parse((await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'damaged.csv', '--json'])).out);
    expect(json.rejected).toHaveLength(60);
  });

  it('an ID the file and the roster give to two different names: the county officer sees both names on the lead, and why it is flagged', async () => {
    const fixtures = join(__dirname, '..', 'fixtures', 'matching');
    const { code, out } = await cli(['match', '--source', 'medical', '--period', '2026-10', '--roster', join(fixtures, 'roster-statuses.xlsx'), join(fixtures, 'medical-name-mismatch.xlsx')]);
    expect(code).toBe(0);
    expect(out).toMatch(/陈文件（名册中该身份证号为“冯名册”）　532301\*{8}\d{3}0　/);
    expect(out).toContain('行 3：文件中的姓名与保障对象名册中该身份证号的姓名不一致');
    // The damaged ID on nobody's roster row: its lead stands, with the Excel hint among the rows to check.
    expect(out).toMatch(/蔡孤号　532301/);
    expect(out).toContain('行 5：身份证号末三位是000');
  });

  it('--policy: the county’s own threshold and roster statuses, as settings or as the server’s saved answer; a wrong file is one clear line', async () => {
    const base = ['match', '--source', 'medical', '--period', '2026-10', '--roster', 'roster.xlsx', 'medical.xlsx', '--json', '--show-id'];
    const defaults = JSON.parse((await cli(base)).out);
    // 戊's 9,999.99 stays under the prefecture's 10,000 line …
    expect(defaults.leads.map((lead: { idNumber: string }) => lead.idNumber)).not.toContain(NEW2);
    // … and is over a county's 8,000 line
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ matching: { medicalSelfPaidMin: 8000 } }), 'utf8');
    const county = JSON.parse((await cli([...base, '--policy', 'policy.json'])).out);
    expect(county.leads.map((lead: { idNumber: string }) => lead.idNumber)).toContain(NEW2);
    // the server's GET /counties/{code}/policy answer saved as is, with a BOM as Notepad writes it:
    // a county where only 特困供养 counts as covered makes 甲 (低保, 在保) a lead
    const answer = { year: 2026, policy: { matching: { medicalSelfPaidMin: 8000, coveredCategories: ['特困供养'] } }, overrides: {} };
    writeFileSync(join(dir, 'answer.json'), `\uFEFF${JSON.stringify(answer)}`, 'utf8');
    const saved = JSON.parse((await cli([...base, '--policy', 'answer.json'])).out);
    expect(saved.leads.map((lead: { idNumber: string }) => lead.idNumber)).toContain(NEW2);
    expect(defaults.leads.map((lead: { idNumber: string }) => lead.idNumber)).not.toContain(COVERED);
    expect(saved.leads.map((lead: { idNumber: string }) => lead.idNumber)).toContain(COVERED);

    writeFileSync(join(dir, 'misspelt.json'), JSON.stringify({ matching: { medicalSelfPaidMln: 8000 } }), 'utf8');
    const misspelt = await cli([...base.slice(0, -2), '--policy', 'misspelt.json']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.out).toBe('');
    expect(misspelt.err.trim().split('\n')).toHaveLength(1);
    expect(misspelt.err).toContain('政策参数文件 misspelt.json 有误：matching.medicalSelfPaidMln：未知的政策参数');
    writeFileSync(join(dir, 'broken.json'), '{ matching: 8000 ', 'utf8');
    const broken = await cli([...base.slice(0, -2), '--policy', 'broken.json']);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^错误：政策参数文件 broken\.json 不是有效的 JSON/);
    const missing = await cli([...base.slice(0, -2), '--policy', 'nowhere.json']);
    expect(missing.err).toMatch(/^错误：找不到政策参数文件：nowhere\.json/);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await cli(['match', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('ledger match --source');
  });
});
