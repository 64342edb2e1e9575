/**
 * The add-in talking to a county server on another origin. Two sides, each configured where it runs:
 *  - ADDIN_API_ORIGINS (the server that serves the panes): the API servers the panes may call,
 *    added to the panes' Content-Security-Policy connect-src beside 'self'. Without it a clerk who
 *    types the county's address into the sign-in form is blocked by the browser.
 *  - CORS_ORIGINS (the API server): the origins of the add-in pages allowed to call this API from a
 *    browser (Access-Control-Allow-Origin for exactly those, never `*`). Bearer tokens, no cookies:
 *    credentials are not allowed.
 * Both are read per request from the server's config (a test can set them once its port is known).
 * Each is a comma-separated list of origins such as https://addin.example.gov.cn (https, or http
 * on localhost / 127.0.0.1 for development).
 */
import type { NextFunction, Request, Response } from 'express';

/** Parses one of the lists; a bad entry is an error naming the variable, the entry and the form expected. */
export function parseOrigins(text: string | undefined, name: string): string[] {
  if (text === undefined || text.trim() === '') return [];
  const origins: string[] = [];
  for (const entry of text.split(/[,\s]+/).filter((s) => s !== '')) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`${name}: 不是有效网址：${entry}（应形如 https://addin.example.gov.cn）/ not a URL: ${entry} (expected e.g. https://addin.example.gov.cn)`);
    }
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      throw new Error(`${name}: 必须使用 https：${entry} / must be https: ${entry}`);
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
      throw new Error(`${name}: 只填写来源（协议、主机和端口），不带路径：${entry} → ${url.origin} / an origin only (scheme, host, port), no path: ${entry} → ${url.origin}`);
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

/** What the pane's client sends (addin/api/client.ts) and reads back. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, X-Request-Id';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After';

/**
 * CORS for the API: a request from an allowed origin gets Access-Control-Allow-Origin naming it
 * (Vary: Origin); its preflight (OPTIONS) is answered here with 204. Other origins get no CORS
 * headers, so browsers keep refusing them; same-origin requests are untouched.
 */
export function apiCors(allowed: () => readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed().includes(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS') {
      res.locals.route = 'preflight';
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
