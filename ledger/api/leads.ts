/**
 * Request/response schemas of the county's leads and imports API, shared by the server (which
 * validates what it sends) and the add-in (which parses what it receives). Field names are the
 * wire contract; every user-facing text is {zh, en}.
 *
 * Wire values of states, sources and rules are the codes of ledger/sources.ts and the lead
 * life cycle (待分派 → 已派至乡镇 → 已下发村 → 核实中 → 已核实 → 已办结).
 */
import { z } from 'zod';
import { MATCH_RULE_CODES } from '../matching/rules';
import { SOURCE_CODES } from '../sources';
import { IsoDateSchema } from './common';
import { ItemErrorSchema } from './errors';
import { VOCABULARIES } from '../vocabularies';
import { RowIdSchema } from './sync';

export { LocalizedTextSchema } from '../text';
import { LocalizedTextSchema } from '../text';
import { LEAD_STATES } from '../lead-states';

export const LeadStateSchema = z.enum(LEAD_STATES);

export const SourceCodeSchema = z.enum(SOURCE_CODES);
export const MatchRuleCodeSchema = z.enum(MATCH_RULE_CODES);

/** A real calendar date (2026-02-30 is refused): the one IsoDateSchema. */
const IsoDate = IsoDateSchema;
const IsoDateTime = z.string().min(10);
const UnitCode = z.string().regex(/^\d{4}(\d{2}(\d{3}(\d{3})?)?)?$/);

// ---------------------------------------------------------------------------------------------
// Matching output (pure core → CLI --json, import dry run)

export const RejectedRowSchema = z.object({
  /** Excel row number (1-based). */
  row: z.number().int().positive(),
  /** The row's sheet, when the file's rows came from more than one sheet (「住院2」第 12 行). */
  sheet: z.string().optional(),
  code: z.string(),
  message: z.string(),
  en: z.string(),
});
export type RejectedRow = z.infer<typeof RejectedRowSchema>;

export const LeadLinkSchema = z.object({
  /** 'ledgerRow' (a ledger row id) only in dry runs made before a finding on a village ledger became a lead of its own. */
  kind: z.enum(['lead', 'ledgerRow']),
  /** Lead number, or the ledger row id. */
  target: z.string(),
});

export const MatchLeadSchema = z.object({
  /** Normalised 18-character ID; masked (532301********123X) wherever it leaves the working ledger. */
  idNumber: z.string(),
  name: z.string(),
  rule: MatchRuleCodeSchema,
  category: z.enum(VOCABULARIES.categories),
  channel: z.enum(VOCABULARIES.channel),
  /** 已纳入保障 value for the ledger row (无, 低保, 特困供养, …). */
  coverage: z.enum(VOCABULARIES.coverage),
  reason: LocalizedTextSchema,
  township: z.string(),
  village: z.string(),
  /** Where township/village came from. */
  placeFrom: z.enum(['file', 'roster', 'none']),
  /** Excel rows of the source file behind the lead. */
  sourceRows: z.array(z.number().int().positive()),
  /** The sheet of each of sourceRows, when the file's rows came from more than one sheet. */
  sourceSheets: z.array(z.string()).optional(),
  /** Set when the person is already on an open lead (any source or period) or an open ledger row. */
  linkedTo: LeadLinkSchema.optional(),
  /** The roster's name for this ID when it differs from the file's (id.name_mismatch). */
  rosterName: z.string().optional(),
});
export type MatchLeadWire = z.infer<typeof MatchLeadSchema>;

export const MatchResultSchema = z.object({
  source: SourceCodeSchema,
  period: z.string(),
  rowsRead: z.number().int().nonnegative(),
  leads: z.array(MatchLeadSchema),
  /** People left out, by reason (covered, belowThreshold, notSevere, notCollege, …); duplicateInFile counts rows. */
  excluded: z.record(z.string(), z.number().int().nonnegative()),
  /** The first rejected rows with their row numbers; the count and the counts by code are complete. */
  rejected: z.array(RejectedRowSchema),
  rejectedCount: z.number().int().nonnegative(),
  rejectedByCode: z.record(z.string(), z.number().int().nonnegative()),
  /** Rows read but flagged for the county (id.name_mismatch, amount.negative_total). */
  warnings: z.array(RejectedRowSchema),
  warningCount: z.number().int().nonnegative(),
  leadsWithoutTownship: z.number().int().nonnegative(),
  monthlyTotals: z.array(z.object({ idNumber: z.string(), month: z.string(), cents: z.number().int() })).optional(),
});
export type MatchResultWire = z.infer<typeof MatchResultSchema>;

