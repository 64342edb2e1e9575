/**
 * Large pushes are re-validated on a worker thread (server/ledger/validation-pool.ts): the result
 * must be exactly what the inline path gives — cross-row rules included — for the same rows.
 */
import { DEFAULT_POLICY } from '../../ledger/policy';
import type { LedgerValues } from '../../ledger/types';
import { checkRows } from '../../server/ledger/revalidate';
import { checkRowsAsync, closeValidationPool, OFF_THREAD_MIN_ROWS, validationThreadsStarted } from '../../server/ledger/validation-pool';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';

describe('validation pool', () => {
  afterAll(() => closeValidationPool());

  it('validates a month-end push of 100 rows inline (no worker thread); a push of OFF_THREAD_MIN_ROWS rows on a worker', async () => {
    await closeValidationPool();
    const rng = createRng('validation-pool-threshold');
    const rows = (n: number) => Array.from({ length: n }, () => fabricateLedgerValues(rng, { region: '532301', today: '2026-10-31' }));
    await checkRowsAsync(rows(100), '2026-10-31', DEFAULT_POLICY);
    expect(validationThreadsStarted()).toBe(false);
    await checkRowsAsync(rows(OFF_THREAD_MIN_ROWS), '2026-10-31', DEFAULT_POLICY);
    expect(validationThreadsStarted()).toBe(true);
  });

  it('gives the inline result for a large push (worker thread) and a small one (inline)', async () => {
    const rng = createRng('validation-pool');
    const records: LedgerValues[] = Array.from({ length: OFF_THREAD_MIN_ROWS * 3 }, () => fabricateLedgerValues(rng, { region: '532301', today: '2026-10-31' }));
    // some errors and a duplicate group, so there are findings to compare
    records[3] = { ...records[3], idNumber: records[7].idNumber };
    records[10] = { ...records[10], foundOn: '2026-02-30', householdSize: -1 };
    const expected = checkRows(records, '2026-10-31', DEFAULT_POLICY);
    expect(expected.some((check) => check.errors > 0)).toBe(true);
    expect(await checkRowsAsync(records, '2026-10-31', DEFAULT_POLICY)).toEqual(expected);
    const few = records.slice(0, 5);
    expect(await checkRowsAsync(few, '2026-10-31', DEFAULT_POLICY)).toEqual(checkRows(few, '2026-10-31', DEFAULT_POLICY));
  });
});
