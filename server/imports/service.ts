/**
 * County imports of departmental files and the roster (DHIS2-style: upload → dry run with an
 * import summary → commit). Reading runs in the background with progress the client polls;
 * the commit is one transaction; the same file (sha256 of its bytes) is never imported twice.
 */
import { createHash, randomUUID } from 'crypto';
import { createReadStream, promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { ImportSummary, MatchLeadWire } from '../../ledger/api/leads';
import { maskIdNumber } from '../../ledger/id-number';
import { isSourceCode, normalizePeriod, SOURCE_CODES, type SourceCode } from '../../ledger/sources';
import type { LocalizedText } from '../../ledger/text';
import type { AppDeps } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import type { AuthUser } from '../http/route-table';
import { isStorageFull, STORAGE_FULL } from '../http/storage-errors';
import { AppError } from '../http/errors';
import { TableReadError } from '../io/read-table';
import { countyPolicy } from '../leads/policy-store';
import { chinaDate } from '../leads/states';
import { allocateSeqs, dueDateFor, formatLeadNo } from '../leads/store';
import { CountyUnits } from '../leads/units-lookup';
import { buildRosterIndex, earlierWindowMonths, type MatchLead, type MatchResult, type RejectedRow, type RosterRecord } from '../../ledger/matching';
import { ledgerRowsByIds, loadMatchContext, openLeadsOf, primeRosterIndex } from './match-context';
import { loadPriorMonths, purgeOldMonthlyTotals, storeMonthlyTotals } from './monthly-totals';
import { recordFurtherFindings } from '../leads/further-findings';
import { matchSourceFile, readRosterFile, type RosterFileRecord } from './read-files';
import { defined } from '../../ledger/defined';

export type ImportKind = 'roster' | 'source';
export type ImportStateName = 'reading' | 'ready' | 'committed' | 'failed';

/** How many rejected rows and planned leads a summary shows (the counts are always complete). */
export const SUMMARY_REJECTED_LIMIT = 200;
export const SUMMARY_PREVIEW_LIMIT = 50;

interface ImportRow {
  id: string;
  county_code: string;
  source: string;
  period: string;
  file_name: string;
  sha256: string;
  total_bytes: number;
  bytes_read: number;
  rows_read: number;
  state: ImportStateName;
  summary_json: string | null;
  plan_json: string | null;
  error_json: string | null;
  created_by: string;
  created_at: string;
  committed_by: string | null;
  committed_at: string | null;
}

/** Stored plan of a dry run: what the commit will write. */
type Plan =
  | { kind: 'source'; result: MatchResult }
  | { kind: 'roster'; records: RosterFileRecord[] };

export interface ImportStatus {
  importId: string;
  state: ImportStateName;
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  percent: number;
  summary: ImportSummary | null;
  error: { zh: string; en: string } | null;
}

// ---------------------------------------------------------------------------------------------
// In-flight reads (progress lives in memory while reading; the database has the result)

const progress = new Map<string, { rowsRead: number; bytesRead: number }>();
const running = new Map<string, Promise<void>>();
/** Imports being recorded whose background read has not been registered yet. */
const starting = new Set<string>();

const INTERRUPTED = {
  zh: '读取被中断（服务器已重启），请重新上传该文件',
  en: 'Reading was interrupted (the server restarted); upload the file again',
};

/** Resolves when the background read of an import has finished (tests, bench, seed). */
export async function whenRead(importId: string): Promise<void> {
  await running.get(importId);
}

// ---------------------------------------------------------------------------------------------

function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/** sha256 of a file, streamed (a 300k-row upload is never read into memory at once). */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Moves an upload into place (rename; copy + remove when the temp dirs are on different devices). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to);
    await fs.rm(from, { force: true });
  }
}

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

async function importRow(db: SqlDatabase, countyCode: string, importId: string): Promise<ImportRow> {
  const row = await db.get<ImportRow>('SELECT * FROM imports WHERE id = ? AND county_code = ?', [importId, countyCode]);
  if (!row) throw new AppError('import_not_found');
  return row;
}

