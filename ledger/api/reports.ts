/**
 * Consolidation API, shared by the server, the web page and the add-in's 汇总 pane.
 *
 *   GET /api/v1/reports/summary?unit=CODE&month=YYYY-MM        (or &from=YYYY-MM&to=YYYY-MM)
 *   GET /api/v1/reports/duplicates?unit=CODE
 *   GET /api/v1/exports/consolidated.xlsx?unit=CODE&month=YYYY-MM
 *   GET /api/v1/exports/consolidated.csv?unit=CODE&month=YYYY-MM
 *
 * The unit must be the caller's own or below it (403 otherwise; 404 for an unknown unit inside it).
 */
import { z } from 'zod';
import { LEAD_STATE_EN, LEAD_STATES, type LeadState } from '../lead-states';
import { SUMMARY_DIMENSIONS } from '../reports/facts';
import { SUBMISSION_DISPLAY_STATES } from '../reports/summary';
import { MAX_WINDOW_MONTHS, monthsOf } from '../reports/window';
import { UnitCodeSchema, UnitSchema } from './common';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式应为 YYYY-MM (month must be YYYY-MM)' });

/** `month`, or `from` and `to` (both included); resolved to {unit, from, to}. */
export const WindowQuerySchema = z
  .strictObject({ unit: UnitCodeSchema, month: Month.optional(), from: Month.optional(), to: Month.optional() })
  .superRefine((query, ctx) => {
    const single = query.month !== undefined;
    const range = query.from !== undefined || query.to !== undefined;
    if (single === range) {
      ctx.addIssue({ code: 'custom', path: ['month'], message: '请给出 month，或同时给出 from 与 to (give month, or both from and to)' });
    } else if (range && (query.from === undefined || query.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: [query.from === undefined ? 'from' : 'to'], message: 'from 与 to 须同时给出 (from and to go together)' });
    } else if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to 不得早于 from (to must not be before from)' });
    } else if (query.from !== undefined && query.to !== undefined && monthsOf({ from: query.from, to: query.to }).length > MAX_WINDOW_MONTHS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `区间最长 ${MAX_WINDOW_MONTHS} 个月 (at most ${MAX_WINDOW_MONTHS} months)` });
    }
  })
  .transform((query) => ({ unit: query.unit, from: query.month ?? query.from ?? '', to: query.month ?? query.to ?? '' })); // the refine above guarantees month or from+to
export type WindowQuery = z.output<typeof WindowQuerySchema>;

export const UnitQuerySchema = z.strictObject({ unit: UnitCodeSchema });

const count = z.number().int().min(0);
const rate = z.number().min(0).nullable();

export const LeadFiguresSchema = z.object({
  total: count,
  verified: count,
  verifiedOnTime: count,
  overdue: count,
  closed: count,
  verifyWorkingDaysSum: count,
  verifyWorkingDaysCount: count,
  onTimeRate: rate,
  averageWorkingDaysToVerify: rate,
  closureRate: rate,
  /** Leads by the life-cycle state they were in at `asOf`, every state of the one list (sums to total). */
  byState: z.strictObject(Object.fromEntries(LEAD_STATES.map((state) => [state, count])) as Record<LeadState, typeof count>),
});

const SubmissionTallySchema = z.object({ villages: count, 未提交: count, 已提交: count, 已退回: count, 已审核: count } satisfies Record<'villages' | (typeof SUBMISSION_DISPLAY_STATES)[number], z.ZodType>);

export const UnitFiguresSchema = z.object({
  rows: z.object({
    total: count,
    byDimension: z.object(Object.fromEntries(SUMMARY_DIMENSIONS.map((d) => [d, z.record(z.string(), count)]))),
  }),
  leads: z.object({ all: LeadFiguresSchema, bySource: z.record(z.string(), LeadFiguresSchema) }),
  submissions: z.record(z.string(), SubmissionTallySchema),
  duplicates: count,
});

