/** Departmental matching (pure): roster index, source matcher, rules, linking. */
export * from './types';
export {
  cellText,
  parseMoneyCents,
  formatYuan,
  formatThreshold,
  parseDisabilityGrade,
  vocabularyOf,
  vocabularyKey,
  rosterStatusReader,
  readIdNumber,
  idFromCertificate,
  dateMonth,
  type Vocabulary,
} from './cells';
export { MATCH_RULES, MATCH_RULE_CODES, ruleByCode, rulesOfSource, TEKUN_CATEGORY, type MatchRule, type PersonFacts, type MatchRuleContext } from './rules';
export { locateSourceHeader, locateRosterHeader, headerHasColumn, isSummarySheetName, judgeSheet, noSheetHasHeader, rosterSheetHasIdColumn, sourceSheetHasIdColumn, SUMMARY_SHEET_SKIPPED, HEADER_SCAN_ROWS, type SheetVerdict } from './locate';
export {
  createRosterBuilder,
  buildRosterIndex,
  parseRosterSheet,
  EMPTY_ROSTER,
  type RosterBuilder,
  type RosterParse,
  type RosterSheetOutcome,
} from './roster';
export {
  createSourceMatcher,
  earlierWindowMonths,
  matchSheet,
  ruleContext,
  rulesOf,
  type SourceMatcher,
  type SourceMatcherOptions,
  type MatchSheetInput,
  type MatchSheetOutcome,
} from './match';
export { linkLeads, type LinkInput, type LinkedResult, type OpenLeadRef } from './link';
export { feedWorkbook, type SheetRowSink, type WorkbookFeed, type WorkbookSheets } from './workbook';
