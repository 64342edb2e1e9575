/** What the client polls of an import: its state, progress while reading, and the dry-run summary. */
import type { ImportState, ImportSummary } from '../../ledger/api/leads';
import type { LocalizedText } from '../../ledger/text';
import type { SqlDatabase } from '../db/database';
import { AppError } from '../http/errors';
import { isInFlight, liveProgress } from './jobs';
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

const INTERRUPTED: LocalizedText = {
  zh: '读取被中断（服务器已重启），请重新上传该文件',
  en: 'Reading was interrupted (the server restarted); upload the file again',
};

export async function importRow(db: SqlDatabase, countyCode: string, importId: string): Promise<ImportRow> {
  const row = await importStore(db).get(countyCode, importId);
  if (!row) throw new AppError('import_not_found');
  return row;
}

/**
 * An import left `reading` by a previous server process is failed (its file is gone). The row was read
 * before the in-flight check, so the job may have ended in between (ready or failed with its summary):
 * when the conditional update changes nothing, the row is read again instead of reporting an
 * interruption that did not happen.
 */
export async function recoverInterrupted(db: SqlDatabase, row: ImportRow): Promise<ImportRow> {
  if (row.state !== 'reading' || isInFlight(row.id)) return row;
  const store = importStore(db);
  if (await store.failReading(row.id, JSON.stringify(INTERRUPTED))) return { ...row, state: 'failed', error_json: JSON.stringify(INTERRUPTED) };
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

export async function importStatus(db: SqlDatabase, countyCode: string, importId: string): Promise<ImportStatus> {
  return statusOf(await recoverInterrupted(db, await importRow(db, countyCode, importId)));
}
