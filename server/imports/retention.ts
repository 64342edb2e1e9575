/**
 * Retention (privacy): an uncommitted dry run keeps names and ID numbers in its plan; it is purged
 * after ServerConfig.importDryRunTtlHours (env IMPORT_DRY_RUN_TTL_HOURS, default 24 h). A committed
 * import keeps only its summary (counts, rejected row numbers and codes — no preview of people).
 */
import { chinaDate } from '../../ledger/dates';
import type { AppDeps } from '../app-deps';
import { DEFAULT_IMPORT_DRY_RUN_TTL_HOURS } from '../config';
import { isInFlight } from './jobs';
import { purgeOldMonthlyTotals } from './monthly-totals';
import { importStore, type ImportRow } from './store';
import { removeStaleTempDirs } from './upload-files';

/** A stored upload whose import is not reading (or not yet recorded) is deleted after this long. */
const STALE_UPLOAD_MS = 10 * 60_000;

export function dryRunTtlMs(deps: Pick<AppDeps, 'config'>): number {
  const hours = deps.config.importDryRunTtlHours ?? DEFAULT_IMPORT_DRY_RUN_TTL_HOURS;
  return hours * 3600 * 1000;
}

/** Summary fields that name people (masked or not): never kept once an import is committed. */
export function committedSummary<T extends object>(summary: T): T {
  const { preview: _preview, ...rest } = summary as T & { preview?: unknown };
  return rest as T;
}

function summaryJsonWithoutPreview(summaryJson: string): string {
  return JSON.stringify(committedSummary(JSON.parse(summaryJson) as object));
}

/**
 * Purges uncommitted imports (ready, failed, or interrupted reads) created more than the TTL ago:
 * the row with its plan and summary is deleted (its GET answers 404), and so is any temp
 * directory left behind (not belonging to a running read) older than the TTL. Committed imports
 * lose any preview still stored in their summary. Returns the number of imports purged.
 */
export async function purgeExpiredImports(deps: Pick<AppDeps, 'db' | 'config' | 'now' | 'logger'>): Promise<number> {
  const store = importStore(deps.db);
  const cutoff = new Date(deps.now().getTime() - dryRunTtlMs(deps)).toISOString();
  // reads held by a live lease (on any instance) are left alone
  const expired = (await store.uncommittedBefore(cutoff, Date.now())).filter((id) => !isInFlight(id));
  await store.deleteUncommitted(expired);
  // Stored uploads (personal data) of reads that ended without deleting them (a crash at the wrong
  // moment): never kept past a few minutes once their import is no longer reading.
  await store.deleteStaleUploads(new Date(deps.now().getTime() - STALE_UPLOAD_MS).toISOString());
  await store.dropCommittedPersonalData(summaryJsonWithoutPreview);
  // Monthly 医保 totals older than any window (personal data: kept no longer than needed).
  await purgeOldMonthlyTotals(deps.db, chinaDate(deps.now()));
  // File times are wall-clock times: directories left by a crashed process are judged by the real clock.
  await removeStaleTempDirs(Date.now() - dryRunTtlMs(deps), new Set(expired), isInFlight);
  if (expired.length > 0) deps.logger.info({ purged: expired.length }, 'expired import dry runs purged');
  return expired.length;
}

let lastPurge = 0;
/** Lazy purge (before an upload, a listing or a status read), at most once a minute per process. */
export async function purgeSoon(deps: AppDeps): Promise<void> {
  const t = deps.now().getTime();
  if (Math.abs(t - lastPurge) < 60_000) return;
  lastPurge = t;
  await purgeExpiredImports(deps).catch((error: unknown) =>
    deps.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'import purge failed'),
  );
}

/** Purge now and then every hour (timer unref'd, so it never keeps the process alive). Returns a stop function. */
export function startImportRetention(deps: AppDeps, everyMs = 3600_000): () => void {
  const purge = () =>
    void purgeExpiredImports(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'import retention purge failed'),
    );
  purge();
  const timer = setInterval(purge, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** An uncommitted import past the TTL is expired even before the next purge runs. */
export function isExpired(deps: Pick<AppDeps, 'config' | 'now'>, row: Pick<ImportRow, 'id' | 'state' | 'created_at' | 'lease_expires_at'>): boolean {
  const leased = row.state === 'reading' && row.lease_expires_at !== null && row.lease_expires_at >= Date.now();
  return row.state !== 'committed' && !leased && !isInFlight(row.id) && deps.now().getTime() - Date.parse(row.created_at) > dryRunTtlMs(deps);
}
