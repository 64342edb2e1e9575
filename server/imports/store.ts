/**
 * ImportStore: every read and write of the imports tables — imports (migration 003), the county
 * roster roster_people (003) and the 医保 monthly totals medical_monthly_totals (014) — and nothing
 * else. Services never write SQL; they take a store made for the handle they work on
 * (`importStore(tx)` inside a transaction: all or nothing).
 *
 * The SQL is engine-neutral (`?` placeholders, no SQLite functions or INSERT OR REPLACE) with one
 * exception kept here: listings break ties of created_at by `rowid` (insertion order: SQLite's implicit one; on PostgreSQL a generated column of migration 003).
 */
import type { ImportState } from '../../ledger/api/leads';
import type { SqlDatabase } from '../db/database';
import { insertRows } from '../db/insert-rows';

export interface ImportRow {
  id: string;
  county_code: string;
  source: string;
  period: string;
  file_name: string;
  sha256: string;
  total_bytes: number;
  bytes_read: number;
  rows_read: number;
  state: ImportState;
  summary_json: string | null;
  plan_json: string | null;
  error_json: string | null;
  created_by: string;
  created_at: string;
  committed_by: string | null;
  committed_at: string | null;
  /** The instance reading the file (migration 023), while state is `reading`. */
  lease_owner: string | null;
  /** When its lease runs out unless renewed (ms since the epoch); null for rows from before leases. */
  lease_expires_at: number | null;
}

/** What is known of a new import before it is read. */
export interface NewImportRow {
  id: string;
  countyCode: string;
  source: string;
  period: string;
  fileName: string;
  sha256: string;
  totalBytes: number;
  createdBy: string;
  createdAt: string;
  /** The instance that will read it, and until when (ms) its lease runs (none: nobody holds it). */
  lease?: { owner: string; expiresAt: number };
}

/** One person and category on a county's roster, as stored. */
export interface RosterPersonRow {
  idNumber: string;
  name: string;
  category: string;
  status: string;
  townshipName: string | null;
  villageName: string | null;
  unitCode: string | null;
}

export interface MonthlyTotalRow {
  idNumber: string;
  /** YYYY-MM */
  month: string;
  cents: number;
}

export interface ImportStore {
  readonly db: SqlDatabase;
  get(countyCode: string, importId: string): Promise<ImportRow | undefined>;
  /** The earliest committed import of the same file (by hash) in the county, other than `exceptId`. */
  committedWithHash(countyCode: string, sha256: string, exceptId?: string): Promise<ImportRow | undefined>;
  /** Summaries of the county's imports, newest first; `uncommittedSince` hides older uncommitted ones. */
  summaries(countyCode: string, limit: number, uncommittedSince?: string): Promise<string[]>;
  /** Id of the county's latest committed roster import ('' when none). */
  latestRosterImport(countyCode: string): Promise<string>;
  /** The newest commit of each (source, period) of departmental files, by source and period. */
  committedFeeds(countyCode: string): Promise<{ source: string; period: string; committedAt: string }[]>;

  insertReading(entry: NewImportRow): Promise<void>;
  /**
   * The read ended ready / failed: recorded (and the stored upload deleted) only while the import is
   * still `reading` — and, with `owner`, only while that instance holds its lease (a read taken over
   * meanwhile by another instance is that one's to end). False when nothing was recorded.
   */
  markReady(importId: string, rowsRead: number, summaryJson: string, planJson: string, owner?: string): Promise<boolean>;
  markFailed(importId: string, errorJson: string, summaryJson: string, owner?: string): Promise<boolean>;
  /**
   * Fails an import still `reading` whose read was interrupted (no lease, or its lease ran out before
   * `nowMs`; default: whichever holder); deletes its stored upload. False when it is no longer reading or a live lease holds it.
   */
  failReading(importId: string, errorJson: string, nowMs?: number): Promise<boolean>;
  /** The lease holder renews its lease and writes its progress; false when it no longer holds the lease. */
  heartbeat(importId: string, owner: string, expiresAt: number, rowsRead: number, bytesRead: number): Promise<boolean>;
  /** Takes over a `reading` import whose lease ran out before `nowMs` (or that has none); false when another holds it or it ended. */
  claimExpired(importId: string, owner: string, nowMs: number, expiresAt: number): Promise<boolean>;

