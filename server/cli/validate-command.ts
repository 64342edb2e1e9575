/**
 * `ledger validate FILE [--json] [--all] [--sheet NAME] [--today YYYY-MM-DD]`
 *
 * Reads the file (server/io/read-table, by content), picks the ledger sheets (--sheet, else every sheet
 * whose header has the required columns; the others are named), runs the same validation as the add-in
 * and the server (ledger/validate.ts) and prints the findings grouped by problem and column, or JSON. Exit 0: no errors (warnings allowed); 1: errors found;
 * 2: unreadable file, not a ledger, or bad usage.
 */
import { basename, resolve } from 'path';
import { columnByKey } from '../../ledger/columns';
import { locateLedgerHeader } from '../../ledger/sheet';
import type { Finding, SheetInput } from '../../ledger/types';
import { validateSheet } from '../../ledger/validate';
import { DEFAULT_POLICY, type Policy } from '../../ledger/policy';
import { POLICY_OPTION_HELP, readPolicyFile } from './policy-file';
import { readTableFile, TableReadError } from '../io/read-table';
import { isIsoDate } from '../../ledger/calendar';
import { CliInputError, CliUsageError, localToday, parseCommandArgs, type CliCommand, type CliIO } from './cli-types';
import type { LocalizedText } from '../../ledger/text';

/** One validated worksheet. */
export interface SheetReport {
  sheet: string;
  /** Excel row number of the header row. */
  headerRow: number;
  /** Data rows read below the header. */
  rows: number;
  errors: number;
  warnings: number;
  findings: Finding[];
  /** Header cells that name no ledger column: not checked (said once). */
  unrecognizedColumns: { header: string; cell: string }[];
}

/** A worksheet not validated, and why (a 汇总 sheet, a sheet without a ledger header). */
export interface SkippedSheet {
  sheet: string;
  reason: LocalizedText;
}

export interface ValidateReport {
  file: string;
  /** The (first) validated sheet; `sheets` lists them all. */
  sheet: string;
  /** Header row of the first validated sheet. */
  headerRow: number;
  /** Data rows of every validated sheet. */
  rows: number;
  errors: number;
  warnings: number;
  /** Every finding of every validated sheet, each naming its sheet. */
  findings: (Finding & { sheet: string })[];
  sheets: SheetReport[];
  skippedSheets: SkippedSheet[];
}

const HELP = `用法：ledger validate 文件 [--json] [--all] [--sheet 工作表名] [--today YYYY-MM-DD] [--policy 文件.json]

检查村（社区）社会救助主动发现监测工作台账：必填项、公民身份号码（校验码、出生日期、被 Excel
转成数字）、性别与身份证号是否一致、下拉选项、日期、电话、核实时限、救助自愿原则等。
按文件内容识别格式：.xlsx、Excel 97–2003 .xls、WPS .et、.ods、Excel“Unicode 文本”和 .csv（UTF-8 或 GBK）。
工作簿有多个台账工作表（如每月一张）时逐张检查；汇总等其他工作表跳过并列出。

选项：
  --json          以 JSON 输出全部结果 {file, sheets, skippedSheets, errors, warnings, findings}
  --all           列出每一条问题（默认每类问题最多列出 20 行，其余只计数）
  --sheet 名称    只检查指定的工作表
  --today 日期    以该日期作为“今天”检查（默认：本机当天日期）
  ${POLICY_OPTION_HELP.zh}
  -h, --help      显示本帮助

退出码：0 没有错误（可能有警告）；1 发现错误；2 文件无法读取、不是台账或用法有误。

Usage: ledger validate FILE [--json] [--all] [--sheet NAME] [--today YYYY-MM-DD] [--policy FILE.json]
Checks a village ledger with the same rules as the Excel add-in and the server. Reads .xlsx, .xls,
WPS .et, .ods, "Unicode text" and .csv by content; every ledger sheet of a workbook is checked.
  --json          print everything as JSON
  --all           list every finding (default: at most 20 rows per kind of problem, the rest counted)
  --sheet NAME    check this worksheet only
  --today DATE    check as of this date (default: today on this machine)
  ${POLICY_OPTION_HELP.en}
Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 unreadable file / not a ledger / bad usage.
`;

/** Rows listed per group (code × column) in the human report unless --all. */
export const ROWS_PER_GROUP = 20;