// ---------------------------------------------------------------------------------------------
// Retention (privacy): an uncommitted dry run keeps names and ID numbers in plan_json; it is purged
// after ServerConfig.importDryRunTtlHours (env IMPORT_DRY_RUN_TTL_HOURS, default 24 h). A committed
// import keeps only its summary (counts, rejected row numbers and codes — no preview of people).

export const DEFAULT_IMPORT_DRY_RUN_TTL_HOURS = 24;

export function dryRunTtlMs(deps: Pick<AppDeps, 'config'>): number {
  const hours = deps.config.importDryRunTtlHours ?? DEFAULT_IMPORT_DRY_RUN_TTL_HOURS;
  return hours * 3600 * 1000;
}

/** Private root of the import temp files (mode 0700); one sub-directory per import id. */
export function importTempRoot(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `ledger-imports-${uid}`);
}

export async function ensureImportTempRoot(): Promise<string> {
  const root = importTempRoot();
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  // An existing directory keeps its mode on mkdir: enforce it (and refuse someone else's directory).
  const stat = await fs.lstat(root);
  if (!stat.isDirectory() || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) {
    throw new Error('import temp directory is not a private directory of this user');
  }
  if ((stat.mode & 0o777) !== 0o700) await fs.chmod(root, 0o700);
  return root;
}

/** Summary fields that name people (masked or not): never kept once an import is committed. */
function committedSummary<T extends object>(summary: T): T {
  const { preview: _preview, ...rest } = summary as T & { preview?: unknown };
  return rest as T;
}

/**
 * Purges uncommitted imports (ready, failed, or interrupted reads) created more than the TTL ago:
 * the row with its plan and summary is deleted (its GET answers 404), and so is any temp
 * directory left behind (not belonging to a running read) older than the TTL. Committed imports
 * lose any preview still stored in their summary. Returns the number of imports purged.
 */
export async function purgeExpiredImports(deps: Pick<AppDeps, 'db' | 'config' | 'now' | 'logger'>): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - dryRunTtlMs(deps)).toISOString();
  const candidates = await deps.db.all<{ id: string }>("SELECT id FROM imports WHERE state <> 'committed' AND created_at < ?", [cutoff]);
  const expired = candidates.map((c) => c.id).filter((id) => !running.has(id) && !starting.has(id));
  for (let i = 0; i < expired.length; i += 500) {
    const chunk = expired.slice(i, i + 500);
    await deps.db.run(`DELETE FROM imports WHERE state <> 'committed' AND id IN (${chunk.map(() => '?').join(',')})`, chunk);
  }
  await deps.db.run(
    "UPDATE imports SET summary_json = json_remove(summary_json, '$.preview'), plan_json = NULL WHERE state = 'committed' AND (plan_json IS NOT NULL OR json_type(summary_json, '$.preview') IS NOT NULL)",
  );
  // Monthly 医保 totals older than any window (personal data: kept no longer than needed).
  await purgeOldMonthlyTotals(deps.db, chinaDate(deps.now()));
  // File times are wall-clock times: directories left by a crashed process are judged by the real clock.
  await removeStaleTempDirs(Date.now() - dryRunTtlMs(deps), new Set(expired));
  if (expired.length > 0) deps.logger.info({ purged: expired.length }, 'expired import dry runs purged');
  return expired.length;
}

async function removeStaleTempDirs(cutoffMs: number, purged: ReadonlySet<string>): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(importTempRoot());
  } catch {
    return; // no temp root yet
  }
  for (const name of names) {
    if (running.has(name) || starting.has(name)) continue;
    const path = join(importTempRoot(), name);
    const stat = await fs.lstat(path).catch(() => null);
    if (!stat) continue;
    if (purged.has(name) || stat.mtimeMs < cutoffMs) await fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}

