/**
 * The roster of people already covered (保障对象名册) as a Map keyed by normalised ID number.
 * A person may have several rows (e.g. 低保 停保 then 特困供养 在保): coverage is the set of
 * categories of the rows in force. Categories and statuses are read through the county's
 * vocabularies (policy.matching.rosterCategories, rosterStatuses): 五保户 is 特困供养, 不享受 is
 * not in force, an unknown status is a warning with its row number. Household rosters are read
 * per member; the head of household is covered with the household.
 */
import { DEFAULT_POLICY, type Policy } from '../policy';
import type { SheetInput } from '../types';
import { blankMarkersOf, blankMarkerTest } from '../validation/scan';
import { cellText, dateNumber, fastIdNumber, isBlankRow, readIdNumber, rosterStatusReader, vocabularyOf, type RosterStatusReading } from './cells';
import { idNumberKey } from '../id-number';
import { IdKeyTable } from '../id-key-table';
import { locateRosterHeader } from './locate';
import {
  addRejected,
  emptyRejected,
  type LocalizedText,
  type LocatedHeader,
  type RejectedRow,
  type RosterEntry,
  type RosterIndex,
  type RosterRecord,
  type RowWarning,
} from './types';

export interface RosterBuilder {
  /** A row of a roster file (cells by the header's column indexes). Blank rows are skipped. */
  addRow(cells: readonly unknown[], excelRow: number): void;
  /** The rows that follow are of another sheet with its own header; rejected rows and warnings say the sheet. */
  useSheet(header: LocatedHeader, sheet: string): void;
  /** A stored roster record (already checked). */
  addRecord(record: RosterRecord): void;
  finish(): RosterParse;
}

export interface RosterParse {
  index: RosterIndex;
  rowsRead: number;
  /** The first REJECTED_ROWS_KEPT rejected rows; rejectedCount and rejectedByCode are complete. */
  rejected: RejectedRow[];
  rejectedCount: number;
  rejectedByCode: Record<string, number>;
  /** Rows read but worth a look: unknown statuses or categories (first ones, with row numbers). */
  warnings: RowWarning[];
  warningCount: number;
}

/**
 * A category without the qualifiers rosters add to it — a class (农村低保A类, 低保二类) or a remark
 * in brackets (特困供养（分散）) — for a second lookup in the vocabulary; never a substring match.
 */
function withoutQualifier(text: string): string {
  return text.replace(/[（(][^（()）]*[)）]$/, '').replace(/[A-Da-d一二三四1-4]类$/, '').trim();
}

/** The roster's people by numeric ID key (the matcher's look-up; IDs of another shape stay in the Map only). */
function keyedEntries(people: ReadonlyMap<string, RosterEntry>): { table: IdKeyTable; entries: RosterEntry[] } {
  const table = new IdKeyTable(people.size);
  const entries: RosterEntry[] = [];
  for (const [id, entry] of people) {
    const key = idNumberKey(id);
    if (key < 0) continue;
    table.set(key, entries.length);
    entries.push(entry);
  }
  return { table, entries };
}

/** Warnings kept with their row numbers (the count is complete). */
const WARNINGS_KEPT = 500;

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

