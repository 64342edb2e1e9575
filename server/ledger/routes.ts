/**
 * Ledger API: sync (push + pull), rows listing, row history, monthly submission and approval,
 * and the unit's view of which villages have submitted. Every endpoint is a RouteSpec; the unit
 * scoping (the village or one of its ancestors) is enforced by the route table's `unitParam`.
 *
 * ID numbers leave unmasked only to the village's own users (their working ledger); everyone
 * else (township, county, prefecture, admin) gets maskIdNumber's 532301********123X. Phones are
 * masked for prefecture and admin only. Findings are masked the same way (their texts quote cells),
 * and every read that returns an unmasked ID number or phone is audited.
 */
import { z } from 'zod';
import {
  ApproveRequestSchema,
  MonthSchema,
  NOT_SUBMITTED,
  PendingSubmissionsResponseSchema,
  ReturnRequestSchema,
  SnapshotQuerySchema,
  SubmissionDetailResponseSchema,
  SubmissionFindingsResponseSchema,
  SubmissionListResponseSchema,
  SubmissionResponseSchema,
  SubmitRequestSchema,
  UnitSubmissionsQuerySchema,
  UnitSubmissionsResponseSchema,
  type UnitSubmissionsResponse,
} from '../../ledger/api/submissions';
import {
  RowIdSchema,
  RowsQuerySchema,
  RowsResponseSchema,
  RowVersionsResponseSchema,
  SyncRequestSchema,
  SyncResponseSchema,
  capRowFindings,
  includeDeletedOf,
  wholeRow,
} from '../../ledger/api/sync';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { maskIdNumber } from '../../ledger/id-number';
import { maskPhoneText } from '../../ledger/reports/export';
import type { Finding, LedgerValues } from '../../ledger/types';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/errors';
import { looksLikeIdNumber, scrubIdNumbers } from '../http/scrub';
import { defineRoute, type AuthUser, type RouteContext, type RouteSpec } from '../http/route-table';
import { createSqliteLedgerStore } from './sqlite-store';
import type { LedgerStore } from './store';
import { approveMonth, getSubmissionOrThrow, returnMonth, submitMonth, toSubmissionWire } from './submissions';
import { syncLedger } from './sync';
import { rawBodyHash } from '../http/json-body';
import { checkRows, policyForVillage, villageNameOf } from './revalidate';
import { chinaDate } from '../../ledger/dates';

const VillageParams = z.object({ villageCode: z.string().regex(/^\d{12}$/) });
const VillageMonthParams = VillageParams.extend({ month: MonthSchema });
const RowParams = VillageParams.extend({ rowId: RowIdSchema });
const UnitParams = z.object({ code: z.string().regex(/^(\d{4}|\d{6}|\d{9}|\d{12})$/) });

/** One store per database handle (the SQLite one today). */
const stores = new WeakMap<object, LedgerStore>();
export function ledgerStoreOf(deps: AppDeps): LedgerStore {
  let store = stores.get(deps.db);
  if (!store) {
    store = createSqliteLedgerStore(deps.db);
    stores.set(deps.db, store);
  }
  return store;
}

/** Full ID numbers only for the village's own users (their working ledger). */
export function seesFullIds(user: AuthUser, villageCode: string): boolean {
  return user.role === 'village' && user.unit.code === villageCode;
}

/**
 * Phones in full only to the units that work the cases (village, township, county); prefecture and
 * admin accounts only oversee, so they see 138****1234 as they see masked ID numbers.
 */
export function seesPhones(user: AuthUser): boolean {
  return user.role !== 'prefecture' && user.role !== 'admin';
}

const PHONE_KEYS: readonly string[] = LEDGER_COLUMNS.filter((column) => column.type === 'phone').map((column) => column.key);
const ID_KEYS: readonly string[] = LEDGER_COLUMNS.filter((column) => column.type === 'idNumber').map((column) => column.key);

export { maskPhoneText };

