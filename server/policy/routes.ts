/** County policy API: the effective settings of a county (defaults overlaid by its own) and setting them. */
import { z } from 'zod';
import { chinaDate } from '../../ledger/dates';
import { defineRoute, type RouteSpec } from '../http/route-table';
import { countyPolicy, countyPolicyOverrides, saveCountyPolicy } from './county-policy';

const CountyParams = z.object({ countyCode: z.string().regex(/^\d{6}$/) });

export const POLICY_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/counties/:countyCode/policy',
    summary: '本县（市）生效的政策参数（默认值叠加本县设置）',
    tag: 'imports',
    auth: 'user',
    unitParam: 'countyCode',
    unitLevel: 'county',
    params: CountyParams,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }),
    example: { query: { year: '2026' } },
    handle: async (ctx) => {
      const year = ctx.query.year ?? Number(chinaDate(ctx.deps.now()).slice(0, 4));
      return {
        body: {
          year,
          policy: await countyPolicy(ctx.deps.db, ctx.params.countyCode, year),
          overrides: await countyPolicyOverrides(ctx.deps.db, ctx.params.countyCode, year),
        },
      };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/counties/:countyCode/policy',
    summary: '设置本县（市）的政策参数（year=0 适用于各年度）',
    tag: 'imports',
    auth: 'user',
    roles: ['county', 'admin'],
    unitParam: 'countyCode',
    unitLevel: 'county',
    params: CountyParams,
    body: z.object({ year: z.number().int().min(0).max(2100).default(0), settings: z.record(z.string(), z.unknown()) }).strict(),
    example: { body: { year: 2026, settings: { leadVerifyWorkingDays: 10 } } },
    handle: async (ctx) => {
      const body = ctx.body;
      const year = body.year;
      const policy = await ctx.deps.db.transaction(async (tx) => {
        const saved = await saveCountyPolicy(tx, ctx.params.countyCode, year, body.settings, ctx.user.username, ctx.deps.now());
        await ctx.deps.audit.record({ user: ctx.user, action: 'county.policy.update', target: ctx.params.countyCode, requestId: ctx.requestId, detail: { year } }, tx);
        return saved;
      });
      return { body: { year, policy } };
    },
  }),
];
