/**
 * The 同步提交 pane's sync engine: pushes the rows changed on the sheet since the last sync with
 * their base versions, writes others' changes back into the sheet, and keeps conflicts for the
 * user to decide field by field. Nothing is lost and nothing is overwritten without a choice:
 *
 *  - "changed" = the row's values differ from a fingerprint taken at the last sync (kept in the
 *    workbook settings; fingerprints only, no personal data); rows without 记录ID are new and get
 *    one first; a 记录ID copied onto a second row (copy-paste) makes that second row new;
 *  - a row whose values break the wire schema (e.g. a date typed as 2026.13.5) is not sent: it is
 *    listed with what to fix, and stays "changed" until fixed;
 *  - the server merges field by field (ledger/sync-merge.ts); a conflict comes back with both
 *    versions and the sheet row stays as the user typed it until they choose keep-mine / keep-theirs;
 *  - a row that disappeared from the sheet is NOT deleted on the server until the user confirms;
 *    a row deleted elsewhere is listed, never removed from the sheet by the add-in;
 *  - a request whose answer never arrived (network drop) is sent again as it was — same requestId,
 *    same body — so the server answers it from the first run and nothing is applied twice;
 *  - the user may type while a request is on its way: what they typed meanwhile is never written
 *    over by the answer, and stays "changed" (its fingerprint is of the server's value) until pushed;
 *  - a sheet whose title or 村（社区） cells name another village than the signed-in one is not
 *    synced (nothing is sent) until the user confirms the rows are this village's (OtherVillageError);
 *  - rows without 记录ID are first paired by ID number with the server's rows no sheet row holds
 *    (a file uploaded through the web page before, which cannot write 记录ID back; the web upload's
 *    rule, pairedServerRow): they take that row's 记录ID with base version 0 and go as edits, so
 *    nobody is added to the ledger a second time and nothing the server got since is overwritten.
 */
import { SYNC_LIMITS, SyncChangeSchema, type SyncChange, type SyncConflict, type SyncRequest, type SyncResponse } from '../../../ledger/api/sync';
import { LEDGER_COLUMNS, villageOfTitle } from '../../../ledger/columns';
import { sameVillageName, villageNameKey } from '../../../ledger/units';
import { idPairKey, pairedServerRow, serverRowsByIdNumber } from '../../../ledger/upload-plan';
import { changedKeys, compactValues, valuesEqual } from '../../../ledger/sync-merge';
import type { LedgerValue, LedgerValues } from '../../../ledger/types';
import type { ApiClient } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { SettingValue } from '../../host/ledger-host';
import type { RowIdAssignment, SheetRow, SheetWrite, SyncSheet } from './sheet-rows';

/** The workbook setting holding the sync state. */
export const SYNC_SETTING = 'sync';

/** Column keys that travel as values (every column but 记录ID and 版本号), in column order. */
export const SYNC_VALUE_KEYS: readonly string[] = LEDGER_COLUMNS.filter((column) => column.type !== 'machine').map((column) => column.key);

export interface SyncState {
  /** Which village's ledger this workbook syncs with (a workbook never syncs into another village). */
  villageCode: string;
  /** Stable id of this workbook (recorded with every version on the server). */
  clientId: string;
  cursor: number;
  /** 记录ID → `version:fingerprint` of the row at the last sync (see rowMark). */
  fingerprints: Record<string, string>;
  /** Other village names on the sheet (villageNameKey) the user confirmed as this village's rows. */
  acceptedNames?: string[];
}

/** cyrb53: a fast 53-bit string hash; enough to notice that a row changed (not a security measure). */
function cyrb53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The fingerprint of a row's values: empty values ignored, keys in column order. */
export function fingerprint(values: LedgerValues): string {
  return cyrb53(JSON.stringify(compactValues(values, SYNC_VALUE_KEYS)));
}

/** What the state keeps of a synced row: its version and the fingerprint of its values. */
export function rowMark(version: number, values: LedgerValues): string {
  return `${version}:${fingerprint(values)}`;
}

function versionOfMark(mark: string | undefined): number {
  const version = Number(mark?.split(':')[0]);
  return Number.isInteger(version) && version > 0 ? version : 0;
}

