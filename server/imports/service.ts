/**
 * County imports of departmental files and the roster (DHIS2-style: upload → dry run with an
 * import summary → commit). Reading runs in the background with progress the client polls;
 * the commit is one transaction; the same file (sha256 of its bytes) is never imported twice.
 *
 * This file: the upload, the status and the listing. The rest by concern: jobs.ts (background
 * reads), upload-files.ts (temp files), retention.ts (purging dry runs), read.ts (the dry run),
 * placement.ts (where new leads go), commit.ts, store.ts (all SQL).
 */
import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import type { ImportSummary } from '../../ledger/api/leads';
import { chinaDate } from '../../ledger/dates';
import { isSourceCode, normalizePeriod, SOURCE_CODES, type SourceCode } from '../../ledger/sources';
import type { AppDeps, AuthUser } from '../app-deps';
import { AppError } from '../http/errors';
import { whileStarting } from './jobs';
import { leaseMs, leaseOwner } from './lease';
import { startRead, storeUpload } from './read-job';
import { dryRunTtlMs, isExpired, purgeExpiredImports, purgeSoon } from './retention';
import { importRow, importStatus, statusOf, type ImportStatus } from './status';
import { importStore } from './store';
import { placeUpload, removeUploadDir, sha256, sha256File } from './upload-files';

// The module's entry points used from outside it (server start, seed, bench, tests).
export { commitImport } from './commit';
export { whenRead } from './jobs';
export { purgeExpiredImports, startImportRetention } from './retention';
export type { ImportStatus } from './status';
export { importTempRoot } from './upload-files';

export function parseSourceAndPeriod(sourceText: unknown, periodText: unknown, today: string): { source: SourceCode | 'roster'; period: string } {
  const source = String(sourceText ?? '').trim();
  if (source !== 'roster' && !isSourceCode(source)) {
    const sources = ['roster', ...SOURCE_CODES];
    throw new AppError('import_unknown_source', { source, sources: { zh: sources.join('、'), en: sources.join(', ') } });
  }
  const raw = String(periodText ?? '').trim();
  if (source === 'roster') {
    // The roster is a snapshot: its period is the date it describes (default today).
    const period = raw === '' ? today : raw;
    if (!/^\d{4}-\d{2}(-\d{2})?$/.test(period)) {
      throw new AppError('import_roster_period');
    }
    return { source, period };
  }
  const period = normalizePeriod(source, raw);
  if (!period) {
    throw new AppError('import_period', { period: raw, source });
  }
  return { source, period };
}

/** Status for the API: an uncommitted import past the retention period is purged and answers 404. */
export async function importStatusFor(deps: AppDeps, countyCode: string, importId: string): Promise<ImportStatus> {
  await purgeSoon(deps);
  const row = await importRow(deps.db, countyCode, importId);
  if (isExpired(deps, row)) {
    await purgeExpiredImports(deps);
    throw new AppError('import_not_found');
  }
  return importStatus(deps, countyCode, importId);
}

function parseSummaries(summaries: readonly string[]): ImportSummary[] {
  return summaries.map((json) => JSON.parse(json) as ImportSummary);
}

/** Listing for the API (purges expired dry runs first). */
export async function listImportsFor(deps: AppDeps, countyCode: string, limit = 100): Promise<ImportSummary[]> {
  await purgeSoon(deps);
  const cutoff = new Date(deps.now().getTime() - dryRunTtlMs(deps)).toISOString();
  return parseSummaries(await importStore(deps.db).summaries(countyCode, limit, cutoff));
}

/**
 * Upload: validates, hashes, and either returns the earlier committed import of the same file
 * (duplicateOf, nothing new is created) or records a new import and starts reading it.
 */
