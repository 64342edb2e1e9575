/**
 * Turns one RouteSpec into an Express handler: request id → bearer auth (401) → role (403) →
 * params (400) → unit scoping (403 foreign / 400 wrong level / 404 unknown) → content type (415) /
 * multipart upload (413) → query and body (400) → handler → JSON. Every failure has the one error shape of errors.ts.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'crypto';
import { mkdirSync, promises as fs, readFileSync } from 'fs';
import multer from 'multer';
import { tmpdir } from 'os';
import { join } from 'path';
import { z, type ZodType } from 'zod';
import { isInSubtree, unitLevelOf } from '../../ledger/units';
import type { AppDeps } from '../app-deps';
import { parseWithFastPath } from '../../ledger/api/fast-path';
import { admissionRelease } from './admission';
import { bodyProblem, bodyProblemError } from './body-guard';
import { AppError, zodIssues } from './errors';
import { inWorkScope } from '../db/work-scope';
import type { AuthUser, RouteContext, RouteSpec, UploadedFile } from './route-table';

export const API_PREFIX = '/api/v1';
export const DEFAULT_UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/** Express path of a spec, with the API prefix. */
export function expressPath(spec: RouteSpec): string {
  return `${API_PREFIX}${spec.path}`;
}

function parseWith(schema: ZodType | undefined, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) return value;
  const result = parseWithFastPath(schema, value);
  if (!result.success) throw new AppError('invalid_request', {}, { issues: zodIssues(result.error, where) });
  return result.data;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Private directory (mode 0700, owned by this user) where multer streams uploads to disk, so a
 * large file is never held in memory. Each upload is removed after its request (see mountRoute).
 */
