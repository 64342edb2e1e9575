/**
 * Serves the built add-in pages (dist/addin, built by `npm run build:addin`) at /addin, and a
 * preview index at / listing every pane, so `npm start` shows the panes in a plain browser.
 *
 * Excel on the web shows a task pane inside a frame from Microsoft's domains: helmet's default
 * X-Frame-Options / frame-ancestors 'self' would block it, so /addin allows those ancestors only.
 *
 * The panes may fetch from 'self' and the API origins configured (ADDIN_API_ORIGINS, see
 * cross-origin.ts): nothing else.
 *
 * Pages and bundles are sent compressed (a village line may be 1.5 Mbps): the production build's
 * brotli-11 / gzip-9 files where they exist (precompressed.ts), else compressed per request; hashed
 * bundles are cached for good.
 */
import compression from 'compression';
import express, { type Express, type Response } from 'express';
import helmet from 'helmet';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { servePrecompressed } from './precompressed';

const OFFICE_FRAME_ANCESTORS = [
  "'self'",
  'https://*.officeapps.live.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft.com',
  'https://*.sharepoint.com',
];

interface PaneLink {
  file: string;
  zh: string;
  en: string;
}

/** The pane list as the add-in build wrote it (dist/addin/panes.json, from addin/app/panes.ts): one list, no copy here. */
function builtPanes(dir: string): PaneLink[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'panes.json'), 'utf8'));
    return Array.isArray(parsed) ? (parsed as PaneLink[]).filter((p) => typeof p.file === 'string' && typeof p.zh === 'string') : [];
  } catch {
    return [];
  }
}

/** dist/addin of the project, whether running from dist/ (node) or from sources (ts-jest). */
export function addinBuildDir(): string {
  for (const up of ['..', '../..', '../../..']) {
    const candidate = resolve(__dirname, up, 'dist', 'addin');
    if (existsSync(join(candidate, '..', '..', 'package.json'))) return candidate;
  }
  return resolve(process.cwd(), 'dist', 'addin');
}

/**
 * `apiOrigins`: API servers on other origins the panes may call (ADDIN_API_ORIGINS): a county
 * server the clerk signs in to. Same-origin calls need nothing.
 */
export function mountAddin(app: Express, dir = addinBuildDir(), apiOrigins: () => readonly string[] = () => []): void {
  app.use(
    '/addin',
    helmet({
      frameguard: false,
      contentSecurityPolicy: {
        directives: {
          'frame-ancestors': OFFICE_FRAME_ANCESTORS,
          // office.js is served locally; it loads its own locale/telemetry scripts from the same folder.
          'script-src': ["'self'", "'unsafe-eval'"],
          // helmet calls a function value per request: the list as configured now
          'connect-src': ["'self'", () => apiOrigins().join(' ')],
        },
      },
    }),
    servePrecompressed(dir, cacheHashedAssets),
    compression(),
    express.static(dir, { fallthrough: true, index: false, setHeaders: cacheHashedAssets }),
  );
}

/** webpack names bundles `[name].[contenthash:8].js`: such a file never changes, so browsers may keep it for a year. */
const HASHED_ASSET = /\.[0-9a-f]{8}\.(?:js|css)$/;

/**
 * Cache headers for static pages: hashed bundles are immutable; everything else (the HTML pages that
 * name the current bundles, office.js, icons) is revalidated, so a deployment is picked up at once.
 */
export function cacheHashedAssets(res: Response, path: string): void {
  res.setHeader('Cache-Control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** The preview index at /: a link per pane (mount after the global helmet). */
export function mountPreviewIndex(app: Express, dir = addinBuildDir()): void {
  // The browser preview: the demo workbook beside the panes (addin/preview), served with the pages.
  app.get('/preview', (req, res) => {
    res.locals.route = '/preview';
    const query = req.originalUrl.indexOf('?');
    res.redirect(302, `/addin/preview.html${query >= 0 ? req.originalUrl.slice(query) : ''}`);
  });
  app.get('/', (_req, res) => {
    res.locals.route = '/';
    const built = existsSync(join(dir, 'validate.html'));
    const esc = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const items = builtPanes(dir).map((pane) => `<li><a href="/addin/${esc(pane.file)}">${esc(pane.zh)}</a> · ${esc(pane.en)}</li>`).join('');
    const missing = built ? '' : '<p style="color:#b10e1c">加载项尚未构建：请运行 npm run build:addin / The add-in is not built yet: run npm run build:addin</p>';
    res.type('html').send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>社会救助主动发现台账</title></head>` +
        `<body style="font-family:'Microsoft YaHei','PingFang SC',sans-serif;margin:24px">` +
        `<h1>社会救助主动发现台账 · Proactive-discovery ledger</h1>` +
        `<p><a href="/preview"><strong>浏览器预览：示例台账与加载项的各任务窗格</strong></a> / Browser preview: the demo workbook beside the add-in's panes</p>` +
        `<p>单独打开各窗格（演示工作簿）/ Each pane on its own (demo workbook):</p><ul>${items}</ul>${missing}` +
        `<p>未安装加载项（WPS、LibreOffice、手机）：<a href="/web/">网页版台账</a> / Without the add-in: <a href="/web/">web page</a></p>` +
        `<p>接口 / API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> · <a href="/healthz">/healthz</a></p></body></html>`,
    );
  });
}
