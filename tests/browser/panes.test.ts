/**
 * Every pane page, served by the real server, in real headless Chromium with the real office.js:
 * outside Excel it falls back to the in-memory preview workbook, reads the ledger and reports it.
 * Needs dist/addin (npm test builds it first).
 */
import { join } from 'path';
import { PANES } from '../../addin/app/panes';
import { addinPagesInChromium, SHOTS } from './addin-pages';

describe('task panes in Chromium (browser preview)', () => {
  const pages = addinPagesInChromium();

  it('the preview index links every pane', async () => {
    const page = await pages.browser.newPage();
    await page.goto(`${pages.server.baseUrl}/`);
    const links = await page.$$eval('a[href^="/addin/"]', (anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(links).toEqual(PANES.map((pane) => `/addin/${pane.name}.html`));
    await page.close();
  });

  it.each(PANES.map((pane) => [pane.name, pane.title.zh]))('%s pane loads office.js, connects to the preview host, in zh-CN', async (pane, title) => {
    const { page, errors } = await pages.open(`${pages.server.baseUrl}/addin/${pane}.html`, { width: 350, height: 640 });
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
    const pageRes = await fetch(`${pages.server.baseUrl}/addin/validate.html`);
    expect(pageRes.headers.get('x-frame-options')).toBeNull();
    expect(pageRes.headers.get('content-security-policy')).toContain('https://*.officeapps.live.com');
    const apiRes = await fetch(`${pages.server.baseUrl}/healthz`);
    expect(apiRes.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
