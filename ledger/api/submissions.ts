/**
 * Monthly submission and approval of a village ledger (DHIS2-style approval by level), shared by
 * the server and the add-in.
 *
 *   POST /api/v1/ledgers/{villageCode}/submissions {month}          village: freeze a snapshot (422 + findings when any row has an error)
 *   GET  /api/v1/ledgers/{villageCode}/submissions                  the village's months and states
 *   GET  /api/v1/ledgers/{villageCode}/submissions/{month}          one month: state, history, snapshot rows (paged)
 *   POST /api/v1/ledgers/{villageCode}/submissions/{month}/approve  township: 已提交 → 已审核
 *   POST /api/v1/ledgers/{villageCode}/submissions/{month}/return   township: 已提交 → 已退回 {reason}
 *   GET  /api/v1/units/{code}/submissions?month=                    which villages of the unit have / have not submitted
 *   GET  /api/v1/units/{code}/submissions/pending                   every month still waiting for review (已提交), oldest first
 *
 * States: 已提交 (submitted) → 已审核 (approved) | 已退回 (returned, with a reason) → 已提交 again
 * (resubmitted as a new revision). Every change is kept with who and when.
 */
import { z } from 'zod';
import { FindingCountsSchema, RowFindingsSchema } from './sync';

export const SUBMISSION_STATES = ['已提交', '已审核', '已退回'] as const;
export const SubmissionStateSchema = z.enum(SUBMISSION_STATES);
export type SubmissionStateValue = z.infer<typeof SubmissionStateSchema>;

export const SUBMISSION_STATE_EN: Record<SubmissionStateValue, string> = {
  已提交: 'submitted',
  已审核: 'approved',
  已退回: 'returned',
};

/** For the county view: a village that has nothing for the month. */
export const NOT_SUBMITTED = '未提交';

export const MonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式应为 YYYY-MM (month must be YYYY-MM)' });

export const SubmitRequestSchema = z.strictObject({ month: MonthSchema });
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;

export const ReturnRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, { message: '请填写退回原因 (a reason is required)' }).max(500),
});
export type ReturnRequest = z.infer<typeof ReturnRequestSchema>;

export const ApproveRequestSchema = z.strictObject({ note: z.string().trim().max(500).optional() });

export const SubmissionSchema = z.object({
  villageCode: z.string(),
  month: z.string(),
  state: SubmissionStateSchema,
  stateEn: z.string(),
  /** 1 for the first submission, +1 for each resubmission after a return. */
  revision: z.number().int().min(1),
  rowCount: z.number().int().min(0),
  submittedAt: z.string(),
  submittedBy: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  returnReason: z.string().nullable(),
});
export type SubmissionWire = z.infer<typeof SubmissionSchema>;

export const SubmissionHistorySchema = z.object({
  revision: z.number().int(),
  fromState: SubmissionStateSchema.nullable(),
  toState: SubmissionStateSchema,
  userName: z.string().nullable(),
  role: z.string().nullable(),
  unitCode: z.string().nullable(),
  /** The unit's name (鹿城镇, 示范村): what a clerk reads, not the login name. Absent from older servers. */
  unitName: z.string().nullable().optional(),
  at: z.string(),
  reason: z.string().nullable(),
});

export const SubmissionResponseSchema = z.object({
  submission: SubmissionSchema,
  history: z.array(SubmissionHistorySchema),
  /** Warnings of the submitted rows (errors refuse the submission), capped as a sync response's. */
  findings: z.array(RowFindingsSchema).optional(),
  /** true when rows with warnings were left out of `findings`. */
  findingsTruncated: z.boolean().optional(),
  findingCounts: FindingCountsSchema.optional(),
});
export type SubmissionResponse = z.infer<typeof SubmissionResponseSchema>;

export const SubmissionListResponseSchema = z.object({ submissions: z.array(SubmissionSchema) });

export const SnapshotQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});

