/** The pure three-way merge decision of the sync protocol (ledger/sync-merge.ts). */
import type { LedgerValues } from '../../ledger/types';
import { changedKeys, compactValues, decideMerge, DELETED_FLAG, normalizeValue, storedAsSent, valuesEqual, type MergeInput } from '../../ledger/sync-merge';

const V1 = { name: '张三', phone: '13800000001', categories: ['老年人'], householdSize: 3 };

function input(over: Partial<MergeInput> & { change: MergeInput['change'] }): MergeInput {
  return {
    current: { version: 1, values: V1, deleted: false },
    base: { values: V1, deleted: false },
    changedSinceBase: new Set(),
    ...over,
  };
}

describe('decideMerge', () => {
  it('applies a new row as given (empty values dropped)', () => {
    const d = decideMerge({ current: null, base: null, changedSinceBase: new Set(), change: { baseVersion: 0, values: { name: '李四', notes: '', routes: [] } } });
    expect(d).toEqual({ kind: 'apply', values: { name: '李四' }, deleted: false, changed: ['name'], merged: false });
  });

  it('applies a partial change on the current version and keeps the other fields', () => {
    const d = decideMerge(input({ change: { baseVersion: 1, values: { phone: '13900000002' } } }));
    expect(d).toEqual({ kind: 'apply', values: { ...V1, phone: '13900000002' }, deleted: false, changed: ['phone'], merged: false });
  });

  it('clears a field sent as null or empty text', () => {
    const d = decideMerge(input({ change: { baseVersion: 1, values: { phone: null, name: '张三' } } }));
    expect(d).toMatchObject({ kind: 'apply', changed: ['phone'] });
    expect(d.kind === 'apply' && 'phone' in d.values).toBe(false);
  });

  it('is a no-op when the whole row is sent unchanged', () => {
    expect(decideMerge(input({ change: { baseVersion: 1, values: { ...V1, notes: '' } } }))).toEqual({ kind: 'noop' });
  });

  it('merges a stale change whose fields do not overlap the server changes', () => {
    const current = { version: 3, values: { ...V1, address: '新址' }, deleted: false };
    const d = decideMerge(input({ current, changedSinceBase: new Set(['address']), change: { baseVersion: 1, values: { ...V1, phone: '13700000000' } } }));
    expect(d).toEqual({ kind: 'apply', values: { ...V1, address: '新址', phone: '13700000000' }, deleted: false, changed: ['phone'], merged: true });
  });

  it('reports a conflict on overlapping fields with different values, and names only those', () => {
    const current = { version: 2, values: { ...V1, phone: '13100000000' }, deleted: false };
    const d = decideMerge(input({ current, changedSinceBase: new Set(['phone']), change: { baseVersion: 1, values: { phone: '13200000000', notes: 'x' } } }));
    expect(d).toEqual({ kind: 'conflict', reason: 'fields', fields: ['phone'] });
  });

  it('does not call the same change on both sides a conflict', () => {
    const current = { version: 2, values: { ...V1, phone: '13100000000' }, deleted: false };
    const d = decideMerge(input({ current, changedSinceBase: new Set(['phone']), change: { baseVersion: 1, values: { phone: '13100000000' } } }));
    expect(d).toEqual({ kind: 'noop' });
  });

  it('compares multi-value arrays by content and order', () => {
    const current = { version: 2, values: { ...V1, categories: ['老年人', '残疾人'] }, deleted: false };
    const same = decideMerge(input({ current, changedSinceBase: new Set(['categories']), change: { baseVersion: 1, values: { categories: ['老年人', '残疾人'] } } }));
    expect(same).toEqual({ kind: 'noop' });
    const other = decideMerge(input({ current, changedSinceBase: new Set(['categories']), change: { baseVersion: 1, values: { categories: ['残疾人'] } } }));
    expect(other).toMatchObject({ kind: 'conflict', fields: ['categories'] });
  });

  it('deletes on the current version (a tombstone keeping the values)', () => {
    expect(decideMerge(input({ change: { baseVersion: 1, values: {}, deleted: true } }))).toEqual({ kind: 'apply', values: V1, deleted: true, changed: [], merged: false });
  });

  it('refuses to delete a row edited since the base, and to edit a row deleted since', () => {
    const edited = { version: 2, values: { ...V1, notes: 'n' }, deleted: false };
    expect(decideMerge(input({ current: edited, changedSinceBase: new Set(['notes']), change: { baseVersion: 1, values: {}, deleted: true } }))).toEqual({
      kind: 'conflict',
      reason: 'delete_edit',
      fields: ['notes'],
    });
    const gone = { version: 2, values: V1, deleted: true };
    expect(decideMerge(input({ current: gone, change: { baseVersion: 1, values: { notes: 'n' } } }))).toEqual({ kind: 'conflict', reason: 'deleted', fields: ['notes'] });
    // deleting what is already deleted is nothing to do
    expect(decideMerge(input({ current: gone, change: { baseVersion: 1, values: {}, deleted: true } }))).toEqual({ kind: 'noop' });
  });

  it('undeletes when the client based its change on the tombstone', () => {
    const gone = { version: 2, values: V1, deleted: true };
    expect(decideMerge(input({ current: gone, base: { values: V1, deleted: true }, change: { baseVersion: 2, values: { notes: '恢复' } } }))).toMatchObject({
      kind: 'apply',
      deleted: false,
      values: { ...V1, notes: '恢复' },
    });
  });

  it('treats a base version newer than the server as a conflict, not an overwrite', () => {
    expect(decideMerge(input({ change: { baseVersion: 5, values: { name: 'x' } } }))).toEqual({ kind: 'conflict', reason: 'unknown_base', fields: ['name'] });
  });

  it('treats a re-sent new row (base 0) with the same values as done, different values as a conflict', () => {
    const all = new Set(Object.keys(V1));
    expect(decideMerge(input({ base: null, changedSinceBase: all, change: { baseVersion: 0, values: V1 } }))).toEqual({ kind: 'noop' });
    expect(decideMerge(input({ base: null, changedSinceBase: all, change: { baseVersion: 0, values: { ...V1, name: '王五' } } }))).toMatchObject({
      kind: 'conflict',
      fields: ['name'],
    });
  });
});

