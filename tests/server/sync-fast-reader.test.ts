/**
 * The sync push's fast reader (ledger/api/fast-path.ts, readSyncRequest) against its zod schema:
 * whatever the reader accepts, zod accepts too and makes an object with the very same keys and
 * values (the reader passes the input on, in the sender's key order); and an ordinary push does
 * take the fast path.
 */
import { LEDGER_COLUMNS, type ColumnDef } from '../../ledger/columns';
import { parseWithFastPath } from '../../ledger/api/fast-path';
import { columnValueAccepts, columnValueSchema, readSyncRequest, SYNC_LIMITS, SyncRequestSchema } from '../../ledger/api/sync';
import { createRng, fabricateLedgerValues, type Rng } from '../../server/seed/fabricate';

const VALUE_COLUMNS = LEDGER_COLUMNS.filter((column) => column.type !== 'machine');

function uuid(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Values every column type meets at its edges, right and wrong. */
const ODD_VALUES: readonly unknown[] = [
  null,
  '',
  ' ',
  'x'.repeat(SYNC_LIMITS.maxShortTextLength),
  'x'.repeat(SYNC_LIMITS.maxShortTextLength + 1),
  'x'.repeat(SYNC_LIMITS.maxTextLength),
  'x'.repeat(SYNC_LIMITS.maxTextLength + 1),
  '2026-02-28',
  '2026-02-30',
  '2026-2-3',
  '2026-02-28\n',
  0,
  -1.5,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  ['老年人'],
  ['', '老年人'],
  [1],
  Array.from({ length: SYNC_LIMITS.maxMultiValues }, () => 'a'),
  Array.from({ length: SYNC_LIMITS.maxMultiValues + 1 }, () => 'a'),
  ['x'.repeat(SYNC_LIMITS.maxShortTextLength + 1)],
  {},
  undefined,
];

/** Keys of `record` in a shuffled order (the reader must not depend on the sender's order). */
function shuffled(rng: Rng, record: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(record);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  return Object.fromEntries(entries);
}

/** A push: mostly fabricated rows, sometimes broken in one place. */
function push(rng: Rng, breakIt: boolean): Record<string, unknown> {
  const changes = Array.from({ length: 1 + Math.floor(rng() * 5) }, () => {
    const change: Record<string, unknown> = {
      rowId: uuid(rng),
      baseVersion: Math.floor(rng() * 3),
      values: shuffled(rng, { ...fabricateLedgerValues(rng) }),
    };
    if (rng() < 0.3) change.deleted = rng() < 0.5;
    return shuffled(rng, change);
  });
  const request: Record<string, unknown> = { clientId: 'workbook-1', requestId: uuid(rng), changes };
  if (rng() < 0.5) request.cursor = Math.floor(rng() * 1000);
  if (rng() < 0.3) request.pullLimit = 1 + Math.floor(rng() * SYNC_LIMITS.maxPullLimit);
  if (breakIt) {
    const change = pick(rng, changes);
    const where = rng();
    if (where < 0.5) (change.values as Record<string, unknown>)[pick(rng, VALUE_COLUMNS).key] = pick(rng, ODD_VALUES);
    else if (where < 0.6) (change.values as Record<string, unknown>).unknownKey = 'x';
    else if (where < 0.7) change.rowId = 'not-a-uuid';
    else if (where < 0.8) change.baseVersion = pick(rng, [-1, 1.5, '1', 2 ** 60]);
    else if (where < 0.85) change.deleted = pick(rng, ['true', 1, null]);
    else if (where < 0.9) request.cursor = pick(rng, [-1, 0.5, '3']);
    else if (where < 0.95) request.pullLimit = pick(rng, [0, SYNC_LIMITS.maxPullLimit + 1]);
    else request.extra = true;
  }
  return shuffled(rng, request);
}

describe('the sync push fast reader', () => {
  test('accepts nothing zod refuses, and gives what zod gives', () => {
    const rng = createRng('sync-fast-reader');
    let fast = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const input = push(rng, i % 2 === 1);
      const read = readSyncRequest(input);
      const parsed = SyncRequestSchema.safeParse(input);
      if (read === undefined) {
        refused++;
        continue;
      }
      fast++;
      expect(parsed.success).toBe(true);
      expect(read).toStrictEqual(parsed.data);
      expect(read).toBe(input); // nothing copied
    }
    // both paths were exercised: every whole push and many broken ones
    expect(fast).toBeGreaterThan(1500);
    expect(refused).toBeGreaterThan(300);
  });

  test('every ordinary push takes the fast path', () => {
    const rng = createRng('sync-fast-reader-valid');
    for (let i = 0; i < 500; i++) expect(readSyncRequest(push(rng, false))).toBeDefined();
  });

  test.each(VALUE_COLUMNS.map((column): [string, ColumnDef] => [`${column.key} (${column.type})`, column]))('column %s: the value check accepts only what its schema accepts', (_name, column) => {
    const accepts = columnValueAccepts(column);
    const schema = columnValueSchema(column);
    let accepted = 0;
    for (const value of ODD_VALUES) {
      if (!accepts(value)) continue;
      accepted++;
      const parsed = schema.safeParse(value);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(value);
    }
    expect(accepted).toBeGreaterThan(0); // null at least
  });

  test('a refused body still gets zod’s issues (the fast path only ever answers yes)', () => {
    const input = { clientId: 'w', requestId: 'r', changes: [{ rowId: 'nope', baseVersion: 0, values: {} }] };
    expect(readSyncRequest(input)).toBeUndefined();
    const result = parseWithFastPath(SyncRequestSchema, input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['changes', 0, 'rowId']);
  });
});
