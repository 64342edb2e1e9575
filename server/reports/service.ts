/**
 * The summary and duplicate services: read through the ReportStore, decide with ledger/reports.
 * No SQL here and no rule either — only who asks (masking by role) and when (today, China time).
 */
import type { DuplicatesResponse, SummaryResponse } from '../../ledger/api/reports';
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import { findDuplicateGroups, NAME_VISIBLE_TO, type ReaderRole } from '../../ledger/reports/duplicates';
import { DIMENSION_LABEL } from '../../ledger/reports/facts';
import { buildSummary, lowestCommonUnit, type UnitRef } from '../../ledger/reports/summary';
import type { MonthWindow } from '../../ledger/reports/window';
import { SOURCES } from '../../ledger/sources';
import { chinaToday } from '../ledger/revalidate';
import type { ReportStore } from './store';

const SOURCE_LABELS = Object.fromEntries(SOURCES.map((source) => [source.code, source.name]));

export async function unitSummary(store: ReportStore, unit: UnitRef, window: MonthWindow, now: Date): Promise<SummaryResponse> {
  const [children, rowBuckets, leads, villages, submissions, duplicateRows] = await Promise.all([
    store.children(unit.code),
    store.rowBuckets(unit.code, window),
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
  const summary = buildSummary({
    unit,
    children,
    window,
    today: chinaToday(now),
    calendar: DEFAULT_CALENDAR,
    rowBuckets,
    leads,
    villages,
    submissions,
    duplicates,
  });
  return { ...summary, labels: { dimensions: DIMENSION_LABEL, sources: SOURCE_LABELS } } as SummaryResponse;
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
