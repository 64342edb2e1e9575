/**
 * Request ids. Every request gets a server-made id (UUID): it goes into the audit trail, the logs
 * and error bodies, and is sent back as X-Request-Id, so a client can never choose, reuse or forge
 * the id an audit entry is filed under. A client's own well-formed X-Request-Id (not shaped like
 * personal data) is kept as the client's id: echoed as X-Client-Request-Id and logged beside the
 * server id, so the two can be matched.
 */
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { looksPersonal } from './scrub';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && ACCEPTABLE.test(given) && !looksPersonal(given)) {
    res.locals.clientRequestId = given;
    res.setHeader('X-Client-Request-Id', given);
  }
  next();
}
