/** Departmental matching (pure): roster index, source matcher, rules, linking. */
export * from './types';
export {
  cellText,
  parseMoneyCents,
  formatYuan,
  formatThreshold,
  parseDisabilityGrade,
  canonicalEducationLevel,
  canonicalCoverageCategory,
  parseRosterStatus,
  readIdNumber,
} from './cells';
export { MATCH_RULES, ruleByCode, TEKUN_CATEGORY, type MatchRule, type PersonFacts, type RuleContext } from './rules';
export { locateSourceHeader, HEADER_SCAN_ROWS } from './locate';
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
  matchSheet,
  ruleContext,
  rulesOf,
  type SourceMatcher,
  type SourceMatcherOptions,
  type MatchSheetInput,
  type MatchSheetOutcome,
} from './match';
export { linkLeads, type LinkInput, type LinkedResult, type OpenLeadRef, type OpenLedgerRowRef } from './link';
