/**
 * Sends the `.br` / `.gz` files the production build writes beside each bundle (webpack.base.js,
 * PrecompressPlugin) instead of compressing per request: brotli at level 11 is ~18 % smaller than
 * the compression middleware's on-the-fly level 4, which matters on a 1.5 Mbps village line, and it
 * costs the server no CPU per request. Anything without such a file (development builds, small
 * files) falls through to the compression middleware and express.static as before.
 */
import type { RequestHandler, Response } from 'express';
import { statSync } from 'fs';
import { extname, resolve, sep } from 'path';

/** Content types of the files the build precompresses (the encoded file's own extension says nothing). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** In the order we prefer them: brotli is the smaller one. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * `setHeaders` gets the path of the file as requested (not the `.br` one), so cache rules keyed on the
 * name (content-hashed bundles) apply alike to both ways of sending it.
 */
export function servePrecompressed(dir: string, setHeaders: (res: Response, path: string) => void): RequestHandler {
  const root = resolve(dir);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const type = CONTENT_TYPES[extname(req.path)];
    if (!type) return next();
    let relative: string;
    try {
      relative = decodeURIComponent(req.path);
    } catch {
      return next(); // malformed escapes: express.static answers those
    }
    const file = resolve(root, `.${relative}`);
    // only files inside the build folder, never hidden ones (express.static's own rules)
    if (!file.startsWith(root + sep) || file.slice(root.length).split(sep).some((part) => part.startsWith('.'))) return next();
    if (!isFile(file)) return next();
    // the response differs by Accept-Encoding whichever variant is sent
    res.vary('Accept-Encoding');
    const encoding = ENCODINGS.find((e) => req.acceptsEncodings(e.name) === e.name && isFile(file + e.suffix));
    if (!encoding) return next();
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Encoding', encoding.name);
    setHeaders(res, file);
    res.sendFile(file + encoding.suffix, { cacheControl: false, dotfiles: 'deny' }, (error?: Error) => {
      if (error && !res.headersSent) next(error);
    });
  };
}
