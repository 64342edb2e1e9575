/**
 * Leads API (线索): list for my unit, read one with its history, dispatch down the tree, the
 * village's "pulled into my ledger". Imports (server/imports/routes.ts) and county policy
 * (server/policy/routes.ts) have their own lists.
 */
import { z } from 'zod';
import {
  DispatchResponseSchema,
  LeadDetailResponseSchema,
  LeadListQuerySchema,
  LeadListResponseSchema,
  PullLeadRequestSchema,
  PullLeadResponseSchema,
} from '../../ledger/api/leads';
import { AppError } from '../http/errors';
import { defineRoute, type AuthUser, type RouteContext, type RouteSpec } from '../http/route-table';
import { leadFindings } from './further-findings';
import { chinaDate } from '../../ledger/dates';
import { dispatchLeads, getScopedLead, leadHistory, leadLinks, leadView, listLeads, markPulled, unitNamer, type LeadRow } from './lifecycle';
import { ledgerValuesForLead } from './ledger-values';

const LeadNoParams = z.object({ leadNo: z.string().min(1).max(40) });

function actorOf(user: AuthUser) {
  return { username: user.username, unitCode: user.unit.code, role: user.role };
}

/**
 * The lead if the user's unit contains the unit it is assigned to. Unknown and out-of-scope leads
 * get the same 404: lead numbers are sequential, a 403 would tell other units which exist.
 */
async function scopedLead(ctx: RouteContext<'user'>, leadNo: string): Promise<LeadRow> {
  return getScopedLead(ctx.deps.db, actorOf(ctx.user), leadNo);
}

/** Full ID numbers only for the village the lead was sent to (it must put the person on its ledger), and admins. */
function mayUnmask(user: AuthUser, row: LeadRow): boolean {
  return user.role === 'admin' || (user.role === 'village' && row.village_code === user.unit.code);
}

/** A well-formed lead number no demo lead has (examples for the access matrix and OpenAPI). */
const EXAMPLE_LEAD_NO = 'XS-532301-202601-99999';

export const LEAD_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/units/:code/leads',
    summary: '本单位（含下级）的线索列表，可按来源、状态、是否逾期、期次筛选；身份证号脱敏',
    tag: 'leads',
    auth: 'user',
    unitParam: 'code',
    params: z.object({ code: z.string().regex(/^\d{4,12}$/) }),
    query: LeadListQuerySchema,
    response: LeadListResponseSchema,
    example: { query: { state: '已派至乡镇', page: '1', pageSize: '20' } },
    handle: async (ctx) => {
      const q = ctx.query;
      const today = chinaDate(ctx.deps.now());
      return { body: await listLeads(ctx.deps.db, ctx.params.code, q, today, q.page, q.pageSize) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/leads/:leadNo',
    summary: '查看一条线索及其流转记录（按线索所属单位授权）；下发到的村可查看完整身份证号（记入审计）',
    tag: 'leads',
    auth: 'user',
    params: LeadNoParams,
    query: z.object({ unmasked: z.enum(['true', 'false', '1', '0']).optional() }),
    example: { params: { leadNo: EXAMPLE_LEAD_NO } },
    response: LeadDetailResponseSchema,
    handle: async (ctx) => {
      const row = await scopedLead(ctx, ctx.params.leadNo);
      const wantFull = ctx.query.unmasked === 'true' || ctx.query.unmasked === '1';
      if (wantFull && !mayUnmask(ctx.user, row)) {
        throw new AppError('lead_unmask_forbidden');
      }
      if (wantFull) {
        await ctx.deps.audit.record({ user: ctx.user, action: 'lead.read_unmasked', target: row.lead_no, requestId: ctx.requestId });
      }
      const today = chinaDate(ctx.deps.now());
      const units = await unitNamer(ctx.deps.db, [row.county_code, row.township_code, row.village_code, row.suggested_village_code]);
      return {
        body: {
          lead: leadView(row, today, units, wantFull),
          history: await leadHistory(ctx.deps.db, row.lead_no),
          links: await leadLinks(ctx.deps.db, row.lead_no),
          findings: leadFindings(row),
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/leads/dispatch',
    summary: '派发线索：县→乡镇（toUnitCode为9位乡镇代码）或乡镇→村（12位村代码）；全部成功或全部不派',
    tag: 'leads',
    auth: 'user',
    roles: ['county', 'township', 'admin'],
    body: z
      .object({
        leadNos: z.array(z.string().min(1).max(40)).min(1).max(2000),
        toUnitCode: z.string().regex(/^\d{9}(\d{3})?$/).optional(),
        townshipCode: z.string().regex(/^\d{9}$/).optional(),
        villageCode: z.string().regex(/^\d{12}$/).optional(),
        note: z.string().max(500).optional(),
      })
      .strict()
      .refine((b) => [b.toUnitCode, b.townshipCode, b.villageCode].filter(Boolean).length === 1, {
        message: '请只指定一个目标单位（toUnitCode、townshipCode 或 villageCode） / give exactly one target unit',
      }),
    response: DispatchResponseSchema,
    example: { body: { leadNos: [EXAMPLE_LEAD_NO], toUnitCode: '532301101', note: '请于时限内核实' } },
    handle: async (ctx) => {
      const body = ctx.body;
      // The schema's refine guarantees exactly one of the three; '' is refused by dispatchLeads as a target.
      const toUnitCode = body.toUnitCode ?? body.townshipCode ?? body.villageCode ?? '';
      const now = ctx.deps.now();
      const rows = await ctx.deps.db.transaction(async (tx) => {
        const done = await dispatchLeads(tx, actorOf(ctx.user), { leadNos: body.leadNos, toUnitCode, note: body.note }, now);
        await ctx.deps.audit.record(
          { user: ctx.user, action: 'lead.dispatch', target: toUnitCode, requestId: ctx.requestId, detail: { count: done.length } },
          tx,
        );
        return done;
      });
      const units = await unitNamer(ctx.deps.db, rows.flatMap((r) => [r.township_code, r.village_code, r.suggested_village_code]));
      const today = chinaDate(now);
      return { body: { dispatched: rows.map((r) => leadView(r, today, units)), failed: [] } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/leads/:leadNo/pull',
    summary: '村（社区）将线索纳入本村台账（已下发村→核实中），返回台账行的预填值（含完整身份证号，记入审计）',
    tag: 'leads',
    auth: 'user',
    roles: ['village', 'admin'],
    params: LeadNoParams,
    /** The ledger row the lead was put on: a sync row id (UUID), as the add-in makes them. */
    body: PullLeadRequestSchema.optional(),
    example: { params: { leadNo: EXAMPLE_LEAD_NO }, body: { rowId: '6f1c2a9e-0000-4000-8000-000000000001' } },
    response: PullLeadResponseSchema,
    handle: async (ctx) => {
      const now = ctx.deps.now();
      const leadNo = ctx.params.leadNo;
      const rowId = ctx.body?.rowId;
      const row = await ctx.deps.db.transaction(async (tx) => {
        const pulled = await markPulled(tx, actorOf(ctx.user), leadNo, rowId, now);
        await ctx.deps.audit.record({ user: ctx.user, action: 'lead.pull', target: leadNo, requestId: ctx.requestId }, tx);
        return pulled;
      });
      const units = await unitNamer(ctx.deps.db, [row.county_code, row.township_code, row.village_code, row.suggested_village_code]);
      return { body: { lead: leadView(row, chinaDate(now), units, true), ledgerValues: ledgerValuesForLead(row, units, chinaDate(now)) } };
    },
  }),
];

