/**
 * How a pane page loads over a slow line (Chromium, the network emulated at 1 Mbps / 300 ms RTT):
 * the host's code chunk is asked for while the shared bundles are still arriving (addin/pages/boot.ts
 * preloads it), not one round trip after them; the Office host's chunk is not fetched in a plain
 * browser; no file is fetched twice; the pane still ends connected and rendered.
 * Needs dist/addin (npm test builds it first).
 */
import { addinPagesInChromium, OFFICE_TELEMETRY_REFUSAL } from './addin-pages';
import { ZH_CONTEXT } from './chromium';

interface Fetch {
  file: string;
  requested: number;
  finished?: number;
}

describe('pane page loading over a slow line', () => {
  const pages = addinPagesInChromium();

  it('the demo host chunk is requested while the vendor bundle still loads, once, and the Office one never', async () => {
    const context = await pages.browser.newContext({ ...ZH_CONTEXT, viewport: { width: 350, height: 640 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !OFFICE_TELEMETRY_REFUSAL.test(message.text())) errors.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 300, downloadThroughput: 1_000_000 / 8, uploadThroughput: 1_000_000 / 8 });
    const fetches = new Map<string, Fetch>();
    const requested: string[] = [];
    cdp.on('Network.requestWillBeSent', (event: { requestId: string; timestamp: number; request: { url: string } }) => {
      const file = new URL(event.request.url).pathname.replace(/^\/addin\//, '');
      requested.push(file);
      fetches.set(event.requestId, { file, requested: event.timestamp });
    });
    cdp.on('Network.loadingFinished', (event: { requestId: string; timestamp: number }) => {
      const fetch = fetches.get(event.requestId);
      if (fetch) fetch.finished = event.timestamp;
    });

    await page.goto(`${pages.server.baseUrl}/addin/validate.html`);
    await page.waitForSelector('body[data-ready="true"] main', { timeout: 30_000 });
    const meta = async (kind: string) => (await page.getAttribute(`meta[name="addin-host-${kind}"]`, 'content'))?.split(/\s+/).filter(Boolean) ?? [];
    const demoChunks = await meta('demo');
    const officeChunks = await meta('office');
    expect(demoChunks.length).toBeGreaterThan(0);
    expect(officeChunks.length).toBeGreaterThan(0);

    const byFile = (file: string) => [...fetches.values()].filter((f) => f.file === file);
    const vendor = [...fetches.values()].find((f) => /^vendor\.[0-9a-f]{8}\.js$/.test(f.file));
    expect(vendor?.finished).toBeDefined();
    for (const chunk of demoChunks) {
      expect(byFile(chunk)).toHaveLength(1);
      expect(byFile(chunk)[0].requested).toBeLessThan(vendor!.finished!);
    }
    for (const chunk of officeChunks) expect(byFile(chunk)).toHaveLength(0);
    const scripts = requested.filter((file) => file.endsWith('.js'));
    expect(scripts).toEqual([...new Set(scripts)]);
    expect(await page.getAttribute('body', 'data-host')).toBe('memory');
    expect(errors).toEqual([]);
    await context.close();
  });
});
