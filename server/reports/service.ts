/**
 * The summary and duplicate services: read through the ReportStore, decide with ledger/reports.
 * No SQL here and no rule either — only who asks (masking by role) and when (today, China time).
 */
import { LEAD_STATE_LABELS, type DuplicatesResponse, type SummaryResponse } from '../../ledger/api/reports';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { findDuplicateGroups, NAME_VISIBLE_TO, type ReaderRole } from '../../ledger/reports/duplicates';
import { DIMENSION_LABEL } from '../../ledger/reports/facts';
import { buildSummary, lowestCommonUnit, type SummaryInput, type UnitRef, type UnitSummary } from '../../ledger/reports/summary';
import { UNIT_CODE_LENGTH, type UnitLevel } from '../../ledger/units';
import type { MonthWindow } from '../../ledger/reports/window';
import { SOURCES } from '../../ledger/sources';
import { chinaDate } from '../../ledger/dates';
import type { ReportStore } from './store';

const SOURCE_LABELS = Object.fromEntries(SOURCES.map((source) => [source.code, source.name]));

type SummaryData = Omit<SummaryInput, 'unit' | 'children'>;

/** Everything a summary of `unit` (or of any unit below it) is built from, read once. */
export async function loadSummaryData(store: ReportStore, unit: UnitRef, window: MonthWindow, now: Date, by?: 'village' | 'township'): Promise<SummaryData> {
  const [rowBuckets, leads, villages, submissions, duplicateRows] = await Promise.all([
    store.rowBuckets(unit.code, window, by),
    store.leadFacts(unit.code),
    store.villagesUnder(unit.code),
    store.submissions(unit.code, window),
    store.openDuplicateRows(unit.code),
  ]);
  // Only the lowest common unit of each group matters here; no ID or name leaves this function.
  const byId = new Map<string, Set<string>>();
  for (const row of duplicateRows) {
    const set = byId.get(row.idNumber) ?? new Set<string>();
    set.add(row.villageCode);
    byId.set(row.idNumber, set);
  }
  const duplicates = [...byId.values()].filter((set) => set.size > 1).map((set) => ({ lowestCommonUnit: lowestCommonUnit([...set]) }));
  return { window, today: chinaDate(now), calendar: DEFAULT_CALENDAR, rowBuckets, leads, villages, submissions, duplicates };
}

export async function unitSummary(store: ReportStore, unit: UnitRef, window: MonthWindow, now: Date): Promise<SummaryResponse> {
  const [children, data] = await Promise.all([store.children(unit.code), loadSummaryData(store, unit, window, now)]);
  const summary = buildSummary({ ...data, unit, children });
  return { ...summary, labels: { dimensions: DIMENSION_LABEL, sources: SOURCE_LABELS, states: LEAD_STATE_LABELS } } as SummaryResponse;
}

const CHILD_LEVEL: Record<UnitLevel, UnitLevel | null> = { prefecture: 'county', county: 'township', township: 'village', village: null };

/**
 * The summaries of the consolidated workbook's 汇总 sheets: for each level from the unit down to the
 * township, every unit of that level in the subtree with its children (the data is read once).
 */
export async function summariesByLevel(store: ReportStore, unit: UnitRef, window: MonthWindow, now: Date): Promise<Array<{ level: UnitLevel; summaries: UnitSummary[] }>> {
  // village buckets: the 乡镇（街道）汇总 sheet breaks townships down by village
  const data = await loadSummaryData(store, unit, window, now, 'village');
  const out: Array<{ level: UnitLevel; summaries: UnitSummary[] }> = [];
  let parents: UnitRef[] = [unit];
  for (let level: UnitLevel | null = unit.level; level !== null; level = CHILD_LEVEL[level]) {
    const childLevel = CHILD_LEVEL[level];
    if (childLevel === null) {
      if (out.length === 0) out.push({ level, summaries: [buildSummary({ ...data, unit, children: [] })] });
      break;
    }
    const children = await store.unitsOfLevel(unit.code, childLevel);
    const byParent = new Map<string, UnitRef[]>();
    for (const child of children) {
      const key = child.code.slice(0, UNIT_CODE_LENGTH[level]);
      byParent.set(key, [...(byParent.get(key) ?? []), child]);
    }
    out.push({ level, summaries: parents.map((parent) => buildSummary({ ...data, unit: parent, children: byParent.get(parent.code) ?? [] })) });
    parents = children;
  }
  return out;
}

export async function duplicateList(store: ReportStore, unit: UnitRef, role: ReaderRole): Promise<DuplicatesResponse> {
  const [rows, villages] = await Promise.all([store.openDuplicateRows(unit.code), store.villagesUnder(unit.code)]);
  const villageByCode = new Map(villages.map((village) => [village.code, village]));
  const groups = findDuplicateGroups(rows, role);
  const unitNames = new Map<string, UnitRef>();
  for (const group of groups) {
    if (!unitNames.has(group.lowestCommonUnit)) {
      const found = await store.unit(group.lowestCommonUnit);
      if (found) unitNames.set(found.code, found);
    }
  }
  return {
    unit,
    idNumbersMasked: true,
    namesMasked: !NAME_VISIBLE_TO[role],
    groups: groups.map((group) => ({
      key: group.key,
      idNumberMasked: group.idNumberMasked,
      lowestCommonUnit: unitNames.get(group.lowestCommonUnit) ?? { code: group.lowestCommonUnit, name: group.lowestCommonUnit, level: 'prefecture' },
      villages: group.villageCodes.map((code) => ({
        code,
        name: villageByCode.get(code)?.name ?? code,
        townshipName: villageByCode.get(code)?.townshipName ?? null,
      })),
      rows: group.rows,
    })),
  };
}
