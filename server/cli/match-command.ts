/**
 * `ledger match --source medical --period 2026-10 --roster ROSTER.xlsx FILE.xlsx [--json] [--show-id]`
 *
 * Offline departmental matching with the same pure core the server's import uses
 * (ledger/matching), reading both files as the import does (every sheet with the header, as one
 * file: ledger/matching/workbook.ts): reads the roster of covered people and one departmental file, prints the leads
 * the file would create, the people left out by reason and the rejected rows. ID numbers are masked
 * unless --show-id. Exit 0 on success; 2 on unreadable input or bad usage (one line, no stack trace).
 */
import { basename, resolve } from 'path';
import { maskIdNumber } from '../../ledger/id-number';
import {
  createRosterBuilder,
  createSourceMatcher,
  EXCLUSION_LABELS,
  feedWorkbook,
  locateRosterHeader,
  rosterSheetHasIdColumn,
  sourceSheetHasIdColumn,
  locateSourceHeader,
  type ExclusionKey,
  type MatchResult,
  type RejectedRow,
} from '../../ledger/matching';
import { DEFAULT_POLICY, type Policy } from '../../ledger/policy';
import { POLICY_OPTION_HELP, readPolicyFile } from './policy-file';
import {
  isSourceCode,
  normalizePeriod,
  periodLabel,
  ROW_EXCLUSIONS,
  SOURCES,
  sourceByCode,
  type LocalizedText,
  type SourceDef,
} from '../../ledger/sources';
import type { SheetInput } from '../../ledger/types';
import { readTableFile, TableReadError } from '../io/read-table';
import { isIsoDate } from '../../ledger/calendar';
import { CliInputError, CliUsageError, localToday, parseCommandArgs, type CliCommand, type CliIO } from './cli-types';

const SOURCE_LIST = SOURCES.map((s) => `${s.code}（${s.name.zh}）`).join('、');

const HELP = `用法：ledger match --source 来源 --period 期间 --roster 名册.xlsx 文件.xlsx [--json] [--show-id] [--policy 文件.json]

用县级部门比对的规则，把部门数据文件与保障对象名册比对，列出将生成的线索（不写入任何数据）。
与服务器导入使用同一套比对代码。按文件内容识别 .xlsx、Excel 97–2003 .xls、WPS .et、.ods 和 .csv；表头可在前 10 行内，列顺序不限。

选项：
  --source 来源      ${SOURCE_LIST}
  --period 期间      医保、重特大疾病按月 2026-10；残联按季度 2026-Q3；教育按年 2026；
                     乡村振兴、信访按接收月份 2026-10（或日期 2026-10-05）
  --roster 文件      保障对象名册（姓名、身份证号、保障类别、乡镇（街道）、村（社区）、保障状态）
  --sheet 名称       只比对部门数据文件中的这一张工作表（默认：与服务器导入相同，有对应表头的
                     各工作表合并为一个文件比对；说明页、与明细并存的“汇总”表不读）
  --json             以 JSON 输出 {source, period, leads, excluded, rejected, …}
  --show-id          显示完整身份证号（默认打码，如 532301********123X）
  --today 日期       以该日期作为“今天”检查身份证号中的出生日期（默认：本机当天日期）
  ${POLICY_OPTION_HELP.zh}
  -h, --help         显示本帮助

退出码：0 比对完成（可能有被拒绝的行）；2 文件无法读取或用法有误。

Usage: ledger match --source SOURCE --period PERIOD --roster ROSTER.xlsx FILE.xlsx [--json] [--show-id] [--policy FILE.json]
Matches a departmental file against the roster of covered people with the county's rules and
prints the leads it would create (nothing is stored).
  --source     ${SOURCES.map((s) => s.code).join(' | ')}
  --period     2026-10 (monthly, as received), 2026-Q3 (quarterly), 2026 (yearly)
  --roster     roster of covered people (.xlsx, .xls, .et, .ods or .csv, read by content)
  --sheet      match this worksheet of FILE only (default: as the server's import, every sheet with
               the source's header, as one file; notes and a 汇总 beside detail sheets left out)
  --json       print JSON; --show-id  print full ID numbers (masked by default)
  --today      check birth dates in ID numbers as of this date
  ${POLICY_OPTION_HELP.en}
Exit codes: 0 matched (some rows may be rejected), 2 unreadable input or bad usage.
`;

