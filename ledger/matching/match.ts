/**
 * Departmental matching: one pass over a source file's rows, aggregated per person in a Map
 * keyed by the normalised ID number, checked against the roster index (another Map), then the
 * source's rules (rules.ts). One person → at most one lead per source and period.
 *
 * Streaming-friendly: `createSourceMatcher(...).addRow(cells, excelRow)` for each row, then
 * `finish()`; `matchSheet` does both for a sheet held in memory (CLI, dry run, tests).
 */
import type { Policy } from '../policy';
import { sourceByCode, type SourceCode, type SourceDef } from '../sources';
import type { SheetInput } from '../types';
import type { Coverage } from '../vocabularies';
import {
  canonicalCoverageCategory,
  canonicalEducationLevel,
  cellText,
  parseDisabilityGrade,
  parseMoneyCents,
  dateNumber,
  fastIdNumber,
  formatThreshold,
  isBlankRow,
  readIdNumber,
} from './cells';
import { locateSourceHeader } from './locate';
import { MATCH_RULES, TEKUN_CATEGORY, type MatchRule, type PersonFacts, type RuleContext } from './rules';
import type { ExclusionKey, LocalizedText, LocatedHeader, MatchLead, MatchResult, RejectedRow, RosterEntry, RosterIndex } from './types';

// Stay fingerprint: two 32-bit FNV-1a style hashes folded into one 53-bit number (no allocation).
let H1 = 0;
let H2 = 0;
function hashStart(): void {
  H1 = 0x811c9dc5;
  H2 = 0x1b873593;
}
function hashCell(value: unknown): void {
  if (typeof value === 'string') {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      H1 = Math.imul(H1 ^ c, 0x01000193);
      H2 = Math.imul(H2 ^ c, 0x5bd1e995);
    }
  } else if (typeof value === 'number') {
    const lo = Math.round(value * 1000) | 0;
    const hi = Math.floor(value / 4294967.296) | 0;
    H1 = Math.imul(H1 ^ lo, 0x01000193);
    H2 = Math.imul(H2 ^ hi, 0x5bd1e995);
    H2 = Math.imul(H2 ^ lo, 0x5bd1e995);
  } else if (value !== null && value !== undefined && value !== '') {
    hashCell(cellText(value));
  }
  // field separator
  H1 = Math.imul(H1 ^ 0x1f, 0x01000193);
  H2 = Math.imul(H2 ^ 0x1f, 0x5bd1e995);
}
function hashValue(): number {
  return (H1 >>> 0) * 2097152 + ((H2 >>> 0) & 0x1fffff);
}

export interface SourceMatcherOptions {
  source: SourceCode | SourceDef;
  period: string;
  roster: RosterIndex;
  policy: Policy;
  /** YYYY-MM-DD (ID birth dates after it are rejected). */
  today: string;
  header: LocatedHeader;
}

export interface SourceMatcher {
  /** One data row (cells as read, same indexes as the header row). Blank rows are skipped. */
  addRow(cells: readonly unknown[], excelRow: number): void;
  finish(): MatchResult;
}

const COVERAGE_VALUES: ReadonlySet<string> = new Set(['低保', '特困供养', '低保边缘', '临时救助', '低收入监测']);

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

export function ruleContext(policy: Policy, period: string): RuleContext {
  const coveredSet = new Set(policy.matching.coveredCategories.map(canonicalCoverageCategory));
  const covered = [...coveredSet];
  return {
    policy,
    period,
    coveredSet,
    selfPaidMinCents: Math.round(policy.matching.medicalSelfPaidMin * 100),
    selfPaidMinText: formatThreshold(policy.matching.medicalSelfPaidMin),
    notCovered: { zh: `未纳入${covered.join('、')}`, en: `not covered by ${covered.join(' / ')}` },
    collegeSet: new Set(policy.matching.collegeLevels.map(canonicalEducationLevel)),
    severeSet: new Set(policy.matching.severeDisabilityGrades),
  };
}

function reject(rejected: RejectedRow[], row: number, code: string, message: string, en: string): void {
  rejected.push({ row, code, message, en });
}

/** The rules of a source, in the order they are tried. */
export function rulesOf(source: SourceDef): MatchRule[] {
  return source.rules.map((code) => MATCH_RULES.find((rule) => rule.code === code)!);
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
  /** Accepted rows: Excel row, next row of the same person (-1 = none), stay fingerprint. */
  rowExcel: Int32Array = new Int32Array(4096);
  rowNext: Int32Array = new Int32Array(4096);
  rowStay: Float64Array = new Float64Array(4096);
  rowCount = 0;
}

