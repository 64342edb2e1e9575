/**
 * LedgerStore: everything the sync, rows and submission services need from storage, and nothing
 * else. Routes and services never write SQL; the SQLite implementation (sqlite-store.ts) is the
 * only one today, and a PostgreSQL one can follow by implementing this interface.
 *
 * Every method runs on the handle the store was made for; `transaction(fn)` gives a store bound
 * to one transaction (all or nothing).
 */
import type { SyncResponse } from '../../ledger/api/sync';
import type { Finding, LedgerValues } from '../../ledger/types';
import type { SqlDatabase, TransactionOptions } from '../db/database';

export interface StoredRow {
  rowId: string;
  version: number;
  seq: number;
  deleted: boolean;
  /** The whole row, compact (non-empty keys only). */
  values: LedgerValues;
  errors: number;
  warnings: number;
  updatedAt: string;
  updatedBy: string | null;
}

export interface RowVersionWrite {
  rowId: string;
  version: number;
  seq: number;
  deleted: boolean;
  values: LedgerValues;
  /** Column keys this version changes. */
  changed: readonly string[];
  merged: boolean;
  /** true: the row did not exist before (insert); false: a new version of an existing row. */
  isNew: boolean;
  errors: number;
  warnings: number;
  findings: readonly Finding[];
}

/** Who writes, from where, when — recorded with every version. */
export interface WriteContext {
  villageCode: string;
  userId: number | null;
  userName: string | null;
  clientId: string | null;
  requestId: string;
  at: string;
}

/** The first answer to a sync request, kept for retries. */
export interface StoredSyncAnswer {
  response: SyncResponse;
  /** Hash of the request's content; null for answers stored before hashes were kept. */
  requestHash: string | null;
}

export type SubmissionState = '已提交' | '已审核' | '已退回';

export interface SubmissionRecord {
  villageCode: string;
  month: string;
  state: SubmissionState;
  revision: number;
  rowCount: number;
  lastSeq: number;
  submittedAt: string;
  submittedBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  returnReason: string | null;
}

export interface SubmissionHistoryEntry {
  revision: number;
  fromState: SubmissionState | null;
  toState: SubmissionState;
  userName: string | null;
  role: string | null;
  unitCode: string | null;
  /** Read only (submissionHistory()): the name of unitCode's unit. */
  unitName?: string | null;
  at: string;
  reason: string | null;
}

export interface SnapshotRow {
  rowId: string;
  version: number;
  values: LedgerValues;
}

export interface VillageUnit {
  code: string;
  name: string;
  townshipCode: string;
  townshipName: string | null;
}

export interface LedgerStore {
  /** The SQL handle underneath (for the audit log and the leads hook inside the same transaction). */
  readonly db: SqlDatabase;
  transaction<T>(fn: (store: LedgerStore) => Promise<T>, options?: TransactionOptions): Promise<T>;

  // --- sync
  findSyncResponse(villageCode: string, requestId: string): Promise<StoredSyncAnswer | undefined>;
  /**
   * Keeps the answer for retries, with the hash of the request (of its body as sent, else of its
   * content: sync.ts keptHashOf) — only
   * inside its transaction (writeGuard): when the database rolled that back under it, it keeps
   * nothing and throws TransactionLostError, so a retry never replays an answer whose rows are not there.
   */
  saveSyncResponse(ctx: WriteContext, response: SyncResponse, requestHash: string): Promise<void>;
  /** Current state of the given rows of one village (missing ids are absent from the map). */
  getRows(villageCode: string, rowIds: readonly string[]): Promise<Map<string, StoredRow>>;
  /** One historical version of a row. */
  getVersion(villageCode: string, rowId: string, version: number): Promise<{ values: LedgerValues; deleted: boolean } | undefined>;
  /** Column keys changed by the versions after `version`, plus DELETED_FLAG when one deleted or re-created the row. */
  changedFieldsSince(villageCode: string, rowId: string, version: number): Promise<Set<string>>;
  /** Reserves `count` sequence numbers; returns the first. */
  reserveSeq(villageCode: string, count: number): Promise<number>;
  lastSeq(villageCode: string): Promise<number>;
  /** Writes the new row versions (current row + history), in one go. */
  writeRows(ctx: WriteContext, writes: readonly RowVersionWrite[]): Promise<void>;
  /**
   * Of the given row ids and lead numbers, those that belong to a lead of this village (a lead
   * pointing at the row, a lead with that number): one indexed query.
   */
  leadLinks(villageCode: string, rowIds: readonly string[], leadNos: readonly string[]): Promise<{ rowIds: Set<string>; leadNos: Set<string> }>;
  /** Rows whose latest change is after `cursor`, oldest first (tombstones included). */
  changesAfter(villageCode: string, cursor: number, limit: number): Promise<StoredRow[]>;

  // --- rows
  listRows(villageCode: string, options: { offset: number; limit: number; includeDeleted: boolean }): Promise<{ rows: StoredRow[]; total: number }>;
  /** Every row not deleted, in creation order. */
  liveRows(villageCode: string): Promise<StoredRow[]>;
  rowHistory(villageCode: string, rowId: string): Promise<Array<{ version: number; deleted: boolean; changed: string[]; userName: string | null; clientId: string | null; requestId: string | null; at: string; values: LedgerValues }>>;

  // --- submissions
  getSubmission(villageCode: string, month: string): Promise<SubmissionRecord | undefined>;
  saveSubmission(record: SubmissionRecord): Promise<void>;
  saveSnapshot(villageCode: string, month: string, revision: number, rows: readonly SnapshotRow[]): Promise<void>;
  snapshotRows(villageCode: string, month: string, revision: number, options: { offset: number; limit: number }): Promise<SnapshotRow[]>;
  addSubmissionHistory(
    villageCode: string,
    month: string,
    entry: SubmissionHistoryEntry & { userId: number | null; requestId: string },
  ): Promise<void>;
  submissionHistory(villageCode: string, month: string): Promise<SubmissionHistoryEntry[]>;
  listVillageSubmissions(villageCode: string): Promise<SubmissionRecord[]>;
  /** Villages in the subtree of `unitCode` (from the units table), by code. */
  villagesUnder(unitCode: string): Promise<VillageUnit[]>;
  /** Submissions of one month for the villages in the subtree of `unitCode`. */
  submissionsUnder(unitCode: string, month: string): Promise<SubmissionRecord[]>;
  /** Submissions in a state (e.g. 已提交: waiting for the township) of every month in the subtree, oldest month first, then by submission time. */
  submissionsInState(unitCode: string, state: SubmissionState): Promise<SubmissionRecord[]>;

  // --- a county's departmental imports (matching and placing the people they find)
  /** For each of these ID numbers, the village of its most recently changed row in the county (open or closed). */
  villagesOfPeople(countyCode: string, idNumbers: readonly string[]): Promise<Map<string, string>>;
}