/** What one user may see of one village's rows. */
export interface RowView {
  /** ID numbers masked (everyone but the village's own users). */
  masked: boolean;
  phonesMasked: boolean;
}

export function rowViewOf(user: AuthUser, villageCode: string): RowView {
  return { masked: !seesFullIds(user, villageCode), phonesMasked: !seesPhones(user) };
}

/** The personal fields a view shows in full: what the audit entry of a read names ('idNumber', 'phone'). */
export function unmaskedFieldsOf(view: RowView): string[] {
  const fields: string[] = [];
  if (!view.masked) fields.push('idNumber');
  if (!view.phonesMasked) fields.push('phone');
  return fields;
}

export function maskedRow(values: LedgerValues, masked: boolean, phonesMasked = false): Record<string, unknown> {
  const row = wholeRow(values);
  if (masked && row.idNumber !== null && row.idNumber !== undefined) row.idNumber = maskIdNumber(String(row.idNumber));
  if (phonesMasked) {
    for (const key of PHONE_KEYS) {
      const value = row[key];
      if (value !== null && value !== undefined && value !== '') row[key] = maskPhoneText(String(value));
    }
  }
  return row;
}

/**
 * Digit runs of 7 or more (half- or full-width, spaces or dashes between groups, a final X) in a
 * text about the ID cell: the number as typed, a short one or what Excel left of it
 * (5.32301197209181E+17) — all near-complete numbers, masked like the row's own ID cell.
 */
const ID_CELL_DIGITS = /[0-9０-９](?:[\s\-－]*[0-9０-９]){6,}[XxＸｘ]?/g;

function maskIdCellText(text: string): string {
  return text.replace(ID_CELL_DIGITS, (run) => maskIdNumber(run));
}

/**
 * A finding as a viewer may read it: its texts quote the cell (id.format/short, phone.format) or
 * name the corrected value (id.legacy15's 18-digit form), so they are masked as the row is
 * (maskedRow). Findings about a masked column lose their fix (the cell's clean content — only the
 * village, who edits the ledger, has a use for it), and so does any other fix shaped like an ID.
 */
export function maskedFinding(finding: Finding, view: RowView): Finding {
  const key = finding.key ?? '';
  const masks: Array<(text: string) => string> = [];
  let dropFix = false;
  if (view.masked) {
    const idCell = ID_KEYS.includes(key);
    masks.push(idCell ? maskIdCellText : scrubIdNumbers);
    dropFix = idCell || (finding.fix !== undefined && looksLikeIdNumber(finding.fix));
  }
  if (view.phonesMasked && PHONE_KEYS.includes(key)) {
    masks.push(maskPhoneText);
    dropFix = true;
  }
  if (masks.length === 0) return finding;
  const mask = (text: string): string => masks.reduce((out, apply) => apply(out), text);
  const { fix, ...rest } = finding;
  return {
    ...rest,
    message: mask(finding.message),
    hint: mask(finding.hint),
    en: { message: mask(finding.en.message), hint: mask(finding.en.hint) },
    ...(fix !== undefined && !dropFix ? { fix } : {}),
  };
}

/**
 * Any read returning an unmasked ID number (the village's own users) or phone (village, township,
 * county): one audit entry per request, with the row count (never the rows) and which fields were
 * unmasked, as for every other unmasked read. A wholly masked read (prefecture, admin) is not one.
 */
async function auditUnmaskedRead(ctx: RouteContext<'user'>, action: string, villageCode: string, rows: number, view: RowView): Promise<void> {
  const unmasked = unmaskedFieldsOf(view);
  if (unmasked.length === 0) return;
  await ctx.deps.audit.record({ user: ctx.user, action, target: villageCode, requestId: ctx.requestId, detail: { rows, unmasked: unmasked.join(',') } });
}

function env(ctx: Pick<RouteContext, 'deps'>) {
  return { store: ledgerStoreOf(ctx.deps), audit: ctx.deps.audit, now: ctx.deps.now, onRowsSynced: ctx.deps.onLedgerRowsSynced };
}

