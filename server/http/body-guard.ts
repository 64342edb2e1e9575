/**
 * Request bodies the parsers cannot or must not take, answered 400 in the API's error shape (never a
 * 500), whether or not the caller is signed in:
 * - a compressed body (Content-Encoding gzip, br, deflate) that does not decompress;
 * - multipart without a boundary, or cut off / malformed (busboy's errors);
 * - JSON with a `__proto__`, `constructor` or `prototype` key at any depth (prototype pollution
 *   attempts; JSON.parse keeps `__proto__` as an own key, and a schema would silently drop it).
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';
import { defined } from '../../ledger/defined';

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a parsed JSON value holds a forbidden key at any depth: no paths built (the common, clean case). */
function hasForbiddenKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (const item of current) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    for (const key in current) {
      if (FORBIDDEN_KEYS.has(key)) return true;
      const item = (current as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return false;
}

/**
 * Path of the first forbidden key in a parsed JSON value (iterative: deep bodies cannot overflow the
 * stack). A clean body — every ordinary request — is scanned once without building any path; the
 * paths are built only to name the key of a body about to be refused.
 */
export function forbiddenKeyPath(value: unknown): string | undefined {
  if (!hasForbiddenKey(value)) return undefined;
  const stack: { value: unknown; path: string }[] = [{ value, path: 'body' }];
  while (stack.length > 0) {
    const { value: current, path } = defined(stack.pop(), 'a stack entry');
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}.${i}` });
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path}.${key}`;
      stack.push({ value: (current as Record<string, unknown>)[key], path: `${path}.${key}` });
    }
  }
  return undefined;
}

export function rejectPrototypeKeys(req: Request, _res: Response, next: NextFunction): void {
  const path = req.body === undefined ? undefined : forbiddenKeyPath(req.body);
  if (!path) return next();
  next(
    new AppError('forbidden_key', {}, { issues: [{ path, message: '不允许的字段名 (forbidden key)' }] }),
  );
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
