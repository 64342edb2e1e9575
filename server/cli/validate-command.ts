/**
 * `ledger validate FILE.xlsx|FILE.csv [--json] [--sheet NAME] [--today YYYY-MM-DD]`
 *
 * Reads the file (server/io/read-table), picks the ledger sheet (--sheet, else the first sheet with a
 * ledger header), runs the same validation as the add-in and the server (ledger/validate.ts) and prints
 * the findings grouped by row, or JSON. Exit 0: no errors (warnings allowed); 1: errors found;
 * 2: unreadable file, not a ledger, or bad usage.
 */
import { basename, resolve } from 'path';
import { locateLedgerHeader } from '../../ledger/sheet';
import type { Finding, SheetInput } from '../../ledger/types';
import { validateSheet } from '../../ledger/validate';
import { DEFAULT_POLICY } from '../../ledger/policy';
import { readTableFile, TableReadError } from '../io/read-table';
import { CliInputError, CliUsageError, ISO_DATE, localToday, parseCommandArgs, type CliCommand, type CliIO } from './cli-types';

export interface ValidateReport {
  file: string;
  sheet: string;
  /** Excel row number of the header row. */
  headerRow: number;
  /** Data rows read below the header. */
  rows: number;
  errors: number;
  warnings: number;
  findings: Finding[];
}

const HELP = `用法：ledger validate 文件.xlsx|文件.csv [--json] [--sheet 工作表名] [--today YYYY-MM-DD]

检查村（社区）社会救助主动发现监测工作台账：必填项、公民身份号码（校验码、出生日期、被 Excel
转成数字）、性别与身份证号是否一致、下拉选项、日期、电话、核实时限、救助自愿原则等。
支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。

选项：
  --json          以 JSON 输出 {file, sheet, headerRow, rows, errors, warnings, findings}
  --sheet 名称    检查指定的工作表（默认：第一个带台账表头的工作表）
  --today 日期    以该日期作为“今天”检查（默认：本机当天日期）
  -h, --help      显示本帮助

退出码：0 没有错误（可能有警告）；1 发现错误；2 文件无法读取、不是台账或用法有误。

Usage: ledger validate FILE.xlsx|FILE.csv [--json] [--sheet NAME] [--today YYYY-MM-DD]
Checks a village ledger with the same rules as the Excel add-in and the server.
  --json          print {file, sheet, headerRow, rows, errors, warnings, findings} as JSON
  --sheet NAME    check this worksheet (default: the first sheet with a ledger header)
  --today DATE    check as of this date (default: today on this machine)
Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 unreadable file / not a ledger / bad usage.
`;

/** The sheet to check: the named one (must be a ledger), else the first sheet with a ledger header. */
export function pickLedgerSheet(sheets: readonly SheetInput[], file: string, sheetName?: string): SheetInput {
  if (sheetName !== undefined) {
    const sheet = sheets.find((s) => s.name === sheetName) ?? sheets[0];
    if (!sheet || !locateLedgerHeader(sheet)) {
      throw new CliInputError(
        `工作表“${sheetName}”不是台账：前 10 行中没有找到台账表头（如 姓名、公民身份号码、人员类别）`,
        `Worksheet "${sheetName}" is not a ledger: no ledger header in its first 10 rows`,
      );
    }
    return sheet;
  }
  const sheet = sheets.find((s) => locateLedgerHeader(s) !== null);
  if (!sheet) {
    throw new CliInputError(
      `${file} 不是台账：没有哪个工作表的前 10 行中有台账表头（如 姓名、公民身份号码、人员类别）`,
      `${file} is not a ledger: no worksheet has a ledger header in its first 10 rows`,
    );
  }
  return sheet;
}

/** Human-readable report, findings grouped by row. */
export function formatValidateReport(report: ValidateReport): string {
  const lines: string[] = [];
  lines.push(`文件：${report.file}　工作表：${report.sheet}　表头：第 ${report.headerRow} 行　数据：${report.rows} 行`);
  let currentRow = -1;
  for (const finding of report.findings) {
    if (finding.row !== currentRow) {
      currentRow = finding.row;
      lines.push('', `行 ${finding.row}`);
    }
    const label = finding.severity === 'error' ? '错误' : '警告';
    const hint = finding.hint ? `　提示：${finding.hint}` : '';
    lines.push(`  ${finding.cell} ${finding.column}【${label}】${finding.message}${hint}`);
  }
  lines.push('');
  if (report.errors === 0 && report.warnings === 0) lines.push('未发现问题。 / No problems found.');
  else {
    lines.push(
      `共 ${report.errors} 个错误、${report.warnings} 个警告。 / ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Reads, picks the sheet and validates; throws CliInputError for anything the user must fix first. */
export async function validateLedgerFile(file: string, options: { cwd: string; sheet?: string; today: string }): Promise<ValidateReport> {
  let sheets: SheetInput[];
  try {
    sheets = await readTableFile(resolve(options.cwd, file), { sheet: options.sheet });
  } catch (error) {
    if (error instanceof TableReadError) throw new CliInputError(error.zh, error.en);
    throw error;
  }
  const sheet = pickLedgerSheet(sheets, basename(file), options.sheet);
  const result = validateSheet(sheet, { today: options.today, policy: DEFAULT_POLICY });
  if (!result.header) throw new CliInputError(`${basename(file)} 不是台账`, `${basename(file)} is not a ledger`);
  return {
    file,
    sheet: sheet.name ?? '',
    headerRow: result.header.excelRow,
    rows: result.rows.length,
    errors: result.errors,
    warnings: result.warnings,
    findings: result.findings,
  };
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: { zh: '检查台账文件（.xlsx / .csv）', en: 'check a ledger file (.xlsx / .csv)' },
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('validate', args, {
      json: { type: 'boolean' },
      sheet: { type: 'string' },
      today: { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new CliUsageError('缺少要检查的文件：ledger validate 文件.xlsx', 'Missing the file to check: ledger validate FILE.xlsx');
    if (positionals.length > 1) throw new CliUsageError(`一次只能检查一个文件（收到 ${positionals.length} 个）`, `One file at a time (got ${positionals.length})`);
    const today = values.today ?? io.today ?? localToday();
    if (!ISO_DATE.test(today)) throw new CliUsageError(`--today 须为 YYYY-MM-DD 格式：${today}`, `--today must be YYYY-MM-DD: ${today}`);
    const report = await validateLedgerFile(positionals[0], { cwd: io.cwd, sheet: values.sheet, today });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatValidateReport(report));
    return report.errors > 0 ? 1 : 0;
  },
};
