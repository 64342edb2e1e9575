/**
 * Departmental matching: one pass over a source file's rows, aggregated per person in a Map
 * keyed by the normalised ID number, checked against the roster index (another Map), then the
 * source's rules (rules.ts). One person → at most one lead per source and period.
 *
 * Nothing here knows a source by its code: what a row holds and how a person's rows add up is the
 * source definition's data (ledger/sources.ts: aggregation, amount and detail columns, settlement,
 * row date, row checks); why a person is left out is the rules' data (rule.excludes).
 *
 * Streaming-friendly: `createSourceMatcher(...).addRow(cells, excelRow)` for each row, then
 * `finish()`; `matchSheet` does both for a sheet held in memory (CLI, dry run, tests).
 */
import type { Policy } from '../policy';
import { periodRange, ROW_EXCLUSIONS, sourceByCode, type ExclusionKey, type RowCheck, type SourceCode, type SourceDef } from '../sources';
import type { SheetInput } from '../types';
import { VOCABULARIES, type Coverage } from '../vocabularies';
import {
  cellText,
  dateMonth,
  dateNumber,
  fastIdNumber,
  formatThreshold,
  idFromCertificate,
  isBlankRow,
  monthText,
  parseDisabilityGrade,
  parseMoneyCents,
  readIdNumber,
  vocabularyKey,
  vocabularyOf,
  type Vocabulary,
} from './cells';
import { endsLikeExcelNumber, ID_PROBLEM_TEXT, idNumberKey } from '../id-number';
import { IdKeyTable } from '../id-key-table';
import { blankMarkersOf, blankMarkerTest } from '../validation/scan';
import { locateSourceHeader } from './locate';
import { rulesOfSource, TEKUN_CATEGORY, type MatchRule, type MatchRuleCode, type PersonFacts, type MatchRuleContext } from './rules';
import {
  addRejected,
  emptyRejected,
  REJECTED_ROWS_KEPT,
  type LocalizedText,
  type LocatedHeader,
  type MatchLead,
  type MatchResult,
  type MonthlyTotal,
  type RosterEntry,
  type RosterIndex,
  type RowWarning,
} from './types';

