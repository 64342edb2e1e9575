/**
 * The sync protocol's merge decision — pure, shared by the server (which decides) and the add-in
 * (which can predict and explain). Nothing is ever silently overwritten:
 *
 *   - a change made on the row's current version applies (a new version when anything differs);
 *   - a change made on an older version merges field by field when the fields it changes do not
 *     overlap the fields changed on the server since its base version;
 *   - an overlap with different values is a conflict: both versions go back, nothing is written;
 *   - deletes are tombstones, and the deleted flag merges like a field: deleting a row edited
 *     meanwhile, or changing a row deleted or re-created meanwhile, is a conflict too.
 *
 * Values are keyed by LEDGER_COLUMNS keys. Empty text, empty lists and null all mean "empty"
 * (normalised to absent), so '' vs null never counts as a change.
 */
import type { LedgerValue, LedgerValues } from './types';

/**
 * The deleted flag's name among the keys of MergeInput.changedSinceBase: the server adds it when a
 * version after the base deleted or re-created the row (no column has this key).
 */
export const DELETED_FLAG = 'deleted';

/** One row as the server holds it (values compact: only non-empty keys). */
export interface RowState {
  version: number;
  values: LedgerValues;
  deleted: boolean;
}

export interface MergeInput {
  /** The row on the server now; null when the server has never seen this row id. */
  current: RowState | null;
  /**
   * The row as it was at the change's base version (null when baseVersion is 0 or the base
   * version is unknown to the server).
   */
  base: Omit<RowState, 'version'> | null;
  /**
   * Column keys changed on the server in the versions after the base (base+1 … current), plus
   * DELETED_FLAG when one of those versions deleted or re-created the row.
   */
  changedSinceBase: ReadonlySet<string>;
  change: { baseVersion: number; values: LedgerValues; deleted?: boolean };
}

export type ConflictReason =
  /** Both sides changed the same fields to different values. */
  | 'fields'
  /**
   * The row was deleted or re-created on the server since the client's base version, and the
   * client's change asks for something else (an edit, a delete of the re-created row, a re-create).
   */
  | 'deleted'
  /** The client deletes a row whose values were edited on the server since its base version. */
  | 'delete_edit'
  /** The base version is newer than anything the server has (e.g. a server restored from backup). */
  | 'unknown_base';

export type MergeDecision =
  | {
      kind: 'apply';
      /** The whole new row (compact). */
      values: LedgerValues;
      deleted: boolean;
      /** Column keys whose value changes in the new version. */
      changed: string[];
      /** True when the change was based on an older version and merged field by field. */
      merged: boolean;
    }
  /**
   * Nothing to write: the server already has what the change asks for (same values, same flag).
   * Answered as unchanged, never as applied: the client made no version.
   */
  | { kind: 'noop' }
  | { kind: 'conflict'; reason: ConflictReason; fields: string[] };

/**
 * Whether a text is empty or only white space (what trim() would empty). A text starting with a
 * printable ASCII character or a CJK ideograph is answered without trimming it: nearly every value,
 * and no copy made (this runs for every value of every pushed row).
 */
function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  if ((first > 0x20 && first < 0x7f) || (first >= 0x3400 && first <= 0x9fff)) return false;
  return text.trim() === '';
}

/** null for every kind of empty; arrays trimmed of empty entries; strings kept as typed. */
export function normalizeValue(value: LedgerValue | undefined): LedgerValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return isBlank(value) ? null : value;
  if (Array.isArray(value)) {
    const items = value.filter((item) => typeof item === 'string' && !isBlank(item));
    return items.length === 0 ? null : items;
  }
  return value;
}

/** A compact copy: empty values dropped, keys in a stable order given by `keyOrder` when passed. */
export function compactValues(values: LedgerValues, keyOrder?: readonly string[]): LedgerValues {
  const out: Record<string, LedgerValue> = {};
  const keys = keyOrder ? keyOrder.filter((key) => key in values) : Object.keys(values);
  for (const key of keys) {
    const value = normalizeValue((values as Record<string, LedgerValue | undefined>)[key]);
    if (value !== null) out[key] = value;
  }
  return out as LedgerValues;
}

export function valuesEqual(a: LedgerValue | undefined, b: LedgerValue | undefined): boolean {
  const x = normalizeValue(a);
  const y = normalizeValue(b);
  if (x === y) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((item, i) => item === y[i]);
  return false;
}

/**
 * Whether a version this request wrote holds exactly what its change sent: not merged with others'
 * edits, the deleted flag as asked, and every value equal (a key on one side only is equal when
 * empty on the other). The client already shows such a row; only its new version is news to it.
 */
