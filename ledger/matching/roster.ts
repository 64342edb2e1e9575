/**
 * The roster of people already covered (保障对象名册) as a Map keyed by normalised ID number.
 * A person may have several rows (e.g. 低保 停保 then 特困供养 在保): coverage is the set of
 * categories of the rows in force (保障状态 在保; missing = 在保).
 */
import { ROSTER_COLUMNS, ROSTER_SOURCE } from '../sources';
import type { SheetInput } from '../types';
import { canonicalCoverageCategory, cellText, dateNumber, fastIdNumber, isBlankRow, parseRosterStatus, readIdNumber } from './cells';
import { locateSourceHeader } from './locate';
import type { LocalizedText, LocatedHeader, RejectedRow, RosterEntry, RosterIndex, RosterRecord } from './types';

export interface RosterBuilder {
  /** A row of a roster file (cells by the header's column indexes). Blank rows are skipped. */
  addRow(cells: readonly unknown[], excelRow: number): void;
  /** A stored roster record (already checked). */
  addRecord(record: RosterRecord): void;
  finish(): RosterParse;
}

export interface RosterParse {
  index: RosterIndex;
  rowsRead: number;
  rejected: RejectedRow[];
}

function addTo(people: Map<string, RosterEntry>, id: string, name: string, category: string, inForce: boolean, township: string, village: string): void {
  let entry = people.get(id);
  if (entry === undefined) {
    entry = { name, township, village, active: [] };
    people.set(id, entry);
  } else {
    if (entry.name === '') entry.name = name;
    if (entry.township === '') {
      entry.township = township;
      entry.village = village;
    }
  }
  if (inForce && category !== '' && !entry.active.includes(category)) entry.active.push(category);
}

export function createRosterBuilder(today: string, header?: LocatedHeader): RosterBuilder {
  const people = new Map<string, RosterEntry>();
  const rejected: RejectedRow[] = [];
  let rowsRead = 0;
  const todayNumber = dateNumber(today);
  // Few distinct category/status texts: canonicalise each once.
  const categoryCache = new Map<string, string>();
  const statusCache = new Map<string, '在保' | '停保'>();
  const col = header?.indexByKey ?? {};
  const iId = col.idNumber ?? -1;
  const iName = col.name ?? -1;
  const iCategory = col.category ?? -1;
  const iStatus = col.status ?? -1;
  const iTownship = col.township ?? -1;
  const iVillage = col.village ?? -1;

  return {
    addRow(cells, excelRow) {
      if (isBlankRow(cells)) return;
      rowsRead++;
      const rawId = iId >= 0 ? cells[iId] : undefined;
      let id = fastIdNumber(rawId, todayNumber);
      if (id === undefined) {
        const idRead = readIdNumber(rawId, today);
        if (!idRead.ok) {
          rejected.push({ row: excelRow, code: idRead.code, message: idRead.message, en: idRead.en });
          return;
        }
        id = idRead.id;
      }
      const rawStatus = iStatus >= 0 ? cells[iStatus] : undefined;
      let status = typeof rawStatus === 'string' ? statusCache.get(rawStatus) : undefined;
      if (status === undefined) {
        status = parseRosterStatus(rawStatus);
        if (typeof rawStatus === 'string' && status !== undefined) statusCache.set(rawStatus, status);
      }
      if (status === undefined) {
        rejected.push({
          row: excelRow,
          code: 'status.enum',
          message: `保障状态“${cellText(cells[iStatus])}”无法识别，应为“在保”或“停保”`,
          en: 'status not recognised; use 在保 (in force) or 停保 (stopped)',
        });
        return;
      }
      const rawCategory = iCategory >= 0 ? cells[iCategory] : undefined;
      let category = typeof rawCategory === 'string' ? categoryCache.get(rawCategory) : undefined;
      if (category === undefined) {
        category = canonicalCoverageCategory(rawCategory);
        if (typeof rawCategory === 'string') categoryCache.set(rawCategory, category);
      }
      if (category === '') {
        rejected.push({ row: excelRow, code: 'required', message: '保障类别为空', en: 'assistance category is empty' });
        return;
      }
      addTo(
        people,
        id,
        iName >= 0 ? cellText(cells[iName]) : '',
        category,
        status === '在保',
        iTownship >= 0 ? cellText(cells[iTownship]) : '',
        iVillage >= 0 ? cellText(cells[iVillage]) : '',
      );
    },
    addRecord(record) {
      const status = parseRosterStatus(record.status);
      addTo(
        people,
        record.idNumber,
        record.name,
        canonicalCoverageCategory(record.category),
        status !== '停保',
        record.township ?? '',
        record.village ?? '',
      );
    },
    finish() {
      return { index: { people, size: people.size }, rowsRead, rejected };
    },
  };
}

/** The index of stored roster records (the server's roster table). */
export function buildRosterIndex(records: Iterable<RosterRecord>): RosterIndex {
  const builder = createRosterBuilder('9999-12-31');
  for (const record of records) builder.addRecord(record);
  return builder.finish().index;
}

export const EMPTY_ROSTER: RosterIndex = { people: new Map(), size: 0 };

export type RosterSheetOutcome = ({ ok: true } & RosterParse) | { ok: false; error: LocalizedText };

/** Read a roster sheet: header in the first 10 rows, bad rows rejected with their Excel row. */
export function parseRosterSheet(sheet: SheetInput, today: string): RosterSheetOutcome {
  const located = locateSourceHeader(ROSTER_COLUMNS, sheet, ROSTER_SOURCE.name);
  if (!located.ok) return located;
  const builder = createRosterBuilder(today, located.header);
  const firstRow = sheet.firstRow ?? 1;
  const values = sheet.values;
  for (let r = located.header.rowIndex + 1; r < values.length; r++) builder.addRow(values[r] ?? [], firstRow + r);
  return { ok: true, ...builder.finish() };
}