export interface SourceMatcherOptions {
  source: SourceCode | SourceDef;
  period: string;
  roster: RosterIndex;
  policy: Policy;
  /** YYYY-MM-DD (ID birth dates after it are rejected). */
  today: string;
  header: LocatedHeader;
  /**
   * Windowed sources (医保) under a window longer than a month: each person's kept monthly totals
   * of earlier imports, by ID number then month (YYYYMM), in cents.
   */
  priorMonths?: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

export interface SourceMatcher {
  /** One data row (cells as read, same indexes as the header row). Blank rows are skipped. */
  addRow(cells: readonly unknown[], excelRow: number): void;
  /**
   * The rows that follow are of another sheet of the same file (one per hospital, per month), with
   * its own header (columns may sit elsewhere): people are still added up across the sheets, and
   * rejected rows, warnings and leads' rows say the sheet (`sheet`, `sourceSheets`).
   */
  useSheet(header: LocatedHeader, sheet: string): void;
  finish(): MatchResult;
}

/** The roster categories a lead's 已纳入保障 can name: the ledger's coverage vocabulary, less 无 and 其他 (what the others map to). */
const COVERAGE_VALUES: ReadonlySet<string> = new Set(VOCABULARIES.coverage.filter((value) => value !== '无' && value !== '其他'));

function coverageOf(entry: RosterEntry | undefined, coveredSet: ReadonlySet<string>): Coverage {
  if (!entry || entry.active.length === 0) return '无';
  let main = entry.active[0];
  for (let i = 0; i < entry.active.length; i++) {
    if (coveredSet.has(entry.active[i])) {
      main = entry.active[i];
      break;
    }
  }
  return (COVERAGE_VALUES.has(main) ? main : '其他') as Coverage;
}

function isCovered(entry: RosterEntry | undefined, coveredSet: ReadonlySet<string>): boolean {
  if (!entry) return false;
  const active = entry.active;
  for (let i = 0; i < active.length; i++) if (coveredSet.has(active[i])) return true;
  return false;
}

function isTekun(entry: RosterEntry | undefined): boolean {
  return entry !== undefined && entry.active.includes(TEKUN_CATEGORY);
}

export function ruleContext(policy: Policy, period: string): MatchRuleContext {
  const categories = vocabularyOf(policy.matching.rosterCategories);
  const educationLevels = vocabularyOf(policy.matching.educationLevels);
  const coveredSet = new Set(policy.matching.coveredCategories.map((c) => categories.canonical(c) ?? c));
  const covered = [...coveredSet];
  return {
    policy,
    period,
    coveredSet,
    selfPaidMinCents: Math.round(policy.matching.medicalSelfPaidMin * 100),
    selfPaidMinText: formatThreshold(policy.matching.medicalSelfPaidMin),
    notCovered: { zh: `未纳入${covered.join('、')}`, en: `not covered by ${covered.join(' / ')}` },
    collegeSet: new Set(policy.matching.collegeLevels.map((level) => educationLevels.canonical(level) ?? level)),
    educationLevels,
    severeSet: new Set(policy.matching.severeDisabilityGrades),
  };
}

/** The rules of a source, in the order they are tried. */
export function rulesOf(source: SourceDef): MatchRule<MatchRuleCode>[] {
  return rulesOfSource(source.code);
}

/** Growable Float64Array / Int32Array (people and rows are stored column-wise: no object per row). */
function growF64(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
function growI32(a: Int32Array, need: number): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * An empty array already holding strings (elements kind PACKED_ELEMENTS): pushing strings into a
 * fresh `[]` changes its kind and throws the optimised matcher away once per file.
 */
function stringList(): string[] {
  const list = [''];
  list.pop();
  return list;
}

/** People and rows of one file, column-wise in typed arrays (no object per row or person). */
class PeopleStore {
  cents: Float64Array = new Float64Array(1024);
  stays: Int32Array = new Int32Array(1024);
  grades: Int32Array = new Int32Array(1024);
  /** First and last row (index into the row columns) of each person. */
  firstRow: Int32Array = new Int32Array(1024);
  lastRow: Int32Array = new Int32Array(1024);
  /** Accepted rows: Excel row, next row of the same person (-1 = none), settlement fingerprint. */
  rowExcel: Int32Array = new Int32Array(4096);
  rowNext: Int32Array = new Int32Array(4096);
  rowKey: Float64Array = new Float64Array(4096);
  /** Sheet of each accepted row (index into the matcher's sheet names; 0 for a one-sheet file). */
  rowSheet: Int32Array = new Int32Array(4096);
  rowCount = 0;
}

/**
 * Settlement fingerprint: two 32-bit FNV-1a style hashes folded into one 53-bit number, no
 * allocation. State lives in the instance (one per matcher), never at module level.
 */
class Fingerprint {
  private h1 = 0;
  private h2 = 0;
  start(): void {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x1b873593;
  }
  add(value: unknown): void {
    if (typeof value === 'string') {
      let h1 = this.h1;
      let h2 = this.h2;
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      }
      this.h1 = h1;
      this.h2 = h2;
    } else if (typeof value === 'number') {
      const lo = Math.round(value * 1000) | 0;
      const hi = Math.floor(value / 4294967.296) | 0;
      this.h1 = Math.imul(this.h1 ^ lo, 0x01000193);
      this.h2 = Math.imul(Math.imul(this.h2 ^ hi, 0x5bd1e995) ^ lo, 0x5bd1e995);
    } else if (value !== null && value !== undefined && value !== '') {
      this.add(cellText(value));
    }
    // field separator
    this.h1 = Math.imul(this.h1 ^ 0x1f, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ 0x1f, 0x5bd1e995);
  }
  value(): number {
    return (this.h1 >>> 0) * 2097152 + ((this.h2 >>> 0) & 0x1fffff);
  }
}

/** YYYYMM of a period's first and last month. */
function periodMonths(source: SourceDef, period: string): { first: number; last: number } {
  const { start, end } = periodRange(source, period);
  return { first: Number(start.slice(0, 4)) * 100 + Number(start.slice(5, 7)), last: Number(end.slice(0, 4)) * 100 + Number(end.slice(5, 7)) };
}

function addMonths(yyyymm: number, delta: number): number {
  const index = Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1 + delta;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
}

/** First month of the county's window for a windowed source (the period's first month otherwise). */
function windowStart(source: SourceDef, policy: Policy, months: { first: number; last: number }): number {
  if (!source.windowed) return months.first;
  switch (policy.matching.medicalWindow) {
    case 'month':
      return months.first;
    case 'calendarYear':
      return Math.floor(months.last / 100) * 100 + 1;
    case 'rolling12':
      return addMonths(months.last, -11);
  }
}

/**
 * Months (YYYY-MM, oldest first) before the period that the county's window adds to a windowed
 * source's amount: what the server loads from the kept monthly totals. [] under `month`.
 */
export function earlierWindowMonths(source: SourceCode | SourceDef, policy: Policy, period: string): string[] {
  const def = typeof source === 'string' ? sourceByCode(source) : source;
  const months = periodMonths(def, period);
  const out: string[] = [];
  for (let m = windowStart(def, policy, months); m < months.first; m = addMonths(m, 1)) out.push(monthText(m));
  return out;
}

/** Row checks compiled against the located columns. */
interface CompiledCheck {
  check: RowCheck;
  index: number;
  /** excludeWhen: vocabulary keys of the values. */
  keys: ReadonlySet<string>;
}

const NAME_MISMATCH: LocalizedText = {
  zh: '文件中的姓名与保障对象名册中该身份证号的姓名不一致：未按已纳入保障处理，请核实身份证号（可能被Excel损坏）',
  en: 'the name in the file differs from the roster’s name for this ID number: not treated as covered; check the ID number (Excel may have damaged it)',
};

/** A lead's ID ends in 000 and passes every check: maybe Excel's damage (ledger/id-number.ts endsLikeExcelNumber). */
const EXCEL_SUSPECT: LocalizedText = {
  zh: `${ID_PROBLEM_TEXT.excelSuspect.zh}；线索照常生成，入户核实前请向数据提供部门核对完整号码`,
  en: `${ID_PROBLEM_TEXT.excelSuspect.en}; the lead is made: check the full number with the department before the visit`,
};

const NEGATIVE_TOTAL: LocalizedText = {
  zh: '退费、冲销后个人自付合计为负数：请向医保部门核实',
  en: 'refunds and reversals exceed the charges (negative total); check with the medical-insurance office',
};

/**
 * Names compared as people write them: no spaces, full-width as ASCII, and no separator dot —
 * 阿依·木呷, 阿依•木呷, 阿依.木呷 and 阿依木呷 are one name (systems keep or drop the dot of
 * minority and foreign names), so the same person is never taken for an Excel-damaged ID.
 */
function nameKey(name: string): string {
  return vocabularyKey(name).replace(/[·•．.・‧]/g, '');
}

export function createSourceMatcher(options: SourceMatcherOptions): SourceMatcher {
  const source = typeof options.source === 'string' ? sourceByCode(options.source) : options.source;
  const { roster, policy, today, period, priorMonths } = options;
  const todayNumber = dateNumber(today);
  const aggregation = source.aggregation;
  const dropSuffix = source.detail?.dropSuffix;
  const amountLabel = source.amount?.label ?? { zh: '金额', en: 'amount' };
  const reversalWords = source.settlement?.reversalWords ?? [];
  // Where each column sits: set from the header, again for each further sheet (useSheet).
  let iId = -1;
  let iCertificate = -1;
  let iName = -1;
  let iTownship = -1;
  let iVillage = -1;
  let iDetail = -1;
  let iDetail2 = -1;
  let iGrade = -1;
  let amountColumns: number[] = [];
  let iAmount0 = -1;
  let iSettlementNo = -1;
  let iSettlementKind = -1;
  let dateColumns: number[] = [];
  let sawDateColumn = false;
  let checks: CompiledCheck[] = [];
  function useHeader(header: LocatedHeader): void {
    const col = header.indexByKey;
    const at = (key: string | undefined): number => (key === undefined ? -1 : col[key] ?? -1);
    iId = at('idNumber');
    iCertificate = at(source.idFromCertificate);
    iName = at('name');
    iTownship = at('township');
    iVillage = at('village');
    iDetail = at(source.detail?.column);
    iDetail2 = at(source.detail?.second);
    iGrade = at(source.grade);
    // Amount: the total column when the sheet has one, else the parts present — never both.
    const totalColumn = source.amount?.total.map(at).find((i) => i >= 0);
    amountColumns = totalColumn !== undefined ? [totalColumn] : (source.amount?.parts.map(at).filter((i) => i >= 0) ?? []);
    iAmount0 = amountColumns.length > 0 ? amountColumns[0] : -1;
    iSettlementNo = at(source.settlement?.number);
    iSettlementKind = at(source.settlement?.kind);
    dateColumns = (source.rowDate ?? []).map(at).filter((i) => i >= 0);
    if (dateColumns.length > 0) sawDateColumn = true;
    checks = (source.rowChecks ?? [])
      .map((check) => ({
        check,
        index: at(check.column),
        keys: new Set(check.kind === 'excludeWhen' ? check.values.map(vocabularyKey) : []),
      }))
      .filter((c) => c.index >= 0 || c.check.kind === 'required');
  }
  useHeader(options.header);
  /** Sheets named by useSheet (none for a one-sheet file: rows then say no sheet), and the current one's index. */
  const sheetNames = stringList();
  let sheetNo = -1;
  const sheetOf = (row: number): string | undefined => (sheetNo < 0 ? undefined : sheetNames[st.rowSheet[row]]);

  const months = periodMonths(source, period);
  const firstWindowMonth = windowStart(source, policy, months);
  const windowed = firstWindowMonth < months.first;
  // Totals are kept whenever the county's window is longer than a month (January's feed a calendar year).
  const keepsMonthlyTotals = source.windowed === true && policy.matching.medicalWindow !== 'month';

  const ctx = ruleContext(policy, period);
  const levels: Vocabulary = ctx.educationLevels;
  const collegeLevelsZh = policy.matching.collegeLevels.join('、');
  const collegeLevelsEn = policy.matching.collegeLevels.join(' or ');
  const rules = rulesOf(source);
  const fingerprint = new Fingerprint();

  // People, column-wise: person number p → its facts. Found by numeric ID key (a valid ID always
  // has one); the Map of strings only holds IDs of another shape, which a valid ID never is.
  const personOf = new IdKeyTable();
  const personOfOther = new Map<string, number>();
  let idKeys: Float64Array = new Float64Array(1024);
  const ids = stringList();
  const names = stringList();
  const townships = stringList();
  const villages = stringList();
  const details = stringList();
  const details2 = stringList();
  const st = new PeopleStore();
  /** Windowed sources: amounts of rows dated in earlier months of the window, by person then YYYYMM. */
  const earlierMonths = new Map<number, Map<number, number>>();

  const rejected = emptyRejected();
  const rowExclusions: Partial<Record<ExclusionKey, number>> = {};
  for (const key of ROW_EXCLUSIONS) rowExclusions[key] = 0;
  let rowsRead = 0;
  let duplicateRows = 0;

  // Cells “never left empty” (/, —, 无 …; policy.blankMarkers, as the ledger reads them) and the
  // “-” Excel's accounting format writes for a zero: empty, never an unreadable amount that
  // rejects the row (a 个人自费 of “-” beside a 个人自付 of 12,000 lost the person).
  const isBlankMarker = blankMarkerTest(blankMarkersOf(policy));
  /** Township and village as the file gives them; a blank marker is none (the roster's place, or the county queue). */
  const placeText = (value: unknown): string => (isBlankMarker(value) ? '' : cellText(value));

  function reject(row: number, code: string, message: string, en: string): void {
    addRejected(rejected, sheetNo < 0 ? { row, code, message, en } : { row, sheet: sheetNames[sheetNo], code, message, en });
  }

  function readId(cells: readonly unknown[], excelRow: number): string | undefined {
    if (iId < 0 && iCertificate >= 0) {
      const fromCertificate = idFromCertificate(cells[iCertificate], today);
      if (fromCertificate === undefined) {
        reject(excelRow, 'id.certificate', '残疾人证号的前18位不是有效的身份证号（文件中没有身份证号列）', 'the first 18 characters of the disability certificate number are not a valid ID number (the file has no ID column)');
      }
      return fromCertificate;
    }
    const rawId = iId >= 0 ? cells[iId] : undefined;
    const fast = fastIdNumber(rawId, todayNumber);
    if (fast !== undefined) return fast;
    const idRead = readIdNumber(rawId, today);
    if (!idRead.ok) {
      reject(excelRow, idRead.code, idRead.message, idRead.en);
      return undefined;
    }
    return idRead.id;
  }

  /** The row's amount in cents (reversals negative), or undefined when the row was rejected. */
  function readAmount(cells: readonly unknown[], excelRow: number): number | undefined {
    let cents = 0;
    let sawAmount = false;
    for (let a = 0; a < amountColumns.length; a++) {
      const c = parseMoneyCents(cells[amountColumns[a]]);
      if (c === null) continue;
      if (c === undefined) {
        if (isBlankMarker(cells[amountColumns[a]])) continue;
        reject(excelRow, 'money.format', `${amountLabel.zh}不是有效金额（应为数字，如12345.67或1.2万）`, `${amountLabel.en} is not a valid amount (a number, e.g. 12345.67 or 1.2万)`);
        return undefined;
      }
      cents += c;
      sawAmount = true;
    }
    if (!sawAmount) {
      reject(excelRow, 'required', `${amountLabel.zh}为空`, `${amountLabel.en} is empty`);
      return undefined;
    }
    if (iSettlementKind >= 0 && cents > 0) {
      const kind = cellText(cells[iSettlementKind]);
      if (kind !== '' && reversalWords.some((word) => kind.includes(word))) cents = -cents;
    }
    return cents;
  }

  function addRow(cells: readonly unknown[], excelRow: number): void {
    if (isBlankRow(cells)) return;
    rowsRead++;
    const id = readId(cells, excelRow);
    if (id === undefined) return;

    // Row checks of the source (data), before the person is touched.
    for (let c = 0; c < checks.length; c++) {
      const { check, index, keys } = checks[c];
      if (check.kind === 'required') {
        if (index < 0 || cellText(cells[index]) === '') return reject(excelRow, 'required', check.message.zh, check.message.en);
      } else if (keys.has(vocabularyKey(cells[index]))) {
        rowExclusions[check.exclusion] = (rowExclusions[check.exclusion] ?? 0) + 1;
        return;
      }
    }

    // What the aggregation needs of the row.
    let rowCents = 0;
    let rowMonth = months.first;
    let grade = 0;
    if (aggregation === 'sumAmounts') {
      const cents = iAmount0 >= 0 ? readAmount(cells, excelRow) : undefined;
      if (cents === undefined) {
        if (iAmount0 < 0) reject(excelRow, 'required', `${amountLabel.zh}为空`, `${amountLabel.en} is empty`);
        return;
      }
      rowCents = cents;
      // The row counts in the month of its first date (in rowDate's order) inside the period or the
      // window, and is left out only when it has dates and none of them is inside: a stay discharged on
      // 29 September and settled on 8 October is in October's file and in no other, so dating it by
      // discharge alone would lose it (a person in hardship never found).
      let dated = false;
      let inside = false;
      for (let d = 0; d < dateColumns.length; d++) {
        const m = dateMonth(cells[dateColumns[d]]);
        if (m === undefined) continue;
        dated = true;
        if (m <= months.last && m >= firstWindowMonth) {
          rowMonth = m;
          inside = true;
          break;
        }
      }
      if (dated && !inside) {
        rowExclusions.outsidePeriod = (rowExclusions.outsidePeriod ?? 0) + 1;
        return;
      }
    } else if (aggregation === 'mostSevereGrade') {
      const raw = iGrade >= 0 ? cells[iGrade] : undefined;
      const g = parseDisabilityGrade(raw);
      if (g === 'ambiguous') {
        return reject(excelRow, 'grade.ambiguous', `残疾等级“${cellText(raw)}”没有写明级别，无法区分一级和二级：请填写一级至四级`, `disability grade “${cellText(raw)}” names no grade and cannot tell 一级 from 二级; write 一级–四级`);
      }
      if (g === undefined) {
        return cellText(raw) === ''
          ? reject(excelRow, 'required', '残疾等级为空', 'disability grade is empty')
          : reject(excelRow, 'grade.format', '残疾等级无法识别（应为一级至四级或1–4）', 'disability grade not recognised (一级–四级 or 1–4)');
      }
      grade = g;
    } else if (aggregation === 'preferredLevel' && iDetail >= 0) {
      // A level the county's vocabulary does not know (全日制本科, 本科（在读）) is never quietly
      // “not college”: the row is rejected, naming the text, so a student is not missed unseen.
      const raw = cells[iDetail];
      if (levels.canonical(raw) === undefined) {
        const text = cellText(raw);
        return reject(
          excelRow,
          'level.unknown',
          `学历层次“${text}”不在本县的学历层次清单中，无法判断是否为${collegeLevelsZh}：如是，请在政策设置的学历层次中补充这种写法后重新导入`,
          `education level “${text}” is not in the county’s list, so it cannot tell whether this is ${collegeLevelsEn}: if it is, add this wording to the policy’s education levels and import again`,
        );
      }
    }

    // The row.
    const k = st.rowCount++;
    if (k >= st.rowExcel.length) {
      st.rowExcel = growI32(st.rowExcel, k + 1);
      st.rowNext = growI32(st.rowNext, k + 1);
      st.rowKey = growF64(st.rowKey, k + 1);
      st.rowSheet = growI32(st.rowSheet, k + 1);
    }
    st.rowExcel[k] = excelRow;
    st.rowSheet[k] = sheetNo < 0 ? 0 : sheetNo;
    st.rowNext[k] = -1;

    const idKey = idNumberKey(id);
    const found = idKey >= 0 ? personOf.get(idKey) : (personOfOther.get(id) ?? -1);
    const isNew = found < 0;
    let p = 0;
    if (isNew) {
      p = ids.length;
      if (idKey >= 0) personOf.set(idKey, p);
      else personOfOther.set(id, p);
      if (p >= idKeys.length) idKeys = growF64(idKeys, p + 1);
      idKeys[p] = idKey;
      ids.push(id);
      names.push(iName >= 0 ? cellText(cells[iName]) : '');
      townships.push(iTownship >= 0 ? placeText(cells[iTownship]) : '');
      villages.push(iVillage >= 0 ? placeText(cells[iVillage]) : '');
      details.push('');
      details2.push('');
      if (p >= st.cents.length) {
        st.cents = growF64(st.cents, p + 1);
        st.stays = growI32(st.stays, p + 1);
        st.grades = growI32(st.grades, p + 1);
        st.firstRow = growI32(st.firstRow, p + 1);
        st.lastRow = growI32(st.lastRow, p + 1);
      }
      st.cents[p] = 0;
      st.stays[p] = 0;
      st.grades[p] = 0;
      st.firstRow[p] = k;
      st.lastRow[p] = k;
    } else {
      p = found;
      st.rowNext[st.lastRow[p]] = k;
      st.lastRow[p] = k;
      if (names[p] === '' && iName >= 0) names[p] = cellText(cells[iName]);
      if (townships[p] === '' && iTownship >= 0) {
        townships[p] = placeText(cells[iTownship]);
        if (iVillage >= 0) villages[p] = placeText(cells[iVillage]);
      }
    }

    switch (aggregation) {
      case 'sumAmounts': {
        // A settlement number identifies a settlement (its reversal, negative, is another row);
        // without one only a row identical in every cell is a repeat.
        fingerprint.start();
        const settlementNo = iSettlementNo >= 0 ? cells[iSettlementNo] : undefined;
        if (settlementNo !== undefined && settlementNo !== null && settlementNo !== '') {
          fingerprint.add(settlementNo);
          fingerprint.add(rowCents < 0 ? 1 : 0);
        } else {
          for (let c = 0; c < cells.length; c++) fingerprint.add(cells[c]);
        }
        const key = fingerprint.value();
        st.rowKey[k] = key;
        if (!isNew) {
          for (let r = st.firstRow[p]; r !== k; r = st.rowNext[r]) {
            if (st.rowKey[r] === key) {
              st.rowKey[k] = -1; // not counted
              duplicateRows++;
              return;
            }
          }
        }
        if (rowMonth >= months.first) {
          st.cents[p] += rowCents;
        } else {
          let byMonth = earlierMonths.get(p);
          if (byMonth === undefined) earlierMonths.set(p, (byMonth = new Map()));
          byMonth.set(rowMonth, (byMonth.get(rowMonth) ?? 0) + rowCents);
        }
        // A reversal cancels a stay, it is not one.
        st.stays[p] += rowCents < 0 ? -1 : 1;
        return;
      }
      case 'mostSevereGrade': {
        if (!isNew) duplicateRows++;
        if (st.grades[p] === 0 || grade < st.grades[p]) {
          st.grades[p] = grade;
          const detail = iDetail >= 0 ? cellText(cells[iDetail]) : '';
          details[p] = dropSuffix && detail.endsWith(dropSuffix) ? detail.slice(0, -dropSuffix.length) : detail;
        }
        return;
      }
      case 'preferredLevel': {
        if (!isNew) duplicateRows++;
        const raw = iDetail >= 0 ? cells[iDetail] : undefined;
        const level = levels.canonical(raw) ?? cellText(raw);
        if (isNew || (!ctx.collegeSet.has(details[p]) && ctx.collegeSet.has(level))) {
          details[p] = level;
          details2[p] = iDetail2 >= 0 ? cellText(cells[iDetail2]) : '';
        }
        return;
      }
      case 'firstDetail': {
        if (!isNew) duplicateRows++;
        if (details[p] === '' && iDetail >= 0) details[p] = cellText(cells[iDetail]);
        return;
      }
    }
  }

  /** The person's amount over the county's window, and the months it sums (windowed only). */
  function windowTotal(p: number, facts: PersonFacts): void {
    facts.cents = st.cents[p];
    if (!windowed) {
      if (facts.months.length > 0) facts.months = [];
      return;
    }
    const prior = priorMonths?.get(ids[p]);
    const fromFile = earlierMonths.get(p);
    const summed: number[] = [];
    let total = 0;
    for (let m = firstWindowMonth; m < months.first; m = addMonths(m, 1)) {
      // A month's own import is authoritative; rows of that month in this file count only without it.
      const cents = prior?.get(m) ?? fromFile?.get(m) ?? 0;
      if (cents !== 0) {
        total += cents;
        summed.push(m);
      }
    }
    if (st.cents[p] !== 0 || summed.length === 0) summed.push(months.first);
    facts.cents = total + st.cents[p];
    facts.months = summed;
  }

  function finish(): MatchResult {
    const excluded: Partial<Record<ExclusionKey, number>> = { duplicateInFile: duplicateRows };
    if (sawDateColumn || (source.rowDate ?? []).length > 0) excluded.outsidePeriod = rowExclusions.outsidePeriod ?? 0;
    for (const check of source.rowChecks ?? []) {
      if (check.kind === 'excludeWhen') excluded[check.exclusion] = rowExclusions[check.exclusion] ?? 0;
    }
    for (const rule of rules) {
      if (rule.appliesTo === 'uncovered') excluded.covered = 0;
      if (rule.excludes) excluded[rule.excludes] = 0;
    }

    // One facts object, refilled per person (the rules only read it).
    const facts: PersonFacts = { cents: 0, stays: 0, grade: 0, detail: '', detail2: '', months: [] };
    const leads: MatchLead[] = [];
    const warnings: RowWarning[] = [];
    let warningCount = 0;
    /** A warning on a person's first row (`first`: index into the row columns). */
    const warn = (first: number, code: string, text: LocalizedText): void => {
      warningCount++;
      if (warnings.length >= REJECTED_ROWS_KEPT) return;
      const row = st.rowExcel[first];
      const sheet = sheetOf(first);
      warnings.push(sheet === undefined ? { row, code, message: text.zh, en: text.en } : { row, sheet, code, message: text.zh, en: text.en });
    };
    const monthlyTotals: MonthlyTotal[] | undefined = keepsMonthlyTotals ? [] : undefined;
    const periodMonth = monthText(months.first);
    let withoutTownship = 0;
    const people = ids.length;
    const keyed = roster.byIdKey;
    for (let p = 0; p < people; p++) {
      let entry: RosterEntry | undefined;
      if (keyed !== undefined && idKeys[p] >= 0) {
        const at = keyed.table.get(idKeys[p]);
        entry = at >= 0 ? keyed.entries[at] : undefined;
      } else entry = roster.people.get(ids[p]);
      let rosterName: string | undefined;
      const firstRow = st.firstRow[p];
      // The ID is on the roster under another name: an Excel-damaged ID can pass the check
      // character and land on someone else. Never take that someone else's coverage.
      if (entry !== undefined && entry.name !== names[p] && entry.name !== '' && names[p] !== '' && nameKey(entry.name) !== nameKey(names[p])) {
        rosterName = entry.name;
        entry = undefined;
        warn(firstRow, 'id.name_mismatch', NAME_MISMATCH);
      }
      const covered = isCovered(entry, ctx.coveredSet);
      windowTotal(p, facts);
      facts.stays = st.stays[p] < 0 ? 0 : st.stays[p];
      facts.grade = st.grades[p];
      facts.detail = details[p];
      facts.detail2 = details2[p];
      if (monthlyTotals && st.cents[p] !== 0) monthlyTotals.push({ idNumber: ids[p], month: periodMonth, cents: st.cents[p] });
      if (aggregation === 'sumAmounts' && facts.cents < 0) {
        warn(firstRow, 'amount.negative_total', NEGATIVE_TOTAL);
      }
      let made: MatchRule<MatchRuleCode> | undefined;
      let why: ExclusionKey | undefined;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        let out: ExclusionKey | undefined;
        if (rule.appliesTo === 'uncovered' && covered) out = 'covered';
        else if (rule.appliesTo === 'tekun' && !isTekun(entry)) continue;
        else if (rule.test && !rule.test(facts, ctx)) out = rule.excludes;
        if (out === undefined) {
          made = rule;
          break;
        }
        if (why === undefined) why = out;
      }
      if (!made) {
        if (why) excluded[why] = (excluded[why] ?? 0) + 1;
        continue;
      }
      const sourceRows: number[] = [];
      for (let r = st.firstRow[p]; r !== -1; r = st.rowNext[r]) sourceRows.push(st.rowExcel[r]);
      const lead = toLead(ids[p], names[p], townships[p], villages[p], sourceRows, facts, made, entry, source, ctx);
      if (sheetNo >= 0) {
        const sourceSheets: string[] = [];
        for (let r = st.firstRow[p]; r !== -1; r = st.rowNext[r]) sourceSheets.push(sheetNames[st.rowSheet[r]]);
        lead.sourceSheets = sourceSheets;
      }
      if (rosterName !== undefined) lead.rosterName = rosterName;
      // (A name mismatch already says the ID may be Excel's damage.)
      else if (endsLikeExcelNumber(ids[p])) warn(firstRow, 'id.excel_suspect', EXCEL_SUSPECT);
      if (lead.placeFrom === 'none') withoutTownship++;
      leads.push(lead);
    }
    return {
      source: source.code,
      period,
      rowsRead,
      leads,
      excluded,
      rejected: rejected.rows,
      rejectedCount: rejected.count,
      rejectedByCode: rejected.byCode,
      warnings,
      warningCount,
      leadsWithoutTownship: withoutTownship,
      ...(monthlyTotals ? { monthlyTotals } : {}),
    };
  }

