/**
 * LedgerStore on SQLite (migration 002). Bulk writes pass the rows as one JSON parameter expanded
 * by SQLite (json_each) inside the caller's transaction, so a 10k-row push costs ten statements,
 * not tens of thousands.
 * Every statement is parameterised.
 */
import { capRowFindings, wholeRow, type RowChange, type SyncResponse } from '../../ledger/api/sync';
import { DELETED_FLAG } from '../../ledger/sync-merge';
import type { LedgerValues } from '../../ledger/types';
import type { SqlDatabase, TransactionOptions } from '../db/database';
import { settleAll, TransactionLostError } from '../db/database';
import { chunkFactsWrites, takeBackFacts } from '../reports/facts-store';
import type {
  LedgerStore,
  RowVersionWrite,
  SnapshotRow,
  StoredRow,
  StoredSyncAnswer,
  SubmissionHistoryEntry,
  SubmissionRecord,
  SubmissionState,
  VillageUnit,
  WriteContext,
} from './store';
import { defined } from '../../ledger/defined';

/** Rows per multi-row INSERT of snapshots (6 parameters each stays far below SQLite's variable limit). */
const INSERT_CHUNK = 200;
/** Rows per JSON payload of writeRows. */
const JSON_CHUNK = 2000;
/** Ids per `IN (…)` look-up. */
const LOOKUP_CHUNK = 500;

/** A row of a kept answer's pull page: [row id, version]. */
type ChangeRef = [string, number];

/** A sync answer as kept for retries: the pull page by reference (changeRefs), or whole in answers kept before. */
type KeptSyncAnswer = Omit<SyncResponse, 'changes'> & { changes?: RowChange[]; changeRefs?: ChangeRef[] };

interface RowRecord {
  row_id: string;
  version: number;
  seq: number;
  deleted: number;
  values_json: string;
  errors: number;
  warnings: number;
  updated_at: string;
  updated_by: string | null;
}

interface SubmissionRow {
  village_code: string;
  month: string;
  state: SubmissionState;
  revision: number;
  row_count: number;
  last_seq: number;
  submitted_at: string;
  submitted_by: string;
  decided_at: string | null;
  decided_by: string | null;
  return_reason: string | null;
}

/** Current rows with their values (from the latest version). */
const ROW_SELECT = `SELECT r.row_id, r.version, r.seq, r.deleted, v.values_json, r.errors, r.warnings, r.updated_at, r.updated_by
  FROM ledger_rows r
  JOIN ledger_row_versions v ON v.village_code = r.village_code AND v.row_id = r.row_id AND v.version = r.version`;

function toStored(record: RowRecord): StoredRow {
  return {
    rowId: record.row_id,
    version: record.version,
    seq: record.seq,
    deleted: record.deleted === 1,
    values: JSON.parse(record.values_json) as LedgerValues,
    errors: record.errors,
    warnings: record.warnings,
    updatedAt: record.updated_at,
    updatedBy: record.updated_by,
  };
}

function toSubmission(row: SubmissionRow): SubmissionRecord {
  return {
    villageCode: row.village_code,
    month: row.month,
    state: row.state,
    revision: row.revision,
    rowCount: row.row_count,
    lastSeq: row.last_seq,
    submittedAt: row.submitted_at,
    submittedBy: row.submitted_by,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    returnReason: row.return_reason,
  };
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.join('、');
  return String(value);
}

function placeholders(columns: number, rows: number): string {
  const one = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(one).join(', ');
}

export class SqliteLedgerStore implements LedgerStore {
  constructor(readonly db: SqlDatabase) {}

  /**
   * A JSON array of row objects as a statement parameter, and the table function that expands it.
   * SQLite's jsonb_each hands each object on in its binary form, so the ten or so `->>` of a row
   * read it directly instead of printing it as text and parsing it again each time (2–4× faster
   * writes). And the text goes as its UTF-8 bytes (a BLOB, read as TEXT): node-sqlite3 converts a
   * string parameter to UTF-8 anew for every statement that binds it, which for a push of Chinese
   * rows, bound twice (versions and rows), cost the event loop more than one Buffer.from.
   * PostgreSQL's json_each (migration 001) reads the text.
   */
  private rowsParam(json: string): { rows: string; value: string | Buffer } {
    return this.db.engine === 'sqlite'
      ? { rows: 'jsonb_each(CAST(? AS TEXT))', value: Buffer.from(json, 'utf8') }
      : { rows: 'json_each(?)', value: json };
  }

