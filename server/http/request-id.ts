/** X-Request-Id: taken from the client when well-formed (and not shaped like personal data), else generated; echoed on the response. */
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { looksPersonal } from '../audit/audit-log';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTABLE.test(given) && !looksPersonal(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
