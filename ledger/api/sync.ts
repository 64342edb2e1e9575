/**
 * The ledger sync protocol's wire schemas, shared by the server (validates what it receives and
 * sends) and the add-in's API client. The row value schema is built from LEDGER_COLUMNS: one list,
 * one schema — adding a column adds its key here.
 *
 *   POST /api/v1/ledgers/{villageCode}/sync
 *     {clientId, requestId, cursor?, pullLimit?, changes:[{rowId, baseVersion, values, deleted?}]}
 *   → {applied:[{rowId, version, merged}], unchanged:[{rowId, serverVersion}], conflicts:[…],
 *      changes:[{rowId, version, values, deleted}], cursor, hasMore, findings, findingsTruncated, findingCounts}
 *
 * Pushed `values` carry the whole row or only the changed fields (absent = unchanged; null or ''
 * = cleared, for every column type, numbers, dates and lists included). Pulled `values` are always the whole row with every column key (null = empty).
 * Dates are `YYYY-MM-DD`, multi-value columns arrays of strings. The machine columns (rowId,
 * version) are not values: they travel as `rowId` / `version` / `baseVersion`.
 */
import { z } from 'zod';
import { hasOwn, isIntIn, isPlainRecord, isStringOf, onlyKeys, withFastReader } from './fast-path';
import { isIsoDate } from '../calendar';
import { LEDGER_COLUMNS, type ColumnDef } from '../columns';
import type { Finding } from '../types';

/** Protocol limits (sizes of one request), not policy. */
export const SYNC_LIMITS = {
  /** Changes in one push (the server's body limit, 5 MB by default, applies too). */
  maxChangesPerRequest: 10_000,
  /** What a client should push at most per request: ~1 KB a row keeps a push far below the body limit. */
  recommendedChangesPerPush: 1_000,
  /** Pulled changes per response by default, and the most a client may ask for. */
  defaultPullLimit: 500,
  maxPullLimit: 2_000,
  maxTextLength: 1_000,
  maxShortTextLength: 100,
  maxMultiValues: 30,
  /**
   * Findings in one response (sync, submission): beyond it whole rows are left out, and
   * `findingsTruncated` and `findingCounts` say how many there were — a response stays linear in
   * the request however the rows relate (one ID number on 10,000 rows).
   */
  maxFindingsPerResponse: 500,
} as const;

/** A UUID as made by crypto.randomUUID() (any version; case-insensitive). */
const ROW_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const RowIdSchema = z.string().regex(ROW_ID_PATTERN, {
  message: '记录ID应为UUID (rowId must be a UUID)',
});