  transaction<T>(fn: (store: LedgerStore) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.db.transaction((tx) => fn(new SqliteLedgerStore(tx)), options);
  }

  // ------------------------------------------------------------------------------------------
  // sync

  async findSyncResponse(villageCode: string, requestId: string): Promise<StoredSyncAnswer | undefined> {
    const row = await this.db.get<{ response_json: string; request_hash: string | null }>(
      'SELECT response_json, request_hash FROM ledger_sync_requests WHERE village_code = ? AND request_id = ?',
      [villageCode, requestId],
    );
    if (!row) return undefined;
    const stored = JSON.parse(row.response_json) as KeptSyncAnswer;
    const { changeRefs, ...rest } = stored;
    // Answers stored before findings were capped have no totals: cap and count them now.
    const response: SyncResponse = {
      ...rest,
      // answers kept before the pull page was kept by reference carry it whole
      changes: changeRefs ? await this.changesAt(villageCode, changeRefs) : (stored.changes ?? []),
      // answers stored before no-ops were listed apart had them among `applied`
      unchanged: stored.unchanged ?? [],
      ...(stored.findingCounts ? {} : capRowFindings(stored.findings)),
    };
    return { response, requestHash: row.request_hash };
  }

  /** The pull page of a kept answer: each row as it was at the version the page had (history is append-only). */
  private async changesAt(villageCode: string, refs: readonly ChangeRef[]): Promise<RowChange[]> {
    if (refs.length === 0) return [];
    const versions = await this.db.all<{ row_id: string; version: number; deleted: number; values_json: string }>(
      `SELECT v.row_id, v.version, v.deleted, v.values_json FROM ledger_row_versions v
        WHERE v.village_code = ? AND (v.row_id, v.version) IN (SELECT j.value ->> '$[0]', CAST(j.value ->> '$[1]' AS INTEGER) FROM json_each(?) AS j)`,
      [villageCode, JSON.stringify(refs)],
    );
    const byRef = new Map(versions.map((version) => [`${version.row_id}|${version.version}`, version]));
    return refs.map(([rowId, version]) => {
      const found = defined(byRef.get(`${rowId}|${version}`), `version ${version} of row ${rowId} (kept sync answer)`);
      return { rowId, version, values: wholeRow(JSON.parse(found.values_json) as LedgerValues), deleted: found.deleted === 1 };
    });
  }

  async saveSyncResponse(ctx: WriteContext, response: SyncResponse, requestHash: string): Promise<void> {
    // The pull page is kept as (row, version) references: every one is a version in the append-only
    // history, which gives the same rows back on a retry — not a second copy of every row pulled.
    const { changes, ...rest } = response;
    const kept: KeptSyncAnswer = { ...rest, changeRefs: changes.map((change): ChangeRef => [change.rowId, change.version]) };
    const saved = await this.db.run(
      `INSERT INTO ledger_sync_requests (village_code, request_id, client_id, user_name, at, applied, conflicts, response_json, request_hash)
       SELECT ?, ?, ?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ? WHERE ${this.db.writeGuard}`,
      [
        ctx.villageCode,
        ctx.requestId,
        ctx.clientId ?? '',
        ctx.userName,
        ctx.at,
        response.applied.length,
        response.conflicts.length,
        JSON.stringify(kept),
        requestHash,
      ],
    );
    // an answer kept without its rows would be replayed to a retry as applied
    if (saved.changes !== 1) throw new TransactionLostError('keeping the sync answer');
  }

  async getRows(villageCode: string, rowIds: readonly string[]): Promise<Map<string, StoredRow>> {
    const out = new Map<string, StoredRow>();
    for (let i = 0; i < rowIds.length; i += LOOKUP_CHUNK) {
      const chunk = rowIds.slice(i, i + LOOKUP_CHUNK);
      const rows = await this.db.all<RowRecord>(
        `${ROW_SELECT} WHERE r.village_code = ? AND r.row_id IN (${chunk.map(() => '?').join(', ')})`,
        [villageCode, ...chunk],
      );
      for (const row of rows) out.set(row.row_id, toStored(row));
    }
    return out;
  }

