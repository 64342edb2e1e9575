/** Shapes of departmental matching (pure core; the server and `ledger match` share them). */
import type { LocalizedText, MatchRuleCode, SourceCode } from '../sources';
import type { Category, Channel, Coverage } from '../vocabularies';

export type { LocalizedText, MatchRuleCode, SourceCode };

/** A row left out of matching because it cannot be read (bad ID number, bad amount, …). */
export interface RejectedRow {
  /** Excel row number (1-based). */
  row: number;
  /** id.format, id.checksum, id.birthdate, id.region, id.excel_number, required, money.format, grade.format, status.enum, … */
  code: string;
  /** zh-CN */
  message: string;
  en: string;
}

/** Why people were left out; `duplicateInFile` counts rows, the others count people. */
export const EXCLUSION_KEYS = ['covered', 'belowThreshold', 'noSelfPaid', 'notSevere', 'notCollege', 'duplicateInFile'] as const;
export type ExclusionKey = (typeof EXCLUSION_KEYS)[number];

export const EXCLUSION_LABELS: Record<ExclusionKey, LocalizedText> = {
  covered: { zh: '已纳入保障（在保）', en: 'already covered' },
  belowThreshold: { zh: '自付费用未达标准', en: 'self-paid cost below the threshold' },
  noSelfPaid: { zh: '特困人员无个人自付费用', en: 'extreme-poverty person with no self-paid cost' },
  notSevere: { zh: '非重度残疾', en: 'not severely disabled' },
  notCollege: { zh: '非专科、本科在读', en: 'not a college or university student' },
  duplicateInFile: { zh: '文件内重复行', en: 'duplicate rows in the file' },
};

export interface LeadLink {
  kind: 'lead' | 'ledgerRow';
  /** Lead number, or the ledger row id. */
  target: string;
}

export interface MatchLead {
  /** Normalised 18-character ID number (mask it wherever it leaves the working ledger). */
  idNumber: string;
  name: string;
  rule: MatchRuleCode;
  /** 人员类别 for the ledger row. */
  category: Category;
  /** 发现渠道 for the ledger row. */
  channel: Channel;
  /** 已纳入保障 for the ledger row, from the roster (无 when not on it or stopped). */
  coverage: Coverage;
  reason: LocalizedText;
  township: string;
  village: string;
  placeFrom: 'file' | 'roster' | 'none';
  /** Excel rows of the source file behind this lead, in file order. */
  sourceRows: number[];
  /** Set by linkLeads when the person is already on an open lead or an open ledger row. */
  linkedTo?: LeadLink;
}

export interface MatchResult {
  source: SourceCode;
  period: string;
  /** Data rows read (blank rows skipped). */
  rowsRead: number;
  leads: MatchLead[];
  excluded: Partial<Record<ExclusionKey, number>>;
  rejected: RejectedRow[];
}

/** One person of the roster, as stored by the server or read from a roster file. */
export interface RosterRecord {
  idNumber: string;
  name: string;
  /** 保障类别 (低保, 特困供养, 低保边缘, 临时救助, …). */
  category: string;
  /** 在保 | 停保 (missing = 在保). */
  status?: string;
  township?: string;
  village?: string;
}

export interface RosterEntry {
  name: string;
  township: string;
  village: string;
  /** Canonical categories of the person's 在保 rows. */
  active: string[];
}

/** The roster keyed by normalised ID number. */
export interface RosterIndex {
  readonly people: ReadonlyMap<string, RosterEntry>;
  readonly size: number;
}

/** Where each column sits, as ledger/sheet.ts locateColumns finds it. */
export interface LocatedHeader {
  /** Index in `values` of the header row. */
  rowIndex: number;
  /** Excel row number of the header row. */
  excelRow: number;
  /** Column index in a row of `values`, by column key (absent = column not in the file). */
  indexByKey: Readonly<Record<string, number>>;
}

export type HeaderResult = { ok: true; header: LocatedHeader } | { ok: false; error: LocalizedText };
