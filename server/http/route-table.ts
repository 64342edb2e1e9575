/**
 * The route table: every API endpoint is one RouteSpec. The Express wiring (auth, unit scoping,
 * zod validation, error shape), the OpenAPI document and the access-matrix test are all generated
 * from this one list, so a new endpoint is checked and documented without further edits.
 */
import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import type { UnitLevel } from '../../ledger/units';
import type { AppDeps } from '../app-deps';

export type Role = 'village' | 'township' | 'county' | 'prefecture' | 'admin';
export const ROLES: readonly Role[] = ['village', 'township', 'county', 'prefecture', 'admin'];

export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  unit: { code: string; name: string; level: UnitLevel };
}

export interface RouteContext {
  /** null only on `auth: 'public'` routes. */
  user: AuthUser | null;
  params: any;
  query: any;
  body: any;
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
export type RouteResult = { status: number; body: unknown } | { body: unknown };

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path below /api/v1, e.g. '/ledgers/:villageCode/sync'. */
  path: string;
  /** zh-CN summary for the OpenAPI document. */
  summary: string;
  tag: string;
  auth: 'public' | 'user';
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
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  response?: ZodType;
  /** multipart/form-data upload with one file field named `file`. */
  multipart?: boolean;
  /** Upload limit for `multipart` routes in bytes (default 20 MB). */
  uploadLimitBytes?: number;
  /** A valid request (see RouteExample); routes without one are still checked for 401/403. */
  example?: RouteExample;
  handle(ctx: RouteContext): Promise<RouteResult>;
}
