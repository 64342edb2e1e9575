/**
 * Every pane page, served by the real server, in real headless Chromium with the real office.js:
 * outside Excel it falls back to the in-memory preview workbook, reads the ledger and reports it.
 * Needs dist/addin (npm test builds it first).
 */
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import type { Browser } from 'playwright-core';
import { addinBuildDir } from '../../server/http/addin-static';
import { startTestServer, type TestServer } from '../server/helpers';
import { launchChromium } from './chromium';
import { PANES } from '../../addin/app/panes';

const SHOTS = resolve(__dirname, '..', '..', 'dist', 'screenshots');

describe('task panes in Chromium (browser preview)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(addinBuildDir(), 'validate.html'))) {
      throw new Error('dist/addin is not built: run npm run build:addin (npm test does it first)');
    }
    server = await startTestServer({ seed: 'platform' });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the preview index links every pane', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/`);
    const links = await page.$$eval('a[href^="/addin/"]', (anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(PANES.map((pane) => `/addin/${pane.name}.html`));
    await page.close();
  });

  it.each(PANES.map((pane) => [pane.name, pane.title.zh]))('%s pane loads office.js, connects to the preview host, in zh-CN', async (pane, title) => {
    const page = await browser.newPage({ viewport: { width: 350, height: 640 }, locale: 'zh-CN' });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.baseUrl}/addin/${pane}.html`);
    // data-ready is '' while the host is still loading: wait for its outcome, then check it.
    await page.waitForSelector('body[data-ready="true"], body[data-ready="error"]', { timeout: 20000 });
    expect(await page.getAttribute('body', 'data-ready')).toBe('true');
    expect(await page.getAttribute('body', 'data-host')).toBe('memory');
    expect(await page.textContent('#pane-title')).toBe(title);
    expect(await page.textContent('#host-line')).toMatch(/浏览器预览/);
    expect(await page.evaluate(() => typeof (window as unknown as { Office?: unknown }).Office)).toBe('object');
    await page.screenshot({ path: join(SHOTS, `${pane}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the add-in pages may be framed by Office on the web, the API may not', async () => {
    const pageRes = await fetch(`${server.baseUrl}/addin/validate.html`);
    expect(pageRes.headers.get('x-frame-options')).toBeNull();
    expect(pageRes.headers.get('content-security-policy')).toContain('https://*.officeapps.live.com');
    const apiRes = await fetch(`${server.baseUrl}/healthz`);
    expect(apiRes.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
