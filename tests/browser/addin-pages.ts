/**
 * What the suites on the add-in's pages share: the real server (demo seed) and Debian's Chromium,
 * started once per suite, a page opened with its errors collected, and where screenshots go.
 * Needs dist/addin (npm test builds it first; the suite fails saying so otherwise).
 */
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import type { Browser, Page } from 'playwright-core';
import { addinBuildDir } from '../../server/http/addin-static';
import { startTestServer, type TestServer } from '../server/helpers';
import { launchChromium } from './chromium';

/** Screenshots of the pane pages (test artefacts, not checked in). */
export const SHOTS = resolve(__dirname, '..', '..', 'dist', 'screenshots');

/** office.js outside Office tries to frame Microsoft's telemetry page, which the add-in's CSP refuses (as it should). */
export const OFFICE_TELEMETRY_REFUSAL = /telemetryservice\.firstpartyapps\.oaspapps\.com/;

/** Fails the suite with how to fix it when the add-in has not been built. */
export function requireAddinBuild(page = 'validate.html'): void {
  if (!existsSync(join(addinBuildDir(), page))) {
    throw new Error('dist/addin is not built: run npm run build:addin (npm test does it first)');
  }
}

export interface AddinPages {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new zh-CN page at `url`; `errors` collects page errors and console errors (but those `tolerate` matches). */
  open(url: string, viewport: { width: number; height: number }, tolerate?: RegExp): Promise<{ page: Page; errors: string[] }>;
}

/** Registers beforeAll/afterAll in the calling describe block: server + browser up once, closed after. */
export function addinPagesInChromium(): AddinPages {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    requireAddinBuild();
    server = await startTestServer({ seed: 'platform' });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started (only inside the suite's tests)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'the test server');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    async open(url, viewport, tolerate) {
      const page = await started(browser, 'Chromium').newPage({ viewport, locale: 'zh-CN' });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && !(tolerate && tolerate.test(message.text()))) errors.push(message.text());
      });
      await page.goto(url);
      return { page, errors };
    },
  };
}