describe('decideMerge: the deleted flag is a field of the three-way merge', () => {
  const live = (version: number, values: LedgerValues = V1) => ({ version, values, deleted: false });
  const gone = (version: number, values: LedgerValues = V1) => ({ version, values, deleted: true });
  const flagOnly = new Set([DELETED_FLAG]);

  it('a stale delete meeting a delete and re-create (no value changed) is a conflict', () => {
    // v1 live, v2 deleted, v3 re-created; the client deletes from v1
    const d = decideMerge({ current: live(3), base: { values: V1, deleted: false }, changedSinceBase: flagOnly, change: { baseVersion: 1, values: {}, deleted: true } });
    expect(d).toEqual({ kind: 'conflict', reason: 'deleted', fields: [] });
  });

  it('a stale re-create meeting a re-create and a new delete is a conflict, not a no-op on the tombstone', () => {
    // v2 deleted, v3 re-created, v4 deleted; the client re-creates from v2 with the values the server has
    const d = decideMerge({ current: gone(4), base: { values: V1, deleted: true }, changedSinceBase: flagOnly, change: { baseVersion: 2, values: V1 } });
    expect(d).toEqual({ kind: 'conflict', reason: 'deleted', fields: [] });
  });

  it('a stale edit meeting a delete and re-create is a conflict naming the edited fields', () => {
    const d = decideMerge({ current: live(3), base: { values: V1, deleted: false }, changedSinceBase: flagOnly, change: { baseVersion: 1, values: { notes: '新' } } });
    expect(d).toEqual({ kind: 'conflict', reason: 'deleted', fields: ['notes'] });
  });

  it('sees a flag change even when changedSinceBase does not name it (base and current differ)', () => {
    const d = decideMerge({ current: gone(2), base: { values: V1, deleted: false }, changedSinceBase: new Set(), change: { baseVersion: 1, values: { notes: 'n' } } });
    expect(d).toEqual({ kind: 'conflict', reason: 'deleted', fields: ['notes'] });
  });

  it('the same flag change on both sides with no value asked is nothing to do', () => {
    // deleted on both sides (the server even deleted, re-created and deleted again)
    expect(decideMerge({ current: gone(4), base: { values: V1, deleted: false }, changedSinceBase: flagOnly, change: { baseVersion: 1, values: {}, deleted: true } })).toEqual({ kind: 'noop' });
    // the client changed nothing since its base and the server deleted: nothing to write, the tombstone is pulled
    expect(decideMerge({ current: gone(2), base: { values: V1, deleted: false }, changedSinceBase: flagOnly, change: { baseVersion: 1, values: V1 } })).toEqual({ kind: 'noop' });
  });

  it('a stale re-create of a tombstone nobody touched since merges and applies', () => {
    // v2 deleted; v3 an edit of the tombstone's notes; the client re-creates from v2 changing the phone
    const current = gone(3, { ...V1, notes: 'n' });
    const d = decideMerge({ current, base: { values: V1, deleted: true }, changedSinceBase: new Set(['notes']), change: { baseVersion: 2, values: { phone: '13600000000' } } });
    expect(d).toEqual({ kind: 'apply', values: { ...V1, notes: 'n', phone: '13600000000' }, deleted: false, changed: ['phone'], merged: true });
  });

  it('a stale delete of a row whose values (not flag) changed is delete_edit, naming those fields', () => {
    const d = decideMerge({ current: live(2, { ...V1, notes: 'x' }), base: { values: V1, deleted: false }, changedSinceBase: new Set(['notes']), change: { baseVersion: 1, values: {}, deleted: true } });
    expect(d).toEqual({ kind: 'conflict', reason: 'delete_edit', fields: ['notes'] });
  });

  it('a stale delete of a row untouched since applies as a merged tombstone', () => {
    const d = decideMerge({ current: live(2), base: { values: V1, deleted: false }, changedSinceBase: new Set(), change: { baseVersion: 1, values: {}, deleted: true } });
    expect(d).toEqual({ kind: 'apply', values: V1, deleted: true, changed: [], merged: true });
  });
});