// ---------------------------------------------------------------------------------------------
// Leads

export const LeadSchema = z.object({
  leadNo: z.string(),
  countyCode: z.string(),
  source: SourceCodeSchema,
  period: z.string(),
  rule: MatchRuleCodeSchema,
  reason: LocalizedTextSchema,
  category: z.enum(VOCABULARIES.categories).optional(),
  channel: z.enum(VOCABULARIES.channel).optional(),
  coverage: z.enum(VOCABULARIES.coverage).optional(),
  name: z.string(),
  /** Full ID only for the unit that must put the person on its ledger; masked otherwise. */
  idNumber: z.string(),
  idNumberMasked: z.boolean(),
  state: LeadStateSchema,
  stateEn: z.string().optional(),
  townshipCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  townshipName: z.string().nullable().optional(),
  villageName: z.string().nullable().optional(),
  /**
   * The village the county's file (or the roster, or an earlier ledger row) places the person in:
   * the township's hint where to send the lead (线索分派's 建议村). null when none was found; absent
   * from older servers.
   */
  suggestedVillageCode: z.string().nullable().optional(),
  suggestedVillageName: z.string().nullable().optional(),
  unitCode: z.string(),
  foundOn: IsoDate,
  dispatchedOn: IsoDate.nullable().optional(),
  dueOn: IsoDate.nullable(),
  overdue: z.boolean(),
  verifyResult: z.string().nullable(),
  ledgerRowId: z.string().nullable().optional(),
  pulledAt: IsoDateTime.nullable().optional(),
  importId: z.string(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type LeadWire = z.infer<typeof LeadSchema>;

const BooleanQuery = z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v), z.boolean());

/**
 * How a lead list is ordered: `period` — newest period first (the default); `due` — the most urgent
 * first: the nearest time limit (overdue ones at the top), then leads without one, oldest period
 * first. A page of a long list then holds the leads a clerk must handle first, not the newest.
 */
export const LEAD_LIST_ORDERS = ['period', 'due'] as const;
export type LeadListOrder = (typeof LEAD_LIST_ORDERS)[number];

export const LeadListQuerySchema = z.object({
  source: SourceCodeSchema.optional(),
  state: LeadStateSchema.optional(),
  overdue: BooleanQuery.optional(),
  period: z.string().optional(),
  order: z.enum(LEAD_LIST_ORDERS).default('period'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type LeadListQuery = z.infer<typeof LeadListQuerySchema>;

export const LeadListResponseSchema = z.object({
  leads: z.array(LeadSchema),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});
export type LeadListResponse = z.infer<typeof LeadListResponseSchema>;

export const LeadHistoryEntrySchema = z.object({
  fromState: LeadStateSchema.nullable(),
  toState: LeadStateSchema,
  userName: z.string().nullable(),
  unitCode: z.string().nullable(),
  /** The unit's name (鹿城镇, 示范村): what a clerk reads, not the login name. Absent from older servers. */
  unitName: z.string().nullable().optional(),
  at: IsoDateTime,
  note: z.string().nullable(),
});

export const LeadDetailResponseSchema = z.object({
  lead: LeadSchema,
  history: z.array(LeadHistoryEntrySchema),
  links: z
    .array(z.object({ importId: z.string(), excelRow: z.number().int().nullable(), rule: MatchRuleCodeSchema, at: IsoDateTime }))
    .optional(),
  /** One person, one lead: every source and reason that found the person, the lead's own first. */
  findings: z
    .array(z.object({ source: SourceCodeSchema, period: z.string(), rule: MatchRuleCodeSchema, reason: LocalizedTextSchema }))
    .optional(),
});
export type LeadDetailResponse = z.infer<typeof LeadDetailResponseSchema>;

/** County → township (9-digit code) or township → village (12-digit code). */
export const DispatchRequestSchema = z.object({
  leadNos: z.array(z.string().min(1)).min(1).max(2000),
  toUnitCode: UnitCode,
  note: z.string().max(500).optional(),
});
export type DispatchRequest = z.infer<typeof DispatchRequestSchema>;

export const DispatchResponseSchema = z.object({
  dispatched: z.array(LeadSchema),
  failed: z.array(ItemErrorSchema),
});
export type DispatchResponse = z.infer<typeof DispatchResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Imports (DHIS2-style summary per file)

export const IMPORT_STATES = ['reading', 'ready', 'committed', 'failed'] as const;
export const ImportStateSchema = z.enum(IMPORT_STATES);
export type ImportState = (typeof IMPORT_STATES)[number];

export const ImportSummarySchema = z.object({
  importId: z.string(),
  kind: z.enum(['roster', 'source']),
  source: SourceCodeSchema.nullable(),
  period: z.string().nullable(),
  fileName: z.string(),
  sha256: z.string(),
  state: ImportStateSchema,
  /** True when the same file (by hash) was already committed: nothing new is created. */
  duplicateOf: z.string().nullable().optional(),
  rowsRead: z.number().int().nonnegative(),
  /** Dry run: leads that would be created; committed: leads created. */
  leadsNew: z.number().int().nonnegative(),
  leadsLinked: z.number().int().nonnegative(),
  /** Leads with no township found (county queue 待分派). */
  unassigned: z.number().int().nonnegative().optional(),
  excluded: z.record(z.string(), z.number().int().nonnegative()),
  rejectedCount: z.number().int().nonnegative(),
  /** The first rejected rows (the full list may be long). */
  rejected: z.array(RejectedRowSchema),
  /** Rejected rows by code (complete, even where `rejected` is cut short). */
  rejectedByCode: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Rows read but flagged for the county (id.name_mismatch, roster.status_unknown, …): first ones, and the count. */
  warnings: z.array(RejectedRowSchema).optional(),
  warningCount: z.number().int().nonnegative().optional(),
  /** Leads with neither a township in the file nor one in the roster (they wait in the county queue). */
  leadsWithoutTownship: z.number().int().nonnegative().optional(),
  /** Preview of the planned leads, IDs masked. */
  preview: z.array(MatchLeadSchema).optional(),
  /** Departmental files: where the new leads go, per township; code null = the county queue (待分派). */
  byTownship: z.array(z.object({ code: z.string().nullable(), name: z.string(), count: z.number().int().nonnegative() })).optional(),
  /** A workbook of several sheets (one per hospital, per month): the sheets read, as one file. */
  sheets: z.array(z.string()).optional(),
  /** Sheets of that workbook left out: no header of the file's kind and no ID column (说明, 汇总), with why. */
  skippedSheets: z.array(z.object({ name: z.string(), reason: LocalizedTextSchema })).optional(),
  /** Roster imports: people on the roster, and how many of them have stopped receiving (停保). */
  rosterPeople: z.number().int().nonnegative().optional(),
  rosterStopped: z.number().int().nonnegative().optional(),
  /** Committed departmental files: the first and last lead number created (null when none was). */
  firstLeadNo: z.string().nullable().optional(),
  lastLeadNo: z.string().nullable().optional(),
  createdAt: IsoDateTime,
  committedAt: IsoDateTime.nullable(),
  error: LocalizedTextSchema.nullable().optional(),
});
export type ImportSummary = z.infer<typeof ImportSummarySchema>;

export const ImportProgressSchema = z.object({
  importId: z.string(),
  state: ImportStateSchema,
  bytesRead: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  rowsRead: z.number().int().nonnegative(),
  /** 0–100 */
  percent: z.number().min(0).max(100),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const ImportListResponseSchema = z.object({ imports: z.array(ImportSummarySchema) });

// ---------------------------------------------------------------------------------------------
// Feed calendar

export const MissingFeedSchema = z.object({
  source: SourceCodeSchema,
  period: z.string(),
  dueDate: IsoDate,
  message: LocalizedTextSchema,
});
export const FeedCalendarResponseSchema = z.object({
  today: IsoDate,
  graceDays: z.number().int().nonnegative(),
  missing: z.array(MissingFeedSchema),
});
export type FeedCalendarResponse = z.infer<typeof FeedCalendarResponseSchema>;

// ---------------------------------------------------------------------------------------------
// POST /leads/{leadNo}/pull: the village puts the lead on its ledger

export const PullLeadRequestSchema = z.strictObject({
  /** The ledger row the lead went on (a sync row id, UUID); absent when the row has none yet. */
  rowId: RowIdSchema.optional(),
});
export type PullLeadRequest = z.infer<typeof PullLeadRequestSchema>;

export const PullLeadResponseSchema = z.object({
  lead: LeadSchema,
  /** The ledger row's pre-filled values by column key (full ID number: only the lead's own village pulls). */
  ledgerValues: z.record(z.string(), z.unknown()),
});
export type PullLeadResponse = z.infer<typeof PullLeadResponseSchema>;