export interface MatchReport extends MatchResult {
  file: string;
  /** The sheets of FILE matched, as one file (every sheet with the source's header). */
  sheets: string[];
  /** Sheets left out, with why (说明; a 汇总 beside detail sheets). */
  skippedSheets: { name: string; reason: LocalizedText }[];
  roster: { file: string; people: number; rowsRead: number; rejected: RejectedRow[]; rejectedCount: number; warnings: RejectedRow[]; warningCount: number };
  idsMasked: boolean;
}

async function readSheets(cwd: string, file: string, sheet?: string): Promise<SheetInput[]> {
  try {
    return await readTableFile(resolve(cwd, file), { sheet });
  } catch (error) {
    if (error instanceof TableReadError) throw new CliInputError(error.zh, error.en);
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new CliInputError(`找不到文件：${file}`, `File not found: ${file}`);
    throw new CliInputError(`无法读取文件：${file}`, `Cannot read file: ${file}`);
  }
}

/** A file the core could not read, named once (a workbook's message already names it). */
function unreadable(file: string, error: LocalizedText): CliInputError {
  const name = basename(file);
  if (error.zh.startsWith(name)) return new CliInputError(error.zh, error.en);
  return new CliInputError(`${name}：${error.zh}`, `${name}: ${error.en}`);
}

export async function runMatch(options: {
  cwd: string;
  source: SourceDef;
  period: string;
  rosterFile: string;
  file: string;
  sheet?: string;
  today: string;
  showId: boolean;
  /** The county's settings (--policy); the defaults when absent. */
  policy?: Policy;
}): Promise<MatchReport> {
  const policy = options.policy ?? DEFAULT_POLICY;
  // Both files are read as the server's imports read them (every sheet with the header, 说明 and
  // a 汇总 beside detail sheets left out): the CLI's answer is the server's answer.
  const rosterSheets = await readSheets(options.cwd, options.rosterFile);
  const rosterFeed = feedWorkbook(
    rosterSheets,
    basename(options.rosterFile),
    locateRosterHeader,
    rosterSheetHasIdColumn,
    (header) => createRosterBuilder(options.today, header, policy),
  );
  if (!rosterFeed.ok) throw unreadable(options.rosterFile, rosterFeed.error);
  const roster = rosterFeed.sink.finish();

  const sheets = await readSheets(options.cwd, options.file, options.sheet);
  const title = { zh: `${options.source.name.zh}数据`, en: `${options.source.name.en}` };
  const source = options.source;
  const feed = feedWorkbook(
    sheets,
    basename(options.file),
    (candidate) => locateSourceHeader(source.columns, candidate, title, source.requiredOneOf),
    sourceSheetHasIdColumn(source),
    (header) => createSourceMatcher({ source, period: options.period, roster: roster.index, policy, today: options.today, header }),
  );
  if (!feed.ok) throw unreadable(options.file, feed.error);
  const result = feed.sink.finish();
  const leads = options.showId ? result.leads : result.leads.map((lead) => ({ ...lead, idNumber: maskIdNumber(lead.idNumber) }));
  return {
    file: options.file,
    sheets: feed.sheets?.read ?? sheets.map((s) => s.name ?? ''),
    skippedSheets: feed.sheets?.skipped ?? [],
    ...result,
    leads,
    roster: {
      file: options.rosterFile, people: roster.index.size, rowsRead: roster.rowsRead,
      rejected: roster.rejected, rejectedCount: roster.rejectedCount, warnings: roster.warnings, warningCount: roster.warningCount,
    },
    idsMasked: !options.showId,
  };
}

/** Row numbers listed per problem in the text report; the rest are counted (--json keeps every row). */
const ROWS_LISTED_PER_PROBLEM = 20;