/** The shape alone: a wrong shape gets the regex's message only, 2026-02-30 the calendar's. */
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A date value on the wire: YYYY-MM-DD that exists (the calendar's strict reader), or '' (= empty, as null). */
const DateValueSchema = z
  .string()
  .regex(/^$|^\d{4}-\d{2}-\d{2}$/, { message: '日期格式应为 YYYY-MM-DD，清空请传 null 或 "" (date must be YYYY-MM-DD; null or "" clears it)' })
  .refine((text) => text === '' || !DATE_SHAPE.test(text) || isIsoDate(text), { message: '日期不存在 (no such date)' });

/** The empty text, accepted as null by every column (the protocol: null or '' clears a value). */
const EMPTY = z.literal('');

/**
 * The wire schema of one column's value. null and '' are empty for every column type (a client
 * that writes cells as text clears a number or a date with ''). Range and vocabulary checks are
 * findings, not 400s.
 */
export function columnValueSchema(column: ColumnDef): z.ZodType {
  const text = z.string().max(SYNC_LIMITS.maxTextLength);
  const short = z.string().max(SYNC_LIMITS.maxShortTextLength);
  switch (column.type) {
    case 'date':
      return DateValueSchema.nullable();
    case 'multi':
      return z
        .union([z.array(short).max(SYNC_LIMITS.maxMultiValues), EMPTY], {
          error: `应为文本数组（最多 ${SYNC_LIMITS.maxMultiValues} 项，每项不超过 ${SYNC_LIMITS.maxShortTextLength} 字），清空请传 null、[] 或 "" (a list of texts; null, [] or "" clears it)`,
        })
        .nullable();
    case 'integer':
    case 'money':
      return z.union([z.number().finite(), EMPTY], { error: '应为数字，清空请传 null 或 "" (a number; null or "" clears it)' }).nullable();
    case 'seq':
      return z.union([z.number().finite(), short]).nullable();
    case 'idNumber':
    case 'phone':
      // A number means Excel converted the cell: kept so validation can say so (id.excel_number).
      return z.union([short, z.number().finite()]).nullable();
    case 'enum':
      // Values outside the vocabulary are stored and reported as findings (the ledger is a working document).
      return short.nullable();
    case 'text':
      return text.nullable();
    case 'machine':
      throw new Error(`machine column ${column.key} has no value schema`);
  }
}

/**
 * The fast reader's check of one column's value (fast-path.ts): true only for values that
 * columnValueSchema(column) accepts — and passes on unchanged. Mirrors the switch above; anything
 * it refuses goes to that schema, so it may be stricter, never more lenient.
 */
export function columnValueAccepts(column: ColumnDef): (value: unknown) => boolean {
  const text = (value: unknown) => isStringOf(value, 0, SYNC_LIMITS.maxTextLength);
  const short = (value: unknown) => isStringOf(value, 0, SYNC_LIMITS.maxShortTextLength);
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
  switch (column.type) {
    case 'date':
      return (value) => value === null || value === '' || (typeof value === 'string' && DATE_SHAPE.test(value) && isIsoDate(value));
    case 'multi':
      return (value) => value === null || value === '' || (Array.isArray(value) && value.length <= SYNC_LIMITS.maxMultiValues && value.every(short));
    case 'integer':
    case 'money':
      return (value) => value === null || value === '' || finite(value);
    case 'seq':
      return (value) => value === null || finite(value) || short(value);
    case 'idNumber':
    case 'phone':
      return (value) => value === null || short(value) || finite(value);
    case 'enum':
      return (value) => value === null || short(value);
    case 'text':
      return (value) => value === null || text(value);
    case 'machine':
      throw new Error(`machine column ${column.key} has no value check`);
  }
}

/** Column keys that may appear in `values` (every column but the machine ones). */
export const VALUE_KEYS: readonly string[] = LEDGER_COLUMNS.filter((column) => column.type !== 'machine').map(
  (column) => column.key,
);

/** The whole row with every value key (null = empty): what pulls and conflicts send. */
export function wholeRow(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of VALUE_KEYS) out[key] = values[key] ?? null;
  return out;
}

/** Row values: every key optional, unknown keys rejected. */
export const LedgerValuesSchema = z.strictObject(
  Object.fromEntries(
    LEDGER_COLUMNS.filter((column) => column.type !== 'machine').map((column) => [
      column.key,
      columnValueSchema(column).optional(),
    ]),
  ) as Record<string, z.ZodOptional<z.ZodType>>,
);
export type LedgerValuesWire = Record<string, string | number | string[] | null>;

export const SyncChangeSchema = z.strictObject({
  rowId: RowIdSchema,
  /** The version the client's row is based on; 0 = a new row. */
  baseVersion: z.number().int().min(0),
  values: LedgerValuesSchema,
  /** true = delete (a tombstone that syncs to every client); false/absent = the row exists. */
  deleted: z.boolean().optional(),
});
export type SyncChange = z.infer<typeof SyncChangeSchema>;

export const SyncRequestSchema = z.strictObject({
  /** Stable id of the workbook/installation pushing (recorded with every version). */
  clientId: z.string().min(1).max(100),
  /** Unique per request; a retry with the same id returns the first answer and applies nothing twice. */
  requestId: z.string().min(1).max(100),
  /** The last cursor this client received; absent or 0 = pull everything. */
  cursor: z.number().int().min(0).optional(),
  /** How many pulled changes at most (default SYNC_LIMITS.defaultPullLimit). */
  pullLimit: z.number().int().min(1).max(SYNC_LIMITS.maxPullLimit).optional(),
  changes: z.array(SyncChangeSchema).max(SYNC_LIMITS.maxChangesPerRequest),
});
export type SyncRequest = z.infer<typeof SyncRequestSchema>;

/** Each value key with its check, in the schema's key order (the order zod's output has). */
const VALUE_CHECKS: ReadonlyArray<readonly [string, (value: unknown) => boolean]> = LEDGER_COLUMNS.filter((column) => column.type !== 'machine').map(
  (column) => [column.key, columnValueAccepts(column)] as const,
);
const VALUE_KEY_SET: ReadonlySet<string> = new Set(VALUE_KEYS);
const CHANGE_KEYS: ReadonlySet<string> = new Set(Object.keys(SyncChangeSchema.shape));
const REQUEST_KEYS: ReadonlySet<string> = new Set(Object.keys(SyncRequestSchema.shape));

