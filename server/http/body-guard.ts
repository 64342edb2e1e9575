/**
 * Request bodies the parsers cannot or must not take, answered 400 in the API's error shape (never a
 * 500), whether or not the caller is signed in:
 * - a compressed body (Content-Encoding gzip, br, deflate) that does not decompress;
 * - multipart without a boundary, or cut off / malformed (busboy's errors);
 * - JSON with a `__proto__`, `constructor` or `prototype` key at any depth (prototype pollution
 *   attempts; JSON.parse keeps `__proto__` as an own key, and a schema would silently drop it);
 * - a NUL character (U+0000) in any text or key of a JSON body, of multipart fields or of the file
 *   name, or of the query (mount.ts checks the last three).
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';
import { defined } from '../../ledger/defined';

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * U+0000 (NUL): no text of the ledger means it, and PostgreSQL cannot store it in a text column
 * (SQLite would): refused on both engines before anything is stored, naming where it is.
 */
const NUL = '\u0000';

/** What is wrong with a body: a forbidden key, or a NUL character in a key or a text. */
export type BodyProblem = { kind: 'forbidden_key' | 'nul_character'; path: string };

function keyProblem(key: string): BodyProblem['kind'] | undefined {
  if (FORBIDDEN_KEYS.has(key)) return 'forbidden_key';
  if (key.includes(NUL)) return 'nul_character';
  return undefined;
}

/** Whether a parsed value holds a forbidden key or a NUL anywhere: no paths built (the common, clean case). */
function hasProblem(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === 'string') {
          if (item.includes(NUL)) return true;
        } else if (item !== null && typeof item === 'object') stack.push(item);
      }
      continue;
    }
    for (const key in current) {
      if (keyProblem(key)) return true;
      const item = (current as Record<string, unknown>)[key];
      if (typeof item === 'string') {
        if (item.includes(NUL)) return true;
      } else if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return false;
}

/**
 * The first problem in a parsed value (a JSON body, multipart fields, the query), with its path from
 * `root` (iterative: deep bodies cannot overflow the stack). A clean value — every ordinary request —
 * is scanned once without building any path; paths are built only to name what is about to be refused.
 */
export function bodyProblem(value: unknown, root = 'body'): BodyProblem | undefined {
  if (!hasProblem(value)) return undefined;
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = defined(stack.pop(), 'a stack entry');
    if (typeof current === 'string') {
      if (current.includes(NUL)) return { kind: 'nul_character', path };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}.${i}` });
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      const kind = keyProblem(key);
      if (kind) return { kind, path: `${path}.${key.replaceAll(NUL, '\\u0000')}` };
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (current as Record<string, unknown>)[keys[i]], path: `${path}.${keys[i]}` });
  }
  return undefined;
}

/** Path of the first forbidden key in a parsed JSON value, if any. */
export function forbiddenKeyPath(value: unknown): string | undefined {
  const problem = bodyProblem(value);
  return problem?.kind === 'forbidden_key' ? problem.path : undefined;
}

/** The API error for a problem found by bodyProblem. */
export function bodyProblemError(problem: BodyProblem): AppError {
  if (problem.kind === 'forbidden_key') {
    return new AppError('forbidden_key', {}, { issues: [{ path: problem.path, message: '不允许的字段名 (forbidden key)' }] });
  }
  return new AppError('nul_character', {}, {
    issues: [{ path: problem.path, message: '含有空字符 U+0000，请删除后重新提交 (contains the NUL character U+0000: remove it and send again)' }],
  });
}

/**
 * JSON bodies whose raw text cannot hold a problem (see markPlainJsonText): the parsed value needs
 * no walk. Keyed by the request, so nothing outlives it.
 */
const PLAIN_JSON_BODIES = new WeakSet<object>();

/** What a forbidden key or a NUL needs in a JSON text's UTF-8 bytes: the key spelled out, or an escape. */
const PROBLEM_MARKERS: readonly (string | number)[] = [...FORBIDDEN_KEYS, '\\u', 0];

/**
 * Notes a JSON body (UTF-8, json-body.ts) whose text has none of the forbidden keys, no `\u` escape
 * (the only way JSON spells a NUL, or a key in disguise) and no NUL byte: then rejectPrototypeKeys
 * skips its walk over the parsed value. Searching the raw bytes is a few native scans; the walk was
 * about 3 % of the event loop's time during a burst of large pushes.
 */
export function markPlainJsonText(req: object, raw: Buffer): void {
  if (PROBLEM_MARKERS.every((marker) => !raw.includes(marker))) PLAIN_JSON_BODIES.add(req);
}

/** JSON bodies: forbidden keys and NUL characters are refused (400) before any handler sees them. */
export function rejectPrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  if (PLAIN_JSON_BODIES.has(req)) return next();
  const problem = req.body === undefined ? undefined : bodyProblem(req.body);
  if (!problem) return next();
  next(bodyProblemError(problem));
}

interface ParserError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  code?: unknown;
  message?: unknown;
}

/** A body-parser failure not already known by its `type`: a 4xx from decoding the body (e.g. a corrupt gzip stream). */
export function undecodableBody(err: unknown): AppError | undefined {
  const e = err as ParserError | null;
  if (!e || typeof e !== 'object' || e.type !== undefined) return undefined;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (status !== 400 || e.expose !== true) return undefined;
  return new AppError('malformed_body');
}

/** busboy's parse errors (no boundary, truncated or malformed parts) → 400; file-system errors pass through. */
export function malformedMultipart(err: unknown): AppError | undefined {
  const e = err as ParserError | null;
  if (!(err instanceof Error) || typeof e?.code === 'string') return undefined;
  if (!/^(Multipart: |Unexpected end of form|Malformed part header|Unsupported content type)/.test(err.message)) return undefined;
  return new AppError('invalid_upload');
}