export const SubmissionDetailResponseSchema = z.object({
  submission: SubmissionSchema,
  history: z.array(SubmissionHistorySchema),
  /** The frozen rows of the current revision (ID numbers masked except for the village itself). */
  rows: z.array(z.object({ rowId: z.string(), version: z.number().int(), values: z.record(z.string(), z.unknown()) })),
  page: z.number().int(),
  pageSize: z.number().int(),
  masked: z.boolean(),
});

export type SubmissionDetailResponse = z.infer<typeof SubmissionDetailResponseSchema>;

export const UnitSubmissionsQuerySchema = z.object({ month: MonthSchema });

export const VillageSubmissionStatusSchema = z.object({
  villageCode: z.string(),
  villageName: z.string(),
  townshipCode: z.string(),
  townshipName: z.string().nullable(),
  /** 未提交 when the village has nothing for the month. */
  state: z.union([SubmissionStateSchema, z.literal(NOT_SUBMITTED)]),
  revision: z.number().int().nullable(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
});

export const UnitSubmissionsResponseSchema = z.object({
  unitCode: z.string(),
  month: z.string(),
  counts: z.object({
    villages: z.number().int(),
    submitted: z.number().int(),
    approved: z.number().int(),
    returned: z.number().int(),
    notSubmitted: z.number().int(),
  }),
  villages: z.array(VillageSubmissionStatusSchema),
  /** Codes of the villages with nothing for the month. */
  missing: z.array(z.string()),
});
export type UnitSubmissionsResponse = z.infer<typeof UnitSubmissionsResponseSchema>;

/**
 * The review queue: every village month of the unit's subtree submitted and waiting (已提交), across
 * months, oldest month first (then by submission time) — what the township has still to decide.
 */
export const PendingSubmissionsResponseSchema = z.object({
  unitCode: z.string(),
  pending: z.array(
    z.object({
      villageCode: z.string(),
      villageName: z.string(),
      townshipCode: z.string(),
      townshipName: z.string().nullable(),
      month: z.string(),
      revision: z.number().int().min(1),
      rowCount: z.number().int().min(0),
      submittedAt: z.string(),
      submittedBy: z.string(),
    }),
  ),
});
export type PendingSubmissionsResponse = z.infer<typeof PendingSubmissionsResponseSchema>;
export type PendingSubmission = PendingSubmissionsResponse['pending'][number];

/** The error fields of a submission refused with 422 ledger_has_errors: the blocking rows' findings. */
export const SubmissionRefusedSchema = z.object({
  /** At most SYNC_LIMITS.maxFindingsPerResponse findings (whole rows). */
  findings: z.array(RowFindingsSchema),
  /** true when blocking rows were left out of `findings`; the counts cover them all. */
  findingsTruncated: z.boolean(),
  findingCounts: FindingCountsSchema,
  errorRows: z.number().int().min(0),
});
export type SubmissionRefused = z.infer<typeof SubmissionRefusedSchema>;

// ---------------------------------------------------------------------------------------------
// GET /api/v1/ledgers/{villageCode}/submissions/{month}/findings — the 审核 view's findings

/**
 * The findings of a submitted month's frozen rows (the current revision), re-checked with the
 * ledger rules as of today: what the township reads before approving or returning the month.
 * Errors refuse a submission, so these are warnings unless the rules changed since. A finding's
 * texts may quote the cell (a short or 15-digit ID number, its 18-digit form, a phone) and its `fix`
 * is the cell's clean content: for a viewer who sees ID numbers or phones masked, those findings are
 * masked as the rows are and carry no fix (server/ledger/routes.ts, maskedFinding).
 */
export const SubmissionFindingsResponseSchema = z.object({
  villageCode: z.string(),
  month: z.string(),
  revision: z.number().int().min(1),
  rowCount: z.number().int().min(0),
  findings: z.array(RowFindingsSchema),
  findingsTruncated: z.boolean(),
  findingCounts: FindingCountsSchema,
});
export type SubmissionFindingsResponse = z.infer<typeof SubmissionFindingsResponseSchema>;
