/** What the client polls of an import: its state, progress while reading, and the dry-run summary. */
import type { ImportState, ImportSummary } from '../../ledger/api/leads';
import type { LocalizedText } from '../../ledger/text';
import type { AppDeps } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import { AppError } from '../http/errors';
import { isInFlight, liveProgress } from './jobs';
import { takeOverRead } from './read-job';
import { importStore, type ImportRow } from './store';

export interface ImportStatus {
  importId: string;
  state: ImportState;
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  percent: number;
  summary: ImportSummary | null;
  error: LocalizedText | null;
}

export const INTERRUPTED: LocalizedText = {
  zh: '读取被中断（服务器已重启），请重新上传该文件',
  en: 'Reading was interrupted (the server restarted); upload the file again',
};

export async function importRow(db: SqlDatabase, countyCode: string, importId: string): Promise<ImportRow> {
  const row = await importStore(db).get(countyCode, importId);
  if (!row) throw new AppError('import_not_found');
  return row;
}

/**
 * An import `reading` whose lease ran out (its instance stopped or hung; rows from before leases have
 * none) is stuck: this instance takes the read over when the upload is stored in the database
 * (read-job.ts), else it is failed as interrupted (upload again). A read held by a live lease — on
 * any instance — is left alone. The row was read before these checks, so the job may have ended in
 * between (ready or failed with its summary): when the conditional update changes nothing, the row
 * is read again instead of reporting an interruption that did not happen.
 */
export async function recoverInterrupted(deps: AppDeps, row: ImportRow): Promise<ImportRow> {
  if (row.state !== 'reading' || isInFlight(row.id)) return row;
  const nowMs = Date.now();
  if (row.lease_expires_at !== null && row.lease_expires_at >= nowMs) return row;
  const store = importStore(deps.db);
  if (await takeOverRead(deps, row, nowMs)) return (await store.get(row.county_code, row.id)) ?? row;
  if (await store.failReading(row.id, JSON.stringify(INTERRUPTED), nowMs)) return { ...row, state: 'failed', error_json: JSON.stringify(INTERRUPTED), lease_owner: null, lease_expires_at: null };
  return (await store.get(row.county_code, row.id)) ?? row;
}

export function statusOf(row: ImportRow): ImportStatus {
  const live = liveProgress(row.id);
  const rowsRead = live?.rowsRead ?? row.rows_read;
  const bytesRead = Math.min(live?.bytesRead ?? row.bytes_read, row.total_bytes);
  const done = row.state !== 'reading';
  return {
    importId: row.id,
    state: row.state,
    rowsRead,
    bytesRead: done ? row.total_bytes : bytesRead,
    totalBytes: row.total_bytes,
    percent: done ? 100 : row.total_bytes > 0 ? Math.min(99, Math.floor((bytesRead / row.total_bytes) * 100)) : 0,
    summary: row.summary_json ? (JSON.parse(row.summary_json) as ImportSummary) : null,
    error: row.error_json ? (JSON.parse(row.error_json) as LocalizedText) : null,
  };
}

export async function importStatus(deps: AppDeps, countyCode: string, importId: string): Promise<ImportStatus> {
  return statusOf(await recoverInterrupted(deps, await importRow(deps.db, countyCode, importId)));
}