  function useSheet(header: LocatedHeader, sheet: string): void {
    useHeader(header);
    sheetNo = sheetNames.length;
    sheetNames.push(sheet);
  }

  return { addRow, useSheet, finish };
}

function toLead(
  idNumber: string,
  name: string,
  fileTownship: string,
  fileVillage: string,
  sourceRows: number[],
  facts: PersonFacts,
  rule: MatchRule<MatchRuleCode>,
  entry: RosterEntry | undefined,
  source: SourceDef,
  ctx: MatchRuleContext,
): MatchLead {
  let township = fileTownship;
  let village = fileVillage;
  let placeFrom: MatchLead['placeFrom'] = 'file';
  if (township === '') {
    if (entry && entry.township !== '') {
      township = entry.township;
      village = entry.village;
      placeFrom = 'roster';
    } else placeFrom = 'none';
  }
  return {
    idNumber,
    name: name || entry?.name || '',
    rule: rule.code,
    category: rule.category?.(facts) ?? source.category,
    channel: source.channel,
    coverage: coverageOf(entry, ctx.coveredSet),
    reason: rule.reason(facts, ctx),
    township,
    village,
    placeFrom,
    sourceRows,
  };
}

export interface MatchSheetInput {
  source: SourceCode | SourceDef;
  period: string;
  sheet: SheetInput;
  roster: RosterIndex;
  policy: Policy;
  today: string;
  priorMonths?: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

export type MatchSheetOutcome = { ok: true; result: MatchResult } | { ok: false; error: LocalizedText };

/** Locate the header, match every row below it. */
export function matchSheet(input: MatchSheetInput): MatchSheetOutcome {
  const source = typeof input.source === 'string' ? sourceByCode(input.source) : input.source;
  const located = locateSourceHeader(source.columns, input.sheet, source.name, source.requiredOneOf);
  if (!located.ok) return located;
  const matcher = createSourceMatcher({ ...input, source, header: located.header });
  const values = input.sheet.values;
  const firstRow = input.sheet.firstRow ?? 1;
  for (let r = located.header.rowIndex + 1; r < values.length; r++) matcher.addRow(values[r] ?? [], firstRow + r);
  return { ok: true, result: matcher.finish() };
}