/**
 * Rows with the same problem said once: “行 3、4、6…（共 40 行）：message / en”, problems in the
 * order of their first row. A whole column of Excel-damaged IDs is one paragraph, not 5,000 lines.
 * `total` counts rows beyond those kept (the result keeps the first REJECTED_ROWS_KEPT).
 */
function problemLines(rows: readonly RejectedRow[], total: number, withEnglish: boolean): string[] {
  const groups = new Map<string, { rows: number[]; message: string; en: string }>();
  for (const row of rows) {
    const key = `${row.code}\u0000${row.message}`;
    const group = groups.get(key);
    if (group) group.rows.push(row.row);
    else groups.set(key, { rows: [row.row], message: row.message, en: row.en });
  }
  const lines: string[] = [];
  for (const group of groups.values()) {
    const listed = group.rows.slice(0, ROWS_LISTED_PER_PROBLEM).join('、');
    const where = group.rows.length > ROWS_LISTED_PER_PROBLEM ? `行 ${listed} 等（共 ${group.rows.length} 行）` : group.rows.length > 1 ? `行 ${listed}（共 ${group.rows.length} 行）` : `行 ${listed}`;
    lines.push(`  ${where}：${group.message}${withEnglish ? ` / ${group.en}` : ''}`);
  }
  if (total > rows.length) lines.push(`  ……另有 ${total - rows.length} 行未列出（--json 可查看保留的全部行） / ${total - rows.length} more rows not listed`);
  return lines;
}

export function formatMatchReport(report: MatchReport): string {
  const source = sourceByCode(report.source);
  const label = periodLabel(report.period);
  const lines: string[] = [];
  lines.push(`来源：${source.name.zh}（${source.code}）　期间：${label.zh}　文件：${report.file}　工作表：${report.sheets.join('、')}　数据：${report.rowsRead} 行`);
  if (report.skippedSheets.length > 0) {
    lines.push(`未读取的工作表：${report.skippedSheets.map((s) => `“${s.name}”（${s.reason.zh}）`).join('；')} / Sheets not read: ${report.skippedSheets.map((s) => s.name).join(', ')}`);
  }
  lines.push(`名册：${report.roster.file}　在册人员：${report.roster.people} 人（读取 ${report.roster.rowsRead} 行，拒绝 ${report.roster.rejectedCount} 行）`);
  lines.push('');
  if (report.leads.length === 0) lines.push('没有生成线索。 / No leads.');
  else {
    lines.push(`线索 ${report.leads.length} 条 / ${report.leads.length} lead${report.leads.length === 1 ? '' : 's'}:`);
    report.leads.forEach((lead, i) => {
      const place = [lead.township, lead.village].filter(Boolean).join(' ') || '（待分派：无乡镇信息）';
      const linked = lead.linkedTo ? `　已关联 ${lead.linkedTo.target}` : '';
      // id.name_mismatch: the county officer sees both names (the file's, and the roster's for that ID).
      const rosterName = lead.rosterName !== undefined ? `（名册中该身份证号为“${lead.rosterName}”）` : '';
      lines.push(`  ${String(i + 1).padStart(4)}. ${lead.name || '（无姓名）'}${rosterName}　${lead.idNumber}　${place}　[${lead.rule}]　${lead.reason.zh}　（行 ${lead.sourceRows.join('、')}）${linked}`);
    });
  }
  lines.push('');
  const excluded = Object.entries(report.excluded).filter(([, n]) => (n ?? 0) > 0);
  if (excluded.length > 0) {
    lines.push('未生成线索 / Left out:');
    for (const [key, n] of excluded) {
      const text = EXCLUSION_LABELS[key as ExclusionKey] ?? { zh: key, en: key };
      lines.push(`  ${text.zh}：${n}${ROW_EXCLUSIONS.includes(key as ExclusionKey) ? ' 行' : ' 人'}　/ ${text.en}: ${n}`);
    }
    lines.push('');
  }
  if (report.leadsWithoutTownship > 0) {
    lines.push(`无乡镇信息的线索 ${report.leadsWithoutTownship} 条（将留在县级待分派） / Leads without a township (county queue): ${report.leadsWithoutTownship}`);
    lines.push('');
  }
  if (report.rejectedCount > 0) {
    lines.push(`被拒绝的行 ${report.rejectedCount} 行 / Rejected rows:`);
    lines.push(...problemLines(report.rejected, report.rejectedCount, true));
    lines.push('');
  }
  if (report.warningCount > 0) {
    lines.push(`需要核实的行 ${report.warningCount} 行 / Rows to check:`);
    lines.push(...problemLines(report.warnings, report.warningCount, true));
    lines.push('');
  }
  if (report.roster.rejectedCount > 0) {
    lines.push(`名册中被拒绝的行 ${report.roster.rejectedCount} 行（这些人按未纳入保障处理） / Rejected roster rows (treated as not covered):`);
    lines.push(...problemLines(report.roster.rejected, report.roster.rejectedCount, false));
    lines.push('');
  }
  if (report.roster.warningCount > 0) {
    lines.push(`名册中需要核实的行 ${report.roster.warningCount} 行 / Roster rows to check:`);
    lines.push(...problemLines(report.roster.warnings, report.roster.warningCount, false));
    lines.push('');
  }
  if (report.idsMasked) lines.push('身份证号已打码；加 --show-id 显示完整号码。 / ID numbers masked; add --show-id to show them.');
  return `${lines.join('\n')}\n`;
}

