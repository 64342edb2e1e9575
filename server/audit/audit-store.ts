/**
 * AuditStore: every read and write of the audit trail — table audit_log (migration 001; append-only:
 * UPDATE/DELETE raise in the database) — and nothing else. audit-log.ts checks an entry before it is
 * written; routes.ts pages through it.
 */
import { TransactionLostError, type SqlDatabase } from '../db/database';

/** One stored entry. */
export interface AuditRow {
  id: number;
  at: string;
  user: string | null;
  role: string | null;
  unit: string | null;
  action: string;
  target: string;
  request_id: string;
  detail: string;
}

export type NewAuditRow = Omit<AuditRow, 'id'> & { user_id: number | null };

export interface AuditFilter {
  /** Entries of units whose code starts with this (a unit's subtree). */
  unitPrefix?: string;
  action?: string;
}

export interface AuditStore {
  insert(row: NewAuditRow): Promise<void>;
  /** A page of entries, newest first, and how many match in all. */
  page(filter: AuditFilter, limit: number, offset: number): Promise<{ total: number; rows: AuditRow[] }>;
}

class SqlAuditStore implements AuditStore {
  constructor(private readonly db: SqlDatabase) {}

  async insert(row: NewAuditRow): Promise<void> {
    // guarded (writeGuard): an entry for work whose transaction the database rolled back is not kept
    const written = await this.db.run(
      `INSERT INTO audit_log (at, user, user_id, role, unit, action, target, request_id, detail)
       SELECT ?, ?, CAST(? AS INTEGER), ?, ?, ?, ?, ?, ? WHERE ${this.db.writeGuard}`,
      [row.at, row.user, row.user_id, row.role, row.unit, row.action, row.target, row.request_id, row.detail],
    );
    if (written.changes !== 1) throw new TransactionLostError(`auditing ${row.action}`);
  }

  async page(filter: AuditFilter, limit: number, offset: number): Promise<{ total: number; rows: AuditRow[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.unitPrefix !== undefined) {
      // prefix match on the unit code, escaped for LIKE (codes are digits, but be strict)
      where.push("unit LIKE ? ESCAPE '\\'");
      params.push(`${filter.unitPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (filter.action !== undefined) {
      where.push('action = ?');
      params.push(filter.action);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${clause}`, params))?.n ?? 0;
    const rows = await this.db.all<AuditRow>(
      `SELECT id, at, user, role, unit, action, target, request_id, detail FROM audit_log ${clause}
        ORDER BY id DESC LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    return { total, rows };
  }
}

/** The audit store on a handle (the database, or a transaction). */
export function auditStore(db: SqlDatabase): AuditStore {
  return new SqlAuditStore(db);
}
