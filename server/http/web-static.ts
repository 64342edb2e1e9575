/**
 * Serves the web page for staff without the add-in (dist/web, built by `npm run build:web`) at
 * /web/, under the app's default helmet policy (scripts from this origin only). The page signs in
 * against the same API with the same accounts.
 */
import compression from 'compression';
import express, { type Express } from 'express';
import { existsSync } from 'fs';
import { join } from 'path';
import { addinBuildDir, cacheHashedAssets } from './addin-static';
import { servePrecompressed } from './precompressed';

export function webBuildDir(): string {
  return join(addinBuildDir(), '..', 'web');
}

export function mountWeb(app: Express, dir = webBuildDir()): void {
  app.use('/web', (req, res, next) => {
    res.locals.route = '/web';
    if (!existsSync(join(dir, 'index.html'))) {
      res.status(503).type('text/plain; charset=utf-8').send('网页尚未构建：请运行 npm run build:web / The web page is not built yet: run npm run build:web');
      return;
    }
    next();
  }, servePrecompressed(dir, cacheHashedAssets), compression(), express.static(dir, { index: 'index.html', fallthrough: false, setHeaders: cacheHashedAssets }));
}
