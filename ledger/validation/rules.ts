/**
 * Cross-field and cross-row rules of the ledger, as data (DHIS2-style validation rules): each entry
 * names its finding code, severity, the columns it concerns (the finding goes to the first of them
 * present in the sheet), a test over the row's normalised values, and its message entry in
 * messages.ts. Adding a rule = adding one entry here (plus its message and its test).
 */
import type { ColumnKey } from '../columns';
import type { WorkingDayCalendar } from '../calendar';
import type { Policy } from '../policy';
import type { FindingCode, LedgerValue, Severity } from '../types';
import { sameVillageName } from '../units';
import { VOCABULARIES, type HandlingMeasure } from '../vocabularies';
import type { CheckedRow } from './cells';
import type { MessageId, MessageParams } from './messages';

/** Read access to one row for the rules: only readable values count. */
export class RowView {
  state!: CheckedRow;

  /** True when the cell is filled in (readable or not). */
  filled(key: ColumnKey): boolean {
    const value = this.state.values[key];
    return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
  }

  /** True when the cell is filled in and passed its cell checks. */
  readable(key: ColumnKey): boolean {
    return this.filled(key) && !(this.state.invalid?.has(key) ?? false);
  }

  /** Readable single value as text, else undefined. (One look-up of the value: the rules ask ~25 times a row.) */
  text(key: ColumnKey): string | undefined {
    const state = this.state;
    const value: LedgerValue | undefined = state.values[key];
    if (typeof value === 'string') return state.invalid?.has(key) ? undefined : value;
    if (typeof value === 'number') return state.invalid?.has(key) ? undefined : String(value);
    return undefined;
  }

  /** Readable date (YYYY-MM-DD), else undefined. */
  date(key: ColumnKey): string | undefined {
    return this.text(key);
  }

  /** The values of a multi-value cell as typed (readable or not); [] when blank. */
  list(key: ColumnKey): readonly string[] {
    const value = this.state.values[key];
    return Array.isArray(value) ? value : [];
  }

  get idGender(): '男' | '女' | undefined {
    return this.state.idGender;
  }
}

export interface RuleContext {
  /** YYYY-MM-DD */
  today: string;
  policy: Policy;
  calendar: WorkingDayCalendar;
  /** Header text of a column as it appears in the sheet (the canonical header when absent). */
  headerOf(key: ColumnKey): string;
  /** 核实时限 of a lead found on this date (policy.leadVerifyWorkingDays working days; cached). */
  leadDueDate(foundOn: string): string;
  /** Name of the village whose ledger this is, when the checker knows it (the server on a push). */
  villageName?: string;
}

/** Parameters for the message; `column` is filled in by the engine. */
export type RuleParams = Omit<MessageParams, 'column'>;

export interface RowRule {
  /** Unique name (tests are table-driven over it). */
  id: string;
  code: FindingCode;
  severity: Severity;
  /** The finding is placed on the first of these columns present in the sheet. */
  columns: readonly ColumnKey[];
  /**
   * Columns the sheet must have for the rule to apply (a rule about an empty 办结日期 says nothing
   * when the sheet has no such column). Records always have every column.
   */
  requires?: readonly ColumnKey[];
  /** Entry in messages.ts (defaults to `code`). */
  message?: MessageId;
  /** null = passes; params = fails. */
  test(row: RowView, ctx: RuleContext): RuleParams | null;
}

// ---------------------------------------------------------------------------------------------
// Date order: `later` may not be before `earlier`

export interface DateOrderPair {
  later: ColumnKey;
  earlier: ColumnKey;
  /** Only checked when this date is not readable (avoids reporting the same mistake twice). */
  unlessReadable?: ColumnKey;
}

export const DATE_ORDER: readonly DateOrderPair[] = [
  { later: 'verifiedOn', earlier: 'foundOn' },
  { later: 'closedOn', earlier: 'verifiedOn' },
  { later: 'closedOn', earlier: 'foundOn', unlessReadable: 'verifiedOn' },
  { later: 'verifyBy', earlier: 'foundOn' },
];

const dateOrderRules: RowRule[] = DATE_ORDER.map((pair) => ({
  id: `date.order:${pair.later}>=${pair.earlier}`,
  code: 'date.order',
  severity: 'error',
  columns: [pair.later],
  test(row, ctx) {
    const later = row.date(pair.later);
    const earlier = row.date(pair.earlier);
    if (later === undefined || earlier === undefined || later >= earlier) return null;
    if (pair.unlessReadable && row.readable(pair.unlessReadable)) return null;
    return { date: later, other: ctx.headerOf(pair.earlier), otherDate: earlier };
  },
}));

// ---------------------------------------------------------------------------------------------
// Vocabulary values the rules speak of (checked against VOCABULARIES by the tests)

