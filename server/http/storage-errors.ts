/**
 * A full disk (SQLITE_FULL, ENOSPC, EDQUOT, PostgreSQL's disk_full SQLSTATE 53100) is not the client's fault and not a bug: 503 with a
 * message that says nothing was saved and what to do; the transaction rolled back, so retrying
 * later is safe. The operator gets an error line (with the error class, never the request's data).
 */
import { errorText } from '../../ledger/api/errors';
import { AppError } from './errors';

const FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', '53100']);

export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  return err instanceof Error && /\bSQLITE_FULL\b|database or disk is full/.test(err.message);
}

/** The message, for places that report it without an HTTP answer (a failed background import). */
export const STORAGE_FULL = errorText('storage_full', {});

export function storageFullError(): AppError {
  return new AppError('storage_full');
}
