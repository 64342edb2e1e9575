/**
 * The API's JSON bodies, in three steps: read (raw bytes, decompressed, within the body limit),
 * admitted (a large body waits its turn, admission.ts), parsed. Express's own JSON parser does the
 * first and the last in one go, which leaves no place for the admission between them.
 *
 * Parsing is what body-parser's strict JSON mode does — empty → {}, else an object or an array —
 * with one difference: the text must be UTF-8, as RFC 8259 requires of JSON exchanged between
 * systems; another charset is 415 (body-parser converted any utf-*).
 */
import { createHash } from 'crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from './errors';
import type { BodyAdmission } from './admission';
import { markPlainJsonText } from './body-guard';

/** The media types read as JSON. */
const JSON_TYPES = ['application/json', '+json'];

/** The charset named by a Content-Type header, lower case; undefined when none is named. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1].toLowerCase() : undefined;
}

/** JSON's whitespace, then the first character of the text. */
const FIRST_CHARACTER = /^[ \t\n\r]*(.)/s;

/** Each parsed request's raw bytes (for rawBodyHash), while the request lives. */
const RAW_BODIES = new WeakMap<object, Buffer>();

/**
 * SHA-256 (hex) of a JSON request's body as it was sent (after any Content-Encoding was undone);
 * undefined when the request had no JSON body. A sync retry sends the very same bytes.
 */
export function rawBodyHash(req: object): string | undefined {
  const raw = RAW_BODIES.get(req);
  return raw ? createHash('sha256').update(raw).digest('hex') : undefined;
}

/** Parses a raw JSON body read by express.raw (req.body: a Buffer) in place. */
export function parseJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw)) return next();
  const charset = charsetOf(req.headers['content-type']) ?? 'utf-8';
  if (charset !== 'utf-8' && charset !== 'utf8') return next(new AppError('unsupported_media_type'));
  if (raw.length === 0) {
    req.body = {};
    return next();
  }
  markPlainJsonText(req, raw);
  RAW_BODIES.set(req, raw);
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark, as body-parser dropped it
  const first = FIRST_CHARACTER.exec(text)?.[1];
  if (first !== '{' && first !== '[') return next(new AppError('malformed_json'));
  try {
    req.body = JSON.parse(text) as unknown;
  } catch {
    return next(new AppError('malformed_json'));
  }
  next();
}

/** The middlewares that turn an API request's JSON body into req.body, in order. */
export function jsonBodyReaders(limitBytes: number, admission: BodyAdmission): RequestHandler[] {
  return [express.raw({ limit: limitBytes, type: JSON_TYPES }), admission.handler, parseJsonBody];
}
