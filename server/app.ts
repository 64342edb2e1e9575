/**
 * The Express app: hardening, request ids, JSON body limit, /healthz, /api/v1/openapi.json and
 * every RouteSpec mounted by http/mount.ts; unknown routes and every error answer in the API's
 * JSON error shape, never with a stack trace.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import multer from 'multer';
import { ZodError } from 'zod';
import type { AppDeps } from './app-deps';
import { malformedMultipart, rejectPrototypeKeys, undecodableBody } from './http/body-guard';
import { HttpError, MESSAGES, errorBody, zodIssues } from './http/errors';
import { isStorageFull, storageFullError } from './http/storage-errors';
import { API_PREFIX, expressPath, mountRoute } from './http/mount';
import { buildOpenApi } from './http/openapi';
import { requestId } from './http/request-id';
import type { RouteSpec } from './http/route-table';
import { mountAddin, mountPreviewIndex } from './http/addin-static';
import { mountWeb } from './http/web-static';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

function send(res: Response, status: number, code: string, text: { zh: string; en: string }, issues: { path: string; message: string }[] = [], extra?: Record<string, unknown>): void {
  res.status(status).json(errorBody(code, text, res.locals.requestId as string, issues, extra));
}

/** `routes`: usually ALL_ROUTES (server/routes.ts); tests may pass a subset. */
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
  mountAddin(app);
  app.use(helmet());
  mountPreviewIndex(app);
  mountWeb(app);

  app.get('/healthz', (_req, res) => {
    res.locals.route = '/healthz';
    res.json({ status: 'ok' });
  });

  app.use(API_PREFIX, express.json({ limit: deps.config.bodyLimitBytes, type: ['application/json', '+json'] }), rejectPrototypeKeys);

  const openapi = buildOpenApi(routes);
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.locals.route = `${API_PREFIX}/openapi.json`;
    res.json(openapi);
  });

  for (const spec of routes) app[spec.method](expressPath(spec), mountRoute(spec, deps));

  app.use((_req: Request, res: Response) => send(res, 404, 'not_found', MESSAGES.notFound));

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpError) return send(res, err.status, err.code, err.text, err.issues, err.extra);
    if (err instanceof ZodError) return send(res, 400, 'invalid_request', MESSAGES.invalid, zodIssues(err, ''));
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return send(res, 413, 'payload_too_large', MESSAGES.tooLarge);
      return send(res, 400, 'invalid_upload', { zh: '上传内容不符合要求（只允许一个名为 file 的文件）', en: 'Invalid upload (one file in field "file")' }, [
        { path: err.field ?? 'file', message: err.code },
      ]);
    }
    const parserError = err as BodyParserError;
    switch (parserError?.type) {
      case 'entity.parse.failed':
        return send(res, 400, 'malformed_json', MESSAGES.malformedJson);
      case 'entity.too.large':
        return send(res, 413, 'payload_too_large', MESSAGES.tooLarge, [], { limitBytes: deps.config.bodyLimitBytes });
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return send(res, 415, 'unsupported_media_type', MESSAGES.unsupportedMedia);
      case 'request.aborted':
        return send(res, 400, 'request_aborted', { zh: '请求被中断', en: 'Request aborted' });
    }
    const client = undecodableBody(err) ?? malformedMultipart(err);
    if (client) return send(res, client.status, client.code, client.text, client.issues);
    const error = err instanceof Error ? err : new Error(String(err));
    if (isStorageFull(error)) {
      deps.logger.error({ requestId: res.locals.requestId, route: res.locals.route, err: error }, 'disk full: request refused');
      const full = storageFullError();
      res.setHeader('Retry-After', '300');
      return send(res, full.status, full.code, full.text);
    }
    deps.logger.error({ requestId: res.locals.requestId, route: res.locals.route, err: error }, 'unhandled error');
    send(res, 500, 'internal_error', MESSAGES.internal);
  });

  return app;
}
