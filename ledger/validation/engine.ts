/**
 * The validation engine: one pass over the rows (cell checks from cells.ts, row rules from
 * rules.ts), then the cross-row duplicate rules. Public entry points are in ledger/validate.ts;
 * validateRecords (ledger/records.ts) builds a sheet from sync values so there is one path.
 */
import { DEFAULT_CALENDAR, isIsoDate, type WorkingDayCalendar } from '../calendar';
import type { ColumnKey } from '../columns';
import { DEFAULT_POLICY, type Policy } from '../policy';
import {
  cellRef,
  locateLedgerHeader,
  type LedgerHeader,
  type UnrecognizedColumn,
} from '../sheet';
import { blankMarkersOf, planColumns, readContextOf, scanLedgerRows, withMergesFilled, type ColumnPlan, type PlannedColumn } from './scan';
import type { Finding, FindingCode, Severity, SheetInput } from '../types';
import { columnCheckOf, type CellReporter, type ColumnCheckPlan, type ParsedRow, type CheckedRow } from './cells';
import { codeOfMessage, messageFor, type MessageId, type MessageParams } from './messages';
import { DUPLICATE_ROWS_SHOWN, DUPLICATE_RULES, ROW_RULES, RowView, type RowRule, type RuleContext } from './rules';
import { defined } from '../defined';
import { IdKeyTable } from '../id-key-table';
import { idNumberKey } from '../id-number';
import { leadVerifyDueDate } from '../deadlines';

export interface ValidationContext {
  /** YYYY-MM-DD, the day the check runs (future dates, deadlines). */
  today: string;
  policy?: Policy;
  calendar?: WorkingDayCalendar;
  /** Name of the village whose ledger is checked, when known (rows naming another village get village.other). */
  villageName?: string;
}

export interface SheetValidation {
  /** null: no ledger header in the first 10 rows — the caller says "not a ledger". */
  header: LedgerHeader | null;
  rows: ParsedRow[];
  /** Sorted by row, then by column position in the sheet. */
  findings: Finding[];
  errors: number;
  warnings: number;
  /**
   * Header cells that name no ledger column (户主姓名, an extra 联系人 column…), with their A1 cell:
   * said once, as a note — their cells are not checked. Empty when the header is null.
   */
  unrecognizedColumns: (UnrecognizedColumn & { cell: string })[];
}

/** Position of a finding for sorting: row-major, then sheet column. */
function sortKey(excelRow: number, columnIndex: number): number {
  return excelRow * 20_000 + columnIndex + 1;
}

class FindingCollector {
  readonly findings: Finding[] = [];
  readonly keys: number[] = [];
  errors = 0;
  warnings = 0;

  add(
    excelRow: number,
    columnIndex: number,
    header: string,
    key: ColumnKey | undefined,
    cell: string,
    severity: Severity,
    message: MessageId,
    params: Omit<MessageParams, 'column'>,
  ): void {
    const texts = messageFor(message, { ...params, column: header });
    const code: FindingCode = codeOfMessage(message);
    const finding: Finding = { row: excelRow, column: header, cell, severity, code, message: texts.message, hint: texts.hint, en: texts.en };
    if (key !== undefined) finding.key = key;
    if (params.fix !== undefined) finding.fix = params.fix;
    this.findings.push(finding);
    this.keys.push(sortKey(excelRow, columnIndex));
    if (severity === 'error') this.errors++;
    else this.warnings++;
  }

  sorted(): Finding[] {
    const order = this.findings.map((_, i) => i);
    order.sort((a, b) => this.keys[a] - this.keys[b] || a - b);
    return order.map((i) => this.findings[i]);
  }
}

/**
 * The column a row rule's finding goes to: the first of its columns present in the sheet;
 * undefined when the rule cannot apply (a required column is absent, or none of its columns is present).
 */
function placeRule(rule: RowRule, plan: ColumnPlan): PlannedColumn | undefined {
  for (const key of rule.requires ?? []) if (!plan.byOrdinal[columnCheckOf(key).ordinal]) return undefined;
  for (const key of rule.columns) {
    const column = plan.byOrdinal[columnCheckOf(key).ordinal];
    if (column) return column;
  }
  return undefined;
}

function ruleContext(ctx: ValidationContext, plan: ColumnPlan | undefined): RuleContext {
  const policy = ctx.policy ?? DEFAULT_POLICY;
  const calendar = ctx.calendar ?? DEFAULT_CALENDAR;
  const dueCache = new Map<string, string>();
  return {
    today: ctx.today,
    policy,
    calendar,
    ...(ctx.villageName !== undefined ? { villageName: ctx.villageName } : {}),
    headerOf(key) {
      return plan?.byOrdinal[columnCheckOf(key).ordinal]?.header ?? columnCheckOf(key).def.header;
    },
    leadDueDate(foundOn) {
      let due = dueCache.get(foundOn);
      if (due === undefined) {
        due = leadVerifyDueDate(foundOn, policy, calendar);
        dueCache.set(foundOn, due);
      }
      return due;
    },
  };
}