  async getVersion(villageCode: string, rowId: string, version: number): Promise<{ values: LedgerValues; deleted: boolean } | undefined> {
    const row = await this.db.get<{ values_json: string; deleted: number }>(
      'SELECT values_json, deleted FROM ledger_row_versions WHERE village_code = ? AND row_id = ? AND version = ?',
      [villageCode, rowId, version],
    );
    return row ? { values: JSON.parse(row.values_json) as LedgerValues, deleted: row.deleted === 1 } : undefined;
  }

  async changedFieldsSince(villageCode: string, rowId: string, version: number): Promise<Set<string>> {
    // From the base version on (the base row itself gives the flag to compare with; a new row's
    // base 0 was live): a version that deleted or re-created the row adds DELETED_FLAG.
    const rows = await this.db.all<{ version: number; deleted: number; changed_json: string }>(
      'SELECT version, deleted, changed_json FROM ledger_row_versions WHERE village_code = ? AND row_id = ? AND version >= ? ORDER BY version',
      [villageCode, rowId, version],
    );
    const out = new Set<string>();
    let deleted = 0;
    for (const row of rows) {
      if (row.version > version) {
        for (const key of JSON.parse(row.changed_json) as string[]) out.add(key);
        if (row.deleted !== deleted) out.add(DELETED_FLAG);
      }
      deleted = row.deleted;
    }
    return out;
  }

  async reserveSeq(villageCode: string, count: number): Promise<number> {
    const row = await this.db.get<{ last_seq: number }>(
      `INSERT INTO ledger_villages (village_code, last_seq) SELECT ?, CAST(? AS BIGINT) WHERE ${this.db.writeGuard}
       ON CONFLICT (village_code) DO UPDATE SET last_seq = ledger_villages.last_seq + excluded.last_seq
       RETURNING last_seq`,
      [villageCode, count],
    );
    if (!row) throw new TransactionLostError(`reserving sequence numbers of ${villageCode}`);
    return row.last_seq - count + 1;
  }

  async lastSeq(villageCode: string): Promise<number> {
    const row = await this.db.get<{ last_seq: number }>('SELECT last_seq FROM ledger_villages WHERE village_code = ?', [villageCode]);
    return row?.last_seq ?? 0;
  }

