/**
 * The summaries' pre-aggregation as the SQLite writer keeps it (migration 025): what each written
 * row contributes is computed here with the ledger core's rowFacts, in the process that writes it,
 * and sent to the database with the rows — the same round trip, a few small upserts per chunk.
 *
 * Until 025 the database computed the facts itself (migrations 010, 011, 024: some forty JSON
 * extractions per row and a grouped upsert over every row's dimensions), which was about half of
 * the writer's time on a first push — the one connection every other user's write waits for.
 *
 * What a row version REPLACES is taken back from its stored facts row (ledger_row_facts), by SQL
 * (takeBackSql), never recomputed: the counts always lose exactly what was once added, whichever
 * code computed it, so they cannot drift. PostgreSQL keeps its statement-level trigger (010/011),
 * which already works per statement. The statements are in facts-store.ts.
 */
import { rowFacts, type SummaryDimension } from '../../ledger/reports/facts';
import type { LedgerValues } from '../../ledger/types';
import type { VOCABULARIES } from '../../ledger/vocabularies';

/** The 办理状态 that closes a row: a closed row is not open under its ID number. */
const CLOSED_STATUS = '已办结' satisfies (typeof VOCABULARIES.status)[number];

/** One ledger_row_facts row as written (the JSON keys the writer's statements read). */
export interface FactsRecord {
  /** row id */
  r: string;
  /** found month, YYYY-MM or '' */
  fm: string;
  /** closed month (clamped to ≥ found month), YYYY-MM or '' */
  cm: string;
  /** [dimension, value] pairs */
  d: Array<[SummaryDimension, string]>;
  /** ID number as the duplicate look-up matches it, '' when none */
  i: string;
  /** 1 while the row is open (not 已办结) */
  o: 0 | 1;
}

/** SQL's TRIM(x): spaces only, as the ID numbers stored before 025 were trimmed. */
function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, '');
}

/** SQL's UPPER(x): ASCII letters only (an ID number's check letter x → X). */
function upperAscii(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** The facts row of one live row version (the same columns migration 011 computed in SQL). */
export function factsRecord(rowId: string, values: LedgerValues): FactsRecord {
  const facts = rowFacts(values);
  const { idNumber, status } = values as Record<string, unknown>;
  return {
    r: rowId,
    fm: facts.foundMonth,
    cm: facts.closedMonth,
    d: facts.dims,
    i: typeof idNumber === 'string' ? upperAscii(trimSpaces(idNumber)) : '',
    o: typeof status === 'string' && trimSpaces(status) === CLOSED_STATUS ? 0 : 1,
  };
}

/** The month-count tables and the unit each counts a village's row under (its village, its township). */
export const COUNT_TABLES = [
  { table: 'ledger_month_counts', unitOf: (villageCode: string) => villageCode, unitSql: (village: string) => village },
  { table: 'ledger_month_counts_township', unitOf: (villageCode: string) => villageCode.slice(0, 9), unitSql: (village: string) => `substr(${village}, 1, 9)` },
] as const;

export type CountTable = (typeof COUNT_TABLES)[number]['table'];

/** [unit, month, dimension, value, found, closed]: one bucket's addition. */
export type CountDelta = [string, string, string, string, number, number];

/** [id number, village, open rows]: one addition to ledger_open_ids. */
export type OpenIdDelta = [string, string, number];

/** unit|month → dimension → value → that bucket's delta (nested: no key string built per bump). */
type Buckets = Map<string, Map<string, Map<string, CountDelta>>>;

/**
 * Additions to the month counts (per table) and to the open rows per ID number, one entry per
 * bucket: a chunk of 2,000 rows touches a few hundred buckets, each then written once.
 */
export class CountDeltas {
  /** per count table */
  private readonly counts: Buckets[] = COUNT_TABLES.map(() => new Map());
  /** id|village → its delta */
  private readonly open = new Map<string, OpenIdDelta>();

  /** Adds the contribution of one live row of `villageCode`. */
  add(villageCode: string, record: FactsRecord): void {
    if (record.fm !== '') {
      COUNT_TABLES.forEach(({ unitOf }, index) => {
        const unit = unitOf(villageCode);
        this.bump(this.counts[index], unit, record.fm, record.d, 4);
        if (record.cm !== '') this.bump(this.counts[index], unit, record.cm, record.d, 5);
      });
    }
    if (record.o === 1 && record.i !== '') {
      const key = `${record.i}|${villageCode}`;
      const entry = this.open.get(key) ?? [record.i, villageCode, 0];
      entry[2]++;
      this.open.set(key, entry);
    }
  }

  private bump(buckets: Buckets, unit: string, month: string, dims: FactsRecord['d'], column: 4 | 5): void {
    const unitMonth = `${unit}|${month}`;
    let byDimension = buckets.get(unitMonth);
    if (!byDimension) {
      byDimension = new Map();
      buckets.set(unitMonth, byDimension);
    }
    for (const [dimension, value] of dims) {
      let byValue = byDimension.get(dimension);
      if (!byValue) {
        byValue = new Map();
        byDimension.set(dimension, byValue);
      }
      let entry = byValue.get(value);
      if (!entry) {
        entry = [unit, month, dimension, value, 0, 0];
        byValue.set(value, entry);
      }
      entry[column]++;
    }
  }

  /** Each count table with its additions. */
  countRows(): Array<{ table: CountTable; rows: CountDelta[] }> {
    return COUNT_TABLES.map(({ table }, index) => {
      const rows: CountDelta[] = [];
      for (const byDimension of this.counts[index].values()) {
        for (const byValue of byDimension.values()) for (const entry of byValue.values()) rows.push(entry);
      }
      return { table, rows };
    });
  }

  openIdRows(): OpenIdDelta[] {
    return [...this.open.values()];
  }
}