/**
 * Rows sharing a key, in one pass: ID-shaped keys through their exact numeric key in a typed-array
 * table (no string hashing, nothing for the GC — 100k IDs), other keys (线索编号) in a Map. Only a
 * key seen twice gets a list, so the findings pass visits the repeats, not every row.
 */
class KeyGroups {
  /** Made on the first ID-shaped key, sized for the sheet (no growing on the way). */
  private byIdKey: IdKeyTable | undefined;
  private readonly byText = new Map<string, number>();
  /** Index of a key's first row → the indexes of every row with that key (two or more). */
  readonly repeated = new Map<number, number[]>();

  constructor(private readonly expectedRows: number) {}

  add(key: string, index: number): void {
    const idKey = idNumberKey(key);
    const first = idKey >= 0 ? (this.byIdKey?.get(idKey) ?? -1) : (this.byText.get(key) ?? -1);
    if (first < 0) {
      if (idKey >= 0) (this.byIdKey ??= new IdKeyTable(this.expectedRows)).set(idKey, index);
      else this.byText.set(key, index);
      return;
    }
    const group = this.repeated.get(first);
    if (group) group.push(index);
    else this.repeated.set(first, [first, index]);
  }
}

/** Validate a worksheet holding a village ledger. */
export function validateSheet(input: SheetInput, ctx: ValidationContext): SheetValidation {
  if (!isIsoDate(ctx.today)) throw new RangeError(`today must be a real YYYY-MM-DD date: ${ctx.today}`);
  const sheet = withMergesFilled(input);
  const header = locateLedgerHeader(sheet);
  if (!header) return { header: null, rows: [], findings: [], errors: 0, warnings: 0, unrecognizedColumns: [] };
  const policy = ctx.policy ?? DEFAULT_POLICY;

  const firstColumn = sheet.firstColumn ?? 0;
  const plan = planColumns(sheet, header);
  const out = new FindingCollector();

  // Required columns missing from the header row.
  for (const key of header.missingRequired) {
    const def = columnCheckOf(key).def;
    out.add(header.excelRow, -1, def.header, key, cellRef(header.excelRow, firstColumn), 'error', 'header.missing', {});
  }

  const report: CellReporter = (state, check: ColumnCheckPlan, message, severity, params) => {
    const column = defined(plan.byOrdinal[check.ordinal], `column ${check.ordinal}`);
    out.add(state.excelRow, firstColumn + column.index, column.header, check.key, column.letters + state.excelRow, severity, message, params);
  };

  // Row rules whose columns are all absent cannot fire; place the rest once.
  const rules = ROW_RULES.map((rule) => ({ rule, column: placeRule(rule, plan) })).filter(
    (entry): entry is { rule: RowRule; column: PlannedColumn } => entry.column !== undefined,
  );
  const context = ruleContext(ctx, plan);
  const view = new RowView();

  const duplicates = DUPLICATE_RULES.filter((rule) => plan.byOrdinal[columnCheckOf(rule.column).ordinal] !== undefined).map(
    (rule) => ({ rule, column: defined(plan.byOrdinal[columnCheckOf(rule.column).ordinal], `column ${rule.column}`), seen: new KeyGroups(sheet.values.length) }),
  );
  const states: CheckedRow[] = [];

  const onRow = (state: CheckedRow): void => {
    view.state = state;
    for (let i = 0; i < rules.length; i++) {
      const { rule, column } = rules[i];
      const params = rule.test(view, context);
      if (params) {
        out.add(
          state.excelRow,
          firstColumn + column.index,
          column.header,
          column.check.key,
          column.letters + state.excelRow,
          rule.severity,
          rule.message ?? (rule.code as MessageId),
          params,
        );
      }
    }
    if (duplicates.length > 0) {
      const index = states.length;
      states.push(state);
      for (const dup of duplicates) {
        const key = dup.rule.keyOf(state);
        if (key !== undefined) dup.seen.add(key, index);
      }
    }
  };

  const rows = scanLedgerRows(sheet, header, plan, { read: readContextOf(ctx.today, policy), blankMarkers: blankMarkersOf(policy), report, onRow });

  // Each row of a group names the first few other rows and the group's size: linear in the group
  // (naming every other row made a group of n rows cost n² — 10,000 rows exhausted the heap).
  for (const dup of duplicates) {
    const { rule, column } = dup;
    for (const group of dup.seen.repeated.values()) {
      const key = rule.showKey ? rule.keyOf(states[group[0]]) : undefined;
      const firstRows = group.slice(0, DUPLICATE_ROWS_SHOWN + 1).map((i) => states[i].excelRow);
      for (const i of group) {
        const excelRow = states[i].excelRow;
        out.add(excelRow, firstColumn + column.index, column.header, rule.column, column.letters + excelRow, rule.severity, rule.code as MessageId, {
          rows: firstRows.filter((r) => r !== excelRow).slice(0, DUPLICATE_ROWS_SHOWN),
          count: group.length,
          value: key,
        });
      }
    }
  }

  const unrecognizedColumns = header.unrecognized.map((column) => ({ ...column, cell: cellRef(header.excelRow, firstColumn + column.index) }));
  return { header, rows, findings: out.sorted(), errors: out.errors, warnings: out.warnings, unrecognizedColumns };
}

