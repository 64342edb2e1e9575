/**
 * A full disk (SQLITE_FULL, ENOSPC, EDQUOT) is not the client's fault and not a bug: 503 with a
 * message that says nothing was saved and what to do; the transaction rolled back, so retrying
 * later is safe. The operator gets an error line (with the error class, never the request's data).
 */
import { HttpError } from './errors';

const FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FULL_CODES.has(code)) return true;
  return err instanceof Error && /\bSQLITE_FULL\b|database or disk is full/.test(err.message);
}

export const STORAGE_FULL = {
  zh: '服务器磁盘空间已满，本次操作未保存。请稍后重试；请联系管理员清理服务器磁盘（见运维说明 docs/operations.md）',
  en: 'The server disk is full; nothing of this request was saved. Try again later, and ask the administrator to free disk space (docs/operations.md)',
};

export function storageFullError(): HttpError {
  return new HttpError(503, 'storage_full', STORAGE_FULL);
}
