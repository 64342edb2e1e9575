/**
 * The Express app: hardening, request ids, JSON body limit, /healthz (the process), /readyz (the
 * process and its database), /api/v1/openapi.json and
 * every RouteSpec mounted by http/mount.ts; unknown routes and every error answer in the API's
 * JSON error shape, never with a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import multer from 'multer';
import { ZodError } from 'zod';
import type { AppDeps } from './app-deps';
import { databaseAnswers } from './db/database';
import type { ApiIssue } from '../ledger/api/errors';
import { malformedMultipart, rejectPrototypeKeys, undecodableBody } from './http/body-guard';
import { BodyAdmission } from './http/admission';
import { jsonBodyReaders } from './http/json-body';
import { AppError, errorBody, zodIssues } from './http/errors';
import { isStorageFull, storageFullError } from './http/storage-errors';
import { API_PREFIX, expressPath, mountRoute, type RouteGuards } from './http/mount';
import { buildOpenApi } from './http/openapi';
import { requestId } from './http/request-id';
import type { RouteSpec } from './http/route-table';
import { mountAddin, mountPreviewIndex } from './http/addin-static';
import { mountWeb } from './http/web-static';
import { apiCors } from './http/cross-origin';
import { bearerToken, userForToken } from './auth/tokens';
import { getUnit } from './units/store';

/** Authentication and unit lookups for the route wiring (http/mount.ts): the auth and units modules. */
const ROUTE_GUARDS: RouteGuards = {
  userOf: async (deps, req) => {
    const token = bearerToken(req.headers.authorization);
    return token ? userForToken(deps.db, token, deps.now()) : undefined;
  },
  unitExists: async (deps, code) => (await getUnit(deps.db, code)) !== undefined,
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

function send(res: Response, error: AppError): void {
  res.status(error.status).json(errorBody(error, res.locals.requestId as string));
}

/** `routes`: usually ALL_ROUTES (server/routes.ts); tests may pass a subset. */
/** How long /readyz waits for the database before answering 503. */
const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createApp(deps: AppDeps, routes: readonly RouteSpec[]): express.Express {
  const seen = new Set<string>();
  for (const spec of routes) {
    const key = `${spec.method} ${spec.path}`;
    if (seen.has(key)) throw new Error(`route defined twice: ${key}`);
    seen.add(key);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Off unless configured: then X-Forwarded-For is believed only from the named proxies (or the
  // given number of hops), and req.ip is the client in front of them (the sign-in limit counts it).
  const trust = deps.config.trustProxy;
  if (trust) app.set('trust proxy', 'hops' in trust ? trust.hops : trust.addresses);

  app.use(requestId);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The route pattern, never the concrete URL or query string (which could carry anything).
      deps.logger.info(
        {
          requestId: res.locals.requestId,
          clientRequestId: res.locals.clientRequestId as string | undefined,
          method: req.method,
          route: (res.locals.route as string | undefined) ?? 'unmatched',
          unit: res.locals.unit as string | undefined,
          userId: res.locals.userId as number | undefined,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'request',
      );
    });
    next();
  });
  mountAddin(app, undefined, () => deps.config.addinApiOrigins ?? []);
  app.use(helmet());
  mountPreviewIndex(app);
  mountWeb(app);

  app.get('/healthz', (_req, res) => {
    res.locals.route = '/healthz';
    res.json({ status: 'ok' });
  });
  // Readiness (for a load balancer in front of several instances): the process is up AND its
  // database answers; 503 sends traffic to another instance meanwhile.
  app.get('/readyz', async (_req, res) => {
    res.locals.route = '/readyz';
    try {
      await withTimeout(databaseAnswers(deps.db), READINESS_TIMEOUT_MS);
      res.json({ status: 'ready', engine: deps.db.engine });
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness: the database does not answer');
      res.status(503).json({ status: 'unavailable', engine: deps.db.engine });
    }
  });

  app.use(API_PREFIX, apiCors(() => deps.config.corsOrigins ?? []));
  app.use(API_PREFIX, ...jsonBodyReaders(deps.config.bodyLimitBytes, new BodyAdmission()), rejectPrototypeKeys);

  const openapi = buildOpenApi(routes);
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.locals.route = `${API_PREFIX}/openapi.json`;
    res.json(openapi);
  });

  for (const spec of routes) app[spec.method](expressPath(spec), mountRoute(spec, deps, ROUTE_GUARDS));

  app.use((_req: Request, res: Response) => send(res, new AppError('not_found')));

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof AppError) return send(res, err);
    if (err instanceof ZodError) return send(res, new AppError('invalid_request', {}, { issues: zodIssues(err, '') }));
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return send(res, new AppError('payload_too_large'));
      const issues: ApiIssue[] = [{ path: err.field ?? 'file', message: err.code }];
      return send(res, new AppError('invalid_upload', {}, { issues }));
    }
    const parserError = err as BodyParserError;
    switch (parserError?.type) {
      case 'entity.parse.failed':
        return send(res, new AppError('malformed_json'));
      case 'entity.too.large':
        return send(res, new AppError('payload_too_large', {}, { extra: { limitBytes: deps.config.bodyLimitBytes } }));
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return send(res, new AppError('unsupported_media_type'));
      case 'request.aborted':
        return send(res, new AppError('request_aborted'));
    }
    const client = undecodableBody(err) ?? malformedMultipart(err);
    if (client) return send(res, client);
    const error = err instanceof Error ? err : new Error(String(err));
    if (isStorageFull(error)) {
      deps.logger.error({ requestId: res.locals.requestId, route: res.locals.route, err: error }, 'disk full: request refused');
      res.setHeader('Retry-After', '300');
      return send(res, storageFullError());
    }
    deps.logger.error({ requestId: res.locals.requestId, route: res.locals.route, err: error }, 'unhandled error');
    send(res, new AppError('internal_error'));
  });

  return app;
}
