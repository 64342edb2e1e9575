/**
 * The append-only audit trail (table audit_log; UPDATE/DELETE raise in the database).
 * Records who did what to which target — never the personal data itself: an entry whose target
 * or detail looks like an ID number or a mobile phone number is refused as a programming error.
 */
import type { AuditEntry, AuditLog } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import { looksPersonal } from '../http/scrub';
import { auditStore } from './audit-store';

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
    await auditStore(tx ?? this.db).insert({
      at: this.now().toISOString(),
      user: entry.user?.username ?? null,
      user_id: entry.user?.id ?? null,
      role: entry.user?.role ?? null,
      unit: entry.user?.unit.code ?? null,
      action: entry.action,
      target: entry.target,
      request_id: entry.requestId,
      detail: JSON.stringify(entry.detail ?? {}),
    });
  }
}
