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
  readIdNumber,
} from './cells';
import { locateSourceHeader } from './locate';
import { MATCH_RULES, TEKUN_CATEGORY, type MatchRule, type PersonFacts, type RuleContext } from './rules';
import type { ExclusionKey, LocalizedText, LocatedHeader, MatchLead, MatchResult, RejectedRow, RosterEntry, RosterIndex } from './types';

interface Person extends PersonFacts {
  id: string;
  name: string;
  township: string;
  village: string;
  rows: number[];
  /** medical: keys of stays already counted, to drop exact duplicate rows. */
  stayKeys: string[] | undefined;
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
  const main = entry.active.find((c) => coveredSet.has(c)) ?? entry.active[0];
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
  return {
    policy,
    period,
    coveredSet: new Set(policy.matching.coveredCategories.map(canonicalCoverageCategory)),
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

export function createSourceMatcher(options: SourceMatcherOptions): SourceMatcher {
  const source = typeof options.source === 'string' ? sourceByCode(options.source) : options.source;
  const { roster, policy, today, period, header } = options;
  const col = header.indexByKey;
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
  const people = new Map<string, Person>();
  const rejected: RejectedRow[] = [];
  let rowsRead = 0;
  let duplicateRows = 0;

  function addRow(cells: readonly unknown[], excelRow: number): void {
    // Skip blank rows without allocating.
    let blank = true;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v !== null && v !== undefined && v !== '' && !(typeof v === 'string' && v.trim() === '')) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    rowsRead++;
    const idRead = readIdNumber(iId >= 0 ? cells[iId] : undefined, today);
    if (!idRead.ok) return reject(rejected, excelRow, idRead.code, idRead.message, idRead.en);
    const id = idRead.id;

    // Per-source values of the row, checked before the person is touched.
    let cents = 0;
    let grade = 0;
    if (code === 'medical') {
      const c = parseMoneyCents(iAmount >= 0 ? cells[iAmount] : undefined);
      if (c === null) return reject(rejected, excelRow, 'required', '个人自付费用为空', 'self-paid cost is empty');
      if (c === undefined || c < 0) {
        return reject(rejected, excelRow, 'money.format', '个人自付费用不是有效金额（应为不小于0的数字，如12345.67）', 'self-paid cost is not a valid amount (a number ≥ 0, e.g. 12345.67)');
      }
      cents = c;
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

    let person = people.get(id);
    const isNew = person === undefined;
    if (person === undefined) {
      person = {
        id,
        name: iName >= 0 ? cellText(cells[iName]) : '',
        township: iTownship >= 0 ? cellText(cells[iTownship]) : '',
        village: iVillage >= 0 ? cellText(cells[iVillage]) : '',
        rows: [excelRow],
        cents: 0,
        stays: 0,
        grade: 0,
        detail: '',
        detail2: '',
        stayKeys: undefined,
      };
      people.set(id, person);
    } else {
      person.rows.push(excelRow);
      if (person.name === '' && iName >= 0) person.name = cellText(cells[iName]);
      if (person.township === '' && iTownship >= 0) {
        person.township = cellText(cells[iTownship]);
        if (iVillage >= 0) person.village = cellText(cells[iVillage]);
      }
    }

    switch (code) {
      case 'medical': {
        // Several stays are summed; an exact repeat of a stay (same dates, amount, hospital) is a duplicate row.
        const key = `${iAdmit >= 0 ? cellText(cells[iAdmit]) : ''}|${iDischarge >= 0 ? cellText(cells[iDischarge]) : ''}|${cents}|${iInstitution >= 0 ? cellText(cells[iInstitution]) : ''}`;
        if (person.stayKeys === undefined) person.stayKeys = [key];
        else if (person.stayKeys.includes(key)) {
          duplicateRows++;
          return;
        } else person.stayKeys.push(key);
        person.cents += cents;
        person.stays++;
        return;
      }
      case 'disability': {
        if (!isNew) duplicateRows++;
        if (person.grade === 0 || grade < person.grade) {
          person.grade = grade;
          person.detail = iDetail >= 0 ? cellText(cells[iDetail]).replace(/残疾$/, '') : '';
        }
        return;
      }
      case 'education': {
        if (!isNew) duplicateRows++;
        const level = canonicalEducationLevel(cells[iDetail]);
        if (isNew || (!ctx.collegeSet.has(person.detail) && ctx.collegeSet.has(level))) {
          person.detail = level;
          person.detail2 = iSchool >= 0 ? cellText(cells[iSchool]) : '';
        }
        return;
      }
      default: {
        if (!isNew) duplicateRows++;
        if (person.detail === '' && iDetail >= 0) person.detail = cellText(cells[iDetail]);
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

    const leads: MatchLead[] = [];
    for (const person of people.values()) {
      const entry = roster.people.get(person.id);
      const covered = isCovered(entry, ctx.coveredSet);
      let made: MatchRule | undefined;
      let why: ExclusionKey | undefined;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r];
        let out: ExclusionKey | undefined;
        if (rule.appliesTo === 'uncovered' && covered) out = 'covered';
        else if (rule.appliesTo === 'tekun' && !isTekun(entry)) continue;
        else out = rule.test(person, ctx);
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
      leads.push(toLead(person, made, entry, source, ctx));
    }
    return { source: source.code, period, rowsRead, leads, excluded, rejected };
  }

  return { addRow, finish };
}

function toLead(person: Person, rule: MatchRule, entry: RosterEntry | undefined, source: SourceDef, ctx: RuleContext): MatchLead {
  let township = person.township;
  let village = person.village;
  let placeFrom: MatchLead['placeFrom'] = 'file';
  if (township === '') {
    if (entry && entry.township !== '') {
      township = entry.township;
      village = entry.village;
      placeFrom = 'roster';
    } else placeFrom = 'none';
  }
  return {
    idNumber: person.id,
    name: person.name || entry?.name || '',
    rule: rule.code,
    category: rule.category?.(person) ?? source.category,
    channel: source.channel,
    coverage: coverageOf(entry, ctx.coveredSet),
    reason: rule.reason(person, ctx),
    township,
    village,
    placeFrom,
    sourceRows: person.rows,
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
