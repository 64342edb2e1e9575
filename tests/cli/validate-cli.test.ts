/**
 * `ledger validate` on real .xlsx / .csv files written to a temporary folder: in-process through
 * main(argv, io), and once through the built bin (bin/ledger.js → dist/).
 */
import { spawnSync } from 'child_process';
import { existsSync, writeFileSync } from 'fs';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { LEDGER_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { idCheckChar } from '../../ledger/id-number';
import { main, registerCommand, type CliIO } from '../../server/cli/ledger-cli';
import { createRng, fabricateLedgerValues, ledgerValuesToCells } from '../../server/seed/fabricate';
import { encodeGbk, toCsv } from '../io/helpers';
import { makeTestDir } from '../temp-dirs';

const ROOT = join(__dirname, '..', '..');
const TODAY = '2026-10-31';
const tmp = makeTestDir('cli');
afterAll(() => tmp.remove());

const HEADERS = LEDGER_COLUMNS.map((c) => c.header);
const col = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key);
const letter = (key: string) => String.fromCharCode(65 + col(key));

/** Clean fabricated rows (all verified, so no deadline warnings unless a test adds them). */
function cleanRows(count: number, seed = 11): (string | number)[][] {
  const rng = createRng(seed);
  const rows: (string | number)[][] = [];
  while (rows.length < count) {
    const values = fabricateLedgerValues(rng, { today: TODAY, seq: rows.length + 1 });
    if (!values.verifiedOn) continue;
    rows.push(ledgerValuesToCells(values));
  }
  return rows;
}

function withWrongCheckChar(id: string): string {
  const right = idCheckChar(id.slice(0, 17));
  return id.slice(0, 17) + (right === '1' ? '2' : '1');
}

async function writeLedgerXlsx(
  path: string,
  rows: unknown[][],
  options: { before?: { name: string; rows: unknown[][] }[]; sheetName?: string } = {},
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  for (const extra of options.before ?? []) {
    const ws = workbook.addWorksheet(extra.name);
    extra.rows.forEach((row) => ws.addRow(row));
  }
  const ws = workbook.addWorksheet(options.sheetName ?? '台账');
  ws.getColumn(col('idNumber') + 1).numFmt = '@';
  ws.getColumn(col('phone') + 1).numFmt = '@';
  ws.addRow([ledgerTitle('青山村', 10)]);
  ws.addRow(HEADERS);
  for (const row of rows) ws.addRow(row);
  await workbook.xlsx.writeFile(path);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: tmp.dir,
    today: TODAY,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^错误：/);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

let clean: (string | number)[][];
let bad: (string | number)[][];

beforeAll(async () => {
  clean = cleanRows(30);
  await writeLedgerXlsx(tmp.path('clean.xlsx'), clean);

  // Mistakes on known rows (Excel row = index + 3: title row 1, header row 2).
  bad = cleanRows(30, 12).map((row) => [...row]);
  bad[2][col('idNumber')] = withWrongCheckChar(String(bad[2][col('idNumber')])); // row 5
  bad[2][col('channel')] = '走仿'; // row 5, not in the vocabulary (nor a known synonym)
  bad[4][col('gender')] = bad[4][col('gender')] === '男' ? '女' : '男'; // row 7
  bad[9][col('idNumber')] = 532301197209181000; // row 12: Excel turned the ID into a number
  await writeLedgerXlsx(tmp.path('bad.xlsx'), bad);
});