  /** Stores one chunk (number `seq`, from 0) of an import's upload. */
  saveUploadChunk(importId: string, seq: number, bytes: Buffer, createdAt: string): Promise<void>;
  /** Chunk `seq` of an import's stored upload (undefined past the last). */
  uploadChunk(importId: string, seq: number): Promise<Buffer | undefined>;
  hasUpload(importId: string): Promise<boolean>;
  deleteUpload(importId: string): Promise<void>;
  /** Deletes stored uploads of imports no longer reading (or gone), stored before `cutoff`; returns how many imports' uploads. */
  deleteStaleUploads(cutoff: string): Promise<number>;
  markCommitted(importId: string, summaryJson: string, committedBy: string, committedAt: string): Promise<void>;

  /** Ids of uncommitted imports created before `cutoff`, except reads whose lease runs past `nowMs`. */
  uncommittedBefore(cutoff: string, nowMs?: number): Promise<string[]>;
  deleteUncommitted(importIds: readonly string[]): Promise<void>;
  /** Committed imports keep no plan and no preview of people in their summary; returns how many were cleaned. */
  dropCommittedPersonalData(withoutPreview: (summaryJson: string) => string): Promise<number>;

  roster(countyCode: string): Promise<RosterPersonRow[]>;
  replaceRoster(countyCode: string, importId: string, people: readonly RosterPersonRow[]): Promise<void>;
  /** The stored unit of these people on the county's roster (those without one are left out). */
  rosterUnits(countyCode: string, idNumbers: readonly string[]): Promise<Map<string, string>>;

  monthlyTotals(countyCode: string, months: readonly string[]): Promise<MonthlyTotalRow[]>;
  /** Replaces the county's totals of the months these totals are of. */
  replaceMonthlyTotals(countyCode: string, importId: string, totals: readonly MonthlyTotalRow[]): Promise<void>;
  deleteMonthlyTotalsBefore(month: string): Promise<void>;
}

const CHUNK = 500;

/** An import state as an SQL literal: the names come from the one list (IMPORT_STATES), typed. */
function state(name: ImportState): string {
  return `'${name}'`;
}

function marks(count: number): string {
  return new Array(count).fill('?').join(',');
}

class SqlImportStore implements ImportStore {
  constructor(readonly db: SqlDatabase) {}

  get(countyCode: string, importId: string): Promise<ImportRow | undefined> {
    return this.db.get<ImportRow>('SELECT * FROM imports WHERE id = ? AND county_code = ?', [importId, countyCode]);
  }

  committedWithHash(countyCode: string, sha256: string, exceptId?: string): Promise<ImportRow | undefined> {
    return exceptId === undefined
      ? this.db.get<ImportRow>(`SELECT * FROM imports WHERE county_code = ? AND sha256 = ? AND state = ${state('committed')} ORDER BY committed_at LIMIT 1`, [countyCode, sha256])
      : this.db.get<ImportRow>(
          `SELECT * FROM imports WHERE county_code = ? AND sha256 = ? AND state = ${state('committed')} AND id <> ? ORDER BY committed_at LIMIT 1`,
          [countyCode, sha256, exceptId],
        );
  }

  async summaries(countyCode: string, limit: number, uncommittedSince?: string): Promise<string[]> {
    const rows =
      uncommittedSince === undefined
        ? await this.db.all<{ summary_json: string }>(
            'SELECT summary_json FROM imports WHERE county_code = ? AND summary_json IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT ?',
            [countyCode, limit],
          )
        : await this.db.all<{ summary_json: string }>(
            `SELECT summary_json FROM imports WHERE county_code = ? AND summary_json IS NOT NULL AND (state = ${state('committed')} OR created_at >= ?) ORDER BY created_at DESC, rowid DESC LIMIT ?`,
            [countyCode, uncommittedSince, limit],
          );
    return rows.map((r) => r.summary_json);
  }