function valuesAccepted(input: unknown): input is SyncChange['values'] {
  if (!isPlainRecord(input) || !onlyKeys(input, VALUE_KEY_SET)) return false;
  for (const [key, accepts] of VALUE_CHECKS) {
    if (hasOwn(input, key) && !accepts(input[key])) return false;
  }
  return true;
}

function changeAccepted(input: unknown): input is SyncChange {
  if (!isPlainRecord(input) || !onlyKeys(input, CHANGE_KEYS)) return false;
  const { rowId, baseVersion, deleted } = input;
  if (typeof rowId !== 'string' || !ROW_ID_PATTERN.test(rowId) || !isIntIn(baseVersion, 0)) return false;
  if (hasOwn(input, 'deleted') && typeof deleted !== 'boolean') return false;
  return valuesAccepted(input.values);
}

/**
 * The sync push's fast reader (fast-path.ts): a request it accepts whole is passed on as it is —
 * the same keys and values SyncRequestSchema would make, in the sender's key order, which nothing
 * depends on (the request's hash is over its raw bytes, or canonical: requestHashOf). Nothing is
 * copied: for a push of a thousand rows that was most of what reading it allocated.
 */
export function readSyncRequest(input: unknown): SyncRequest | undefined {
  if (!isPlainRecord(input) || !onlyKeys(input, REQUEST_KEYS)) return undefined;
  const { clientId, requestId, cursor, pullLimit, changes } = input;
  if (!isStringOf(clientId, 1, 100) || !isStringOf(requestId, 1, 100)) return undefined;
  if (hasOwn(input, 'cursor') && !isIntIn(cursor, 0)) return undefined;
  if (hasOwn(input, 'pullLimit') && !isIntIn(pullLimit, 1, SYNC_LIMITS.maxPullLimit)) return undefined;
  if (!Array.isArray(changes) || changes.length > SYNC_LIMITS.maxChangesPerRequest) return undefined;
  for (const change of changes) if (!changeAccepted(change)) return undefined;
  return input as SyncRequest;
}

withFastReader(SyncRequestSchema, readSyncRequest);

export const AppliedSchema = z.object({
  rowId: z.string(),
  /** The version this change made. */
  version: z.number().int().min(1),
  /** true when based on an older version and merged field by field. */
  merged: z.boolean(),
});

/** A change that needed no new version: the server already had what it asks for. */
export const UnchangedSchema = z.object({
  rowId: z.string(),
  /** The server's version of the row (0: a row made and deleted offline, never stored); pull it, it is not the client's. */
  serverVersion: z.number().int().min(0),
});

export const ConflictReasonSchema = z.enum(['fields', 'deleted', 'delete_edit', 'unknown_base']);

export const ConflictSchema = z.object({
  rowId: z.string(),
  reason: ConflictReasonSchema,
  baseVersion: z.number().int(),
  serverVersion: z.number().int(),
  /** The column keys in conflict. */
  fields: z.array(z.string()),
  /** The server's current row (whole). */
  server: z.object({ version: z.number().int(), values: z.record(z.string(), z.unknown()), deleted: z.boolean() }),
  /** What the client sent, as sent. */
  client: z.object({ baseVersion: z.number().int(), values: z.record(z.string(), z.unknown()), deleted: z.boolean() }),
});
export type SyncConflict = z.infer<typeof ConflictSchema>;

export const RowChangeSchema = z.object({
  rowId: z.string(),
  version: z.number().int().min(1),
  /** The whole row: every column key, null = empty. */
  values: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
});
export type RowChange = z.infer<typeof RowChangeSchema>;