function isRecord(value: SettingValue | undefined): value is { [key: string]: SettingValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stored sync state, or null when the workbook never synced; a damaged one is an error to show. */
export function readSyncState(setting: SettingValue | undefined): SyncState | null {
  if (setting === undefined || setting === null) return null;
  if (
    isRecord(setting) &&
    typeof setting.villageCode === 'string' &&
    typeof setting.clientId === 'string' &&
    typeof setting.cursor === 'number' &&
    isRecord(setting.fingerprints) &&
    Object.values(setting.fingerprints).every((value) => typeof value === 'string')
  ) {
    const accepted = setting.acceptedNames;
    return {
      villageCode: setting.villageCode,
      clientId: setting.clientId,
      cursor: setting.cursor,
      fingerprints: setting.fingerprints as Record<string, string>,
      ...(Array.isArray(accepted) ? { acceptedNames: accepted.filter((name): name is string => typeof name === 'string') } : {}),
    };
  }
  throw new SyncStateError();
}

export class SyncStateError extends Error {
  readonly zh = '工作簿中保存的同步状态已损坏：请联系管理员，或在“同步提交”中选择“重新建立同步”（会重新上传全部行，服务器按版本合并，不会丢失数据）。';
  readonly en = 'The sync state saved in the workbook is damaged: contact the administrator, or choose “Rebuild sync” (all rows are sent again and merged by version; nothing is lost).';
  constructor() {
    super('damaged sync state');
    this.name = 'SyncStateError';
  }
}

export class WrongVillageError extends Error {
  constructor(
    readonly workbookVillage: string,
    readonly userVillage: string,
  ) {
    super('workbook belongs to another village');
    this.name = 'WrongVillageError';
  }
  get zh(): string {
    return `此工作簿同步的是村（社区）代码 ${this.workbookVillage} 的台账，当前登录的是 ${this.userVillage}：请用本村账号登录，或打开本村的台账工作簿。`;
  }
  get en(): string {
    return `This workbook syncs the ledger of village ${this.workbookVillage}, but you are signed in for ${this.userVillage}: sign in with that village's account or open your own ledger.`;
  }
}

/**
 * The sheet names another village (title or 村（社区） cells) than the signed-in one: nothing was
 * sent. Typically a shared township PC still signed in as the last village. The user signs in
 * with the right account or opens the right workbook — or confirms, naming both, that the rows
 * are this village's (syncNow's confirmVillage).
 */
export class OtherVillageError extends Error {
  constructor(
    /** The names as the sheet writes them (one per village). */
    readonly sheetVillages: readonly string[],
    readonly userVillage: string,
  ) {
    super('the sheet names another village');
    this.name = 'OtherVillageError';
  }
  get zh(): string {
    const sheet = this.sheetVillages.map((name) => `“${name}”`).join('、');
    return `本表是${sheet}的台账，当前登录的是“${this.userVillage}”，未同步任何内容。请退出登录后用${sheet}的账号登录，或打开“${this.userVillage}”的台账工作簿再同步。`;
  }
  get en(): string {
    const sheet = this.sheetVillages.map((name) => `“${name}”`).join(', ');
    return `This sheet is the ledger of ${sheet}, but you are signed in as “${this.userVillage}”; nothing was synced. Sign out and sign in with ${sheet}'s account, or open the workbook of “${this.userVillage}”, then sync.`;
  }
}

export interface UnsendableRow {
  excelRow: number;
  rowId: string;
  name: string | null;
  /** Column key → what is wrong (zh/en). */
  problems: { key: string; message: string }[];
}

export interface SyncPlan {
  rows: SheetRow[];
  changes: SyncChange[];
  /** Rows that changed but cannot be sent as they are. */
  unsendable: UnsendableRow[];
  /** 记录ID known from the last sync but no longer on the sheet: deleted on the server only if confirmed. */
  missing: string[];
  /** Rows that got a new 记录ID (new rows, or a copied 记录ID). */
  assigned: { excelRow: number; rowId: string }[];
}

/** Decides what to push from the sheet and the last sync's fingerprints (pure). */
export function planSync(rows: readonly SheetRow[], state: SyncState | null, newRowId: () => string): SyncPlan {
  const fingerprints = state?.fingerprints ?? {};
  const seen = new Set<string>();
  const assigned: { excelRow: number; rowId: string }[] = [];
  const changes: SyncChange[] = [];
  const unsendable: UnsendableRow[] = [];
  const out: SheetRow[] = [];
  for (const row of rows) {
    let { rowId, version } = row;
    if (!rowId || seen.has(rowId)) {
      rowId = newRowId();
      version = 0;
      assigned.push({ excelRow: row.excelRow, rowId });
    }
    seen.add(rowId);
    const current: SheetRow = { ...row, rowId, version };
    out.push(current);
    if (version > 0 && fingerprints[rowId] === rowMark(version, row.values)) continue;
    const change = { rowId, baseVersion: version, values: wireValues(row.values) };
    const parsed = SyncChangeSchema.safeParse(change);
    if (parsed.success) changes.push(parsed.data);
    else {
      const problems: UnsendableRow['problems'] = [];
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[1] ?? issue.path[0] ?? '');
        if (!problems.some((problem) => problem.key === key)) problems.push({ key, message: issue.message });
      }
      unsendable.push({ excelRow: row.excelRow, rowId, name: typeof row.values.name === 'string' ? row.values.name : null, problems });
    }
  }
  const missing = Object.keys(fingerprints).filter((rowId) => !seen.has(rowId));
  return { rows: out, changes, unsendable, missing, assigned };
}

