/**
 * The append-only audit trail (table audit_log; UPDATE/DELETE raise in the database).
 * Records who did what to which target — never the personal data itself: an entry whose target
 * or detail looks like an ID number or a mobile phone number is refused as a programming error.
 */
import type { AuditEntry, AuditLog } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import { looksPersonal } from '../http/scrub';

export { looksPersonal };

export class PersonalDataInAuditError extends Error {
  constructor(field: string) {
    super(`audit entry ${field} looks like personal data (ID number or phone); record codes and counts only`);
    this.name = 'PersonalDataInAuditError';
  }
}

export function checkAuditEntry(entry: AuditEntry): void {
  if (looksPersonal(entry.target)) throw new PersonalDataInAuditError('target');
  for (const [key, value] of Object.entries(entry.detail ?? {})) {
    if (typeof value === 'string' && looksPersonal(value)) throw new PersonalDataInAuditError(`detail.${key}`);
  }
}

export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date,
  ) {}

  async record(entry: AuditEntry, tx?: SqlDatabase): Promise<void> {
    checkAuditEntry(entry);
    await (tx ?? this.db).run(
      `INSERT INTO audit_log (at, user, user_id, role, unit, action, target, request_id, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        this.now().toISOString(),
        entry.user?.username ?? null,
        entry.user?.id ?? null,
        entry.user?.role ?? null,
        entry.user?.unit.code ?? null,
        entry.action,
        entry.target,
        entry.requestId,
        JSON.stringify(entry.detail ?? {}),
      ],
    );
  }
}
