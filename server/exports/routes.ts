/**
 * GET /exports/consolidated.xlsx and .csv: the subtree's consolidated workbook, streamed straight
 * into the response. ID numbers and phones are masked for everyone but a village's own users exporting
 * their own ledger (exportViewOf). Every export is audited (who, unit, window, rows, format, which
 * personal fields went out unmasked).
 */
import type { Response } from 'express';
import { WindowQuerySchema, type WindowQuery } from '../../ledger/api/reports';
import type { AuditEntry } from '../app-deps';
import { defineRoute, type RouteContext, type RouteSpec } from '../http/route-table';
import { rowViewOf, unmaskedFieldsOf, type RowView } from '../ledger/routes';
import { summariesByLevel } from '../reports/service';
import { reportStoreOf } from '../reports/store';
import { requestUnit, UNIT_IN_QUERY } from '../reports/routes';
import { writeConsolidatedCsv, writeConsolidatedXlsx, type ExportPlan } from './consolidated';

type Format = 'xlsx' | 'csv';

const CONTENT_TYPE: Record<Format, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

function attachment(res: Response, name: string, asciiName: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`);
}

/** Rejects when the client goes away before the file is complete (so the writer does not wait forever). */
function clientGone(res: Response): Promise<never> {
  return new Promise((_resolve, reject) => {
    res.once('close', () => {
      if (!res.writableFinished) reject(new Error('client closed the connection during the export'));
    });
  });
}

/**
 * What an export shows. A file is a copy that leaves the system (a county's workbook holds every
 * village's people and stays on a PC), so phones are masked with the ID numbers: for everyone but a
 * village's own users exporting their own ledger. On the ledger API a township or county still sees
 * phones (audited), to call the people whose cases it works.
 */
export function exportViewOf(user: RouteContext<'user'>['user'], unitCode: string): RowView {
  const view = rowViewOf(user, unitCode);
  return { masked: view.masked, phonesMasked: view.masked || view.phonesMasked };
}

/**
 * Audits what one export sent out (a whole download, or one page of rows): who, for which unit,
 * and which personal fields (ID numbers, phones) went out unmasked — any of them makes it its own
 * action, to be found, as unmasked reads of the ledger API are.
 */
export function auditExport(ctx: RouteContext<'user'>, unitCode: string, view: RowView, detail: NonNullable<AuditEntry['detail']>): Promise<void> {
  const unmasked = unmaskedFieldsOf(view);
  return ctx.deps.audit.record({
    user: ctx.user,
    action: unmasked.length === 0 ? 'export.consolidated' : 'export.consolidated.unmasked',
    target: unitCode,
    requestId: ctx.requestId,
    detail: { ...detail, masked: view.masked, ...(unmasked.length > 0 ? { unmasked: unmasked.join(',') } : {}) },
  });
}

async function exportConsolidated(ctx: RouteContext<'user', unknown, WindowQuery>, format: Format) {
  const query = ctx.query;
  const store = reportStoreOf(ctx.deps.db);
  const unit = await requestUnit(ctx, query.unit);
  const window = { from: query.from, to: query.to };
  const plan: ExportPlan = {
    unit,
    window,
    levels: format === 'xlsx' ? await summariesByLevel(store, unit, window, ctx.deps.now()) : [],
    view: exportViewOf(ctx.user, unit.code),
  };
  const span = window.from === window.to ? window.from : `${window.from}_${window.to}`;
  ctx.res.status(200);
  ctx.res.setHeader('Content-Type', CONTENT_TYPE[format]);
  ctx.res.setHeader('Cache-Control', 'no-store');
  attachment(ctx.res, `台账汇总_${unit.name}_${span}.${format}`, `consolidated-${unit.code}-${span}.${format}`);
  const write = format === 'xlsx' ? writeConsolidatedXlsx(ctx.res, store, plan) : writeConsolidatedCsv(ctx.res, store, plan);
  const rows = await Promise.race([write, clientGone(ctx.res)]);
  await auditExport(ctx, unit.code, plan.view, { from: window.from, to: window.to, rows, format });
  return { body: undefined };
}

const common = {
  method: 'get',
  tag: 'exports',
  ...UNIT_IN_QUERY,
  query: WindowQuerySchema,
  example: { query: { month: '2026-10' } },
} as const;

export const EXPORT_ROUTES: RouteSpec[] = [
  defineRoute({
    ...common,
    path: '/exports/consolidated.xlsx',
    summary: '汇总工作簿（流式写出）：各级汇总表（含下级单位）+ 辖区全部台账行（按台账列序，乡镇/村已填，身份证号和电话按角色脱敏，表头冻结）；导出留痕',
    handle: (ctx) => exportConsolidated(ctx, 'xlsx'),
  }),
  defineRoute({
    ...common,
    path: '/exports/consolidated.csv',
    summary: '辖区全部台账行 CSV（UTF-8 带 BOM，Excel 可直接打开；以 = + - @ 制表符 回车 开头的内容按 OWASP 转义）；导出留痕',
    handle: (ctx) => exportConsolidated(ctx, 'csv'),
  }),
];
