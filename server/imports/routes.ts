/**
 * Import API (county and admin only): upload a departmental file or the roster → background read
 * and dry run (poll the status) → commit. Re-uploading a committed file returns its summary. The
 * county's feed calendar (which scheduled files are missing) reads the same imports.
 */
import { z } from 'zod';
import { FeedCalendarResponseSchema, ImportListResponseSchema, ImportStateSchema, ImportSummarySchema } from '../../ledger/api/leads';
import { chinaDate } from '../../ledger/dates';
import { defineRoute, type Role, type RouteSpec } from '../http/route-table';
import { AppError } from '../http/errors';
import { commitImport } from './commit';
import { feedStatus } from './feeds';
import { importStatusFor, listImportsFor, startImport } from './service';

/** Upload limit for departmental files (a 300k-row xlsx is ~20–30 MB). */
export const IMPORT_UPLOAD_LIMIT_BYTES = 200 * 1024 * 1024;

const CountyParams = z.object({ countyCode: z.string().regex(/^\d{6}$/) });
const ImportParams = CountyParams.extend({ importId: z.string().uuid() });

const ImportStatusSchema = z.object({
  importId: z.string(),
  state: ImportStateSchema,
  rowsRead: z.number().int().nonnegative(),
  bytesRead: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  percent: z.number().min(0).max(100),
  summary: ImportSummarySchema.nullable(),
  error: z.object({ zh: z.string(), en: z.string() }).nullable(),
});

const EXAMPLE_IMPORT_ID = '00000000-0000-4000-8000-000000000000';

/** What every import route is: a county's, for signed-in users of that county or above it. */
const COUNTY_IMPORTS = { tag: 'imports', auth: 'user', unitParam: 'countyCode', unitLevel: 'county' } as const;
/** Who changes a county's imports (upload, commit) and who may read them (the prefecture too). */
const IMPORT_WRITERS: readonly Role[] = ['county', 'admin'];
const IMPORT_READERS: readonly Role[] = ['county', 'prefecture', 'admin'];

export const IMPORT_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/counties/:countyCode/imports',
    summary: '上传部门比对数据或保障对象名册（multipart：file、source、period），后台读取并试运行；同一文件（按sha256）已导入时返回原导入结果',
    ...COUNTY_IMPORTS,
    roles: IMPORT_WRITERS,
    multipart: true,
    uploadLimitBytes: IMPORT_UPLOAD_LIMIT_BYTES,
    params: CountyParams,
    body: z.object({ source: z.string().min(1).max(40), period: z.string().max(20).optional() }).strict(),
    response: ImportStatusSchema.extend({ duplicate: z.boolean() }),
    example: {
      body: { source: 'medical', period: '2026-10' },
      file: { name: 'medical-2026-10.csv', text: '姓名,身份证号,入院日期,出院日期,医疗总费用,个人自付费用,医疗机构\n' },
    },
    handle: async (ctx) => {
      if (!ctx.file) throw new AppError('import_no_file');
      const { created, status } = await startImport(ctx.deps, ctx.user, ctx.params.countyCode, {
        source: ctx.body.source,
        period: ctx.body.period,
        fileName: ctx.file.originalName,
        path: ctx.file.path,
        requestId: ctx.requestId,
      });
      return { status: created ? 202 : 200, body: { ...status, duplicate: !created } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/counties/:countyCode/imports',
    summary: '本县（市）的导入记录及其导入摘要（最新在前）',
    ...COUNTY_IMPORTS,
    roles: IMPORT_READERS,
    params: CountyParams,
    response: ImportListResponseSchema,
    handle: async (ctx) => ({ body: { imports: await listImportsFor(ctx.deps, ctx.params.countyCode) } }),
  }),
  defineRoute({
    method: 'get',
    path: '/counties/:countyCode/imports/:importId',
    summary: '导入进度与试运行摘要（state: reading|ready|committed|failed）',
    ...COUNTY_IMPORTS,
    roles: IMPORT_READERS,
    params: ImportParams,
    response: ImportStatusSchema,
    example: { params: { importId: EXAMPLE_IMPORT_ID } },
    handle: async (ctx) => ({ body: await importStatusFor(ctx.deps, ctx.params.countyCode, ctx.params.importId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/counties/:countyCode/imports/:importId/commit',
    summary: '提交试运行结果：在一个事务中生成线索（或替换保障对象名册）；重复提交返回原结果',
    ...COUNTY_IMPORTS,
    roles: IMPORT_WRITERS,
    params: ImportParams,
    response: ImportStatusSchema,
    example: { params: { importId: EXAMPLE_IMPORT_ID } },
    handle: async (ctx) => ({ body: await commitImport(ctx.deps, ctx.user, ctx.params.countyCode, ctx.params.importId, ctx.requestId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/counties/:countyCode/feeds',
    summary: '部门数据导入日历：逾期未导入的数据（如“2026年10月 医保数据尚未导入”）',
    ...COUNTY_IMPORTS,
    roles: IMPORT_READERS,
    params: CountyParams,
    response: FeedCalendarResponseSchema.extend({ imported: z.array(z.object({ source: z.string(), period: z.string(), committedAt: z.string() })) }),
    handle: async (ctx) => ({ body: await feedStatus(ctx.deps.db, ctx.params.countyCode, chinaDate(ctx.deps.now())) }),
  }),
];
