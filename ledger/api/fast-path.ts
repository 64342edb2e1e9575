/**
 * Fast readers for the few request bodies that are large and frequent (a sync push of hundreds of
 * rows): a plain-loop check that accepts only input its zod schema would accept, and gives what zod
 * would give (the same keys and values; a reader may keep the sender's key order, see its own doc).
 *
 * Why: zod's general machinery made up about a tenth of the server's event-loop time during a burst
 * of sync pushes and a fifth of everything the burst allocated (a result object per value checked).
 * The schema stays the one definition of the body (OpenAPI, every error message): anything the fast
 * reader does not accept whole — a wrong type, a limit passed, an unknown key, anything unusual —
 * goes to zod, which gives the answer and the 400's issues. So a fast reader can only be too strict,
 * never too lenient; tests/server/sync-fast-reader.test.ts checks the sync push's against zod on generated input.
 */
import type { z } from 'zod';

/** Reads a body as its schema would, or undefined to let the schema decide. */
export type FastReader<S extends z.ZodType> = (input: unknown) => z.output<S> | undefined;

const FAST_READERS = new WeakMap<z.ZodType, (input: unknown) => unknown>();

/** Registers `read` as the fast path of `schema` (see the header); returns the schema. */
export function withFastReader<S extends z.ZodType>(schema: S, read: FastReader<S>): S {
  FAST_READERS.set(schema, read);
  return schema;
}

/**
 * What `schema` makes of `input` when its fast reader accepts it; otherwise zod's own safeParse.
 */
export function parseWithFastPath<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> {
  const fast = FAST_READERS.get(schema)?.(input);
  if (fast !== undefined) return { success: true, data: fast as z.output<S> };
  return schema.safeParse(input);
}

/** A plain object as JSON.parse makes it (no prototype tricks, no arrays). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A safe integer within [min, max] (zod's `.int().min().max()`). */
export function isIntIn(value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** A string of `min`..`max` UTF-16 units (zod's `.min().max()` count the same way). */
export function isStringOf(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

/** An own key of `record` (not one its prototype gives it). */
export function hasOwn(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Whether every own key of `record` is one of `allowed` (a strict object's unknown-key check). */
export function onlyKeys(record: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in record) {
    if (!hasOwn(record, key) || !allowed.has(key)) return false;
  }
  return true;
}