/**
 * The sheets to check. `--sheet`: that one (it must be a ledger). Otherwise every sheet whose header
 * has all required columns (one sheet per month: each is checked); a sheet with a partial ledger
 * header only when no sheet is complete (the best one, so header.missing says what to add); sheets
 * without a ledger header — a 汇总 in front, 填表说明, 字典 — are skipped and named. Never a silent pick.
 */
export function pickLedgerSheets(sheets: readonly SheetInput[], file: string, sheetName?: string): { sheets: SheetInput[]; skipped: SkippedSheet[] } {
  if (sheetName !== undefined) {
    const sheet = sheets.find((s) => s.name === sheetName) ?? sheets[0];
    if (!sheet || !locateLedgerHeader(sheet)) {
      throw new CliInputError(
        `工作表“${sheetName}”不是台账：前 10 行中没有找到台账表头（如 姓名、公民身份号码、人员类别）`,
        `Worksheet "${sheetName}" is not a ledger: no ledger header in its first 10 rows`,
      );
    }
    return { sheets: [sheet], skipped: [] };
  }
  const located = sheets.map((sheet) => ({ sheet, header: locateLedgerHeader(sheet) }));
  const complete = located.filter((entry) => entry.header !== null && entry.header.missingRequired.length === 0);
  let chosen: typeof located;
  if (complete.length > 0) chosen = complete;
  else {
    const partial = located.filter((entry) => entry.header !== null).sort((a, b) => (b.header?.columns.length ?? 0) - (a.header?.columns.length ?? 0));
    if (partial.length === 0) {
      throw new CliInputError(
        `${file} 不是台账：没有哪个工作表的前 10 行中有台账表头（如 姓名、公民身份号码、人员类别）`,
        `${file} is not a ledger: no worksheet has a ledger header in its first 10 rows`,
      );
    }
    chosen = [partial[0]];
  }
  const skipped: SkippedSheet[] = located
    .filter((entry) => !chosen.includes(entry))
    .map(({ sheet, header }) => ({
      sheet: sheet.name ?? '',
      reason:
        header === null
          ? { zh: '没有台账表头（如汇总表、填表说明、字典）', en: 'no ledger header (a summary, instructions or lists sheet)' }
          : {
              zh: `表头缺少必填列（${header.missingRequired.map((key) => columnByKey(key).header).join('、')}），视为汇总或其他表`,
              en: `its header lacks required columns (${header.missingRequired.join(', ')}): taken as a summary or other sheet`,
            },
    }));
  return { sheets: chosen.map((entry) => entry.sheet), skipped };
}

const severityZh = (severity: Finding['severity']): string => (severity === 'error' ? '错误' : '警告');

interface FindingGroup {
  code: string;
  column: string;
  severity: Finding['severity'];
  findings: Finding[];
}