export const SummaryResponseSchema = z.object({
  unit: UnitSchema,
  window: z.object({ from: Month, to: Month }),
  asOf: z.string(),
  figures: UnitFiguresSchema,
  children: z.array(z.object({ unit: UnitSchema, figures: UnitFiguresSchema })),
  unitItself: UnitFiguresSchema,
  villages: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      townshipCode: z.string(),
      townshipName: z.string().nullable(),
      states: z.record(z.string(), z.enum(SUBMISSION_DISPLAY_STATES)),
    }),
  ),
  /** Labels of the dimensions and lead sources, zh-CN and en-US, for whoever draws the tables. */
  labels: z.object({
    dimensions: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
    sources: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
    /** The lead states in life-cycle order (the order to draw them in). */
    states: z.array(z.object({ state: z.enum(LEAD_STATES), zh: z.string(), en: z.string() })),
  }),
});
export type SummaryResponse = z.infer<typeof SummaryResponseSchema>;

/** The summary's labels of the lead states, derived from the one list. */
export const LEAD_STATE_LABELS: SummaryResponse['labels']['states'] = LEAD_STATES.map((state) => ({ state, zh: state, en: LEAD_STATE_EN[state] }));

export const DuplicatesResponseSchema = z.object({
  unit: UnitSchema,
  /** false only if the reader could see full ID numbers (nobody can, in a consolidated view). */
  idNumbersMasked: z.literal(true),
  namesMasked: z.boolean(),
  groups: z.array(
    z.object({
      key: z.string(),
      idNumberMasked: z.string(),
      lowestCommonUnit: UnitSchema,
      villages: z.array(z.object({ code: z.string(), name: z.string(), townshipName: z.string().nullable() })),
      rows: z.array(
        z.object({ villageCode: z.string(), rowId: z.string(), name: z.string().nullable(), foundOn: z.string().nullable(), status: z.string().nullable() }),
      ),
    }),
  ),
});
export type DuplicatesResponse = z.infer<typeof DuplicatesResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /api/v1/exports/consolidated-rows?unit=CODE&after=CURSOR&limit=N — the 汇总 pane's rows

/** Where the next page starts: last village code, its last row's seq, rows sent so far (序号 goes on from there). */
export const ConsolidatedCursorSchema = z
  .string()
  .regex(/^\d{12}\.\d{1,12}\.\d{1,9}$/, { message: '续读位置无法识别，请从头重新读取 (unreadable cursor: start again from the first page)' });

export const CONSOLIDATED_ROWS_MAX_LIMIT = 5_000;

export const ConsolidatedRowsQuerySchema = z.strictObject({
  unit: UnitCodeSchema,
  after: ConsolidatedCursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(CONSOLIDATED_ROWS_MAX_LIMIT).default(2_000),
});
export type ConsolidatedRowsQuery = z.output<typeof ConsolidatedRowsQuerySchema>;

const ExportCellSchema = z.union([z.string(), z.number(), z.null()]);

/**
 * One page of the subtree's live rows as the consolidated workbook's 台账明细 sheet holds them
 * (same columns and order, 乡镇/村 filled, ID numbers and phones masked by role), so a pane can
 * write them into a worksheet page by page. Every page is audited like a download.
 */
export const ConsolidatedRowsResponseSchema = z.object({
  unit: UnitSchema,
  /** Column headers (zh-CN), the same on every page. */
  columns: z.array(z.string()),
  rows: z.array(z.array(ExportCellSchema)),
  /** Pass as `after` for the next page; null after the last row. */
  next: ConsolidatedCursorSchema.nullable(),
  /** Villages of the subtree and how many of them are fully read (for a progress bar). */
  progress: z.object({ villages: z.number().int().min(0), villagesDone: z.number().int().min(0) }),
  masked: z.boolean(),
});
export type ConsolidatedRowsResponse = z.infer<typeof ConsolidatedRowsResponseSchema>;