  async latestRosterImport(countyCode: string): Promise<string> {
    const row = await this.db.get<{ id: string }>(
      `SELECT id FROM imports WHERE county_code = ? AND source = 'roster' AND state = ${state('committed')} ORDER BY committed_at DESC, rowid DESC LIMIT 1`,
      [countyCode],
    );
    return row?.id ?? '';
  }

  async committedFeeds(countyCode: string): Promise<{ source: string; period: string; committedAt: string }[]> {
    const rows = await this.db.all<{ source: string; period: string; committed_at: string }>(
      `SELECT source, period, MAX(committed_at) AS committed_at FROM imports
       WHERE county_code = ? AND state = ${state('committed')} AND source <> 'roster' GROUP BY source, period ORDER BY source, period`,
      [countyCode],
    );
    return rows.map((r) => ({ source: r.source, period: r.period, committedAt: r.committed_at }));
  }

  async insertReading(entry: NewImportRow): Promise<void> {
    await this.db.run(
      `INSERT INTO imports (id, county_code, source, period, file_name, sha256, total_bytes, bytes_read, rows_read, state, created_by, created_at, lease_owner, lease_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ${state('reading')}, ?, ?, ?, CAST(? AS BIGINT))`,
      [
        entry.id, entry.countyCode, entry.source, entry.period, entry.fileName, entry.sha256, entry.totalBytes, entry.createdBy, entry.createdAt,
        entry.lease?.owner ?? null, entry.lease?.expiresAt ?? null,
      ],
    );
  }