export function storedAsSent(
  stored: { values: LedgerValues; deleted: boolean; merged: boolean },
  sent: { values: LedgerValues; deleted?: boolean },
): boolean {
  if (stored.merged || stored.deleted !== (sent.deleted === true)) return false;
  for (const key of Object.keys(stored.values)) if (!valuesEqual(get(stored.values, key), get(sent.values, key))) return false;
  for (const key of Object.keys(sent.values)) if (!valuesEqual(get(stored.values, key), get(sent.values, key))) return false;
  return true;
}

function get(values: LedgerValues, key: string): LedgerValue | undefined {
  return (values as Record<string, LedgerValue | undefined>)[key];
}

/** Keys of `next` whose value differs from `prev` (keys absent from `next` are unchanged). */
export function changedKeys(prev: LedgerValues, next: LedgerValues): string[] {
  return Object.keys(next).filter((key) => !valuesEqual(get(prev, key), get(next, key)));
}

function overlay(base: LedgerValues, keys: readonly string[], from: LedgerValues): LedgerValues {
  const out: Record<string, LedgerValue> = { ...(base as Record<string, LedgerValue>) };
  for (const key of keys) {
    const value = normalizeValue(get(from, key));
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out as LedgerValues;
}

/**
 * Decides what one pushed change does to the row: a three-way merge of the values and of the
 * deleted flag, which is a field like the others — a delete or a re-create is a change of it, and
 * a stale change that meets a flag changed on the server since its base is a conflict (`deleted`,
 * or `delete_edit` for a stale delete of a row whose values were edited).
 */
export function decideMerge(input: MergeInput): MergeDecision {
  const { current, change } = input;
  const wantDeleted = change.deleted === true;
  const currentVersion = current?.version ?? 0;
  const clientValues = change.values;

  if (change.baseVersion > currentVersion) {
    return { kind: 'conflict', reason: 'unknown_base', fields: Object.keys(clientValues) };
  }

  if (!current) {
    // Never seen: baseVersion is 0 here. A row made and deleted offline needs nothing.
    if (wantDeleted) return { kind: 'noop' };
    const values = compactValues(clientValues);
    return { kind: 'apply', values, deleted: false, changed: Object.keys(values), merged: false };
  }

  const stale = change.baseVersion < current.version;

  if (!stale) {
    const changed = changedKeys(current.values, clientValues);
    if (changed.length === 0 && wantDeleted === current.deleted) return { kind: 'noop' };
    return {
      kind: 'apply',
      values: overlay(current.values, changed, clientValues),
      deleted: wantDeleted,
      changed,
      merged: false,
    };
  }

  // Based on an older version: what each side changed since the base, the flag included. A new row
  // (base 0) was live; a base the server no longer has is taken as live with no values.
  const baseDeleted = change.baseVersion === 0 ? false : (input.base?.deleted ?? false);
  const baseValues = change.baseVersion === 0 ? {} : (input.base?.values ?? {});
  const clientFlagChanged = wantDeleted !== baseDeleted;
  const serverFlagChanged = input.changedSinceBase.has(DELETED_FLAG) || current.deleted !== baseDeleted;
  const serverValuesChanged = [...input.changedSinceBase].filter((key) => key !== DELETED_FLAG);
  // Only what the client changed relative to its base, and still differs from the server.
  const pending = changedKeys(baseValues, clientValues).filter((key) => !valuesEqual(get(current.values, key), get(clientValues, key)));

  if (serverFlagChanged) {
    // The row was deleted, re-created (or both) since the client's base. Nothing to do when the
    // client asks for no value the server lacks and leaves the flag alone (or set it as the server
    // has it); anything else would undo or be undone by the delete/re-create: both go back.
    const flagAgrees = !clientFlagChanged || wantDeleted === current.deleted;
    if (pending.length === 0 && flagAgrees) return { kind: 'noop' };
    return { kind: 'conflict', reason: 'deleted', fields: pending };
  }

  if (clientFlagChanged && wantDeleted) {
    // A stale delete: refused when the values were edited since its base (that edit would vanish).
    if (serverValuesChanged.length > 0) return { kind: 'conflict', reason: 'delete_edit', fields: serverValuesChanged };
    return { kind: 'apply', values: current.values, deleted: true, changed: [], merged: true };
  }

  // The flag stays as the server has it (or the client re-creates a tombstone nobody touched):
  // the values merge field by field.
  const overlap = pending.filter((key) => input.changedSinceBase.has(key));
  if (overlap.length > 0) return { kind: 'conflict', reason: 'fields', fields: overlap };
  if (pending.length === 0 && !clientFlagChanged) return { kind: 'noop' };
  return {
    kind: 'apply',
    values: overlay(current.values, pending, clientValues),
    deleted: wantDeleted,
    changed: pending,
    merged: true,
  };
}