describe('value helpers', () => {
  it('normalises every kind of empty to null', () => {
    expect([normalizeValue(''), normalizeValue('  '), normalizeValue([]), normalizeValue(['', ' ']), normalizeValue(undefined)]).toEqual([null, null, null, null, null]);
    expect(normalizeValue(0)).toBe(0);
    // every kind of white space trim() removes (full-width, no-break, byte order mark, line breaks)
    for (const blank of ['\u3000', '\u00a0\t', '\ufeff', '\r\n', '\u2028 ', '\u2003']) expect(normalizeValue(blank)).toBeNull();
    // text around white space is kept as typed
    for (const text of ['张三', ' 张三', '\u3000张三', 'a ', '1', '。', 'Ａ']) expect(normalizeValue(text)).toBe(text);
    expect(normalizeValue(['\u3000', '老年人'])).toEqual(['老年人']);
    expect(valuesEqual('', null)).toBe(true);
    expect(valuesEqual(['a'], ['a'])).toBe(true);
    expect(valuesEqual(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(changedKeys({ a: '1', b: '2' } as never, { a: '1', b: '3', c: '' } as never)).toEqual(['b']);
    expect(Object.keys(compactValues({ z: '1', a: '2', m: null } as never, ['a', 'm', 'z']))).toEqual(['a', 'z']);
  });
});

describe('storedAsSent: what a push answer need not echo', () => {
  const sent = { values: { name: '张三', phone: '13800000001', notes: '', categories: ['老年人'] } as LedgerValues };

  it('is true for a new row stored as sent (empty values dropped on the server side)', () => {
    const decision = decideMerge(input({ current: undefined, base: null, change: { baseVersion: 0, values: sent.values } }));
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(storedAsSent(decision, sent)).toBe(true);
  });

  it('is false for a change merged with others’ edits', () => {
    const current = { version: 3, values: { ...V1, address: '新址' }, deleted: false };
    const change = { baseVersion: 1, values: { ...V1, phone: '13700000000' } };
    const decision = decideMerge(input({ current, changedSinceBase: new Set(['address']), change }));
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(storedAsSent(decision, change)).toBe(false);
  });

  it('is false when the stored row holds a value the change did not send (a partial change)', () => {
    const change = { baseVersion: 1, values: { notes: '已电话联系' } as LedgerValues };
    const decision = decideMerge(input({ change }));
    if (decision.kind !== 'apply') throw new Error('expected apply');
    expect(decision.merged).toBe(false);
    expect(storedAsSent(decision, change)).toBe(false);
    // the whole row sent: stored as sent
    const whole = { baseVersion: 1, values: { ...V1, notes: '已电话联系' } as LedgerValues };
    const wholeDecision = decideMerge(input({ change: whole }));
    if (wholeDecision.kind !== 'apply') throw new Error('expected apply');
    expect(storedAsSent(wholeDecision, whole)).toBe(true);
  });

  it('is false when the deleted flag differs from what was asked, or a value differs', () => {
    expect(storedAsSent({ values: V1 as LedgerValues, deleted: true, merged: false }, { values: V1 as LedgerValues })).toBe(false);
    expect(storedAsSent({ values: V1 as LedgerValues, deleted: true, merged: false }, { values: V1 as LedgerValues, deleted: true })).toBe(true);
    expect(storedAsSent({ values: { ...V1, categories: ['老年人', '残疾人'] } as LedgerValues, deleted: false, merged: false }, { values: V1 as LedgerValues })).toBe(false);
  });
});
