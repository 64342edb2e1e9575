/**
 * Consolidation endpoints: the summary with drill-down and the cross-village duplicate list.
 * The unit is a query parameter (`?unit=CODE`), scoped by the route table like a path unit:
 * 403 outside the caller's subtree, 404 for an unknown unit inside it.
 */
import { DuplicatesResponseSchema, SummaryResponseSchema, UnitQuerySchema, WindowQuerySchema } from '../../ledger/api/reports';
import { defineRoute, type RouteContext, type RouteSpec } from '../http/route-table';
import { duplicateList, unitSummary } from './service';
import { reportStoreOf } from './store';
import { defined } from '../../ledger/defined';

/**
 * How every consolidation route (these and the exports) is scoped: signed in, the unit in
 * `?unit=CODE`, checked against the caller's subtree by the route table like a path unit.
 */
export const UNIT_IN_QUERY = { auth: 'user', unitParam: 'unit', unitIn: 'query' } as const;

/** The unit of the request (its existence was checked by the route table's unit scoping). */
export async function requestUnit(ctx: RouteContext, code: string) {
  return defined(await reportStoreOf(ctx.deps.db).unit(code), `unit ${code}`); // checked by the route table's unit scoping
}

export const REPORT_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/reports/summary',
    summary:
      '汇总：本单位某月（或 from–to 区间）台账行按人员类别、发现渠道、核实结果、处置方式、办理状态的分布，线索按来源的按时核实率、逾期数、平均核实工作日、办结率，下属各村报送状态，跨村重复人员数；每项按直属下级单位细分（下钻）',
    tag: 'reports',
    ...UNIT_IN_QUERY,
    query: WindowQuerySchema,
    response: SummaryResponseSchema,
    example: { query: { month: '2026-10' } },
    handle: async (ctx) => {
      const { unit: code, from, to } = ctx.query;
      const unit = await requestUnit(ctx, code);
      return { body: await unitSummary(reportStoreOf(ctx.deps.db), unit, { from, to }, ctx.deps.now()) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/duplicates',
    summary: '跨村重复：同一身份证号在两个及以上村的台账上未办结，按最低共同上级单位列出（身份证号一律脱敏，姓名按角色）',
    tag: 'reports',
    ...UNIT_IN_QUERY,
    roles: ['township', 'county', 'prefecture', 'admin'],
    query: UnitQuerySchema,
    response: DuplicatesResponseSchema,
    handle: async (ctx) => {
      const unit = await requestUnit(ctx, ctx.query.unit);
      return { body: await duplicateList(reportStoreOf(ctx.deps.db), unit, ctx.user.role) };
    },
  }),
];