export const matchCommand: CliCommand = {
  name: 'match',
  summary: { zh: '部门数据与保障对象名册比对，列出将生成的线索', en: 'match a departmental file against the roster and list the leads' },
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('match', args, {
      source: { type: 'string' },
      period: { type: 'string' },
      roster: { type: 'string' },
      sheet: { type: 'string' },
      json: { type: 'boolean' },
      'show-id': { type: 'boolean' },
      today: { type: 'string' },
      policy: { type: 'string' },
    });
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (!values.source) throw new CliUsageError(`缺少 --source（可选：${SOURCE_LIST}）`, `Missing --source (${SOURCES.map((s) => s.code).join(', ')})`);
    if (!isSourceCode(values.source)) {
      throw new CliUsageError(`未知的数据来源：${values.source}（可选：${SOURCE_LIST}）`, `Unknown source: ${values.source} (${SOURCES.map((s) => s.code).join(', ')})`);
    }
    const source = sourceByCode(values.source);
    const example = { 'YYYY-MM': '2026-10', 'YYYY-Qn': '2026-Q3', YYYY: '2026', 'YYYY-MM|YYYY-MM-DD': '2026-10' }[source.periodFormat];
    if (!values.period) throw new CliUsageError(`缺少 --period（${source.name.zh}数据的期间，如 ${example}）`, `Missing --period (e.g. ${example})`);
    const period = normalizePeriod(source, values.period);
    if (!period) {
      throw new CliUsageError(`期间“${values.period}”不适用于${source.name.zh}数据，应如 ${example}`, `Period "${values.period}" does not fit ${source.code}; use e.g. ${example}`);
    }
    if (!values.roster) throw new CliUsageError('缺少 --roster 保障对象名册文件', 'Missing --roster (the roster of covered people)');
    if (positionals.length === 0) throw new CliUsageError('缺少要比对的部门数据文件', 'Missing the departmental file to match');
    if (positionals.length > 1) throw new CliUsageError(`一次只能比对一个文件（收到 ${positionals.length} 个）`, `One file at a time (got ${positionals.length})`);
    const today = values.today ?? io.today ?? localToday();
    if (!isIsoDate(today)) throw new CliUsageError(`--today 须为 YYYY-MM-DD 格式的真实日期：${today}`, `--today must be a real YYYY-MM-DD date: ${today}`);

    const report = await runMatch({
      cwd: io.cwd,
      source,
      period,
      rosterFile: values.roster,
      file: positionals[0],
      sheet: values.sheet,
      today,
      showId: values['show-id'] === true,
      policy: values.policy === undefined ? undefined : await readPolicyFile(io.cwd, values.policy),
    });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatMatchReport(report));
    return 0;
  },
};
