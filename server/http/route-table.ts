/**
 * The route table: every API endpoint is one RouteSpec. The Express wiring (auth, unit scoping,
 * zod validation, error shape), the OpenAPI document and the access-matrix test are all generated
 * from this one list, so a new endpoint is checked and documented without further edits.
 */
import type { Request, Response } from 'express';
import type { z, ZodType } from 'zod';
import { ROLES, type Role } from '../../ledger/api/common';
import type { UnitLevel } from '../../ledger/units';
import type { AppDeps, AuthUser } from '../app-deps';

export { ROLES, type AuthUser, type Role };

export type Access = 'public' | 'user';

/**
 * What a handler gets. `params`, `query` and `body` are what the route's zod schemas produced
 * (mount.ts parses them before the handler runs); `user` is non-null on authenticated routes.
 */
export interface RouteContext<A extends Access = Access, P = unknown, Q = unknown, B = unknown> {
  user: A extends 'user' ? AuthUser : null;
  params: P;
  query: Q;
  body: B;
  /** X-Request-Id or a generated id; goes into the audit trail. */
  requestId: string;
  deps: AppDeps;
  req: Request;
  res: Response;
  /** The uploaded file on `multipart` routes (field name `file`); undefined elsewhere. */
  file?: UploadedFile;
}

export interface UploadedFile {
  originalName: string;
  mimeType: string;
  size: number;
  /** The file's bytes, read from `path` on first access (small uploads only: large files should be streamed from `path`). */
  buffer: Buffer;
  /** Disk storage: the upload in a private temp dir (mode 0700); removed after the handler unless the handler moved it away. */
  path: string;
}

/**
 * A valid request for the access-matrix test and the OpenAPI document. The matrix fills the
 * `unitParam` itself (own unit / foreign unit), so `params` only needs the other path parameters.
 */
export interface RouteExample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** For `multipart` routes: the file to upload (text content). */
  file?: { name: string; text: string };
}

/** What a handler returns: a body (status 200) or an explicit status with body. */
export interface RouteResult<T = unknown> {
  status?: number;
  body: T;
}

/** What a schema parses to, or `fallback` where the route has no schema. */
type Parsed<S, Fallback> = S extends ZodType ? z.output<S> : Fallback;
/** What a handler must return for a response schema (its input: the schema may transform). */
type ResponseBody<S> = S extends ZodType ? z.input<S> : unknown;

interface RouteFields<A extends Access> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path below /api/v1, e.g. '/ledgers/:villageCode/sync'. */
  path: string;
  /** zh-CN summary for the OpenAPI document. */
  summary: string;
  tag: string;
  auth: A;
  /** Roles allowed; default: every role. */
  roles?: readonly Role[];
  /**
   * Name of the path parameter holding a unit code that must be the user's unit or in its
   * subtree (403 otherwise). The access matrix uses it to build own/foreign requests.
   */
  unitParam?: string;
  /** Where `unitParam` is: a path parameter (default) or a query parameter (`?unit=CODE`). */
  unitIn?: 'path' | 'query';
  /** Level the unit in `unitParam` must have (e.g. 'village' for ledgers). */
  unitLevel?: UnitLevel;
  /** multipart/form-data upload with one file field named `file`. */
  multipart?: boolean;
  /** Upload limit for `multipart` routes in bytes (default 20 MB). */
  uploadLimitBytes?: number;
  /** A valid request (see RouteExample); routes without one are still checked for 401/403. */
  example?: RouteExample;
}

/** One endpoint as written by its module, with the handler typed from the schemas. */
export interface RouteDefinition<
  A extends Access,
  P extends ZodType | undefined,
  Q extends ZodType | undefined,
  B extends ZodType | undefined,
  R extends ZodType | undefined,
> extends RouteFields<A> {
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
  handle(ctx: RouteContext<A, Parsed<P, Record<string, string>>, Parsed<Q, Record<string, unknown>>, Parsed<B, unknown>>): Promise<RouteResult<ResponseBody<R>>>;
}

/** An endpoint in the route table (ALL_ROUTES): what mount.ts, openapi.ts and the access matrix read. */
export interface RouteSpec extends RouteFields<Access> {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  response?: ZodType;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

/**
 * Declares an endpoint: `ctx.params`, `ctx.query` and `ctx.body` are typed from the zod schemas,
 * `ctx.user` is an AuthUser on `auth: 'user'` routes, and the returned body must fit `response`.
 */
export function defineRoute<
  A extends Access,
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
  R extends ZodType | undefined = undefined,
>(definition: RouteDefinition<A, P, Q, B, R>): RouteSpec {
  const { handle, ...fields } = definition;
  return {
    ...fields,
    unitParam: fields.unitParam,
    // mount.ts authenticates `auth: 'user'` routes and parses params/query/body with these very
    // schemas before calling the handler, so the context has the types the definition declares.
    handle: (ctx) => handle(ctx as Parameters<typeof handle>[0]),
  };
}