/** Sheet values as the wire wants them: every column the sheet has (blank = null, so clearing a cell is sent). */
function wireValues(values: LedgerValues): Record<string, LedgerValue> {
  const out: Record<string, LedgerValue> = {};
  for (const key of SYNC_VALUE_KEYS) {
    if (!(key in values)) continue;
    const value = (values as Record<string, LedgerValue | undefined>)[key];
    out[key] = value === undefined ? null : value;
  }
  return out;
}

/** Sheet values from a pulled whole row (keys the ledger knows only). */
function sheetValues(values: Record<string, unknown>): LedgerValues {
  const out: Record<string, LedgerValue> = {};
  for (const key of SYNC_VALUE_KEYS) {
    const value = values[key];
    if (value === null || value === undefined) out[key] = null;
    else if (typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out as LedgerValues;
}

export type SyncPhase = 'reading' | 'pushing' | 'writing' | 'done';
export interface SyncProgress {
  phase: SyncPhase;
  /** Requests sent so far / planned (at least 1). */
  done: number;
  total: number;
}

/** Findings of one row as the server sends them. */
export type WireRowFindings = SyncResponse['findings'][number];

export interface SyncOutcome {
  pushed: number;
  applied: number;
  merged: number;
  /** Rows written into the sheet from the server (others' changes, merges). */
  pulled: number;
  conflicts: SyncConflict[];
  /** Rows the server re-validated with findings (errors or warnings), at most a few hundred. */
  findings: WireRowFindings[];
  /** Totals over every pushed row, listed in `findings` or not. */
  findingCounts: { rows: number; errors: number; warnings: number };
  /** true when the server left rows out of `findings` (too many to list). */
  findingsTruncated: boolean;
  unsendable: UnsendableRow[];
  /** Rows that disappeared from the sheet, waiting for the user to confirm the delete. */
  missing: string[];
  /** Rows deleted elsewhere that are still on this sheet (the user removes them). */
  deletedElsewhere: { rowId: string; excelRow: number | null; name: string | null }[];
  /** True when the server had more than one page of changes. */
  paged: boolean;
  /** Rows without 记录ID paired by ID number with a row already on the server (pushed as edits of it). */
  pairedById: number;
}

export type FieldChoice = 'mine' | 'theirs';

export interface SyncEngineOptions {
  villageCode: string;
  /** The signed-in village's name: a sheet naming another village is not synced unless confirmed. */
  villageName?: string;
  newId?: () => string;
}

export class SyncEngine {
  /** The request sent last whose answer never arrived: sent again as it was. */
  /** A request not answered yet, with what the sheet showed when it was made (Shown). */
  private inFlight: { request: SyncRequest; shown: Shown } | null = null;
  private readonly newId: () => string;
  conflicts: SyncConflict[] = [];

  constructor(
    private readonly sheet: SyncSheet,
    private readonly client: ApiClient,
    private readonly options: SyncEngineOptions,
  ) {
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  }

  /** A request that failed for lack of network is waiting to be sent again. */
  get retryPending(): boolean {
    return this.inFlight !== null;
  }

  private async state(): Promise<SyncState> {
    const settings = await this.sheet.readSettings();
    const stored = readSyncState(settings[SYNC_SETTING]);
    if (stored && stored.villageCode !== this.options.villageCode) throw new WrongVillageError(stored.villageCode, this.options.villageCode);
    return stored ?? { villageCode: this.options.villageCode, clientId: `workbook-${this.newId()}`, cursor: 0, fingerprints: {} };
  }

  private async saveState(state: SyncState): Promise<void> {
    await this.sheet.writeSettings({ [SYNC_SETTING]: { ...state } });
  }

  /**
   * The village names the sheet gives (title, 村（社区） cells) that do not name the signed-in
   * village, as written (one per village), less those confirmed before; [] when the name is unknown.
   */
  async otherVillages(): Promise<string[]> {
    const own = this.options.villageName;
    if (!own) return [];
    const state = await this.state();
    const rows = await this.sheet.readRows();
    const title = this.sheet.readTitle ? await this.sheet.readTitle() : null;
    const accepted = new Set(state.acceptedNames ?? []);
    const found = new Map<string, string>();
    const written = [title === null ? null : villageOfTitle(title), ...rows.map((row) => row.values.village)];
    for (const value of written) {
      if (typeof value !== 'string' || value.trim() === '') continue;
      const key = villageNameKey(value);
      if (found.has(key) || accepted.has(key) || sameVillageName(value, own)) continue;
      found.set(key, value.trim());
    }
    return [...found.values()];
  }

  /** What "sync now" would push (for the pane's summary before anything is sent). */
  async preview(): Promise<SyncPlan> {
    return planSync(await this.sheet.readRows(), await this.state(), this.newId);
  }

  /**
   * Sync now: resend a request whose answer was lost, push the sheet's changes in batches, page
   * through the server's changes, write them into the sheet. `confirmDeletes`: rows missing from the
   * sheet the user agreed to delete on the server.
   */
  async syncNow(
    options: {
      confirmDeletes?: readonly string[];
      /** Other village names the user confirmed, seeing them, as this village's rows (OtherVillageError). */
      confirmVillage?: readonly string[];
      onProgress?: (progress: SyncProgress) => void;
    } = {},
  ): Promise<SyncOutcome> {
    const report = options.onProgress ?? (() => undefined);
    report({ phase: 'reading', done: 0, total: 1 });
    let state = await this.state();
    // Before any request: a sheet of another village is never sent without the user's word.
    const others = await this.otherVillages();
    if (others.length > 0) {
      const confirmed = new Set((options.confirmVillage ?? []).map(villageNameKey));
      if (!others.every((name) => confirmed.has(villageNameKey(name)))) throw new OtherVillageError(others, this.options.villageName ?? this.options.villageCode);
      state = { ...state, acceptedNames: [...new Set([...(state.acceptedNames ?? []), ...others.map(villageNameKey)])] };
    }
    const outcome: SyncOutcome = { pushed: 0, applied: 0, merged: 0, pulled: 0, conflicts: [], findings: [], findingCounts: { rows: 0, errors: 0, warnings: 0 }, findingsTruncated: false, unsendable: [], missing: [], deletedElsewhere: [], paged: false, pairedById: 0 };

    // 1. A request that never got its answer goes first, exactly as it was.
    if (this.inFlight) {
      const { request, shown } = this.inFlight;
      const response = await this.send(request, shown);
      state = (await this.absorb(state, request, response, outcome, shown)).state;
    }

    // 2. The sheet's changes; rows without 记录ID first paired with the server's rows by ID number.
    const paired = await this.pairByIdNumber(await this.sheet.readRows(), state);
    const plan = planSync(paired.rows, state, this.newId);
    await this.sheet.assignRowIds([...paired.assigned, ...plan.assigned]);
    outcome.pairedById = paired.assigned.length;
    const confirm = new Set(options.confirmDeletes ?? []);
    const deletes: SyncChange[] = plan.missing.filter((rowId) => confirm.has(rowId)).map((rowId) => ({ rowId, baseVersion: versionOfMark(state.fingerprints[rowId]), values: {}, deleted: true }));
    const changes = [...plan.changes, ...deletes];
    outcome.unsendable = plan.unsendable;
    outcome.missing = plan.missing.filter((rowId) => !confirm.has(rowId));
    const batch = SYNC_LIMITS.recommendedChangesPerPush;
    const batches = Math.max(1, Math.ceil(changes.length / batch));
    let shown: Shown = shownOf(plan.rows);
    for (let i = 0; i < batches; i++) {
      report({ phase: 'pushing', done: i, total: batches });
      const request: SyncRequest = { clientId: state.clientId, requestId: this.newId(), cursor: state.cursor, changes: changes.slice(i * batch, (i + 1) * batch) };
      const response = await this.send(request, shown);
      ({ state, shown } = await this.absorb(state, request, response, outcome, shown));
      // 3. Page through the rest of the server's changes.
      while (response.hasMore && i === batches - 1) {
        outcome.paged = true;
        const page: SyncRequest = { clientId: state.clientId, requestId: this.newId(), cursor: state.cursor, changes: [] };
        const next = await this.send(page, shown);
        ({ state, shown } = await this.absorb(state, page, next, outcome, shown));
        if (!next.hasMore) break;
      }
    }
    report({ phase: 'writing', done: batches, total: batches });
    outcome.deletedElsewhere = await this.stillOnSheet(outcome.deletedElsewhere);
    this.conflicts = outcome.conflicts;
    report({ phase: 'done', done: batches, total: batches });
    return outcome;
  }

  /**
   * Resolves one conflict with the user's choice for every field in conflict (for delete conflicts
   * one choice under the key '*'), then pushes the result on the server's current version.
   */
  async resolve(conflict: SyncConflict, choices: Readonly<Record<string, FieldChoice>>): Promise<SyncOutcome> {
    const needed = conflict.reason === 'fields' ? conflict.fields : ['*'];
    const missingChoice = needed.filter((field) => choices[field] !== 'mine' && choices[field] !== 'theirs');
    if (missingChoice.length > 0) throw new Error(`no choice for ${missingChoice.join(', ')}`);
    let state = await this.state();
    const outcome: SyncOutcome = { pushed: 0, applied: 0, merged: 0, pulled: 0, conflicts: [], findings: [], findingCounts: { rows: 0, errors: 0, warnings: 0 }, findingsTruncated: false, unsendable: [], missing: [], deletedElsewhere: [], paged: false, pairedById: 0 };
    const server = conflict.server;
    const client = conflict.client;
    let change: SyncChange | null = null;
    let writeTheirs = false;
    switch (conflict.reason) {
      case 'fields':
      case 'unknown_base': {
        // Only what this client changed since its base goes over the server's row (the rest of the
        // sent row is the old base, which must not undo others' changes).
        const base = conflict.reason === 'fields' ? await this.baseValues(conflict) : {};
        const mine = changedKeys(base as LedgerValues, client.values as LedgerValues);
        const values: Record<string, unknown> = { ...server.values };
        for (const key of mine) if (!conflict.fields.includes(key)) values[key] = client.values[key];
        for (const key of conflict.fields) {
          const choice = conflict.reason === 'fields' ? choices[key] : choices['*'];
          values[key] = choice === 'mine' ? client.values[key] : server.values[key];
        }
        change = { rowId: conflict.rowId, baseVersion: server.version, values: wireValues(sheetValues(values)) };
        break;
      }
      case 'deleted':
        // Deleted on the server, edited here: keep mine = bring the row back with my values.
        if (choices['*'] === 'mine') change = { rowId: conflict.rowId, baseVersion: server.version, values: wireValues(sheetValues({ ...server.values, ...client.values })), deleted: false };
        break;
      case 'delete_edit':
        // Deleted here, edited on the server: keep mine = delete it; keep theirs = put the server's row back on the sheet.
        if (choices['*'] === 'mine') change = { rowId: conflict.rowId, baseVersion: server.version, values: {}, deleted: true };
        else writeTheirs = true;
        break;
    }
    if (change) {
      const request: SyncRequest = { clientId: state.clientId, requestId: this.newId(), cursor: state.cursor, changes: [SyncChangeSchema.parse(change)] };
      const shown = shownOf(await this.sheet.readRows());
      const response = await this.send(request, shown);
      state = (await this.absorb(state, request, response, outcome, shown)).state;
    } else if (writeTheirs) {
      await this.sheet.write([{ rowId: conflict.rowId, values: sheetValues(server.values), version: server.version, appendIfMissing: true }]);
      state = await this.refreshFingerprints(state, new Set([conflict.rowId]));
      await this.saveState(state);
      outcome.pulled = 1;
    } else {
      // Keep theirs for a row deleted on the server: the row stays on the sheet for the user to remove.
      state = { ...state, fingerprints: withoutKeys(state.fingerprints, [conflict.rowId]) };
      await this.saveState(state);
      outcome.deletedElsewhere = await this.stillOnSheet([{ rowId: conflict.rowId, excelRow: null, name: null }]);
    }
    this.conflicts = this.conflicts.filter((c) => c.rowId !== conflict.rowId).concat(outcome.conflicts);
    return outcome;
  }

  private async baseValues(conflict: SyncConflict): Promise<Record<string, unknown>> {
    if (conflict.baseVersion === 0) return {};
    const history = await this.client.rowVersions(this.options.villageCode, conflict.rowId);
    return history.versions.find((version) => version.version === conflict.baseVersion)?.values ?? {};
  }

  /**
   * Rows without 记录ID whose ID number is on a server row no sheet row holds (pairedServerRow: a real
   * ID number, the same name, one such row) take that row's 记录ID with base version 0, so that what
   * differs is pushed as an edit of it — not as a second row for the same person (a file the village uploaded through
   * the web page, which cannot write 记录ID back, then synced from Excel). The server's rows are
   * read by pulls from the workbook's cursor (everything on a first sync; later, the rows changed
   * since, the others being on the sheet with their 记录ID), answers set aside: the push that follows
   * pulls them again into the sheet, where the paired rows are then found by their 记录ID.
   */
  private async pairByIdNumber(rows: SheetRow[], state: SyncState): Promise<{ rows: SheetRow[]; assigned: RowIdAssignment[] }> {
    if (!rows.some((row) => row.rowId === null && idPairKey(row.values.idNumber) !== '')) return { rows, assigned: [] };
    const live = new Map<string, { rowId: string; version: number; values: LedgerValues }>();
    let cursor = state.cursor;
    for (;;) {
      // Not through send(): a read lost on the way is not worth sending again, and must not be absorbed later.
      const page = await this.client.sync(this.options.villageCode, { clientId: state.clientId, requestId: this.newId(), cursor, changes: [] });
      for (const change of page.changes) {
        const rowId = change.rowId.toLowerCase();
        if (change.deleted) live.delete(rowId);
        else live.set(rowId, { rowId, version: change.version, values: sheetValues(change.values) });
      }
      if (!page.hasMore || page.cursor <= cursor) break;
      cursor = page.cursor;
    }
    const byId = serverRowsByIdNumber([...live.values()]);
    const held = new Set(rows.flatMap((row) => (row.rowId ? [row.rowId.toLowerCase()] : [])));
    const assigned: RowIdAssignment[] = [];
    const out = rows.map((row) => {
      if (row.rowId !== null) return row;
      // the web upload's rule (pairedServerRow): a real ID number, the same name, exactly one such row
      const target = pairedServerRow(row.values, byId).row;
      if (!target || held.has(target.rowId)) return row;
      held.add(target.rowId);
      // Base version 0, as the web upload pairs: this copy of the file never saw the server's row, so
      // a field changed there since (another workbook's edit, a township's correction) and different
      // here comes back as a conflict to choose, and a blank cell erases nothing. At the row's current
      // version the push would have overwritten those edits unasked.
      assigned.push({ excelRow: row.excelRow, rowId: target.rowId, version: 0 });
      return { ...row, rowId: target.rowId, version: 0 };
    });
    return { rows: out, assigned };
  }

  private async send(request: SyncRequest, shown: Shown): Promise<SyncResponse> {
    this.inFlight = { request, shown };
    try {
      const response = await this.client.sync(this.options.villageCode, request);
      this.inFlight = null;
      return response;
    } catch (error) {
      // Only a request that got no answer is worth sending again; one the server answered
      // (refused, 409 request_id_reused, …) is done with.
      if (!(error instanceof ApiError && error.offline)) this.inFlight = null;
      throw error;
    }
  }

  /**
   * Writes a response into the sheet and the sync state; collects what the pane shows. `shown`: what
   * the sheet showed when the request was made. A value the user changed since (typed while the
   * request was on its way) is never overwritten, and the row's fingerprint is of what the server
   * has, so that the next sync pushes the user's value. Returns the state and what the sheet shows now.
   */
  private async absorb(state: SyncState, request: SyncRequest, response: SyncResponse, outcome: SyncOutcome, shown: Shown): Promise<{ state: SyncState; shown: Shown }> {
    const conflicted = new Set(response.conflicts.map((conflict) => conflict.rowId));
    outcome.pushed += request.changes.length;
    outcome.applied += response.applied.length;
    outcome.merged += response.applied.filter((applied) => applied.merged).length;
    outcome.conflicts = outcome.conflicts.filter((c) => !request.changes.some((change) => change.rowId === c.rowId)).concat(response.conflicts);
    outcome.findings = outcome.findings.filter((f) => !response.findings.some((g) => g.rowId === f.rowId)).concat(response.findings);
    outcome.findingCounts = {
      rows: outcome.findingCounts.rows + response.findingCounts.rows,
      errors: outcome.findingCounts.errors + response.findingCounts.errors,
      warnings: outcome.findingCounts.warnings + response.findingCounts.warnings,
    };
    outcome.findingsTruncated ||= response.findingsTruncated;

    const rows = await this.sheet.readRows();
    const onSheet = new Map(rows.filter((row) => row.rowId).map((row) => [row.rowId as string, row]));
    const writes = new Map<string, SheetWrite>();
    /** Per row, the server's values of the keys the user changed meanwhile (kept on the sheet). */
    const serverOfEdited = new Map<string, LedgerValues>();
    /** Of `values` (from the server), those the sheet may take: not changed by the user meanwhile. */
    const takeable = (row: SheetRow, values: LedgerValues, keys: readonly string[]): LedgerValues => {
      const before = row.rowId ? shown.get(row.rowId) : undefined;
      const out: Record<string, LedgerValue | null> = {};
      const kept: Record<string, LedgerValue | null> = {};
      for (const key of keys) {
        const value = values[key as keyof LedgerValues] ?? null;
        const current = row.values[key as keyof LedgerValues];
        if (valuesEqual(current, value)) continue;
        if (before && !valuesEqual(current, before[key as keyof LedgerValues])) kept[key] = value;
        else out[key] = value;
      }
      if (row.rowId && Object.keys(kept).length > 0) serverOfEdited.set(row.rowId, { ...serverOfEdited.get(row.rowId), ...kept } as LedgerValues);
      return out as LedgerValues;
    };
    const settled = new Set<string>();
    const sent = new Map(request.changes.map((change) => [change.rowId, change]));
    // Applied: the version this request made. Unchanged (the server already had what was sent): the
    // server's version when the change was based on it, else the sheet keeps its version and the
    // newer server row comes with the pull.
    const settledVersions = [
      ...response.applied.map((applied) => ({ rowId: applied.rowId, version: applied.version as number | undefined })),
      ...response.unchanged.map((entry) => ({
        rowId: entry.rowId,
        version: sent.get(entry.rowId)?.baseVersion === entry.serverVersion ? entry.serverVersion : undefined,
      })),
    ];
    for (const { rowId, version } of settledVersions) {
      settled.add(rowId);
      const row = onSheet.get(rowId);
      const change = sent.get(rowId);
      const pushed = change && !change.deleted ? sheetValues(change.values) : {};
      if (!row) {
        // Removed from the sheet while its push was on the way: the server keeps the row, and an
        // answer does not echo a row stored as sent, so put it back as sent (the sheet mirrors the
        // server; removing it again deletes it at the next sync, once confirmed).
        if (change && !change.deleted && version !== undefined) writes.set(rowId, { rowId, values: pushed, version, appendIfMissing: true });
        continue;
      }
      // A resolved conflict pushes values the sheet does not show yet (keep-theirs fields): put them there.
      const differing = takeable(row, pushed, change ? Object.keys(change.values) : []);
      writes.set(rowId, { rowId, values: differing, ...(version !== undefined ? { version } : {}) });
    }
    const deletedNow: string[] = [];
    for (const change of response.changes) {
      if (conflicted.has(change.rowId)) continue;
      const row = onSheet.get(change.rowId);
      if (change.deleted) {
        deletedNow.push(change.rowId);
        if (row) outcome.deletedElsewhere.push({ rowId: change.rowId, excelRow: row.excelRow, name: typeof row.values.name === 'string' ? row.values.name : null });
        writes.delete(change.rowId);
        continue;
      }
      if (row && row.version >= change.version && !writes.has(change.rowId)) continue; // already there
      const values = sheetValues(change.values);
      const differs = !row || SYNC_VALUE_KEYS.some((key) => !valuesEqual(row.values[key as keyof LedgerValues], values[key as keyof LedgerValues]));
      if (differs) outcome.pulled++;
      // Pushed by this request and not merged: the sheet already holds these values; only the version moves.
      writes.set(change.rowId, { rowId: change.rowId, values: !row ? values : differs ? takeable(row, values, SYNC_VALUE_KEYS) : {}, version: change.version, appendIfMissing: true });
      settled.add(change.rowId);
    }
    await this.sheet.write([...writes.values()]);
    const pushedDeletes = request.changes.filter((change) => change.deleted && !conflicted.has(change.rowId)).map((change) => change.rowId);
    let next: SyncState = { ...state, cursor: Math.max(state.cursor, response.cursor) };
    next = { ...next, fingerprints: withoutKeys(next.fingerprints, [...deletedNow, ...pushedDeletes]) };
    next = await this.refreshFingerprints(next, settled, serverOfEdited);
    await this.saveState(next);
    return { state: next, shown: shownOf(rows, writes) };
  }

  /**
   * Fingerprints of the settled rows as the server has them: as on the sheet now, less the values
   * the user changed meanwhile (`serverOf`: the server's values of those keys), which stay pending.
   */
  private async refreshFingerprints(state: SyncState, rowIds: ReadonlySet<string>, serverOf: ReadonlyMap<string, LedgerValues> = new Map()): Promise<SyncState> {
    if (rowIds.size === 0) return state;
    const fingerprints = { ...state.fingerprints };
    for (const row of await this.sheet.readRows()) {
      if (row.rowId && rowIds.has(row.rowId)) fingerprints[row.rowId] = rowMark(row.version, { ...row.values, ...serverOf.get(row.rowId) });
    }
    return { ...state, fingerprints };
  }

  private async stillOnSheet(entries: SyncOutcome['deletedElsewhere']): Promise<SyncOutcome['deletedElsewhere']> {
    if (entries.length === 0) return entries;
    const rows = await this.sheet.readRows();
    return entries.flatMap((entry) => {
      const row = rows.find((r) => r.rowId === entry.rowId);
      return row ? [{ rowId: entry.rowId, excelRow: row.excelRow, name: typeof row.values.name === 'string' ? row.values.name : null }] : [];
    });
  }
}

/** What the sheet shows, by 记录ID: rows read, with `writes` applied over them. */
type Shown = ReadonlyMap<string, LedgerValues>;

function shownOf(rows: readonly SheetRow[], writes: ReadonlyMap<string, SheetWrite> = new Map()): Shown {
  const shown = new Map<string, LedgerValues>();
  for (const row of rows) if (row.rowId) shown.set(row.rowId, row.values);
  for (const [rowId, write] of writes) shown.set(rowId, { ...shown.get(rowId), ...write.values } as LedgerValues);
  return shown;
}

function withoutKeys(record: Record<string, string>, keys: readonly string[]): Record<string, string> {
  if (keys.length === 0) return record;
  const out = { ...record };
  for (const key of keys) delete out[key];
  return out;
}