const EXAMPLE_ROW_ID = '6f1c2a9e-3b7d-4c55-9a01-2f6e8d4b7c10';

export const LEDGER_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/ledgers/:villageCode/sync',
    summary: '台账同步：推送本地修改（按基础版本合并，冲突返回双方版本，不覆盖），拉取游标之后的变更',
    tag: 'ledger',
    auth: 'user',
    roles: ['village'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageParams,
    body: SyncRequestSchema,
    response: SyncResponseSchema,
    example: {
      body: {
        clientId: 'example-workbook',
        requestId: 'example-request-1',
        cursor: 0,
        changes: [
          {
            rowId: EXAMPLE_ROW_ID,
            baseVersion: 0,
            values: { name: '示例人员', categories: ['老年人'], channel: '入户走访', foundOn: '2026-10-05' },
          },
        ],
      },
    },
    handle: async (ctx) => {
      const outcome = await syncLedger(env(ctx), ctx.params.villageCode, ctx.body, {
        user: ctx.user,
        httpRequestId: ctx.requestId,
        bodyHash: rawBodyHash(ctx.req),
      });
      if (outcome.replayed) ctx.res.setHeader('Idempotent-Replayed', 'true');
      return { body: outcome.response };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/rows',
    summary: '村台账当前各行（分页）；除本村用户外身份证号脱敏',
    tag: 'ledger',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageParams,
    query: RowsQuerySchema,
    response: RowsResponseSchema,
    example: { query: { page: '1', pageSize: '50' } },
    handle: async (ctx) => {
      const villageCode = ctx.params.villageCode;
      const query = ctx.query;
      const store = ledgerStoreOf(ctx.deps);
      const view = rowViewOf(ctx.user, villageCode);
      const { masked, phonesMasked } = view;
      const { rows, total } = await store.listRows(villageCode, {
        offset: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
        includeDeleted: includeDeletedOf(query),
      });
      await auditUnmaskedRead(ctx, 'ledger.rows.read_unmasked', villageCode, rows.length, view);
      return {
        body: {
          villageCode,
          rows: rows.map((row) => ({
            rowId: row.rowId,
            version: row.version,
            values: maskedRow(row.values, masked, phonesMasked),
            deleted: row.deleted,
            updatedAt: row.updatedAt,
            updatedBy: row.updatedBy,
            errors: row.errors,
            warnings: row.warnings,
          })),
          total,
          page: query.page,
          pageSize: query.pageSize,
          cursor: await store.lastSeq(villageCode),
          masked,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/rows/:rowId/versions',
    summary: '一行台账的全部历史版本（谁、何时、哪个请求、改了哪些字段）；除本村用户外身份证号脱敏',
    tag: 'ledger',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: RowParams,
    response: RowVersionsResponseSchema,
    example: { params: { rowId: EXAMPLE_ROW_ID } },
    handle: async (ctx) => {
      const villageCode = ctx.params.villageCode;
      const rowId = ctx.params.rowId.toLowerCase();
      const history = await ledgerStoreOf(ctx.deps).rowHistory(villageCode, rowId);
      if (history.length === 0) {
        throw new AppError('row_not_found');
      }
      const view = rowViewOf(ctx.user, villageCode);
      const { masked, phonesMasked } = view;
      await auditUnmaskedRead(ctx, 'ledger.versions.read_unmasked', villageCode, history.length, view);
      return { body: { rowId, versions: history.map((entry) => ({ ...entry, values: maskedRow(entry.values, masked, phonesMasked) })) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/ledgers/:villageCode/submissions',
    summary: '报送某月台账：冻结当前各行快照；任一行有错误时拒绝（422，附问题清单）；被退回后可重新报送',
    tag: 'submissions',
    auth: 'user',
    roles: ['village'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageParams,
    body: SubmitRequestSchema,
    response: SubmissionResponseSchema,
    example: { body: { month: '2026-10' } },
    handle: async (ctx) => ({
      status: 201,
      body: await submitMonth(env(ctx), ctx.params.villageCode, ctx.body.month, { user: ctx.user, httpRequestId: ctx.requestId }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/submissions',
    summary: '本村各月报送状态',
    tag: 'submissions',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageParams,
    response: SubmissionListResponseSchema,
    handle: async (ctx) => ({
      body: { submissions: (await ledgerStoreOf(ctx.deps).listVillageSubmissions(ctx.params.villageCode)).map(toSubmissionWire) },
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/submissions/:month',
    summary: '某月报送详情：状态、变更历史、冻结的快照行（分页；除本村用户外身份证号脱敏）',
    tag: 'submissions',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageMonthParams,
    query: SnapshotQuerySchema,
    response: SubmissionDetailResponseSchema,
    example: { params: { month: '2026-10' } },
    handle: async (ctx) => {
      const { villageCode, month } = ctx.params;
      const query = ctx.query;
      const store = ledgerStoreOf(ctx.deps);
      const record = await getSubmissionOrThrow(store, villageCode, month);
      const view = rowViewOf(ctx.user, villageCode);
      const { masked, phonesMasked } = view;
      const rows = await store.snapshotRows(villageCode, month, record.revision, {
        offset: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      });
      await auditUnmaskedRead(ctx, 'ledger.snapshot.read_unmasked', villageCode, rows.length, view);
      return {
        body: {
          submission: toSubmissionWire(record),
          history: await store.submissionHistory(villageCode, month),
          rows: rows.map((row) => ({ rowId: row.rowId, version: row.version, values: maskedRow(row.values, masked, phonesMasked) })),
          page: query.page,
          pageSize: query.pageSize,
          masked,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/submissions/:month/findings',
    summary: '某月报送的问题清单：按现行填报规则重新检查冻结的快照行（供乡镇审核；身份证号、电话按角色脱敏，与台账行相同）',
    tag: 'submissions',
    auth: 'user',
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageMonthParams,
    response: SubmissionFindingsResponseSchema,
    example: { params: { month: '2026-10' } },
    handle: async (ctx) => {
      const { villageCode, month } = ctx.params;
      const store = ledgerStoreOf(ctx.deps);
      const record = await getSubmissionOrThrow(store, villageCode, month);
      const rows = await store.snapshotRows(villageCode, month, record.revision, { offset: 0, limit: record.rowCount });
      const today = chinaDate(ctx.deps.now());
      const checks = checkRows(
        rows.map((row) => row.values),
        today,
        await policyForVillage(store.db, villageCode, today),
        await villageNameOf(store.db, villageCode),
      );
      const entries = rows.map((row, index) => ({ rowId: row.rowId, ...checks[index] }));
      const view = rowViewOf(ctx.user, villageCode);
      const capped = capRowFindings(entries);
      const findings = capped.findings.map((entry) => ({ ...entry, findings: entry.findings.map((finding) => maskedFinding(finding, view)) }));
      const unmasked = unmaskedFieldsOf(view);
      // A reviewer reads findings about named people's rows (names, the values in question): audited
      // like every other read of another unit's rows — who, which village and month, how many, and
      // which personal fields the texts may quote in full.
      await ctx.deps.audit.record({
        user: ctx.user,
        action: 'ledger.submission_findings.read',
        target: villageCode,
        requestId: ctx.requestId,
        detail: {
          month,
          revision: record.revision,
          rows: record.rowCount,
          findingRows: capped.findingCounts.rows,
          ...(unmasked.length > 0 ? { unmasked: unmasked.join(',') } : {}),
        },
      });
      return {
        body: { villageCode, month, revision: record.revision, rowCount: record.rowCount, ...capped, findings },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/ledgers/:villageCode/submissions/:month/approve',
    summary: '乡镇审核通过村的月度报送（已提交 → 已审核）',
    tag: 'submissions',
    auth: 'user',
    roles: ['township'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageMonthParams,
    body: ApproveRequestSchema.optional(),
    response: SubmissionResponseSchema,
    example: { params: { month: '2026-10' }, body: {} },
    handle: async (ctx) =>
      ({
        body: await approveMonth(env(ctx), ctx.params.villageCode, ctx.params.month, { user: ctx.user, httpRequestId: ctx.requestId }, ctx.body?.note),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/ledgers/:villageCode/submissions/:month/return',
    summary: '乡镇退回村的月度报送并说明原因（→ 已退回），村修改后可重新报送',
    tag: 'submissions',
    auth: 'user',
    roles: ['township'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageMonthParams,
    body: ReturnRequestSchema,
    response: SubmissionResponseSchema,
    example: { params: { month: '2026-10' }, body: { reason: '第3行核实结果未填写' } },
    handle: async (ctx) => ({
      body: await returnMonth(env(ctx), ctx.params.villageCode, ctx.params.month, { user: ctx.user, httpRequestId: ctx.requestId }, ctx.body.reason),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/units/:code/submissions/pending',
    summary: '待审核队列：本单位下属各村已提交、等待审核的各月报送（跨月份，最早的在前）',
    tag: 'submissions',
    auth: 'user',
    unitParam: 'code',
    params: UnitParams,
    response: PendingSubmissionsResponseSchema,
    handle: async (ctx) => {
      const code = ctx.params.code;
      const store = ledgerStoreOf(ctx.deps);
      const [villages, waiting] = await Promise.all([store.villagesUnder(code), store.submissionsInState(code, '已提交')]);
      const byCode = new Map(villages.map((village) => [village.code, village]));
      return {
        body: {
          unitCode: code,
          pending: waiting.map((record) => {
            const village = byCode.get(record.villageCode);
            return {
              villageCode: record.villageCode,
              villageName: village?.name ?? record.villageCode,
              townshipCode: village?.townshipCode ?? record.villageCode.slice(0, 9),
              townshipName: village?.townshipName ?? null,
              month: record.month,
              revision: record.revision,
              rowCount: record.rowCount,
              submittedAt: record.submittedAt,
              submittedBy: record.submittedBy,
            };
          }),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/units/:code/submissions',
    summary: '本单位下属各村某月报送情况：已提交、已审核、已退回、未提交',
    tag: 'submissions',
    auth: 'user',
    unitParam: 'code',
    params: UnitParams,
    query: UnitSubmissionsQuerySchema,
    response: UnitSubmissionsResponseSchema,
    example: { query: { month: '2026-10' } },
    handle: async (ctx) => {
      const code = ctx.params.code;
      const month = ctx.query.month;
      const store = ledgerStoreOf(ctx.deps);
      const [villages, submissions] = await Promise.all([store.villagesUnder(code), store.submissionsUnder(code, month)]);
      const byVillage = new Map(submissions.map((record) => [record.villageCode, record]));
      const body: UnitSubmissionsResponse = {
        unitCode: code,
        month,
        counts: { villages: villages.length, submitted: 0, approved: 0, returned: 0, notSubmitted: 0 },
        villages: [],
        missing: [],
      };
      for (const village of villages) {
        const record = byVillage.get(village.code);
        if (!record) {
          body.counts.notSubmitted++;
          body.missing.push(village.code);
        } else if (record.state === '已提交') body.counts.submitted++;
        else if (record.state === '已审核') body.counts.approved++;
        else body.counts.returned++;
        body.villages.push({
          villageCode: village.code,
          villageName: village.name,
          townshipCode: village.townshipCode,
          townshipName: village.townshipName,
          state: record?.state ?? NOT_SUBMITTED,
          revision: record?.revision ?? null,
          submittedAt: record?.submittedAt ?? null,
          decidedAt: record?.decidedAt ?? null,
        });
      }
      return { body };
    },
  }),
];