export const FindingSchema = z.object({
  row: z.number(),
  column: z.string(),
  key: z.string().optional(),
  cell: z.string(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  en: z.object({ message: z.string(), hint: z.string() }),
  /** What to write into the cell to fix it, when the finding knows (a synonym's allowed value, half-width text…). */
  fix: z.string().optional(),
});

/** Findings of one row (re-validated by the server with the ledger core). */
export const RowFindingsSchema = z.object({
  rowId: z.string(),
  errors: z.number().int().min(0),
  warnings: z.number().int().min(0),
  findings: z.array(FindingSchema),
});
export type RowFindings = { rowId: string; errors: number; warnings: number; findings: Finding[] };

/** Totals of the findings of a response, whether or not all of them are listed. */
export const FindingCountsSchema = z.object({
  /** Rows with at least one finding. */
  rows: z.number().int().min(0),
  errors: z.number().int().min(0),
  warnings: z.number().int().min(0),
  /** Findings by code (id.duplicate, required, …). */
  byCode: z.record(z.string(), z.number().int().min(0)),
});
export type FindingCounts = z.infer<typeof FindingCountsSchema>;

/** What capRowFindings needs of a row's findings (the wire shape and RowFindings both fit). */
interface RowFindingsLike {
  errors: number;
  warnings: number;
  findings: readonly { code: string }[];
}

export interface CappedFindings<T extends RowFindingsLike = RowFindings> {
  findings: T[];
  /** true when rows were left out of `findings` (the counts cover them all). */
  findingsTruncated: boolean;
  findingCounts: FindingCounts;
}

/**
 * Caps the findings of a response at `max` findings (whole rows, in the given order) and counts all
 * of them: what a response and its stored replay may carry.
 */
export function capRowFindings<T extends RowFindingsLike>(entries: readonly T[], max: number = SYNC_LIMITS.maxFindingsPerResponse): CappedFindings<T> {
  const counts: FindingCounts = { rows: 0, errors: 0, warnings: 0, byCode: {} };
  const kept: T[] = [];
  let listed = 0;
  let truncated = false;
  for (const entry of entries) {
    if (entry.findings.length === 0) continue;
    counts.rows++;
    counts.errors += entry.errors;
    counts.warnings += entry.warnings;
    for (const finding of entry.findings) counts.byCode[finding.code] = (counts.byCode[finding.code] ?? 0) + 1;
    if (!truncated && listed + entry.findings.length <= max) {
      kept.push(entry);
      listed += entry.findings.length;
    } else truncated = true;
  }
  return { findings: kept, findingsTruncated: truncated, findingCounts: counts };
}

export const SyncResponseSchema = z.object({
  /** Changes written as a new version by this request (the version is the one it made). */
  applied: z.array(AppliedSchema),
  /** Changes that needed nothing written (the same values and flag are already on the server). */
  unchanged: z.array(UnchangedSchema),
  conflicts: z.array(ConflictSchema),
  /**
   * Rows changed after the request's cursor, oldest first (dedupe by version). This request's own
   * changes are among them only when stored otherwise than sent (merged with others' edits):
   * one stored as sent is settled by its `applied` entry alone, and `cursor` moves past it.
   */
  changes: z.array(RowChangeSchema),
  /** Send this back as `cursor` next time. */
  cursor: z.number().int().min(0),
  /** More changes wait after `cursor`: sync again (with no changes) to page on. */
  hasMore: z.boolean(),
  /**
   * Findings of the rows applied in this request (rows with findings only), at most
   * SYNC_LIMITS.maxFindingsPerResponse of them (whole rows, in request order).
   */
  findings: z.array(RowFindingsSchema),
  /** true when rows with findings were left out of `findings`; GET …/rows has every row's counts. */
  findingsTruncated: z.boolean(),
  /** Totals over every applied row, listed or not. */
  findingCounts: FindingCountsSchema,
});
export type SyncResponse = z.infer<typeof SyncResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /api/v1/ledgers/{villageCode}/rows

export const RowsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
  /** Include tombstones ('true'/'1'). */
  includeDeleted: z.enum(['true', 'false', '1', '0']).optional(),
});

export function includeDeletedOf(query: { includeDeleted?: string }): boolean {
  return query.includeDeleted === 'true' || query.includeDeleted === '1';
}

export const LedgerRowSchema = z.object({
  rowId: z.string(),
  version: z.number().int(),
  values: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  errors: z.number().int(),
  warnings: z.number().int(),
});
export type LedgerRowWire = z.infer<typeof LedgerRowSchema>;

export const RowsResponseSchema = z.object({
  villageCode: z.string(),
  rows: z.array(LedgerRowSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** The latest change sequence of this ledger (a cursor to continue with sync pulls). */
  cursor: z.number().int(),
  /** true when ID numbers are masked (everyone but the village's own users). */
  masked: z.boolean(),
});
export type RowsResponse = z.infer<typeof RowsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GET /api/v1/ledgers/{villageCode}/rows/{rowId}/versions

export const RowVersionSchema = z.object({
  version: z.number().int(),
  deleted: z.boolean(),
  /** Column keys this version changed. */
  changed: z.array(z.string()),
  userName: z.string().nullable(),
  clientId: z.string().nullable(),
  requestId: z.string().nullable(),
  at: z.string(),
  /** The whole row at this version (ID number masked except for the village's own users). */
  values: z.record(z.string(), z.unknown()),
});
export const RowVersionsResponseSchema = z.object({ rowId: z.string(), versions: z.array(RowVersionSchema) });
export type RowVersionsResponse = z.infer<typeof RowVersionsResponseSchema>;