let lastPurge = 0;
/** Lazy purge (before an upload, a listing or a status read), at most once a minute per process. */
async function purgeSoon(deps: AppDeps): Promise<void> {
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
function isExpired(deps: Pick<AppDeps, 'config' | 'now'>, row: ImportRow): boolean {
  return row.state !== 'committed' && !running.has(row.id) && !starting.has(row.id) && deps.now().getTime() - Date.parse(row.created_at) > dryRunTtlMs(deps);
}

/** An import left `reading` by a previous server process is failed (its file is gone). */
async function recoverInterrupted(db: SqlDatabase, row: ImportRow): Promise<ImportRow> {
  if (row.state !== 'reading' || running.has(row.id) || starting.has(row.id)) return row;
  await db.run("UPDATE imports SET state = 'failed', error_json = ? WHERE id = ? AND state = 'reading'", [JSON.stringify(INTERRUPTED), row.id]);
  return { ...row, state: 'failed', error_json: JSON.stringify(INTERRUPTED) };
}

function statusOf(row: ImportRow): ImportStatus {
  const live = progress.get(row.id);
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
    error: row.error_json ? (JSON.parse(row.error_json) as { zh: string; en: string }) : null,
  };
}

export async function importStatus(db: SqlDatabase, countyCode: string, importId: string): Promise<ImportStatus> {
  return statusOf(await recoverInterrupted(db, await importRow(db, countyCode, importId)));
}

/** Status for the API: an uncommitted import past the retention period is purged and answers 404. */
export async function importStatusFor(deps: AppDeps, countyCode: string, importId: string): Promise<ImportStatus> {
  await purgeSoon(deps);
  const row = await importRow(deps.db, countyCode, importId);
  if (isExpired(deps, row)) {
    await purgeExpiredImports(deps);
    throw new AppError('import_not_found');
  }
  return importStatus(deps.db, countyCode, importId);
}

/** Listing for the API (purges expired dry runs first). */
export async function listImportsFor(deps: AppDeps, countyCode: string, limit = 100): Promise<ImportSummary[]> {
  await purgeSoon(deps);
  const cutoff = new Date(deps.now().getTime() - dryRunTtlMs(deps)).toISOString();
  const rows = await deps.db.all<{ summary_json: string | null }>(
    "SELECT summary_json FROM imports WHERE county_code = ? AND summary_json IS NOT NULL AND (state = 'committed' OR created_at >= ?) ORDER BY created_at DESC, rowid DESC LIMIT ?",
    [countyCode, cutoff, limit],
  );
  return rows.map((r) => JSON.parse(defined(r.summary_json, "an import summary")) as ImportSummary);
}

export async function listImports(db: SqlDatabase, countyCode: string, limit = 100): Promise<ImportSummary[]> {
  const rows = await db.all<{ summary_json: string | null }>(
    "SELECT summary_json FROM imports WHERE county_code = ? AND summary_json IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT ?",
    [countyCode, limit],
  );
  return rows.map((r) => JSON.parse(defined(r.summary_json, "an import summary")) as ImportSummary);
}

function maskLead(lead: MatchLead): MatchLeadWire {
  return { ...lead, idNumber: maskIdNumber(lead.idNumber), sourceRows: [...lead.sourceRows] };
}