describe('ledger validate — results and exit codes', () => {
  it('exit 0 and a summary for a clean ledger', async () => {
    const run = await cli('validate', 'clean.xlsx');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('文件：clean.xlsx');
    expect(run.stdout).toContain('工作表：台账');
    expect(run.stdout).toContain('表头：第 2 行');
    expect(run.stdout).toContain('数据：30 行');
    expect(run.stdout).toContain('未发现问题');
  });

  it('exit 0 when there are only warnings (overdue verification)', async () => {
    const rows = cleanRows(5, 13).map((row) => [...row]);
    for (const key of ['verifiedOn', 'verifier', 'verifyResult', 'willingness', 'ability', 'routes', 'amount', 'closedOn']) rows[0][col(key)] = '';
    rows[0][col('foundOn')] = '2026-09-01';
    rows[0][col('verifyBy')] = '';
    rows[0][col('status')] = '待核实';
    await writeLedgerXlsx(tmp.path('warn.xlsx'), rows);
    const run = await cli('validate', 'warn.xlsx');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/共 0 个错误、[1-9]\d* 个警告/);
    expect(run.stdout).toContain('【警告】');
    expect(run.stdout).toContain(`${letter('verifiedOn')}3【警告】`);
  });

  it('--policy: the county’s own time limit decides what is overdue (warn.xlsx of the test above)', async () => {
    expect((await cli('validate', 'warn.xlsx')).stdout).toContain(`${letter('verifiedOn')}3【警告】`);
    writeFileSync(tmp.path('policy.json'), JSON.stringify({ leadVerifyWorkingDays: 60 }), 'utf8');
    const run = await cli('validate', 'warn.xlsx', '--policy', 'policy.json');
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain(`${letter('verifiedOn')}3【警告】`);
    writeFileSync(tmp.path('bad-policy.json'), JSON.stringify({ leadVerifyWorkingDays: 0 }), 'utf8');
    expectOneLineError(await cli('validate', 'warn.xlsx', '--policy', 'bad-policy.json'), /政策参数文件 bad-policy\.json 有误：leadVerifyWorkingDays：/);
  });

  it('exit 1 with a summary, then findings grouped by problem and column, cell named, with the hint', async () => {
    const run = await cli('validate', 'bad.xlsx');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const summary = lines.slice(lines.indexOf('概要 / Summary:') + 1, lines.indexOf('概要 / Summary:') + 5);
    expect(summary).toEqual(expect.arrayContaining(['  【错误】公民身份号码 · id.checksum · 1 行', '  【错误】发现渠道 · enum · 1 行', '  【错误】公民身份号码 · id.excel_number · 1 行']));
    const checksum = lines.indexOf('【错误】公民身份号码 · id.checksum · 共 1 行');
    expect(checksum).toBeGreaterThan(0);
    expect(lines[checksum + 1]).toMatch(/^ {2}提示：/);
    expect(lines[checksum + 2].startsWith(`  ${letter('idNumber')}5【错误】「公民身份号码」：`)).toBe(true);
    expect(run.stdout).toContain(`  ${letter('channel')}5【错误】「发现渠道」`);
    expect(run.stdout).toContain(`${letter('idNumber')}12【错误】「公民身份号码」`);
    // A finding's line names its column once (the message does), not “F5 公民身份号码【错误】「公民身份号码」”.
    for (const line of lines.filter((l) => /^ {2}[A-Z]+\d+【/.test(l))) {
      const column = /「([^」]+)」/.exec(line)?.[1] ?? '';
      expect([line, line.split(column).length]).toEqual([line, 2]);
    }
    expect(run.stdout).toMatch(/共 [1-9]\d* 个错误/);
  });

  it('a finding with a value to write prints it (the add-in offers it as a button, the CLI shows it)', async () => {
    const rows = cleanRows(2, 15).map((row) => [...row]);
    const id = String(rows[0][col('idNumber')]);
    rows[0][col('idNumber')] = id.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    await writeLedgerXlsx(tmp.path('fullwidth.xlsx'), rows);
    const run = await cli('validate', 'fullwidth.xlsx');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${letter('idNumber')}3【警告】「公民身份号码」含全角字符、引号或不可见字符，已按半角读取。　可改为：${id}`);
    expect(run.stdout).not.toContain('修正值');
  });

  it('a problem covering a whole column is said once with its count and fix, the rows cut after 20 unless --all', async () => {
    const rows = cleanRows(45, 14).map((row) => [...row]);
    rows.forEach((row, i) => (row[col('idNumber')] = 532301197209180000 + i * 1000));
    await writeLedgerXlsx(tmp.path('numbers.xlsx'), rows);
    const run = await cli('validate', 'numbers.xlsx');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('【错误】公民身份号码 · id.excel_number · 共 45 行');
    expect(run.stdout.match(/提示：请选中该列/g)).toHaveLength(1);
    expect(run.stdout).toContain('……另有 25 行同类问题未列出（加 --all 显示全部）');
    const all = await cli('validate', 'numbers.xlsx', '--all');
    expect(all.stdout).not.toContain('未列出');
    expect(all.stdout.match(/\d【错误】「公民身份号码」/g)).toHaveLength(45);
    const json = JSON.parse((await cli('validate', 'numbers.xlsx', '--json')).stdout);
    expect(json.findings.filter((f: { code: string }) => f.code === 'id.excel_number')).toHaveLength(45);
  });

  it('a workbook with a 汇总 sheet in front and one sheet per month: every month checked, the summary named as skipped; --sheet picks one', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('汇总').addRows([['乡镇', '村（社区）', '发现人数', '已核实'], ['鹿城镇', '青山村', 12, 10]]);
    const months: [string, (string | number)[][]][] = [['9月', cleanRows(4, 21)], ['10月', cleanRows(5, 22)], ['11月', cleanRows(6, 23)]];
    months[1][1][2][col('gender')] = months[1][1][2][col('gender')] === '男' ? '女' : '男'; // 10月 row 5
    for (const [name, rows] of months) {
      const ws = workbook.addWorksheet(name);
      ws.getColumn(col('idNumber') + 1).numFmt = '@';
      ws.getColumn(col('phone') + 1).numFmt = '@';
      ws.addRows([[ledgerTitle('青山村', Number(name.replace('月', '')))], HEADERS, ...rows]);
    }
    await workbook.xlsx.writeFile(tmp.path('months.xlsx'));
    const run = await cli('validate', 'months.xlsx', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.sheets.map((s: { sheet: string; rows: number }) => [s.sheet, s.rows])).toEqual([['9月', 4], ['10月', 5], ['11月', 6]]);
    expect(report.skippedSheets.map((s: { sheet: string }) => s.sheet)).toEqual(['汇总']);
    expect(report.findings.map((f: { sheet: string; row: number; code: string }) => `${f.sheet}:${f.row}:${f.code}`)).toEqual(['10月:5:gender.mismatch']);
    const human = await cli('validate', 'months.xlsx');
    expect(human.stdout).toContain('未检查的工作表：汇总（没有台账表头');
    expect(human.stdout).not.toContain('请在表头行加上「姓名」');
    const one = JSON.parse((await cli('validate', 'months.xlsx', '--sheet', '11月', '--json')).stdout);
    expect([one.sheet, one.rows, one.errors]).toEqual(['11月', 6, 0]);
  });

  it('--json prints {file, rows, errors, warnings, findings}', async () => {
    const run = await cli('validate', 'bad.xlsx', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.file).toBe('bad.xlsx');
    expect(report.rows).toBe(30);
    expect(report.sheet).toBe('台账');
    expect(report.headerRow).toBe(2);
    expect(report.errors).toBe(report.findings.filter((f: { severity: string }) => f.severity === 'error').length);
    expect(report.warnings).toBe(report.findings.filter((f: { severity: string }) => f.severity === 'warning').length);
    const codes = report.findings.map((f: { row: number; code: string }) => `${f.row}:${f.code}`);
    expect(codes).toEqual(expect.arrayContaining(['5:id.checksum', '5:enum', '7:gender.mismatch', '12:id.excel_number']));
    const checksum = report.findings.find((f: { code: string }) => f.code === 'id.checksum');
    expect(checksum).toMatchObject({ row: 5, cell: `${letter('idNumber')}5`, column: '公民身份号码', severity: 'error' });
    expect(checksum.message).toMatch(/[\u4e00-\u9fff]/);
    expect(checksum.en.message).toBeTruthy();
  });

  it('reads csv in GBK as well', async () => {
    const rows = bad.map((row) => row.map((v) => (typeof v === 'number' && v > 1e15 ? '5.32301E+17' : v)));
    writeFileSync(tmp.path('bad-gbk.csv'), encodeGbk(toCsv([[ledgerTitle()], HEADERS, ...rows])));
    const run = await cli('validate', 'bad-gbk.csv', '--json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.rows).toBe(30);
    const codes = report.findings.map((f: { row: number; code: string }) => `${f.row}:${f.code}`);
    expect(codes).toEqual(expect.arrayContaining(['5:id.checksum', '7:gender.mismatch', '12:id.excel_number']));
  });
});

describe('ledger validate — choosing the sheet', () => {
  beforeAll(async () => {
    await writeLedgerXlsx(tmp.path('multi.xlsx'), bad, {
      before: [
        { name: '说明', rows: [['本工作簿说明'], ['第二行']] },
        { name: '九月', rows: [[ledgerTitle('青山村', 9)], HEADERS, ...clean] },
      ],
      sheetName: '十月',
    });
  });

  it('checks every ledger sheet by default (never a silent pick of the first), naming the one skipped', async () => {
    const run = await cli('validate', 'multi.xlsx', '--json');
    expect(run.code).toBe(1); // 十月 has the errors
    const report = JSON.parse(run.stdout);
    expect(report.sheet).toBe('九月');
    expect(report.sheets.map((s: { sheet: string }) => s.sheet)).toEqual(['九月', '十月']);
    expect(report.skippedSheets.map((s: { sheet: string }) => s.sheet)).toEqual(['说明']);
  });

  it('--sheet NAME picks that sheet', async () => {
    const run = await cli('validate', 'multi.xlsx', '--sheet', '十月', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).sheet).toBe('十月');
  });

  it('--sheet on a sheet that is not a ledger, or that does not exist: exit 2', async () => {
    expectOneLineError(await cli('validate', 'multi.xlsx', '--sheet', '说明'), /工作表“说明”不是台账/);
    expectOneLineError(await cli('validate', 'multi.xlsx', '--sheet', '八月'), /找不到工作表“八月”.*说明、九月、十月/);
  });
});

describe('ledger validate — exit 2 with one Chinese line, never a stack trace', () => {
  it('missing file', async () => {
    expectOneLineError(await cli('validate', 'nowhere.xlsx'), /找不到文件：nowhere\.xlsx/);
  });

  it('corrupt xlsx and old .xls', async () => {
    writeFileSync(tmp.path('broken.xlsx'), 'PK\u0003\u0004 this is not a zip');
    expectOneLineError(await cli('validate', 'broken.xlsx'), /无法读取 broken\.xlsx/);
    writeFileSync(tmp.path('old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    expectOneLineError(await cli('validate', 'old.xls'), /另存为/);
  });

  it('a workbook that is not a ledger', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('名单').addRows([['序号', '单位'], [1, '某单位']]);
    await workbook.xlsx.writeFile(tmp.path('other.xlsx'));
    expectOneLineError(await cli('validate', 'other.xlsx'), /other\.xlsx 不是台账/);
  });

  it('bad usage: no file, two files, unknown option, option without value, bad --today, unknown command', async () => {
    expectOneLineError(await cli('validate'), /缺少要检查的文件/);
    expectOneLineError(await cli('validate', 'a.xlsx', 'b.xlsx'), /一次只能检查一个文件/);
    expectOneLineError(await cli('validate', 'clean.xlsx', '--verbose'), /未知选项 --verbose/);
    expectOneLineError(await cli('validate', 'clean.xlsx', '--sheet'), /选项 --sheet 需要一个值/);
    expectOneLineError(await cli('validate', 'clean.xlsx', '--today', '2026/10/31'), /--today 须为 YYYY-MM-DD/);
    expectOneLineError(await cli('validate', 'clean.xlsx', '--today', '2026-02-30'), /--today 须为 YYYY-MM-DD 格式的真实日期/);
    expectOneLineError(await cli('valdate', 'clean.xlsx'), /未知命令：valdate/);
  });

  it('no arguments: the command list on stderr, exit 2', async () => {
    const run = await cli();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('validate');
  });

  it('an unexpected failure inside a command is one line too', async () => {
    registerCommand({
      name: 'explode-for-test',
      summary: { zh: '测试', en: 'test' },
      help: '',
      run: async () => {
        throw new TypeError('boom');
      },
    });
    const run = await cli('explode-for-test');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('内部错误：TypeError: boom / Internal error\n');
  });
});

describe('help', () => {
  it('ledger --help lists the commands in Chinese and English', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('用法：ledger <命令>');
    expect(run.stdout).toContain('Usage: ledger <command>');
    expect(run.stdout).toMatch(/validate\s+检查台账文件/);
    // Every format the reader takes, not only .xlsx / .csv (the corpus reads .xls, .et and .ods).
    expect(run.stdout).toMatch(/validate\s+检查台账文件（\.xlsx、\.xls、WPS \.et、\.ods、\.csv 等）/);
    expect(run.stdout).toMatch(/validate\s+check a ledger file/);
  });

  it('ledger validate --help explains options and exit codes in both languages', async () => {
    const run = await cli('validate', '--help');
    expect(run.code).toBe(0);
    for (const text of ['--json', '--sheet', '退出码', 'Exit codes', 'GBK']) expect(run.stdout).toContain(text);
    expect((await cli('help', 'validate')).stdout).toBe(run.stdout);
  });
});

describe('the built command (bin/ledger.js → dist/)', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'server', 'cli', 'ledger-cli.js'))) {
      spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
    }
  });

  it('runs as a separate process with the same output and exit codes', () => {
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin', 'ledger.js'), 'validate', 'clean.xlsx', '--today', TODAY], { cwd: tmp.dir, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('数据：30 行');
    const failing = spawnSync(process.execPath, [join(ROOT, 'bin', 'ledger.js'), 'validate', 'bad.xlsx', '--json', '--today', TODAY], { cwd: tmp.dir, encoding: 'utf8' });
    expect(failing.status).toBe(1);
    expect(JSON.parse(failing.stdout).errors).toBeGreaterThan(0);
    const missing = spawnSync(process.execPath, [join(ROOT, 'bin', 'ledger.js'), 'validate', 'nowhere.csv'], { cwd: tmp.dir, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('错误：找不到文件：nowhere.csv / File not found: nowhere.csv\n');
  });
});
