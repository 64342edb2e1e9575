/**
 * GET /exports/consolidated-rows: the consolidated workbook's 台账明细 rows as JSON pages, for the
 * 汇总 pane that writes them into a worksheet chunk by chunk (a pane cannot open a streamed .xlsx
 * inside the user's workbook). Same rows, columns, order and masking as the download
 * (ledger/reports/export.ts), keyset-paged like the streamed export; every page is audited.
 */
import {
  ConsolidatedRowsQuerySchema,
  ConsolidatedRowsResponseSchema,
  type ConsolidatedRowsResponse,
} from '../../ledger/api/reports';
import { EXPORT_COLUMNS } from '../../ledger/reports/export';
import { defineRoute, type RouteSpec } from '../http/route-table';
import { reportStoreOf } from '../reports/store';
import { requestUnit, UNIT_IN_QUERY } from '../reports/routes';
import { exportRowOf } from './consolidated';
import { auditExport, exportViewOf } from './routes';

interface Cursor {
  villageCode: string;
  seq: number;
  sent: number;
}

function readCursor(text: string | undefined): Cursor | null {
  if (text === undefined) return null;
  const [villageCode, seq, sent] = text.split('.');
  return { villageCode, seq: Number(seq), sent: Number(sent) };
}

const COLUMN_HEADERS = EXPORT_COLUMNS.map((column) => column.header);

export const CONSOLIDATED_ROWS_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/exports/consolidated-rows',
    summary: '汇总明细分页（JSON）：与汇总工作簿“台账明细”相同的行、列序和脱敏规则，供加载项分块写入新工作表；每页留痕',
    tag: 'exports',
    ...UNIT_IN_QUERY,
    query: ConsolidatedRowsQuerySchema,
    response: ConsolidatedRowsResponseSchema,
    example: { query: { limit: '500' } },
    handle: async (ctx) => {
      const { after, limit } = ctx.query;
      const store = reportStoreOf(ctx.deps.db);
      const unit = await requestUnit(ctx, ctx.query.unit);
      const cursor = readCursor(after);
      const villages = await store.villagesUnder(unit.code);
      const byCode = new Map(villages.map((village) => [village.code, village]));
      const view = exportViewOf(ctx.user, unit.code);
      // one row more than asked tells whether another page follows, without a count query
      const batch = await store.exportBatch(unit.code, cursor && { villageCode: cursor.villageCode, seq: cursor.seq }, limit + 1);
      const page = batch.slice(0, limit);
      const sentBefore = cursor?.sent ?? 0;
      const rows = page.map((row, index) => exportRowOf(row, sentBefore + index + 1, byCode, view));
      const last = page[page.length - 1];
      const more = batch.length > limit && last !== undefined;
      // villages are read in code order: those before the current one are done
      const villagesDone = more ? villages.filter((village) => village.code < last.villageCode).length : villages.length;
      await auditExport(ctx, unit.code, view, { rows: rows.length, format: 'rows', from: sentBefore + 1 });
      const body: ConsolidatedRowsResponse = {
        unit,
        columns: COLUMN_HEADERS,
        rows,
        next: more ? `${last.villageCode}.${last.seq}.${sentBefore + rows.length}` : null,
        progress: { villages: villages.length, villagesDone },
        masked: view.masked,
      };
      return { body };
    },
  }),
];
