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
  markReady(importId: string, rowsRead: number, summaryJson: string, planJson: string): Promise<void>;
  markFailed(importId: string, errorJson: string, summaryJson: string): Promise<void>;
  /** Fails an import still `reading` (its read was interrupted); false when it is no longer reading. */
  failReading(importId: string, errorJson: string): Promise<boolean>;
  markCommitted(importId: string, summaryJson: string, committedBy: string, committedAt: string): Promise<void>;

  /** Ids of uncommitted imports created before `cutoff`. */
  uncommittedBefore(cutoff: string): Promise<string[]>;
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
      `INSERT INTO imports (id, county_code, source, period, file_name, sha256, total_bytes, bytes_read, rows_read, state, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ${state('reading')}, ?, ?)`,
      [entry.id, entry.countyCode, entry.source, entry.period, entry.fileName, entry.sha256, entry.totalBytes, entry.createdBy, entry.createdAt],
    );
  }

  async markReady(importId: string, rowsRead: number, summaryJson: string, planJson: string): Promise<void> {
    await this.db.run(
      `UPDATE imports SET state = ${state('ready')}, rows_read = ?, bytes_read = total_bytes, summary_json = ?, plan_json = ? WHERE id = ? AND state = ${state('reading')}`,
      [rowsRead, summaryJson, planJson, importId],
    );
  }

  async markFailed(importId: string, errorJson: string, summaryJson: string): Promise<void> {
    await this.db.run(`UPDATE imports SET state = ${state('failed')}, error_json = ?, summary_json = ? WHERE id = ?`, [errorJson, summaryJson, importId]);
  }

  async failReading(importId: string, errorJson: string): Promise<boolean> {
    const result = await this.db.run(`UPDATE imports SET state = ${state('failed')}, error_json = ? WHERE id = ? AND state = ${state('reading')}`, [errorJson, importId]);
    return result.changes > 0;
  }

  async markCommitted(importId: string, summaryJson: string, committedBy: string, committedAt: string): Promise<void> {
    await this.db.run(
      `UPDATE imports SET state = ${state('committed')}, summary_json = ?, plan_json = NULL, committed_by = ?, committed_at = ? WHERE id = ?`,
      [summaryJson, committedBy, committedAt, importId],
    );
  }

  async uncommittedBefore(cutoff: string): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(`SELECT id FROM imports WHERE state <> ${state('committed')} AND created_at < ?`, [cutoff]);
    return rows.map((r) => r.id);
  }

  async deleteUncommitted(importIds: readonly string[]): Promise<void> {
    for (let i = 0; i < importIds.length; i += CHUNK) {
      const chunk = importIds.slice(i, i + CHUNK);
      await this.db.run(`DELETE FROM imports WHERE state <> ${state('committed')} AND id IN (${marks(chunk.length)})`, chunk);
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