function baseSummary(row: Pick<ImportRow, 'id' | 'source' | 'period' | 'file_name' | 'sha256' | 'created_at'>): Omit<ImportSummary, 'state' | 'rowsRead' | 'leadsNew' | 'leadsLinked' | 'excluded' | 'rejectedCount' | 'rejected'> {
  const kind: ImportKind = row.source === 'roster' ? 'roster' : 'source';
  return {
    importId: row.id,
    kind,
    source: kind === 'roster' ? null : (row.source as SourceCode),
    period: row.period,
    fileName: row.file_name,
    sha256: row.sha256,
    createdAt: row.created_at,
    committedAt: null,
  };
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
  const earlier = await deps.db.get<ImportRow>(
    "SELECT * FROM imports WHERE county_code = ? AND sha256 = ? AND state = 'committed' ORDER BY committed_at LIMIT 1",
    [countyCode, hash],
  );
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
  starting.add(id);
  try {
    return await recordAndStart(deps, user, { countyCode, id, fileName, source, period, hash, bytes, now, requestId: input.requestId ?? id }, { buffer: input.buffer, path: input.path });
  } finally {
    starting.delete(id);
  }
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
  file: { buffer?: Buffer; path?: string },
): Promise<{ created: boolean; status: ImportStatus }> {
  const { countyCode, id, fileName } = entry;
  // A private temp dir (mode 0700) holding the file under its own name, so reader messages name the user's file.
  const dir = join(await ensureImportTempRoot(), id);
  await fs.mkdir(dir, { mode: 0o700 });
  const path = join(dir, /\.[A-Za-z0-9]{2,5}$/.test(fileName) ? fileName : `${fileName}.xlsx`);
  try {
    if (file.buffer) await fs.writeFile(path, file.buffer, { mode: 0o600 });
    else await moveFile(defined(file.path, 'the upload path'), path);
    await recordImport(deps, user, entry);
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  progress.set(id, { rowsRead: 0, bytesRead: 0 });
  // The background job never rejects: readImport records failures on the import itself.
  const job = readImport(deps, countyCode, id, path).catch(() => undefined).finally(() => {
    progress.delete(id);
    running.delete(id);
    return fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  });
  running.set(id, job);
  return { created: true, status: await importStatus(deps.db, countyCode, id) };
}

async function recordImport(deps: AppDeps, user: AuthUser, entry: NewImport): Promise<void> {
  const { countyCode, id, fileName, source, period, hash, bytes, now, requestId } = entry;
  await deps.db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO imports (id, county_code, source, period, file_name, sha256, total_bytes, bytes_read, rows_read, state, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 'reading', ?, ?)`,
      [id, countyCode, source, period, fileName, hash, bytes, user.username, now.toISOString()],
    );
    await deps.audit.record(
      { user, action: 'import.upload', target: countyCode, requestId, detail: { importId: id, source, period, bytes } },
      tx,
    );
  });
}

/** Background: read the file, match (or parse the roster), store the dry-run summary and plan. */
async function readImport(deps: AppDeps, countyCode: string, id: string, path: string): Promise<void> {
  const row = await importRow(deps.db, countyCode, id);
  const onProgress = (rowsRead: number, bytesRead: number) => progress.set(id, { rowsRead, bytesRead });
  const today = chinaDate(deps.now());
  try {
    let summary: ImportSummary;
    let plan: Plan;
    if (row.source === 'roster') {
      // The county's vocabularies (statuses, categories) read the roster.
      const policy = await countyPolicy(deps.db, countyCode, Number(today.slice(0, 4)));
      const read = await readRosterFile(path, { today, policy, onProgress, limits: deps.config.readLimits });
      plan = { kind: 'roster', records: read.records };
      const stopped = read.records.filter((r) => r.status === '停保').length;
      summary = {
        ...baseSummary(row),
        state: 'ready',
        rowsRead: read.rowsRead,
        leadsNew: 0,
        leadsLinked: 0,
        excluded: read.duplicateRows > 0 ? { duplicateInFile: read.duplicateRows } : {},
        rejectedCount: read.rejectedCount,
        rejected: read.rejected.slice(0, SUMMARY_REJECTED_LIMIT),
        rejectedByCode: read.rejectedByCode,
        warnings: read.warnings.slice(0, SUMMARY_REJECTED_LIMIT),
        warningCount: read.warningCount,
        rosterPeople: read.records.length,
        rosterStopped: stopped,
      };
    } else {
      const policy = await countyPolicy(deps.db, countyCode, Number(row.period.slice(0, 4)));
      const context = await loadMatchContext(deps.db, countyCode);
      const priorMonths = await loadPriorMonths(deps.db, countyCode, earlierWindowMonths(row.source as SourceCode, policy, row.period));
      const result = await matchSourceFile(path, row.source as SourceCode, row.period, { ...context, policy, today, onProgress, priorMonths, limits: deps.config.readLimits });
      const units = await CountyUnits.load(deps.db, countyCode);
      const fresh = result.leads.filter((lead) => !lead.linkedTo);
      const placed = await placeLeads(deps.db, units, fresh);
      plan = { kind: 'source', result };
      summary = {
        ...baseSummary(row),
        state: 'ready',
        rowsRead: result.rowsRead,
        leadsNew: fresh.length,
        leadsLinked: result.leads.length - fresh.length,
        unassigned: placed.filter((p) => !p.township).length,
        excluded: result.excluded as Record<string, number>,
        rejectedCount: result.rejectedCount,
        rejected: result.rejected.slice(0, SUMMARY_REJECTED_LIMIT),
        rejectedByCode: result.rejectedByCode,
        warnings: result.warnings.slice(0, SUMMARY_REJECTED_LIMIT),
        warningCount: result.warningCount,
        leadsWithoutTownship: result.leadsWithoutTownship,
        preview: result.leads.slice(0, SUMMARY_PREVIEW_LIMIT).map(maskLead),
        byTownship: countByTownship(units, placed),
      };
    }
    const live = progress.get(id);
    await deps.db.run(
      "UPDATE imports SET state = 'ready', rows_read = ?, bytes_read = total_bytes, summary_json = ?, plan_json = ? WHERE id = ? AND state = 'reading'",
      [summary.rowsRead ?? live?.rowsRead ?? 0, JSON.stringify(summary), JSON.stringify(plan), id],
    );
  } catch (error) {
    const text = readError(error);
    const summary: ImportSummary = {
      ...baseSummary(row),
      state: 'failed',
      rowsRead: progress.get(id)?.rowsRead ?? 0,
      leadsNew: 0,
      leadsLinked: 0,
      excluded: {},
      rejectedCount: 0,
      rejected: [],
      error: text,
    };
    await deps.db
      .run("UPDATE imports SET state = 'failed', error_json = ?, summary_json = ? WHERE id = ?", [JSON.stringify(text), JSON.stringify(summary), id])
      .catch(() => undefined); // the database may be closing (server shutdown)
    // No personal data in logs: only the import id and the error's class/message (which never echo cells).
    deps.logger.warn({ importId: id, err: error instanceof Error ? error.name : 'unknown' }, 'import read failed');
  }
}

/** What the county sees of a failed read: our own errors say what is wrong; anything else is an unreadable file. */
function readError(error: unknown): LocalizedText {
  if (isStorageFull(error)) return STORAGE_FULL;
  if (error instanceof AppError) return error.text;
  if (error instanceof TableReadError) return { zh: error.zh, en: error.en };
  return { zh: '文件无法读取：请确认是有效的 xlsx 或 csv 文件', en: 'The file cannot be read; make sure it is a valid xlsx or csv file' };
}

// ---------------------------------------------------------------------------------------------
// Unit assignment

/** Where the new leads of a dry run would go: per township, and the county queue (code null, 待分派). */
function countByTownship(units: CountyUnits, placed: readonly Placement[]): { code: string | null; name: string; count: number }[] {
  const counts = new Map<string | null, number>();
  for (const p of placed) counts.set(p.township ?? null, (counts.get(p.township ?? null) ?? 0) + 1);
  return [...counts]
    .map(([code, count]) => ({ code, name: code ? units.get(code)?.name ?? code : '待分派（县级）', count }))
    .sort((a, b) => ((a.code ?? '\uffff') < (b.code ?? '\uffff') ? -1 : 1));
}

export interface Placement {
  township?: string;
  village?: string;
  by: 'file' | 'roster' | 'ledger' | 'none';
}

/**
 * Township/village of each lead: the file's (or roster's) 乡镇/村 names matched against the county's
 * unit tree, else the roster's stored unit by ID number, else the village of an earlier ledger row
 * with that ID number in the county, else nothing (county queue 待分派).
 */
export async function placeLeads(db: SqlDatabase, units: CountyUnits, leads: readonly MatchLead[]): Promise<Placement[]> {
  const out: Placement[] = [];
  const missing: { index: number; id: string }[] = [];
  leads.forEach((lead, index) => {
    const named = units.resolve(lead.township, lead.village);
    if (named.township) {
      out[index] = { township: named.township.code, village: named.village?.code, by: lead.placeFrom === 'roster' ? 'roster' : 'file' };
    } else {
      out[index] = { by: 'none' };
      missing.push({ index, id: lead.idNumber });
    }
  });
  if (missing.length === 0) return out;
  const county = units.countyCode;
  const fromRoster = new Map<string, string>();
  const fromLedger = new Map<string, string>();
  for (let i = 0; i < missing.length; i += 500) {
    const chunk = missing.slice(i, i + 500).map((m) => m.id);
    const marks = chunk.map(() => '?').join(',');
    for (const r of await db.all<{ id_number: string; unit_code: string }>(
      `SELECT id_number, unit_code FROM roster_people WHERE county_code = ? AND unit_code IS NOT NULL AND id_number IN (${marks})`,
      [county, ...chunk],
    )) {
      fromRoster.set(r.id_number, r.unit_code);
    }
    for (const r of await ledgerRowsByIds(db, county, chunk)) fromLedger.set(r.idNumber, r.villageCode);
  }
  for (const { index, id } of missing) {
    const rosterUnit = fromRoster.get(id);
    const ledgerVillage = fromLedger.get(id);
    if (rosterUnit && units.get(rosterUnit.slice(0, 9))) {
      out[index] = { township: rosterUnit.slice(0, 9), village: rosterUnit.length === 12 ? rosterUnit : undefined, by: 'roster' };
    } else if (ledgerVillage && units.get(ledgerVillage.slice(0, 9))) {
      out[index] = { township: ledgerVillage.slice(0, 9), village: ledgerVillage, by: 'ledger' };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Commit

/**
 * Writes a ready import in one transaction: roster → replaces the county's roster; source →
 * links duplicates (re-checked against leads committed since the dry run), places and numbers
 * the new leads. A committed import returns its summary again; the same file committed earlier
 * returns that earlier summary (duplicateOf) and creates nothing.
 */
export async function commitImport(deps: AppDeps, user: AuthUser, countyCode: string, importId: string, requestId: string): Promise<ImportStatus> {
  const now = deps.now();
  const nowIso = now.toISOString();
  let rosterCommitted: RosterFileRecord[] | undefined;
  await deps.db.transaction(async (tx) => {
    const row = await importRow(tx, countyCode, importId);
    if (isExpired(deps, row)) throw new AppError('import_not_found');
    if (row.state === 'committed') {
      // A repeated commit changes nothing and returns the earlier result; it is audited all the same.
      await deps.audit.record({ user, action: 'import.commit_repeat', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period } }, tx);
      return;
    }
    if (row.state !== 'ready') {
      throw new AppError(row.state === 'reading' ? 'import_still_reading' : 'import_failed', {}, { extra: { state: row.state } });
    }
    const earlier = await tx.get<ImportRow>(
      "SELECT * FROM imports WHERE county_code = ? AND sha256 = ? AND state = 'committed' AND id <> ? ORDER BY committed_at LIMIT 1",
      [countyCode, row.sha256, row.id],
    );
    if (earlier) {
      const summary = { ...(JSON.parse(defined(earlier.summary_json, `summary of import ${earlier.id}`)) as ImportSummary), duplicateOf: earlier.id };
      await tx.run(
        "UPDATE imports SET state = 'committed', summary_json = ?, plan_json = NULL, committed_by = ?, committed_at = ? WHERE id = ?",
        [JSON.stringify(committedSummary({ ...summary, importId: row.id, leadsNew: 0, leadsLinked: 0, committedAt: nowIso, duplicateOf: earlier.id })), user.username, nowIso, row.id],
      );
      await deps.audit.record(
        { user, action: 'import.commit', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period, duplicateOf: earlier.id, created: 0, linked: 0 } },
        tx,
      );
      return;
    }
    const plan = JSON.parse(defined(row.plan_json, `plan of import ${row.id}`)) as Plan;
    const summary = JSON.parse(defined(row.summary_json, `summary of import ${row.id}`)) as ImportSummary & Record<string, unknown>;
    let detail: Record<string, number>;
    if (plan.kind === 'roster') {
      detail = await commitRoster(tx, countyCode, row.id, plan.records);
      rosterCommitted = plan.records;
      Object.assign(summary, { rosterPeople: detail.people });
    } else {
      detail = await commitLeads(tx, user, countyCode, row, plan.result, now);
      Object.assign(summary, {
        leadsNew: detail.created,
        leadsLinked: detail.linked,
        unassigned: detail.unassigned,
        firstLeadNo: detail.created > 0 ? formatLeadNo(countyCode, row.period, detail.firstSeq) : null,
        lastLeadNo: detail.created > 0 ? formatLeadNo(countyCode, row.period, detail.firstSeq + detail.created - 1) : null,
      });
    }
    Object.assign(summary, { state: 'committed', committedAt: nowIso });
    await tx.run(
      "UPDATE imports SET state = 'committed', summary_json = ?, plan_json = NULL, committed_by = ?, committed_at = ? WHERE id = ?",
      [JSON.stringify(committedSummary(summary)), user.username, nowIso, row.id],
    );
    const { firstSeq: _first, ...counts } = detail;
    await deps.audit.record({ user, action: 'import.commit', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period, ...counts } }, tx);
  });
  if (rosterCommitted) {
    // The new roster is what the next departmental import matches against: index it once now.
    primeRosterIndex(deps.db, countyCode, importId, buildRosterIndex(rosterCommitted));
  }
  return importStatus(deps.db, countyCode, importId);
}

async function commitRoster(tx: SqlDatabase, countyCode: string, importId: string, records: readonly RosterFileRecord[]): Promise<Record<string, number>> {
  const units = await CountyUnits.load(tx, countyCode);
  await tx.run('DELETE FROM roster_people WHERE county_code = ?', [countyCode]);
  const cache = new Map<string, string | null>();
  const rows: unknown[][] = records.map((r) => {
    const key = `${r.township ?? ''}\u0000${r.village ?? ''}`;
    let unit = cache.get(key);
    if (unit === undefined) {
      const found = units.resolve(r.township, r.village);
      unit = found.village?.code ?? found.township?.code ?? null;
      cache.set(key, unit);
    }
    return [countyCode, r.idNumber, r.name, r.category, r.status ?? '在保', r.township ?? null, r.village ?? null, unit, importId];
  });
  await insertMany(
    tx,
    'INSERT OR REPLACE INTO roster_people (county_code, id_number, name, category, status, township_name, village_name, unit_code, import_id) VALUES',
    rows,
  );
  return { people: records.length, firstSeq: 0 };
}

async function commitLeads(
  tx: SqlDatabase,
  user: AuthUser,
  countyCode: string,
  row: ImportRow,
  result: MatchResult,
  now: Date,
): Promise<{ created: number; linked: number; unassigned: number; firstSeq: number }> {
  const nowIso = now.toISOString();
  const today = chinaDate(now);
  const actor = { username: user.username, unitCode: user.unit.code };
  // Re-check links against leads committed since the dry run (any source and period, still open:
  // one person, one lead).
  const fresh: MatchLead[] = [];
  const links: { lead: MatchLead; kind: string; target: string }[] = [];
  const open = new Map<string, string>();
  for (const r of await openLeadsOf(tx, countyCode)) if (!open.has(r.idNumber)) open.set(r.idNumber, r.leadNo);
  for (const lead of result.leads) {
    if (lead.linkedTo) links.push({ lead, kind: lead.linkedTo.kind, target: lead.linkedTo.target });
    else if (open.has(lead.idNumber)) links.push({ lead, kind: 'lead', target: defined(open.get(lead.idNumber), 'the open lead') });
    else fresh.push(lead);
  }
  const units = await CountyUnits.load(tx, countyCode);
  const placed = await placeLeads(tx, units, fresh);
  const firstSeq = fresh.length > 0 ? await allocateSeqs(tx, countyCode, row.period, fresh.length) : 0;
  const due = fresh.length > 0 ? await dueDateFor(tx, countyCode, today) : null;
  let unassigned = 0;
  const leadRows: unknown[][] = [];
  const historyRows: unknown[][] = [];
  const who = [actor.username, actor.unitCode];
  for (let i = 0; i < fresh.length; i++) {
    const lead = fresh[i];
    const place = placed[i];
    const seq = firstSeq + i;
    const leadNo = formatLeadNo(countyCode, row.period, seq);
    const assigned = !!place.township;
    if (!assigned) unassigned++;
    leadRows.push([
      leadNo, countyCode, row.source, row.period, seq, lead.rule, lead.reason.zh, lead.reason.en, lead.category, lead.channel, lead.coverage,
      lead.idNumber, lead.name, JSON.stringify({ sourceRows: lead.sourceRows, ...(lead.rosterName !== undefined ? { rosterName: lead.rosterName } : {}) }),
      place.township ?? null, null, place.township ?? countyCode, place.village ?? null, place.by,
      assigned ? '已派至乡镇' : '待分派', today, assigned ? today : null, assigned ? due : null,
      row.id, lead.sourceRows[0] ?? null, nowIso, nowIso,
    ]);
    historyRows.push([leadNo, null, '待分派', ...who, nowIso, `由导入生成（${row.file_name}）`]);
    if (assigned) {
      const how = place.by === 'file' ? '按文件中的乡镇' : place.by === 'roster' ? '按保障对象名册' : '按村台账中的记录';
      historyRows.push([leadNo, '待分派', '已派至乡镇', ...who, nowIso, `${how}自动派至乡镇`]);
    }
  }
  await insertMany(
    tx,
    `INSERT INTO leads (lead_no, county_code, source, period, seq, rule, reason_zh, reason_en, category, channel, coverage, id_number, name,
       detail_json, township_code, village_code, unit_code, suggested_village_code, assigned_by, state, found_on, dispatched_on, due_on,
       import_id, excel_row, created_at, updated_at) VALUES`,
    leadRows,
  );
  await insertMany(tx, 'INSERT INTO lead_history (lead_no, from_state, to_state, user_name, unit_code, at, note) VALUES', historyRows);
  // The open lead a person was linked to lists this source and reason too (history says so).
  await recordFurtherFindings(tx, links.filter((link) => link.kind === 'lead'), { source: row.source as SourceCode, period: row.period, importId: row.id }, actor, now);
  if (result.monthlyTotals) await storeMonthlyTotals(tx, countyCode, row.id, result.monthlyTotals);
  await insertMany(
    tx,
    'INSERT INTO lead_links (import_id, excel_row, kind, target, rule, at) VALUES',
    links.map((link) => [row.id, link.lead.sourceRows[0] ?? null, link.kind, link.target, link.lead.rule, nowIso]),
  );
  return { created: fresh.length, linked: links.length, unassigned, firstSeq };
}

/** Multi-row INSERTs (bounded by SQLite's parameter limit), all parameterised. */
async function insertMany(tx: SqlDatabase, head: string, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0].length;
  const per = Math.max(1, Math.floor(30000 / width / 10));
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await tx.run(`${head} ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

export type { RejectedRow, RosterRecord };
