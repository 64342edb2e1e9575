/**
 * Ledger workbooks for staff without the add-in (WPS, LibreOffice, older Excel, phones):
 *   GET  /templates/village-ledger.xlsx           the blank template
 *   GET  /ledgers/:villageCode/workbook.xlsx      the village's current ledger in the template, with 记录ID and 版本号
 *   POST /ledgers/:villageCode/uploads            a filled ledger (.xlsx/.xls/.et/.csv): validation report and
 *                                                 the sync changes it would make — nothing is stored
 * The changes are then pushed through POST /ledgers/:villageCode/sync (the one sync service).
 */
import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import { basename, extname } from 'path';
import { z } from 'zod';
import { MonthSchema } from '../../ledger/api/submissions';
import { ledgerTitle } from '../../ledger/columns';
import { valuesToCells } from '../../ledger/sheet';
import type { SheetInput } from '../../ledger/types';
import { LEDGER_UPLOAD_LIMIT_BYTES, planUpload } from '../../ledger/upload-plan';
import { validateSheet } from '../../ledger/validate';
import { locateLedgerHeader } from '../../ledger/sheet';
import { AppError } from '../http/errors';
import { defineRoute, type RouteContext, type RouteSpec } from '../http/route-table';
import { buildLedgerTemplate } from '../io/ledger-template';
import { ledgerRowHeight, TEMPLATE_FIRST_DATA_ROW, TEMPLATE_SHEETS, TEMPLATE_TITLE_ROW } from '../../ledger/template';
import { IN_MEMORY_READ_LIMITS } from '../io/read-limits';
import { readTableFile, TableReadError } from '../io/read-table';
import { policyForVillage } from '../ledger/revalidate';
import { chinaDate } from '../../ledger/dates';
import { ledgerStoreOf } from '../ledger/routes';
import { getUnit } from '../units/store';
import { defined } from '../../ledger/defined';

const VillageParams = z.object({ villageCode: z.string().regex(/^\d{12}$/) });
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Extensions the readers know; the upload is given one so the reader can tell the format. */
const UPLOAD_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xls', '.et', '.csv', '.txt']);

