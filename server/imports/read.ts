/**
 * The background read of an import: read the file, match it (or parse the roster), place the new
 * leads, and store the dry run — its summary (what the county sees) and its plan (what the commit
 * will write). Every failure is recorded on the import (state failed, with a message saying what
 * went wrong) and logged without personal data.
 */
import type { ImportSummary, MatchLeadWire } from '../../ledger/api/leads';
import { chinaDate } from '../../ledger/dates';
import { maskIdNumber } from '../../ledger/id-number';
import { earlierWindowMonths, type MatchLead, type MatchResult } from '../../ledger/matching';
import type { SourceCode } from '../../ledger/sources';
import type { LocalizedText } from '../../ledger/text';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/errors';
import { isStorageFull, STORAGE_FULL } from '../http/storage-errors';
import { TableReadError } from '../io/read-table';
import { countyPolicy } from '../policy/county-policy';
import { CountyUnits } from '../units/county-units';
import { liveProgress, reportProgress } from './jobs';
import { loadMatchContext } from './match-context';
import { loadPriorMonths } from './monthly-totals';
import { countByTownship, placeLeads } from './placement';
import { matchSourceFile, readRosterFile, type RosterFileRecord, type SheetsRead } from './read-files';
import { importStore, type ImportRow } from './store';

export type ImportKind = 'roster' | 'source';

/** How many rejected rows and planned leads a summary shows (the counts are always complete). */
export const SUMMARY_REJECTED_LIMIT = 200;
export const SUMMARY_PREVIEW_LIMIT = 50;

/** Stored plan of a dry run: what the commit will write. */
export type Plan =
  | { kind: 'source'; result: MatchResult }
  | { kind: 'roster'; records: RosterFileRecord[] };

/** What the county sees when the read failed for a reason of the server's, not of the file. */
export const READ_SERVER_ERROR: LocalizedText = {
  zh: '导入失败（服务器内部错误），请重新上传该文件',
  en: 'The import failed (a server error); upload the file again',
};

function maskLead(lead: MatchLead): MatchLeadWire {
  return { ...lead, idNumber: maskIdNumber(lead.idNumber), sourceRows: [...lead.sourceRows] };
}

export function baseSummary(
  row: Pick<ImportRow, 'id' | 'source' | 'period' | 'file_name' | 'sha256' | 'created_at'>,
): Omit<ImportSummary, 'state' | 'rowsRead' | 'leadsNew' | 'leadsLinked' | 'excluded' | 'rejectedCount' | 'rejected'> {
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

/** A workbook of several sheets: the summary names the sheets read and those skipped (with why). */
function sheetsOf(sheets: SheetsRead | undefined): Pick<ImportSummary, 'sheets' | 'skippedSheets'> {
  return sheets ? { sheets: sheets.read, skippedSheets: sheets.skipped } : {};
}

/** Which part of the work failed: the file itself, or the server around it. */
type ReadPhase = 'server' | 'file';

/**
 * What the county sees of a failed read: our own errors say what is wrong; anything else thrown while
 * reading the file is an unreadable file, and anything else outside it a server error.
 */
function readError(error: unknown, phase: ReadPhase): LocalizedText {
  if (isStorageFull(error)) return STORAGE_FULL;
  if (error instanceof AppError) return error.text;
  if (error instanceof TableReadError) return { zh: error.zh, en: error.en };
  if (phase === 'server') return READ_SERVER_ERROR;
  return { zh: '文件无法读取：请确认是有效的 xlsx 或 csv 文件', en: 'The file cannot be read; make sure it is a valid xlsx or csv file' };
}

/**
 * Background: read the file, match (or parse the roster), store the dry-run summary and plan. With
 * `owner`, the end is recorded only while that instance holds the import's lease (lease.ts).
 */
export async function readImport(deps: AppDeps, countyCode: string, id: string, path: string, owner?: string): Promise<void> {
  const store = importStore(deps.db);
  const onProgress = (rowsRead: number, bytesRead: number) => reportProgress(id, rowsRead, bytesRead);
  const today = chinaDate(deps.now());
  let phase: ReadPhase = 'server';
  let row: ImportRow | undefined;
  try {
    row = await store.get(countyCode, id);
    if (!row) throw new AppError('import_not_found');
    let summary: ImportSummary;
    let plan: Plan;
    if (row.source === 'roster') {
      // The county's vocabularies (statuses, categories) read the roster.
      const policy = await countyPolicy(deps.db, countyCode, Number(today.slice(0, 4)));
      phase = 'file';
      const read = await readRosterFile(path, { today, policy, onProgress, limits: deps.config.readLimits });
      phase = 'server';
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
        ...sheetsOf(read.sheets),
      };
    } else {
      const source = row.source as SourceCode;
      const policy = await countyPolicy(deps.db, countyCode, Number(row.period.slice(0, 4)));
      const context = await loadMatchContext(deps.db, countyCode, policy);
      const priorMonths = await loadPriorMonths(deps.db, countyCode, earlierWindowMonths(source, policy, row.period));
      phase = 'file';
      const result = await matchSourceFile(path, source, row.period, { ...context, policy, today, onProgress, priorMonths, limits: deps.config.readLimits });
      phase = 'server';
      const units = await CountyUnits.load(deps.db, countyCode);
      const fresh = result.leads.filter((lead) => !lead.linkedTo);
      const placed = await placeLeads(deps.db, units, fresh);
      const { sheets: _sheets, ...matched } = result;
      plan = { kind: 'source', result: matched };
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
        ...sheetsOf(result.sheets),
      };
    }
    if (!(await store.markReady(id, summary.rowsRead ?? liveProgress(id)?.rowsRead ?? 0, JSON.stringify(summary), JSON.stringify(plan), owner))) {
      deps.logger.warn({ importId: id }, 'import read finished but not recorded: it ended meanwhile or another instance holds its lease');
    }
  } catch (error) {
    await recordFailure(deps, id, row, readError(error, phase), owner);
    // No personal data in logs: only the import id and the error's class (messages may echo cells).
    deps.logger.warn({ importId: id, phase, err: error instanceof Error ? error.name : 'unknown' }, 'import read failed');
  }
}

/** The import is failed with this message (with a summary when its row could be read). */
async function recordFailure(deps: AppDeps, id: string, row: ImportRow | undefined, text: LocalizedText, owner: string | undefined): Promise<void> {
  const store = importStore(deps.db);
  try {
    if (!row) {
      await store.failReading(id, JSON.stringify(text));
      return;
    }
    const summary: ImportSummary = {
      ...baseSummary(row),
      state: 'failed',
      rowsRead: liveProgress(id)?.rowsRead ?? 0,
      leadsNew: 0,
      leadsLinked: 0,
      excluded: {},
      rejectedCount: 0,
      rejected: [],
      error: text,
    };
    await store.markFailed(id, JSON.stringify(text), JSON.stringify(summary), owner);
  } catch (error) {
    // The database may be closing (server shutdown) or broken: the import stays `reading` and is
    // failed as interrupted when next read; said in the log, not swallowed.
    deps.logger.warn({ importId: id, err: error instanceof Error ? error.name : 'unknown' }, 'import failure could not be recorded');
  }
}