export function createRosterBuilder(today: string, header?: LocatedHeader, policy: Policy = DEFAULT_POLICY): RosterBuilder {
  const people = new Map<string, RosterEntry>();
  const rejected = emptyRejected();
  const warnings: RowWarning[] = [];
  let warningCount = 0;
  let rowsRead = 0;
  const todayNumber = dateNumber(today);
  const categories = vocabularyOf(policy.matching.rosterCategories);
  const readStatus = rosterStatusReader(policy.matching.rosterStatuses);
  const unknownCovered = policy.matching.unknownStatusCovered;
  // Where each column sits: set from the header, again for each further sheet (useSheet).
  let iId = -1;
  let iName = -1;
  let iCategory = -1;
  let iStatus = -1;
  let iTownship = -1;
  let iVillage = -1;
  let iHeadId = -1;
  let iHeadName = -1;
  const useHeader = (col: Readonly<Record<string, number>>): void => {
    iId = col.idNumber ?? -1;
    iName = col.name ?? -1;
    iCategory = col.category ?? -1;
    iStatus = col.status ?? -1;
    iTownship = col.township ?? -1;
    iVillage = col.village ?? -1;
    iHeadId = col.headId ?? -1;
    iHeadName = col.headName ?? -1;
  };
  useHeader(header?.indexByKey ?? {});
  /** The current sheet, once useSheet named one (rows then say their sheet). */
  let sheet: string | undefined;
  const at = (row: number): { row: number; sheet?: string } => (sheet === undefined ? { row } : { row, sheet });
  // A place “never left empty” (/, 无 …: policy.blankMarkers) is no place: a lead taking it would never leave the county queue.
  const isBlankMarker = blankMarkerTest(blankMarkersOf(policy));
  const placeText = (value: unknown): string => (isBlankMarker(value) ? '' : cellText(value));

  function warn(row: number, code: string, message: LocalizedText): void {
    warningCount++;
    if (warnings.length < WARNINGS_KEPT) warnings.push({ ...at(row), code, message: message.zh, en: message.en });
  }

  function readId(raw: unknown): string | RejectedRow {
    const fast = fastIdNumber(raw, todayNumber);
    if (fast !== undefined) return fast;
    const read = readIdNumber(raw, today);
    return read.ok ? read.id : { row: 0, code: read.code, message: read.message, en: read.en };
  }

  return {
    useSheet(located, name) {
      useHeader(located.indexByKey);
      sheet = name;
    },
    addRow(cells, excelRow) {
      if (isBlankRow(cells)) return;
      rowsRead++;
      const id = readId(iId >= 0 ? cells[iId] : undefined);
      if (typeof id !== 'string') return addRejected(rejected, { ...id, ...at(excelRow) });
      const rawStatus = iStatus >= 0 ? cells[iStatus] : undefined;
      let status: RosterStatusReading = readStatus(rawStatus);
      if (status === 'unknown') {
        const covered = unknownCovered ? '按县级政策视为在保' : '按未纳入保障处理';
        warn(excelRow, 'roster.status_unknown', {
          zh: `保障状态“${cellText(rawStatus)}”不在本县的状态清单中，${covered}；如需识别请在政策设置中补充`,
          en: `status “${cellText(rawStatus)}” is not in the county’s list; ${unknownCovered ? 'treated as in force (county policy)' : 'treated as not covered'}; add it to the policy to recognise it`,
        });
        status = unknownCovered ? '在保' : '停保';
      }
      const rawCategory = iCategory >= 0 ? cells[iCategory] : undefined;
      const categoryText = cellText(rawCategory);
      if (categoryText === '') return addRejected(rejected, { ...at(excelRow), code: 'required', message: '保障类别为空', en: 'assistance category is empty' });
      let category = categories.canonical(rawCategory) ?? categories.canonical(withoutQualifier(categoryText));
      if (category === undefined) {
        category = categoryText;
        warn(excelRow, 'roster.category_unknown', {
          zh: `保障类别“${categoryText}”不在本县的类别清单中，按原文记录（不计入已纳入保障的类别）`,
          en: `category “${categoryText}” is not in the county’s list; kept as written (not a covered category)`,
        });
      }
      const township = iTownship >= 0 ? placeText(cells[iTownship]) : '';
      const village = iVillage >= 0 ? placeText(cells[iVillage]) : '';
      addTo(people, id, iName >= 0 ? cellText(cells[iName]) : '', category, status === '在保', township, village);
      // Household rosters: the head is covered with the household (a bad head ID rejects nothing:
      // the member's own row stands).
      if (iHeadId >= 0 && !isBlankRow([cells[iHeadId]])) {
        const head = readId(cells[iHeadId]);
        if (typeof head === 'string' && head !== id) {
          addTo(people, head, iHeadName >= 0 ? cellText(cells[iHeadName]) : '', category, status === '在保', township, village);
        }
      }
    },
    addRecord(record) {
      addTo(
        people,
        record.idNumber,
        record.name,
        categories.canonical(record.category) ?? record.category,
        record.status !== '停保',
        record.township ?? '',
        record.village ?? '',
      );
    },
    finish() {
      return {
        index: { people, size: people.size, byIdKey: keyedEntries(people) },
        rowsRead,
        rejected: rejected.rows,
        rejectedCount: rejected.count,
        rejectedByCode: rejected.byCode,
        warnings,
        warningCount,
      };
    },
  };
}

/** The index of stored roster records (the server's roster table). */
export function buildRosterIndex(records: Iterable<RosterRecord>, policy: Policy = DEFAULT_POLICY): RosterIndex {
  const builder = createRosterBuilder('9999-12-31', undefined, policy);
  for (const record of records) builder.addRecord(record);
  return builder.finish().index;
}

export const EMPTY_ROSTER: RosterIndex = { people: new Map(), size: 0 };

export type RosterSheetOutcome = ({ ok: true } & RosterParse) | { ok: false; error: LocalizedText };

/** Read a roster sheet: header in the first 10 rows (flat or household), bad rows rejected with their Excel row. */
export function parseRosterSheet(sheet: SheetInput, today: string, policy: Policy = DEFAULT_POLICY): RosterSheetOutcome {
  const located = locateRosterHeader(sheet);
  if (!located.ok) return located;
  const builder = createRosterBuilder(today, located.header, policy);
  const firstRow = sheet.firstRow ?? 1;
  const values = sheet.values;
  for (let r = located.header.rowIndex + 1; r < values.length; r++) builder.addRow(values[r] ?? [], firstRow + r);
  return { ok: true, ...builder.finish() };
}