function sendWorkbook(ctx: RouteContext, buffer: Buffer, name: string, asciiName: string) {
  ctx.res.setHeader('Content-Type', XLSX_TYPE);
  ctx.res.setHeader('Cache-Control', 'no-store');
  ctx.res.setHeader('Content-Disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  ctx.res.status(200).end(buffer);
  return { body: undefined };
}

const UploadFindingSchema = z.object({
  row: z.number().int(),
  column: z.string(),
  cell: z.string().optional(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
});

export const UploadCheckResponseSchema = z.object({
  fileName: z.string(),
  sheetName: z.string(),
  rows: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  /** The validation report (row, column, message, how to fix), plus the upload's own problems. */
  findings: z.array(UploadFindingSchema),
  plan: z.object({
    changes: z.array(
      z.object({
        rowId: z.string(),
        baseVersion: z.number().int(),
        values: z.record(z.string(), z.unknown()),
        excelRow: z.number().int(),
        match: z.enum(['rowId', 'idNumber', 'new']),
      }),
    ),
    unchanged: z.number().int(),
    notInFile: z.number().int(),
  }),
});
export type UploadCheckResponse = z.infer<typeof UploadCheckResponseSchema>;

/** The sheet holding the ledger: the one named 台账, else the first with a ledger header. */
function ledgerSheet(sheets: readonly SheetInput[]): SheetInput | undefined {
  return sheets.find((sheet) => sheet.name === TEMPLATE_SHEETS.ledger && locateLedgerHeader(sheet)) ?? sheets.find((sheet) => locateLedgerHeader(sheet));
}

async function readUpload(ctx: RouteContext): Promise<SheetInput[]> {
  const file = ctx.file;
  if (!file) throw new AppError('upload_no_file');
  const ext = extname(file.originalName).toLowerCase();
  if (!UPLOAD_EXTENSIONS.has(ext)) {
    throw new AppError('upload_unsupported', { extension: ext ? { zh: ext, en: ext } : { zh: '无扩展名', en: '(none)' } });
  }
  // The reader tells formats by extension: the upload (a private temp file) is renamed, and removed here.
  const named = `${file.path}${ext}`;
  await fs.rename(file.path, named);
  try {
    return await readTableFile(named, { limits: IN_MEMORY_READ_LIMITS });
  } catch (error) {
    if (error instanceof TableReadError) {
      // the reader names the file it opened: the user knows it by the name they uploaded
      const own = (text: string) => text.split(basename(named)).join(file.originalName);
      // The reader's own message says what is wrong with the file; its code goes along for the client.
      throw new AppError('upload_unreadable', { reason: { zh: own(error.zh), en: own(error.en) } }, { extra: { reason: error.code } });
    }
    throw error;
  } finally {
    await fs.rm(named, { force: true });
  }
}

export const WORKBOOK_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/templates/village-ledger.xlsx',
    summary: '下载空白村台账模板（.xlsx，含填表说明和下拉选项）',
    tag: 'workbooks',
    auth: 'user',
    handle: async (ctx) => {
      const workbook = await buildLedgerTemplate();
      return sendWorkbook(ctx, Buffer.from(await workbook.xlsx.writeBuffer()), '村台账模板.xlsx', 'village-ledger.xlsx');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ledgers/:villageCode/workbook.xlsx',
    summary: '下载本村当前台账（模板格式，含记录ID和版本号，修改后可上传合并）；本村工作台账，身份证号不脱敏，下载留痕',
    tag: 'workbooks',
    auth: 'user',
    roles: ['village'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    params: VillageParams,
    query: z.strictObject({ month: MonthSchema.optional() }),
    handle: async (ctx) => {
      const villageCode = ctx.params.villageCode;
      const unit = defined(await getUnit(ctx.deps.db, villageCode), `unit ${villageCode}`); // checked by the route table's unit scoping
      const rows = await ledgerStoreOf(ctx.deps).liveRows(villageCode);
      const workbook = await buildLedgerTemplate();
      const sheet = defined(workbook.getWorksheet(TEMPLATE_SHEETS.ledger), 'the ledger sheet');
      const month = ctx.query.month ?? chinaDate(ctx.deps.now()).slice(0, 7);
      sheet.getCell(TEMPLATE_TITLE_ROW, 1).value = ledgerTitle(unit.name, Number(month.slice(5)));
      rows.forEach((row, index) => {
        const cells = valuesToCells({ ...row.values, rowId: row.rowId, version: row.version });
        const target = sheet.getRow(TEMPLATE_FIRST_DATA_ROW + index);
        cells.forEach((value, column) => {
          if (value !== '') target.getCell(column + 1).value = value;
        });
        // WPS and LibreOffice do not grow a row for wrapped text: the printed ledger overlapped
        const height = ledgerRowHeight(row.values);
        if (height !== undefined) target.height = height;
      });
      await ctx.deps.audit.record({
        user: ctx.user,
        action: 'ledger.workbook.download',
        target: villageCode,
        requestId: ctx.requestId,
        detail: { rows: rows.length, masked: false },
      });
      return sendWorkbook(ctx, Buffer.from(await workbook.xlsx.writeBuffer()), `${unit.name}台账_${month}.xlsx`, `ledger-${villageCode}-${month}.xlsx`);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/ledgers/:villageCode/uploads',
    summary: '上传填好的台账（.xlsx/.xls/.et/.csv）：返回校验报告（行、列、问题、改法）和将要合并的变更（按记录ID、否则按身份证号对应；基础版本取自文件的版本号）；不保存任何数据',
    tag: 'workbooks',
    auth: 'user',
    roles: ['village'],
    unitParam: 'villageCode',
    unitLevel: 'village',
    multipart: true,
    uploadLimitBytes: LEDGER_UPLOAD_LIMIT_BYTES,
    params: VillageParams,
    body: z.object({}).strict(),
    response: UploadCheckResponseSchema,
    example: { file: { name: 'ledger.csv', text: '姓名,公民身份号码,人员类别,发现渠道,发现日期\n示例人员,11010519491231002X,老年人,入户走访,2026-10-05\n' } },
    handle: async (ctx) => {
      const villageCode = ctx.params.villageCode;
      const sheets = await readUpload(ctx);
      const sheet = ledgerSheet(sheets);
      if (!sheet) {
        throw new AppError('upload_not_a_ledger');
      }
      const today = chinaDate(ctx.deps.now());
      const validation = validateSheet(sheet, { today, policy: await policyForVillage(ctx.deps.db, villageCode, today) });
      const serverRows = await ledgerStoreOf(ctx.deps).liveRows(villageCode);
      const plan = planUpload(validation.rows, serverRows.map((row) => ({ rowId: row.rowId, version: row.version, values: row.values })), randomUUID);
      const findings = [
        ...validation.findings.map((f) => ({ row: f.row, column: f.column, cell: f.cell, severity: f.severity, code: f.code, message: f.message, hint: f.hint })),
        ...plan.problems,
      ].sort((a, b) => a.row - b.row);
      const errors = validation.errors + plan.problems.length;
      await ctx.deps.audit.record({
        user: ctx.user,
        action: 'ledger.upload.checked',
        target: villageCode,
        requestId: ctx.requestId,
        detail: { rows: validation.rows.length, errors, warnings: validation.warnings, changes: plan.changes.length, stored: false },
      });
      return {
        body: {
          fileName: defined(ctx.file, 'the upload').originalName,
          sheetName: sheet.name ?? '',
          rows: validation.rows.length,
          errors,
          warnings: validation.warnings,
          findings,
          plan: { changes: plan.changes, unchanged: plan.unchanged, notInFile: plan.notInFile },
        },
      };
    },
  }),
];