export function uploadTempDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = join(tmpdir(), `ledger-uploads-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const diskStorage = multer.diskStorage({
  destination: (_req, _file, cb) => {
    try {
      cb(null, uploadTempDir());
    } catch (error) {
      cb(error as Error, '');
    }
  },
  filename: (_req, _file, cb) => cb(null, `${randomUUID()}.upload`),
});

function runMulter(spec: RouteSpec, req: Request, res: Response): Promise<UploadedFile | undefined> {
  const upload = multer({
    storage: diskStorage,
    limits: { fileSize: spec.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES, files: 1, fields: 50, fieldSize: 64 * 1024 },
  }).single('file');
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (err) return reject(err);
      const file = req.file;
      if (!file) return resolve(undefined);
      let bytes: Buffer | undefined;
      resolve({
        originalName: Buffer.from(file.originalname, 'latin1').toString('utf8'),
        mimeType: file.mimetype,
        size: file.size,
        path: file.path,
        get buffer(): Buffer {
          bytes ??= readFileSync(file.path);
          return bytes;
        },
      });
    });
  });
}

/**
 * Bodies never carry unknown fields: a top-level z.object body schema that strips unknown keys
 * (zod's default) is made strict here, so a typo or an injected field is a 400, not silently dropped.
 * An explicit catchall/passthrough (def.catchall set) is respected.
 */
export function strictBody(schema: ZodType | undefined): ZodType | undefined {
  if (schema instanceof z.ZodObject && schema._zod.def.catchall === undefined) return schema.strict();
  if (schema instanceof z.ZodOptional) return strictBody(schema.unwrap() as ZodType)?.optional();
  if (schema instanceof z.ZodNullable) return strictBody(schema.unwrap() as ZodType)?.nullable();
  return schema;
}

/**
 * What the wiring asks of the auth and units modules. The app passes them in (app.ts), so the HTTP
 * layer depends on neither: they build their routes on it.
 */
export interface RouteGuards {
  /** The signed-in user of the request (its bearer token), or undefined. */
  userOf(deps: AppDeps, req: Request): Promise<AuthUser | undefined>;
  unitExists(deps: AppDeps, code: string): Promise<boolean>;
}

export function mountRoute(spec: RouteSpec, deps: AppDeps, guards: RouteGuards): RequestHandler {
  const route: MountedRoute = { spec, bodySchema: strictBody(spec.body), deps, guards };
  // Each request is its own work scope: its reads wait only for its own unfinished writes (work-scope.ts).
  // A large body's admission (admission.ts) ends when the request's first transaction begins.
  return (req: Request, res: Response, next: NextFunction) => inWorkScope(() => handleRoute(route, req, res, next), admissionRelease(res));
}

/** A route as mounted: its spec, its strict body schema and what the wiring passed in. */
interface MountedRoute {
  spec: RouteSpec;
  bodySchema: ZodType | undefined;
  deps: AppDeps;
  guards: RouteGuards;
}

/** The unit code a request names as sent (before its params are parsed), when it looks like one. */
function unitCodeSent(spec: RouteSpec, req: Request): string | undefined {
  if (!spec.unitParam) return undefined;
  const source = (spec.unitIn === 'query' ? req.query : req.params) as Record<string, unknown>;
  const value = source[spec.unitParam];
  return typeof value === 'string' && unitLevelOf(value) ? value : undefined;
}

async function handleRoute({ spec, bodySchema, deps, guards }: MountedRoute, req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    res.locals.route = expressPath(spec);
    const requestId = res.locals.requestId as string;

    // A request with a token that names a unit: the unit is looked up while the token is checked
    // (two reads at once, one wait instead of two). Its answer is only used after the token and
    // the scope checks below, in their order; without a token nothing is looked up.
    const earlyCode = spec.auth === 'user' && req.headers.authorization ? unitCodeSent(spec, req) : undefined;
    const earlyUnit = earlyCode === undefined ? undefined : guards.unitExists(deps, earlyCode);
    earlyUnit?.catch(() => undefined); // a failure is seen where it is awaited; unseen if the request ends first

    let user: AuthUser | null = null;
    if (spec.auth === 'user') {
      user = (await guards.userOf(deps, req)) ?? null;
      if (!user) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new AppError('unauthorized');
      }
      res.locals.userId = user.id;
      if (spec.roles && !spec.roles.includes(user.role)) throw new AppError('forbidden');
    }

    const params = parseWith(spec.params, { ...req.params }, 'params') as Record<string, unknown>;

    if (spec.unitParam) {
      const source = spec.unitIn === 'query' ? (req.query as Record<string, unknown>) : params;
      const code = typeof source[spec.unitParam] === 'string' ? (source[spec.unitParam] as string) : '';
      if (!unitLevelOf(code)) {
        throw new AppError('invalid_request', {}, {
          issues: [{ path: `${spec.unitIn === 'query' ? 'query' : 'params'}.${spec.unitParam}`, message: '单位代码应为 4、6、9 或 12 位数字 (unit code: 4, 6, 9 or 12 digits)' }],
        });
      }
      if (!user || !isInSubtree(user.unit.code, code)) throw new AppError('forbidden');
      if (spec.unitLevel && unitLevelOf(code) !== spec.unitLevel) {
        throw new AppError('wrong_unit_level', {}, {
          issues: [{ path: `params.${spec.unitParam}`, message: `应为${spec.unitLevel}级单位 (must be a ${spec.unitLevel})` }],
        });
      }
      const exists = earlyUnit !== undefined && code === earlyCode ? earlyUnit : guards.unitExists(deps, code);
      if (!(await exists)) throw new AppError('unit_not_found', { unitCode: code });
      res.locals.unit = code;
    }

    let file: UploadedFile | undefined;
    if (spec.multipart) {
      if (!req.is('multipart/form-data')) {
        throw new AppError('multipart_required');
      }
      file = await runMulter(spec, req, res);
      // The temp file never outlives the request: removed whether the handler succeeds, fails or moved it.
      if (file) {
        const path = file.path;
        res.once('close', () => void fs.rm(path, { force: true }));
      }
    } else if (spec.body && hasBody(req) && !req.is(['application/json', '+json'])) {
      throw new AppError('unsupported_media_type');
    }

    // NUL characters in the path, the query, multipart fields or the uploaded file's name (JSON bodies: app.ts).
    const problem =
      bodyProblem(req.params, 'params') ??
      bodyProblem(req.query, 'query') ??
      (spec.multipart ? (bodyProblem(req.body, 'body') ?? (file ? bodyProblem(file.originalName, 'body.file.name') : undefined)) : undefined);
    if (problem) throw bodyProblemError(problem);
    const query = parseWith(spec.query, { ...(req.query as Record<string, unknown>) }, 'query');
    const body = parseWith(bodySchema, req.body ?? (spec.multipart ? {} : undefined), 'body');

    const ctx: RouteContext = { user, params, query, body, requestId, deps, req, res, file };
    const result = await spec.handle(ctx);
    if (res.headersSent) return;
    const status = result.status ?? 200;

    if (spec.response && deps.config.demo && status < 300) {
      const check = spec.response.safeParse(result.body);
      if (!check.success) {
        deps.logger.warn(
          { requestId, route: expressPath(spec), issues: check.error.issues.map((i) => i.path.join('.')) },
          'response does not match its schema',
        );
      }
    }
    if (status === 204 || result.body === undefined) res.status(status).end();
    else res.status(status).json(result.body);
  } catch (error) {
    next(error);
  }
}