/** Findings grouped by code and column, errors first, biggest groups first. */
function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const id = `${finding.severity}\u0000${finding.code}\u0000${finding.column}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { code: finding.code, column: finding.column, severity: finding.severity, findings: [] }));
    group.findings.push(finding);
  }
  return [...groups.values()].sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || b.findings.length - a.findings.length || a.findings[0].row - b.findings[0].row,
  );
}

/**
 * Human-readable report. Per sheet: a summary (one line per kind of problem with its count), the
 * columns not checked, then the findings grouped by code and column — a problem covering a whole
 * column is said once with its count and fix, then its rows, at most ROWS_PER_GROUP unless `all`.
 */
export function formatValidateReport(report: ValidateReport, options: { all?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`文件：${report.file}`);
  for (const sheet of report.sheets) {
    lines.push('', `工作表：${sheet.sheet}　表头：第 ${sheet.headerRow} 行　数据：${sheet.rows} 行　错误 ${sheet.errors} 个、警告 ${sheet.warnings} 个`);
    const groups = groupFindings(sheet.findings);
    if (groups.length > 0) {
      lines.push('概要 / Summary:');
      for (const group of groups) {
        lines.push(`  【${severityZh(group.severity)}】${group.column} · ${group.code} · ${group.findings.length} 行`);
      }
    }
    if (sheet.unrecognizedColumns.length > 0) {
      lines.push(
        `说明：以下列不是台账的列，未作检查：${sheet.unrecognizedColumns.map((c) => `${c.header}（${c.cell}）`).join('、')}。 / Not ledger columns, not checked: ${sheet.unrecognizedColumns.map((c) => c.header).join(', ')}.`,
      );
    }
    for (const group of groups) {
      const hints = new Set(group.findings.map((f) => f.hint));
      const sameHint = hints.size === 1;
      lines.push('', `【${severityZh(group.severity)}】${group.column} · ${group.code} · 共 ${group.findings.length} 行`);
      if (sameHint && group.findings[0].hint) lines.push(`  提示：${group.findings[0].hint}`);
      const shown = options.all ? group.findings : group.findings.slice(0, ROWS_PER_GROUP);
      for (const finding of shown) {
        const hint = !sameHint && finding.hint ? `　提示：${finding.hint}` : '';
        // The value to write (半角, the allowed value, the number alone…): the add-in offers it as a
        // button, here it is printed, unless the message or hint already says it.
        const fix = finding.fix !== undefined && !finding.message.includes(finding.fix) && !finding.hint.includes(finding.fix) ? `　可改为：${finding.fix}` : '';
        // The group's heading names the column and each message names it again (「公民身份号码」…): the line does not add a third.
        lines.push(`  ${finding.cell}【${severityZh(finding.severity)}】${finding.message}${fix}${hint}`);
      }
      const rest = group.findings.length - shown.length;
      if (rest > 0) lines.push(`  ……另有 ${rest} 行同类问题未列出（加 --all 显示全部） / ${rest} more not listed (--all shows every one)`);
    }
  }
  if (report.skippedSheets.length > 0) {
    lines.push('', `未检查的工作表：${report.skippedSheets.map((s) => `${s.sheet}（${s.reason.zh}）`).join('；')}`);
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

/** Reads, picks the sheets and validates; throws CliInputError for anything the user must fix first. */
export async function validateLedgerFile(file: string, options: { cwd: string; sheet?: string; today: string; policy?: Policy }): Promise<ValidateReport> {
  let workbook: SheetInput[];
  try {
    workbook = await readTableFile(resolve(options.cwd, file), { sheet: options.sheet });
  } catch (error) {
    if (error instanceof TableReadError) throw new CliInputError(error.zh, error.en);
    throw error;
  }
  const picked = pickLedgerSheets(workbook, basename(file), options.sheet);
  const sheets: SheetReport[] = [];
  for (const sheet of picked.sheets) {
    const result = validateSheet(sheet, { today: options.today, policy: options.policy ?? DEFAULT_POLICY });
    if (!result.header) throw new CliInputError(`${basename(file)} 不是台账`, `${basename(file)} is not a ledger`);
    sheets.push({
      sheet: sheet.name ?? '',
      headerRow: result.header.excelRow,
      rows: result.rows.length,
      errors: result.errors,
      warnings: result.warnings,
      findings: result.findings,
      unrecognizedColumns: result.unrecognizedColumns.map(({ header, cell }) => ({ header, cell })),
    });
  }
  return {
    file,
    sheet: sheets[0].sheet,
    headerRow: sheets[0].headerRow,
    rows: sheets.reduce((n, s) => n + s.rows, 0),
    errors: sheets.reduce((n, s) => n + s.errors, 0),
    warnings: sheets.reduce((n, s) => n + s.warnings, 0),
    findings: sheets.flatMap((s) => s.findings.map((finding) => ({ ...finding, sheet: s.sheet }))),
    sheets,
    skippedSheets: picked.skipped,
  };
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: { zh: '检查台账文件（.xlsx、.xls、WPS .et、.ods、.csv 等）', en: 'check a ledger file (.xlsx, .xls, WPS .et, .ods, .csv…)' },
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('validate', args, {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      sheet: { type: 'string' },
      today: { type: 'string' },
      policy: { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new CliUsageError('缺少要检查的文件：ledger validate 文件.xlsx', 'Missing the file to check: ledger validate FILE.xlsx');
    if (positionals.length > 1) throw new CliUsageError(`一次只能检查一个文件（收到 ${positionals.length} 个）`, `One file at a time (got ${positionals.length})`);
    const today = values.today ?? io.today ?? localToday();
    if (!isIsoDate(today)) throw new CliUsageError(`--today 须为 YYYY-MM-DD 格式的真实日期：${today}`, `--today must be a real YYYY-MM-DD date: ${today}`);
    const policy = values.policy === undefined ? undefined : await readPolicyFile(io.cwd, values.policy);
    const report = await validateLedgerFile(positionals[0], { cwd: io.cwd, sheet: values.sheet, today, policy });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatValidateReport(report, { all: values.all === true }));
    return report.errors > 0 ? 1 : 0;
  },
};