const CLOSED = '已办结';
const PENDING = '待核实';
const HANDLING_STATUSES: ReadonlySet<string> = new Set(['办理中', CLOSED]);
const DECLINED = '不愿申请';
const ELIGIBLE = '符合救助条件';
/** 核实结果 that say the person does not qualify (or the lead was untrue): enrolment contradicts them. */
const NOT_ELIGIBLE: ReadonlySet<string> = new Set<(typeof VOCABULARIES.verifyResult)[number]>(['不符合但需关注', '不符合救助条件', '信息不实']);
/** Routes that enrol the person, and so need the conditions met (notice 二（三）2). */
const ENROLMENT_ROUTES: ReadonlySet<string> = new Set<HandlingMeasure>(['纳入低保', '纳入特困供养']);
/** The only routes for a person who declines (assistance is voluntary, notice 二（三）). */
const ALLOWED_ROUTES: ReadonlySet<string> = new Set(VOCABULARIES.routes);
export const ROUTES_WHEN_DECLINED: ReadonlySet<HandlingMeasure> = new Set<HandlingMeasure>(['尊重意愿持续关注', '纳入低收入人口动态监测']);

export const ROW_RULES: readonly RowRule[] = [
  // A row naming another village in a village's own ledger: typically a workbook synced under the
  // wrong sign-in (a shared township PC). A warning, not an error: the name is compared with the
  // unit's registered name, which clerks often write otherwise (an old name after villages merged,
  // 村 turned 社区, a local short name); an error would block a deadline-bound monthly submission
  // for rows that are right, and a clerk could only "fix" it by retyping the name to match. The
  // add-in stops the wrong-village sync before sending (addin/panes/sync/engine.ts); the warning
  // is what the township's reviewer sees should such rows arrive anyway.
  {
    id: 'village.other',
    code: 'village.other',
    severity: 'warning',
    columns: ['village'],
    test(row, ctx) {
      const written = row.text('village');
      if (written === undefined || ctx.villageName === undefined) return null;
      return sameVillageName(written, ctx.villageName) ? null : { value: written, expected: ctx.villageName };
    },
  },
  {
    id: 'gender.mismatch',
    code: 'gender.mismatch',
    severity: 'error',
    columns: ['gender', 'idNumber'],
    test(row) {
      const gender = row.text('gender');
      const expected = row.idGender;
      return gender !== undefined && expected !== undefined && gender !== expected ? { value: gender, expected } : null;
    },
  },
  ...dateOrderRules,
  {
    id: 'deadline.overdue',
    code: 'deadline.overdue',
    severity: 'warning',
    columns: ['verifiedOn'],
    requires: ['verifiedOn'],
    test(row, ctx) {
      if (row.filled('verifiedOn') || row.filled('verifyResult') || row.text('status') === CLOSED) return null;
      let due = row.date('verifyBy');
      if (due === undefined) {
        const foundOn = row.date('foundOn');
        if (foundOn === undefined) return null;
        due = ctx.leadDueDate(foundOn);
      }
      if (due >= ctx.today) return null;
      const days = ctx.calendar.workingDaysBetween(due, ctx.today);
      return { date: due, otherDate: ctx.today, days, other: ctx.headerOf('verifiedOn') };
    },
  },
  {
    id: 'consent.declined_route',
    code: 'consent.declined_route',
    severity: 'error',
    columns: ['routes', 'willingness'],
    test(row, ctx) {
      if (row.text('willingness') !== DECLINED) return null;
      let items: string[] | undefined;
      // Only allowed routes count: a misspelt 尊重意愿持续关注 is the enum finding's business, not a consent breach.
      for (const route of row.list('routes')) if (ALLOWED_ROUTES.has(route) && !ROUTES_WHEN_DECLINED.has(route as HandlingMeasure)) (items ??= []).push(route);
      return items ? { items, other: ctx.headerOf('willingness') } : null;
    },
  },
  {
    // 纳入低保 / 纳入特困供养 beside a 核实结果 saying the person does not qualify: one of the two is
    // wrong, and the township's reviewer would otherwise read an enrolment nobody can justify. A warning:
    // the result may be the one out of date (the circumstances changed at a later visit).
    id: 'route.ineligible',
    code: 'route.ineligible',
    severity: 'warning',
    columns: ['routes', 'verifyResult'],
    test(row, ctx) {
      const result = row.text('verifyResult');
      if (result === undefined || !NOT_ELIGIBLE.has(result)) return null;
      const items = row.list('routes').filter((route) => ENROLMENT_ROUTES.has(route));
      return items.length > 0 ? { items, value: result, other: ctx.headerOf('verifyResult') } : null;
    },
  },
  {
    id: 'route.missing',
    code: 'route.missing',
    severity: 'warning',
    columns: ['routes'],
    requires: ['routes'],
    test(row, ctx) {
      return row.text('verifyResult') === ELIGIBLE && !row.filled('routes') ? { other: ctx.headerOf('verifyResult') } : null;
    },
  },
  {
    id: 'status.inconsistent/closed_without_date',
    code: 'status.inconsistent',
    message: 'status.inconsistent/closed_without_date',
    severity: 'error',
    columns: ['closedOn'],
    requires: ['closedOn'],
    test(row, ctx) {
      return row.text('status') === CLOSED && !row.filled('closedOn') ? { other: ctx.headerOf('status') } : null;
    },
  },
  {
    id: 'status.inconsistent/date_without_closed',
    code: 'status.inconsistent',
    message: 'status.inconsistent/date_without_closed',
    severity: 'error',
    columns: ['status'],
    requires: ['status'],
    test(row, ctx) {
      const closedOn = row.date('closedOn');
      if (closedOn === undefined || row.text('status') === CLOSED) return null;
      // An unreadable status has its own enum finding.
      if (row.filled('status') && !row.readable('status')) return null;
      return { date: closedOn, value: row.text('status') ?? '', other: ctx.headerOf('closedOn') };
    },
  },
  {
    id: 'status.inconsistent/pending_but_verified',
    code: 'status.inconsistent',
    message: 'status.inconsistent/pending_but_verified',
    severity: 'error',
    columns: ['status', 'verifiedOn'],
    test(row, ctx) {
      const verifiedOn = row.date('verifiedOn');
      return row.text('status') === PENDING && verifiedOn !== undefined ? { date: verifiedOn, other: ctx.headerOf('verifiedOn') } : null;
    },
  },
  {
    id: 'status.inconsistent/result_without_date',
    code: 'status.inconsistent',
    message: 'status.inconsistent/result_without_date',
    severity: 'warning',
    columns: ['verifiedOn'],
    requires: ['verifiedOn'],
    test(row, ctx) {
      return row.filled('verifyResult') && !row.filled('verifiedOn') ? { other: ctx.headerOf('verifyResult') } : null;
    },
  },
  {
    id: 'status.inconsistent/date_without_result',
    code: 'status.inconsistent',
    message: 'status.inconsistent/date_without_result',
    severity: 'warning',
    columns: ['verifyResult'],
    requires: ['verifyResult'],
    test(row, ctx) {
      const verifiedOn = row.date('verifiedOn');
      return verifiedOn !== undefined && !row.filled('verifyResult') ? { date: verifiedOn, other: ctx.headerOf('verifiedOn') } : null;
    },
  },
  {
    id: 'status.inconsistent/handled_unverified',
    code: 'status.inconsistent',
    message: 'status.inconsistent/handled_unverified',
    severity: 'warning',
    columns: ['status'],
    requires: ['verifiedOn', 'verifyResult'],
    test(row, ctx) {
      const status = row.text('status');
      if (status === undefined || !HANDLING_STATUSES.has(status)) return null;
      return row.filled('verifiedOn') || row.filled('verifyResult') ? null : { value: status, other: ctx.headerOf('verifiedOn') };
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Cross-row rules: the same key on several rows — every such row gets the finding

/** How many of the other rows a duplicate finding names; the rest are counted (MessageParams.count). */
export const DUPLICATE_ROWS_SHOWN = 3;

export interface DuplicateRule {
  id: string;
  code: FindingCode;
  severity: Severity;
  column: ColumnKey;
  /** Key of the row, undefined = not taking part. */
  keyOf(state: CheckedRow): string | undefined;
  /** Whether the message may show the key (never for ID numbers). */
  showKey: boolean;
}

/** True when a 线索编号 is already its own key: no space and no lower-case letter (XS-532324-202610-00001). */
function isLeadKey(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || (c >= 97 && c <= 122) || c > 126) return false;
  }
  return true;
}

export const DUPLICATE_RULES: readonly DuplicateRule[] = [
  {
    id: 'id.duplicate',
    code: 'id.duplicate',
    severity: 'error',
    column: 'idNumber',
    keyOf: (state) => state.idKey,
    showKey: false,
  },
  {
    id: 'lead.duplicate',
    code: 'lead.duplicate',
    severity: 'error',
    column: 'leadNo',
    keyOf(state) {
      const value = state.values.leadNo;
      if (value === null || value === undefined || value === '') return undefined;
      const text = String(value);
      return isLeadKey(text) ? text : text.replace(/\s+/g, '').toUpperCase();
    },
    showKey: true,
  },
];

/** Values of VOCABULARIES the rules depend on, for the tests. */
export const RULE_VOCABULARY_VALUES = {
  status: [CLOSED, PENDING, ...HANDLING_STATUSES],
  willingness: [DECLINED],
  verifyResult: [ELIGIBLE],
  routes: [...ROUTES_WHEN_DECLINED],
} as const;
