/**
 * From an uploaded ledger file to sync changes (the web page for staff without the add-in).
 *
 * Rows are matched to the server's rows by 记录ID, else by ID number; the base version is the file's
 * 版本号 (what the person downloaded). A row typed anew for a person already on the server carries
 * no version: it is sent with base version 0, so every field that differs comes back as a conflict
 * to resolve side by side — nothing on the server is overwritten silently. Rows on the server that
 * are missing from the file are never deleted (they are counted and reported).
 */
import { LEDGER_COLUMNS } from './columns';
import { endsLikeExcelNumber, isValidIdChecksum, normalizeIdText } from './id-number';
import { valuesEqual } from './sync-merge';
import type { LedgerValues } from './types';
import type { ParsedRow } from './validation/cells';
import { defined } from './defined';

/** The largest ledger file the village upload takes (the server's limit; the web page checks it before sending). */
export const LEDGER_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface ServerRowRef {
  rowId: string;
  version: number;
  values: LedgerValues;
}

export type MatchKind = 'rowId' | 'idNumber' | 'new';

export interface PlannedChange {
  rowId: string;
  baseVersion: number;
  /** The row's values as in the file (machine columns removed; columns absent from the file absent). */
  values: LedgerValues;
  excelRow: number;
  match: MatchKind;
}

export type UploadProblemCode = 'upload.unknown_row' | 'upload.repeated_row' | 'upload.ambiguous_id';

/** Shaped like a validation finding, so the page shows both in one report. */
export interface UploadProblem {
  row: number;
  column: string;
  code: UploadProblemCode;
  severity: 'error';
  message: string;
  hint: string;
}

export interface UploadPlan {
  changes: PlannedChange[];
  /** Rows identical to the server's current version: nothing to send. */
  unchanged: number;
  /** Live rows on the server not in the file: kept, never deleted by an upload. */
  notInFile: number;
  problems: UploadProblem[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ROW_ID_HEADER = defined(LEDGER_COLUMNS.find((column) => column.key === 'rowId'), 'the rowId column').header;
const ID_HEADER = defined(LEDGER_COLUMNS.find((column) => column.key === 'idNumber'), 'the idNumber column').header;

/** An ID number as rows are paired by it (the core's normalizeIdText: full-width, quotes, spaces, x → X); '' = none. */
export function idPairKey(value: unknown): string {
  return typeof value === 'string' ? normalizeIdText(value) : '';
}
const idKey = idPairKey;

/** A name as rows are compared by it: full-width folded, white space dropped. */
function nameKey(value: unknown): string {
  return typeof value === 'string' ? value.normalize('NFKC').replace(/\s/g, '') : '';
}

/**
 * The server row a row without 记录ID stands for, by its ID number: one rule for the web upload
 * and the add-in's first sync. Only a real ID number pairs (18 characters with the checksum right and
 * not an Excel-mangled number ending in 000 — two people born the same day could share one of those —
 * or a legacy 15-digit one), and
 * only with rows of the same name when both have one (a retyped ID of another person must not put
 * one person's values on another's row). `ambiguous`: several rows qualify, none is chosen.
 */
export function pairedServerRow<Row extends { values: LedgerValues }>(values: LedgerValues, byId: ReadonlyMap<string, readonly Row[]>): { row?: Row; ambiguous: boolean } {
  const key = idPairKey(values.idNumber);
  const real = key.length === 18 ? isValidIdChecksum(key) && !endsLikeExcelNumber(key) : /^\d{15}$/.test(key); // 15 digits: a legacy ID, no check character
  if (!real) return { ambiguous: false };
  const name = nameKey(values.name);
  const candidates = (byId.get(key) ?? []).filter((row) => {
    const theirs = nameKey(row.values.name);
    return name === '' || theirs === '' || theirs === name;
  });
  return candidates.length > 1 ? { ambiguous: true } : { row: candidates[0], ambiguous: false };
}

/**
 * The server's rows by ID number (idPairKey), in the order given: how a row without 记录ID finds
 * the person already on the server — the web upload here, the add-in's first sync (addin/panes/sync/engine.ts).
 */
export function serverRowsByIdNumber<Row extends { values: LedgerValues }>(serverRows: readonly Row[]): Map<string, Row[]> {
  const byId = new Map<string, Row[]>();
  for (const row of serverRows) {
    const key = idKey(row.values.idNumber);
    if (key !== '') byId.set(key, [...(byId.get(key) ?? []), row]);
  }
  return byId;
}

/** Only the value columns, without 记录ID / 版本号. */
function valueColumns(values: LedgerValues): LedgerValues {
  const { rowId: _rowId, version: _version, ...rest } = values as Record<string, unknown>;
  return rest as LedgerValues;
}

function sameAsServer(values: LedgerValues, server: LedgerValues): boolean {
  return Object.entries(values).every(([key, value]) => valuesEqual(value as never, (server as Record<string, never>)[key]));
}

export function planUpload(rows: readonly ParsedRow[], serverRows: readonly ServerRowRef[], newRowId: () => string): UploadPlan {
  const byRowId = new Map(serverRows.map((row) => [row.rowId.toLowerCase(), row]));
  const byId = serverRowsByIdNumber(serverRows);
  const plan: UploadPlan = { changes: [], unchanged: 0, notInFile: 0, problems: [] };
  const claimed = new Map<string, number>();
  const problem = (row: number, column: string, code: UploadProblemCode, message: string, hint: string) =>
    plan.problems.push({ row, column, code, severity: 'error', message, hint });

  for (const row of rows) {
    const values = valueColumns(row.values);
    const fileRowId = typeof row.values.rowId === 'string' ? row.values.rowId.trim().toLowerCase() : '';
    const fileVersion = typeof row.values.version === 'number' && Number.isInteger(row.values.version) ? row.values.version : 0;
    let target: ServerRowRef | undefined;
    let match: MatchKind;
    let rowId: string;
    let baseVersion = 0;

    if (fileRowId !== '' && UUID.test(fileRowId)) {
      target = byRowId.get(fileRowId);
      if (!target && fileVersion > 0) {
        problem(row.excelRow, ROW_ID_HEADER, 'upload.unknown_row', '该行的记录ID不在本村台账上（可能来自其他村的文件，或已被删除）', '若是新增人员，请清空该行的“记录ID”和“版本号”后重新上传');
        continue;
      }
      match = 'rowId';
      rowId = fileRowId;
      baseVersion = target ? fileVersion : 0;
    } else {
      const paired = pairedServerRow(values, byId);
      if (paired.ambiguous) {
        problem(row.excelRow, ID_HEADER, 'upload.ambiguous_id', '该身份证号在本村台账上有多行，无法确定对应哪一行', '请先下载本村当前台账，在其中修改（保留记录ID）后上传');
        continue;
      }
      target = paired.row;
      match = target ? 'idNumber' : 'new';
      rowId = target ? target.rowId : newRowId();
    }

    const earlier = claimed.get(rowId);
    if (earlier !== undefined) {
      problem(row.excelRow, target && match === 'idNumber' ? ID_HEADER : ROW_ID_HEADER, 'upload.repeated_row', `与第${earlier}行对应台账上的同一条记录`, '同一人员只保留一行，删除重复的行后重新上传');
      continue;
    }
    claimed.set(rowId, row.excelRow);

    if (target && baseVersion === target.version && sameAsServer(values, target.values)) {
      plan.unchanged++;
      continue;
    }
    plan.changes.push({ rowId, baseVersion, values, excelRow: row.excelRow, match });
  }
  plan.notInFile = serverRows.filter((row) => !claimed.has(row.rowId.toLowerCase())).length;
  return plan;
}
