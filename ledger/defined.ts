/**
 * An invariant the code relies on (a key just checked, a row just written): the value, or an
 * Error naming what was missing. Instead of a non-null assertion, which would fail later and
 * somewhere else.
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`internal: ${what} is missing`);
  return value;
}