  /** Ends a read with `set` (+ its params) when the conditions hold, deleting the stored upload with it. */
  private async endRead(importId: string, set: string, params: unknown[], owner: string | undefined, extraCondition = '', extraParams: unknown[] = []): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const result = await tx.run(
        `UPDATE imports SET ${set}, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND state = ${state('reading')}${owner === undefined ? '' : ' AND lease_owner = ?'}${extraCondition}`,
        [...params, importId, ...(owner === undefined ? [] : [owner]), ...extraParams],
      );
      if (result.changes === 0) return false;
      await tx.run('DELETE FROM import_upload_chunks WHERE import_id = ?', [importId]);
      return true;
    });
  }

  markReady(importId: string, rowsRead: number, summaryJson: string, planJson: string, owner?: string): Promise<boolean> {
    return this.endRead(importId, `state = ${state('ready')}, rows_read = ?, bytes_read = total_bytes, summary_json = ?, plan_json = ?`, [rowsRead, summaryJson, planJson], owner);
  }

  markFailed(importId: string, errorJson: string, summaryJson: string, owner?: string): Promise<boolean> {
    return this.endRead(importId, `state = ${state('failed')}, error_json = ?, summary_json = ?`, [errorJson, summaryJson], owner);
  }

  failReading(importId: string, errorJson: string, nowMs?: number): Promise<boolean> {
    return nowMs === undefined
      ? this.endRead(importId, `state = ${state('failed')}, error_json = ?`, [errorJson], undefined)
      : this.endRead(importId, `state = ${state('failed')}, error_json = ?`, [errorJson], undefined, ' AND (lease_expires_at IS NULL OR lease_expires_at < CAST(? AS BIGINT))', [nowMs]);
  }

  async heartbeat(importId: string, owner: string, expiresAt: number, rowsRead: number, bytesRead: number): Promise<boolean> {
    const result = await this.db.run(
      `UPDATE imports SET lease_expires_at = CAST(? AS BIGINT), rows_read = ?, bytes_read = ? WHERE id = ? AND state = ${state('reading')} AND lease_owner = ?`,
      [expiresAt, rowsRead, bytesRead, importId, owner],
    );
    return result.changes > 0;
  }

  async claimExpired(importId: string, owner: string, nowMs: number, expiresAt: number): Promise<boolean> {
    const result = await this.db.run(
      `UPDATE imports SET lease_owner = ?, lease_expires_at = CAST(? AS BIGINT), rows_read = 0, bytes_read = 0
        WHERE id = ? AND state = ${state('reading')} AND (lease_expires_at IS NULL OR lease_expires_at < CAST(? AS BIGINT))`,
      [owner, expiresAt, importId, nowMs],
    );
    return result.changes > 0;
  }

  async saveUploadChunk(importId: string, seq: number, bytes: Buffer, createdAt: string): Promise<void> {
    await this.db.run('INSERT INTO import_upload_chunks (import_id, seq, bytes, created_at) VALUES (?, ?, ?, ?)', [importId, seq, bytes, createdAt]);
  }

  async uploadChunk(importId: string, seq: number): Promise<Buffer | undefined> {
    const row = await this.db.get<{ bytes: Buffer }>('SELECT bytes FROM import_upload_chunks WHERE import_id = ? AND seq = ?', [importId, seq]);
    return row?.bytes;
  }

  async hasUpload(importId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS found FROM import_upload_chunks WHERE import_id = ? LIMIT 1', [importId])) !== undefined;
  }

  async deleteUpload(importId: string): Promise<void> {
    await this.db.run('DELETE FROM import_upload_chunks WHERE import_id = ?', [importId]);
  }

  async deleteStaleUploads(cutoff: string): Promise<number> {
    const stale = await this.db.all<{ import_id: string }>(
      `SELECT DISTINCT c.import_id FROM import_upload_chunks c
        WHERE c.created_at < ? AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = c.import_id AND i.state = ${state('reading')})`,
      [cutoff],
    );
    for (const row of stale) await this.deleteUpload(row.import_id);
    return stale.length;
  }

  async markCommitted(importId: string, summaryJson: string, committedBy: string, committedAt: string): Promise<void> {
    await this.db.run(
      `UPDATE imports SET state = ${state('committed')}, summary_json = ?, plan_json = NULL, committed_by = ?, committed_at = ? WHERE id = ?`,
      [summaryJson, committedBy, committedAt, importId],
    );
  }

  async uncommittedBefore(cutoff: string, nowMs?: number): Promise<string[]> {
    const rows =
      nowMs === undefined
        ? await this.db.all<{ id: string }>(`SELECT id FROM imports WHERE state <> ${state('committed')} AND created_at < ?`, [cutoff])
        : await this.db.all<{ id: string }>(
            `SELECT id FROM imports WHERE state <> ${state('committed')} AND created_at < ?
                AND NOT (state = ${state('reading')} AND lease_expires_at IS NOT NULL AND lease_expires_at >= CAST(? AS BIGINT))`,
            [cutoff, nowMs],
          );
    return rows.map((r) => r.id);
  }

  async deleteUncommitted(importIds: readonly string[]): Promise<void> {
    for (let i = 0; i < importIds.length; i += CHUNK) {
      const chunk = importIds.slice(i, i + CHUNK);
      await this.db.run(`DELETE FROM imports WHERE state <> ${state('committed')} AND id IN (${marks(chunk.length)})`, chunk);
      // their stored uploads (personal data) with them
      await this.db.run(`DELETE FROM import_upload_chunks WHERE import_id IN (${marks(chunk.length)}) AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = import_upload_chunks.import_id)`, chunk);
    }
  }

  async dropCommittedPersonalData(withoutPreview: (summaryJson: string) => string): Promise<number> {
    // Rows that still hold a plan, or a summary that may hold a preview (the JSON is rewritten here,
    // not by an engine's JSON functions; a summary without a preview is left as it is).
    const rows = await this.db.all<{ id: string; summary_json: string | null }>(
      `SELECT id, summary_json FROM imports WHERE state = ${state('committed')} AND (plan_json IS NOT NULL OR summary_json LIKE ?)`,
      ['%"preview"%'],
    );
    for (const row of rows) {
      const summary = row.summary_json === null ? null : withoutPreview(row.summary_json);
      await this.db.run('UPDATE imports SET summary_json = ?, plan_json = NULL WHERE id = ?', [summary, row.id]);
    }
    return rows.length;
  }

  async roster(countyCode: string): Promise<RosterPersonRow[]> {
    const rows = await this.db.all<{ id_number: string; name: string; category: string; status: string; township_name: string | null; village_name: string | null; unit_code: string | null }>(
      'SELECT id_number, name, category, status, township_name, village_name, unit_code FROM roster_people WHERE county_code = ?',
      [countyCode],
    );
    return rows.map((r) => ({
      idNumber: r.id_number,
      name: r.name,
      category: r.category,
      status: r.status,
      townshipName: r.township_name,
      villageName: r.village_name,
      unitCode: r.unit_code,
    }));
  }

  async replaceRoster(countyCode: string, importId: string, people: readonly RosterPersonRow[]): Promise<void> {
    await this.db.run('DELETE FROM roster_people WHERE county_code = ?', [countyCode]);
    // One row per person and category: a later record of the same key replaces an earlier one.
    const byKey = new Map<string, RosterPersonRow>();
    for (const p of people) byKey.set(`${p.idNumber}\u0000${p.category}`, p);
    await insertRows(
      this.db,
      'INSERT INTO roster_people (county_code, id_number, name, category, status, township_name, village_name, unit_code, import_id) VALUES',
      [...byKey.values()].map((p) => [countyCode, p.idNumber, p.name, p.category, p.status, p.townshipName, p.villageName, p.unitCode, importId]),
    );
  }

  async rosterUnits(countyCode: string, idNumbers: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < idNumbers.length; i += CHUNK) {
      const chunk = idNumbers.slice(i, i + CHUNK);
      const rows = await this.db.all<{ id_number: string; unit_code: string }>(
        `SELECT id_number, unit_code FROM roster_people WHERE county_code = ? AND unit_code IS NOT NULL AND id_number IN (${marks(chunk.length)})`,
        [countyCode, ...chunk],
      );
      for (const r of rows) out.set(r.id_number, r.unit_code);
    }
    return out;
  }

  async monthlyTotals(countyCode: string, months: readonly string[]): Promise<MonthlyTotalRow[]> {
    if (months.length === 0) return [];
    const rows = await this.db.all<{ id_number: string; month: string; cents: number }>(
      `SELECT id_number, month, cents FROM medical_monthly_totals WHERE county_code = ? AND month IN (${marks(months.length)})`,
      [countyCode, ...months],
    );
    return rows.map((r) => ({ idNumber: r.id_number, month: r.month, cents: Number(r.cents) }));
  }

  async replaceMonthlyTotals(countyCode: string, importId: string, totals: readonly MonthlyTotalRow[]): Promise<void> {
    const months = [...new Set(totals.map((t) => t.month))];
    for (const month of months) await this.db.run('DELETE FROM medical_monthly_totals WHERE county_code = ? AND month = ?', [countyCode, month]);
    // One total per person and month: a later one of the same key replaces an earlier one.
    const byKey = new Map<string, MonthlyTotalRow>();
    for (const t of totals) byKey.set(`${t.idNumber}\u0000${t.month}`, t);
    await insertRows(
      this.db,
      'INSERT INTO medical_monthly_totals (county_code, id_number, month, cents, import_id) VALUES',
      [...byKey.values()].map((t) => [countyCode, t.idNumber, t.month, t.cents, importId]),
    );
  }

  async deleteMonthlyTotalsBefore(month: string): Promise<void> {
    await this.db.run('DELETE FROM medical_monthly_totals WHERE month < ?', [month]);
  }
}

/** The import store on a handle (the database, or a transaction). */
export function importStore(db: SqlDatabase): ImportStore {
  return new SqlImportStore(db);
}
