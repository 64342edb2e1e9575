/**
 * Type-level tests: column keys and finding codes are unions, not `string`. If LEDGER_COLUMNS or
 * FINDING_MESSAGES ever widen to string again, the `@ts-expect-error` lines stop being errors and
 * `npm run typecheck` (and ts-jest) fail.
 */
import { COLUMN_KEYS, LEDGER_COLUMNS, type ColumnKey } from '../../ledger/columns';
import type { FindingCode } from '../../ledger/types';
import { FINDING_CODES, FINDING_LABELS } from '../../ledger/validation/messages';

describe('column keys are types', () => {
  it('a typo in a column key does not compile', () => {
    // @ts-expect-error 'stauts' is not a column key
    const typo: ColumnKey = 'stauts';
    // @ts-expect-error 'closeOn' is not a column key (closedOn is)
    const rule: readonly ColumnKey[] = ['closeOn'];
    const fine: ColumnKey = 'status';
    expect([typo, rule[0], fine]).toEqual(['stauts', 'closeOn', 'status']);
  });

  it('a typo in a finding code does not compile', () => {
    // @ts-expect-error 'id.dupe' is not a finding code
    const typo: FindingCode = 'id.dupe';
    const fine: FindingCode = 'id.duplicate';
    expect(FINDING_CODES).not.toContain(typo);
    expect(FINDING_CODES).toContain(fine);
  });

  it('every finding code has its short label beside its messages (ledger/validation/messages.ts), zh and en', () => {
    // @ts-expect-error a code without its label does not compile
    const missing: typeof FINDING_LABELS = { required: { zh: '必填项未填写', en: 'required value missing' } };
    expect(Object.keys(missing)).toHaveLength(1);
    expect(Object.keys(FINDING_LABELS).sort()).toEqual([...FINDING_CODES].sort());
    for (const code of FINDING_CODES) {
      expect([code, FINDING_LABELS[code].zh.length > 0, FINDING_LABELS[code].en.length > 0]).toEqual([code, true, true]);
    }
  });

  it('COLUMN_KEYS lists the 28 keys in sheet order, each once', () => {
    expect(COLUMN_KEYS).toHaveLength(28);
    expect(new Set(COLUMN_KEYS).size).toBe(28);
    expect(COLUMN_KEYS).toEqual(LEDGER_COLUMNS.map((column) => column.key));
  });
});