  async writeRows(ctx: WriteContext, writes: readonly RowVersionWrite[]): Promise<void> {
    // One JSON parameter per chunk, expanded by the database (json_each): a few statements per
    // chunk whatever the row count, and no per-value binding. Still fully parameterised. (The CASTs
    // are no-ops on SQLite; PostgreSQL reads JSON values as text and needs them for integer columns.)
    const sqlite = this.db.engine === 'sqlite';
    for (let i = 0; i < writes.length; i += JSON_CHUNK) {
      const chunk = writes.slice(i, i + JSON_CHUNK);
      const payload = JSON.stringify(
        chunk.map((write) => {
          const values = write.values as Record<string, unknown>;
          const item: Record<string, unknown> = {
            r: write.rowId,
            v: write.version,
            s: write.seq,
            d: write.deleted ? 1 : 0,
            x: write.values,
            c: write.changed,
            m: write.merged ? 1 : 0,
            e: write.errors,
            w: write.warnings,
          };
          // absent keys read as SQL NULL
          const idNumber = text(values.idNumber);
          if (idNumber !== null) item.i = idNumber;
          const leadNo = text(values.leadNo);
          if (leadNo !== null) item.l = leadNo;
          const status = text(values.status);
          if (status !== null) item.t = status;
          if (write.findings.length > 0) item.f = write.findings;
          return item;
        }),
      );
      // SQLite: what the rows replace leaves the summaries' counts first (their stored facts), in one
      // round trip; a chunk of new rows replaces nothing. PostgreSQL's trigger does all of it
      // (server/reports/facts-store.ts).
      if (sqlite) await takeBackFacts(this.db, ctx.villageCode, chunk.filter((write) => !write.isNew).map((write) => write.rowId));
      const rows = this.rowsParam(payload);
      // Every statement of the chunk is issued at once (each runs whole under the connection's lock;
      // none depends on another's order), so the chunk costs one round trip to the database thread;
      // all are waited for before returning, failed or not, so nothing runs after a rollback; each is
      // guarded (writeGuard) against running on its own after the database rolled back under it.
      const [versionsWritten, rowsWritten] = await settleAll([
        this.db.run(
          `INSERT INTO ledger_row_versions (village_code, row_id, version, seq, deleted, values_json, changed_json, merged,
                                            user_id, user_name, client_id, request_id, at)
           SELECT ?, j.value ->> 'r', CAST(j.value ->> 'v' AS INTEGER), CAST(j.value ->> 's' AS INTEGER), CAST(j.value ->> 'd' AS INTEGER),
                  j.value -> 'x', j.value -> 'c', CAST(j.value ->> 'm' AS INTEGER),
                  CAST(? AS INTEGER), ?, ?, ?, ?
           FROM ${rows.rows} AS j WHERE ${this.db.writeGuard}`,
          [ctx.villageCode, ctx.userId, ctx.userName, ctx.clientId, ctx.requestId, ctx.at, rows.value],
        ),
        this.db.run(
          `INSERT INTO ledger_rows (village_code, row_id, version, seq, deleted, id_number, lead_no, status,
                                    errors, warnings, findings_json, created_at, updated_at, updated_by)
           SELECT ?, j.value ->> 'r', CAST(j.value ->> 'v' AS INTEGER), CAST(j.value ->> 's' AS INTEGER), CAST(j.value ->> 'd' AS INTEGER),
                  j.value ->> 'i', j.value ->> 'l', j.value ->> 't',
                  CAST(j.value ->> 'e' AS INTEGER), CAST(j.value ->> 'w' AS INTEGER), j.value -> 'f', ?, ?, ?
           FROM ${rows.rows} AS j WHERE ${this.db.writeGuard}
           ON CONFLICT (village_code, row_id) DO UPDATE SET
             version = excluded.version, seq = excluded.seq, deleted = excluded.deleted,
             id_number = excluded.id_number, lead_no = excluded.lead_no, status = excluded.status,
             errors = excluded.errors, warnings = excluded.warnings, findings_json = excluded.findings_json,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [ctx.villageCode, ctx.at, ctx.at, ctx.userName, rows.value],
        ),
        ...(sqlite ? chunkFactsWrites(this.db, ctx.villageCode, chunk) : []),
      ]);
      if (versionsWritten.changes !== chunk.length || rowsWritten.changes !== chunk.length) throw new TransactionLostError('writing ledger rows');
    }
  }

  async leadLinks(
    villageCode: string,
    rowIds: readonly string[],
    leadNos: readonly string[],
  ): Promise<{ rowIds: Set<string>; leadNos: Set<string> }> {
    const linked = { rowIds: new Set<string>(), leadNos: new Set<string>() };
    if (rowIds.length === 0 && leadNos.length === 0) return linked;
    // by primary key (lead_no) and index (ledger_row_id): only this request's rows are looked at
    const rows = await this.db.all<{ ledger_row_id: string | null; lead_no: string }>(
      `SELECT ledger_row_id, lead_no FROM leads
       WHERE village_code = ? AND (lead_no IN (SELECT value FROM json_each(?)) OR ledger_row_id IN (SELECT value FROM json_each(?)))`,
      [villageCode, JSON.stringify(leadNos), JSON.stringify(rowIds)],
    );
    const wantedRows = new Set(rowIds);
    const wantedLeads = new Set(leadNos);
    for (const row of rows) {
      if (row.ledger_row_id !== null && wantedRows.has(row.ledger_row_id)) linked.rowIds.add(row.ledger_row_id);
      if (wantedLeads.has(row.lead_no)) linked.leadNos.add(row.lead_no);
    }
    return linked;
  }

  async changesAfter(villageCode: string, cursor: number, limit: number): Promise<StoredRow[]> {
    const rows = await this.db.all<RowRecord>(
      `${ROW_SELECT} WHERE r.village_code = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`,
      [villageCode, cursor, limit],
    );
    return rows.map(toStored);
  }

  // ------------------------------------------------------------------------------------------
  // rows

  async listRows(
    villageCode: string,
    options: { offset: number; limit: number; includeDeleted: boolean },
  ): Promise<{ rows: StoredRow[]; total: number }> {
    const where = options.includeDeleted ? 'village_code = ?' : 'village_code = ? AND deleted = 0';
    const total = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ledger_rows WHERE ${where}`, [villageCode]);
    const rows = await this.db.all<RowRecord>(
      `${ROW_SELECT} WHERE r.${where.replace(' AND deleted', ' AND r.deleted')} ORDER BY r.created_at, r.rowid LIMIT ? OFFSET ?`,
      [villageCode, options.limit, options.offset],
    );
    return { rows: rows.map(toStored), total: total?.n ?? 0 };
  }

  async liveRows(villageCode: string): Promise<StoredRow[]> {
    const rows = await this.db.all<RowRecord>(
      `${ROW_SELECT} WHERE r.village_code = ? AND r.deleted = 0 ORDER BY r.created_at, r.rowid`,
      [villageCode],
    );
    return rows.map(toStored);
  }

  async rowHistory(villageCode: string, rowId: string) {
    const rows = await this.db.all<{
      version: number;
      deleted: number;
      changed_json: string;
      user_name: string | null;
      client_id: string | null;
      request_id: string | null;
      at: string;
      values_json: string;
    }>(
      `SELECT version, deleted, changed_json, user_name, client_id, request_id, at, values_json
       FROM ledger_row_versions WHERE village_code = ? AND row_id = ? ORDER BY version`,
      [villageCode, rowId],
    );
    return rows.map((row) => ({
      version: row.version,
      deleted: row.deleted === 1,
      changed: JSON.parse(row.changed_json) as string[],
      userName: row.user_name,
      clientId: row.client_id,
      requestId: row.request_id,
      at: row.at,
      values: JSON.parse(row.values_json) as LedgerValues,
    }));
  }

  // ------------------------------------------------------------------------------------------
  // submissions

  async getSubmission(villageCode: string, month: string): Promise<SubmissionRecord | undefined> {
    const row = await this.db.get<SubmissionRow>('SELECT * FROM ledger_submissions WHERE village_code = ? AND month = ?', [
      villageCode,
      month,
    ]);
    return row ? toSubmission(row) : undefined;
  }

  async saveSubmission(record: SubmissionRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO ledger_submissions (village_code, month, state, revision, row_count, last_seq, submitted_at, submitted_by,
                                       decided_at, decided_by, return_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (village_code, month) DO UPDATE SET
         state = excluded.state, revision = excluded.revision, row_count = excluded.row_count, last_seq = excluded.last_seq,
         submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, decided_at = excluded.decided_at,
         decided_by = excluded.decided_by, return_reason = excluded.return_reason`,
      [
        record.villageCode,
        record.month,
        record.state,
        record.revision,
        record.rowCount,
        record.lastSeq,
        record.submittedAt,
        record.submittedBy,
        record.decidedAt,
        record.decidedBy,
        record.returnReason,
      ],
    );
  }

  async saveSnapshot(villageCode: string, month: string, revision: number, rows: readonly SnapshotRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      for (const row of chunk) params.push(villageCode, month, revision, row.rowId, row.version, JSON.stringify(row.values));
      await this.db.run(
        `INSERT INTO ledger_submission_rows (village_code, month, revision, row_id, version, values_json)
         VALUES ${placeholders(6, chunk.length)}`,
        params,
      );
    }
  }

  async snapshotRows(
    villageCode: string,
    month: string,
    revision: number,
    options: { offset: number; limit: number },
  ): Promise<SnapshotRow[]> {
    const rows = await this.db.all<{ row_id: string; version: number; values_json: string }>(
      `SELECT row_id, version, values_json FROM ledger_submission_rows
       WHERE village_code = ? AND month = ? AND revision = ? ORDER BY rowid LIMIT ? OFFSET ?`,
      [villageCode, month, revision, options.limit, options.offset],
    );
    return rows.map((row) => ({ rowId: row.row_id, version: row.version, values: JSON.parse(row.values_json) as LedgerValues }));
  }

  async addSubmissionHistory(
    villageCode: string,
    month: string,
    entry: SubmissionHistoryEntry & { userId: number | null; requestId: string },
  ): Promise<void> {
    await this.db.run(
      `INSERT INTO ledger_submission_history (village_code, month, revision, from_state, to_state, user_id, user_name, role,
                                              unit_code, at, reason, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        villageCode,
        month,
        entry.revision,
        entry.fromState,
        entry.toState,
        entry.userId,
        entry.userName,
        entry.role,
        entry.unitCode,
        entry.at,
        entry.reason,
        entry.requestId,
      ],
    );
  }

  async submissionHistory(villageCode: string, month: string): Promise<SubmissionHistoryEntry[]> {
    const rows = await this.db.all<{
      revision: number;
      from_state: SubmissionState | null;
      to_state: SubmissionState;
      user_name: string | null;
      role: string | null;
      unit_code: string | null;
      unit_name: string | null;
      at: string;
      reason: string | null;
    }>(
      `SELECT h.revision, h.from_state, h.to_state, h.user_name, h.role, h.unit_code, u.name AS unit_name, h.at, h.reason
       FROM ledger_submission_history h LEFT JOIN units u ON u.code = h.unit_code WHERE h.village_code = ? AND h.month = ? ORDER BY h.id`,
      [villageCode, month],
    );
    return rows.map((row) => ({
      revision: row.revision,
      fromState: row.from_state,
      toState: row.to_state,
      userName: row.user_name,
      role: row.role,
      unitCode: row.unit_code,
      unitName: row.unit_name,
      at: row.at,
      reason: row.reason,
    }));
  }

  async listVillageSubmissions(villageCode: string): Promise<SubmissionRecord[]> {
    const rows = await this.db.all<SubmissionRow>('SELECT * FROM ledger_submissions WHERE village_code = ? ORDER BY month DESC', [
      villageCode,
    ]);
    return rows.map(toSubmission);
  }

  async villagesUnder(unitCode: string): Promise<VillageUnit[]> {
    const rows = await this.db.all<{ code: string; name: string; township_code: string; township_name: string | null }>(
      `SELECT v.code AS code, v.name AS name, substr(v.code, 1, 9) AS township_code, t.name AS township_name
       FROM units v LEFT JOIN units t ON t.code = substr(v.code, 1, 9)
       WHERE v.level = 'village' AND substr(v.code, 1, length(?)) = ?
       ORDER BY v.code`,
      [unitCode, unitCode],
    );
    return rows.map((row) => ({ code: row.code, name: row.name, townshipCode: row.township_code, townshipName: row.township_name }));
  }

  async submissionsInState(unitCode: string, state: SubmissionState): Promise<SubmissionRecord[]> {
    // the subtree as a code range on the primary key (village_code, month); ':' sorts right after '9'
    const rows = await this.db.all<SubmissionRow>(
      `SELECT * FROM ledger_submissions WHERE state = ? AND village_code >= ? AND village_code < ?
        ORDER BY month, submitted_at, village_code`,
      [state, unitCode, `${unitCode}:`],
    );
    return rows.map(toSubmission);
  }

  async submissionsUnder(unitCode: string, month: string): Promise<SubmissionRecord[]> {
    const rows = await this.db.all<SubmissionRow>(
      `SELECT * FROM ledger_submissions WHERE month = ? AND substr(village_code, 1, length(?)) = ? ORDER BY village_code`,
      [month, unitCode, unitCode],
    );
    return rows.map(toSubmission);
  }

  // ------------------------------------------------------------------------------------------
  // a county's departmental imports (id_number and status are copied out of the row, migration 002)

  async villagesOfPeople(countyCode: string, idNumbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < idNumbers.length; i += 500) {
      const chunk = idNumbers.slice(i, i + 500);
      const rows = await this.db.all<{ village_code: string; id_number: string }>(
        `SELECT village_code, id_number FROM ledger_rows
         WHERE village_code LIKE ? AND deleted = 0 AND id_number IN (${chunk.map(() => '?').join(',')})
         ORDER BY updated_at DESC`,
        [`${countyCode}%`, ...chunk],
      );
      for (const r of rows) {
        const id = r.id_number.toUpperCase();
        if (!out.has(id)) out.set(id, r.village_code);
      }
    }
    return out;
  }
}

export function createSqliteLedgerStore(db: SqlDatabase): LedgerStore {
  return new SqliteLedgerStore(db);
}