export async function startImport(
  deps: AppDeps,
  user: AuthUser,
  countyCode: string,
  input: { source: unknown; period: unknown; fileName: string; requestId?: string } & ({ buffer: Buffer; path?: undefined } | { path: string; buffer?: undefined }),
): Promise<{ created: boolean; status: ImportStatus }> {
  const now = deps.now();
  const { source, period } = parseSourceAndPeriod(input.source, input.period, chinaDate(now));
  await purgeSoon(deps);
  // An upload on disk (multer disk storage) is hashed by streaming and then moved into the import's
  // private temp dir; the caller's file is left in place (and removed by the caller) if no import is created.
  const bytes = input.buffer ? input.buffer.length : (await fs.stat(input.path)).size;
  if (bytes === 0) throw new AppError('import_empty_file');
  const hash = input.buffer ? sha256(input.buffer) : await sha256File(input.path);
  const earlier = await importStore(deps.db).committedWithHash(countyCode, hash);
  if (earlier) {
    // Nothing new is created, but the upload is still a write request: it is audited like any other
    // (codes and counts only — never the file name, which may carry a person's name).
    await deps.audit.record({
      user,
      action: 'import.upload_duplicate',
      target: countyCode,
      requestId: input.requestId ?? earlier.id,
      detail: { duplicateOf: earlier.id, source, period, bytes },
    });
    const status = statusOf(earlier);
    if (status.summary) status.summary = { ...status.summary, duplicateOf: earlier.id };
    return { created: false, status };
  }
  const id = randomUUID();
  const fileName = input.fileName.replace(/[\\/]/g, '_').slice(0, 200) || 'upload';
  const entry: NewImport = { countyCode, id, fileName, source, period, hash, bytes, now, requestId: input.requestId ?? id };
  const file = input.buffer ? { buffer: input.buffer } : { path: input.path };
  return whileStarting(id, () => recordAndStart(deps, user, entry, file));
}

/** What is known of a new import before it is read. */
interface NewImport {
  countyCode: string;
  id: string;
  fileName: string;
  source: string;
  period: string;
  hash: string;
  bytes: number;
  now: Date;
  requestId: string;
}

async function recordAndStart(
  deps: AppDeps,
  user: AuthUser,
  entry: NewImport,
  file: { buffer: Buffer } | { path: string },
): Promise<{ created: boolean; status: ImportStatus }> {
  const { countyCode, id, fileName } = entry;
  // A private temp dir (mode 0700) holding the file under its own name, so reader messages name the user's file.
  const upload = await placeUpload(id, fileName, file);
  try {
    // The bytes also go to the database while the file is read, so another instance can take the
    // read over if this one stops (lease.ts); deleted when the read ends.
    await storeUpload(deps, id, upload.path);
    try {
      await recordImport(deps, user, entry);
    } catch (error) {
      await importStore(deps.db).deleteUpload(id);
      throw error;
    }
  } catch (error) {
    await removeUploadDir(upload.dir);
    throw error;
  }
  startRead(deps, countyCode, id, upload);
  // The answer describes the import as just recorded, not as read back (a small file's read could
  // end before a status query on an engine that runs the two in parallel: PostgreSQL).
  const status: ImportStatus = { importId: id, state: 'reading', rowsRead: 0, bytesRead: 0, totalBytes: entry.bytes, percent: 0, summary: null, error: null };
  return { created: true, status };
}

async function recordImport(deps: AppDeps, user: AuthUser, entry: NewImport): Promise<void> {
  const { countyCode, id, fileName, source, period, hash, bytes, now, requestId } = entry;
  await deps.db.transaction(async (tx) => {
    await importStore(tx).insertReading({
      id,
      countyCode,
      source,
      period,
      fileName,
      sha256: hash,
      totalBytes: bytes,
      createdBy: user.username,
      createdAt: now.toISOString(),
      lease: { owner: leaseOwner(deps), expiresAt: Date.now() + leaseMs(deps) },
    });
    await deps.audit.record(
      { user, action: 'import.upload', target: countyCode, requestId, detail: { importId: id, source, period, bytes } },
      tx,
    );
  });
}