export function createSourceMatcher(options: SourceMatcherOptions): SourceMatcher {
  const source = typeof options.source === 'string' ? sourceByCode(options.source) : options.source;
  const { roster, policy, today, period, header } = options;
  const col = header.indexByKey;
  const todayNumber = dateNumber(today);
  const iId = col.idNumber ?? -1;
  const iName = col.name ?? -1;
  const iTownship = col.township ?? -1;
  const iVillage = col.village ?? -1;
  const code = source.code;
  const iAmount = code === 'medical' ? col.selfPaid ?? -1 : -1;
  const iAdmit = col.admittedOn ?? -1;
  const iDischarge = col.dischargedOn ?? -1;
  const iInstitution = col.institution ?? -1;
  const iDetail =
    (code === 'disease' ? col.disease : code === 'disability' ? col.disabilityType : code === 'education' ? col.level
      : code === 'revitalization' ? col.type : code === 'petition' ? col.request : undefined) ?? -1;
  const iGrade = code === 'disability' ? col.disabilityGrade ?? -1 : -1;
  const iSchool = code === 'education' ? col.school ?? -1 : -1;

  const ctx = ruleContext(policy, period);
  const rules = rulesOf(source);

  // People, column-wise: person number p → its facts. The Map holds small integers only.
  const personOf = new Map<string, number>();
  const ids = stringList();
  const names = stringList();
  const townships = stringList();
  const villages = stringList();
  const details = stringList();
  const details2 = stringList();
  const st = new PeopleStore();

  const rejected: RejectedRow[] = [];
  let rowsRead = 0;
  let duplicateRows = 0;

  function addRow(cells: readonly unknown[], excelRow: number): void {
    if (isBlankRow(cells)) return;
    rowsRead++;
    const rawId = iId >= 0 ? cells[iId] : undefined;
    let id = fastIdNumber(rawId, todayNumber);
    if (id === undefined) {
      const idRead = readIdNumber(rawId, today);
      if (!idRead.ok) return reject(rejected, excelRow, idRead.code, idRead.message, idRead.en);
      id = idRead.id;
    }

    // Per-source values of the row, checked before the person is touched.
    let rowCents = 0;
    let grade = 0;
    if (code === 'medical') {
      const c = parseMoneyCents(iAmount >= 0 ? cells[iAmount] : undefined);
      if (c === null) return reject(rejected, excelRow, 'required', '个人自付费用为空', 'self-paid cost is empty');
      if (c === undefined || c < 0) {
        return reject(rejected, excelRow, 'money.format', '个人自付费用不是有效金额（应为不小于0的数字，如12345.67）', 'self-paid cost is not a valid amount (a number ≥ 0, e.g. 12345.67)');
      }
      rowCents = c;
    } else if (code === 'disability') {
      const raw = iGrade >= 0 ? cells[iGrade] : undefined;
      const g = parseDisabilityGrade(raw);
      if (g === undefined) {
        return cellText(raw) === ''
          ? reject(rejected, excelRow, 'required', '残疾等级为空', 'disability grade is empty')
          : reject(rejected, excelRow, 'grade.format', '残疾等级无法识别（应为一级至四级或1–4）', 'disability grade not recognised (一级–四级 or 1–4)');
      }
      grade = g;
    } else if (code === 'education') {
      if (cellText(iDetail >= 0 ? cells[iDetail] : undefined) === '') {
        return reject(rejected, excelRow, 'required', '学历层次为空', 'education level is empty');
      }
    }

    // The row.
    const k = st.rowCount++;
    if (k >= st.rowExcel.length) {
      st.rowExcel = growI32(st.rowExcel, k + 1);
      st.rowNext = growI32(st.rowNext, k + 1);
      st.rowStay = growF64(st.rowStay, k + 1);
    }
    st.rowExcel[k] = excelRow;
    st.rowNext[k] = -1;

    const found = personOf.get(id);
    const isNew = found === undefined;
    let p = 0;
    if (found === undefined) {
      p = ids.length;
      personOf.set(id, p);
      ids.push(id);
      names.push(iName >= 0 ? cellText(cells[iName]) : '');
      townships.push(iTownship >= 0 ? cellText(cells[iTownship]) : '');
      villages.push(iVillage >= 0 ? cellText(cells[iVillage]) : '');
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
        townships[p] = cellText(cells[iTownship]);
        if (iVillage >= 0) villages[p] = cellText(cells[iVillage]);
      }
    }

    switch (code) {
      case 'medical': {
        // Several stays are summed; an exact repeat of a stay (same dates, amount, hospital) is a duplicate row.
        hashStart();
        if (iAdmit >= 0) hashCell(cells[iAdmit]);
        if (iDischarge >= 0) hashCell(cells[iDischarge]);
        hashCell(rowCents);
        if (iInstitution >= 0) hashCell(cells[iInstitution]);
        const stay = hashValue();
        st.rowStay[k] = stay;
        if (!isNew) {
          for (let r = st.firstRow[p]; r !== k; r = st.rowNext[r]) {
            if (st.rowStay[r] === stay) {
              st.rowStay[k] = -1; // not counted
              duplicateRows++;
              return;
            }
          }
        }
        st.cents[p] += rowCents;
        st.stays[p]++;
        return;
      }
      case 'disability': {
        if (!isNew) duplicateRows++;
        if (st.grades[p] === 0 || grade < st.grades[p]) {
          st.grades[p] = grade;
          details[p] = iDetail >= 0 ? cellText(cells[iDetail]).replace(/残疾$/, '') : '';
        }
        return;
      }
      case 'education': {
        if (!isNew) duplicateRows++;
        const level = canonicalEducationLevel(cells[iDetail]);
        if (isNew || (!ctx.collegeSet.has(details[p]) && ctx.collegeSet.has(level))) {
          details[p] = level;
          details2[p] = iSchool >= 0 ? cellText(cells[iSchool]) : '';
        }
        return;
      }
      default: {
        if (!isNew) duplicateRows++;
        if (details[p] === '' && iDetail >= 0) details[p] = cellText(cells[iDetail]);
      }
    }
  }

  function finish(): MatchResult {
    const excluded: Partial<Record<ExclusionKey, number>> = { duplicateInFile: duplicateRows };
    for (const rule of rules) {
      if (rule.appliesTo === 'uncovered') excluded.covered = 0;
    }
    if (code === 'medical') {
      excluded.belowThreshold = 0;
      excluded.noSelfPaid = 0;
    }
    if (code === 'disability') excluded.notSevere = 0;
    if (code === 'education') excluded.notCollege = 0;

    // One facts object, refilled per person (the rules only read it).
    const facts: PersonFacts = { cents: 0, stays: 0, grade: 0, detail: '', detail2: '' };
    const leads: MatchLead[] = [];
    const people = ids.length;
    for (let p = 0; p < people; p++) {
      const entry = roster.people.get(ids[p]);
      const covered = isCovered(entry, ctx.coveredSet);
      facts.cents = st.cents[p];
      facts.stays = st.stays[p];
      facts.grade = st.grades[p];
      facts.detail = details[p];
      facts.detail2 = details2[p];
      let made: MatchRule | undefined;
      let why: ExclusionKey | undefined;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        let out: ExclusionKey | undefined;
        if (rule.appliesTo === 'uncovered' && covered) out = 'covered';
        else if (rule.appliesTo === 'tekun' && !isTekun(entry)) continue;
        else out = rule.test(facts, ctx);
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
      leads.push(toLead(ids[p], names[p], townships[p], villages[p], sourceRows, facts, made, entry, source, ctx));
    }
    return { source: source.code, period, rowsRead, leads, excluded, rejected };
  }

  return { addRow, finish };
}

function toLead(
  idNumber: string,
  name: string,
  fileTownship: string,
  fileVillage: string,
  sourceRows: number[],
  facts: PersonFacts,
  rule: MatchRule,
  entry: RosterEntry | undefined,
  source: SourceDef,
  ctx: RuleContext,
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
}

export type MatchSheetOutcome = { ok: true; result: MatchResult } | { ok: false; error: LocalizedText };

/** Locate the header, match every row below it. */
export function matchSheet(input: MatchSheetInput): MatchSheetOutcome {
  const source = typeof input.source === 'string' ? sourceByCode(input.source) : input.source;
  const located = locateSourceHeader(source.columns, input.sheet, source.name);
  if (!located.ok) return located;
  const matcher = createSourceMatcher({ ...input, source, header: located.header });
  const values = input.sheet.values;
  const firstRow = input.sheet.firstRow ?? 1;
  for (let r = located.header.rowIndex + 1; r < values.length; r++) matcher.addRow(values[r] ?? [], firstRow + r);
  return { ok: true, result: matcher.finish() };
}
