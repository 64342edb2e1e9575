/**
 * A server address the panes' Content-Security-Policy does not allow (not in ADDIN_API_ORIGINS):
 * the browser refuses the connection before anything is sent, and fetch fails exactly as for a
 * server that is down. The sign-in form must say that the add-in's settings do not allow the
 * address and what the administrator sets — not "unreachable" — zh-CN first, en beside; an
 * allowed address whose server is down still says "unreachable". Real Chromium, real server.
 * Needs dist/addin (npm test builds it first).
 */
import { createServer } from 'net';
import { join } from 'path';
import { addinPagesInChromium, OFFICE_TELEMETRY_REFUSAL, SHOTS } from './addin-pages';

/** A loopback port nothing listens on (taken, then closed). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('sign-in to an address the add-in does not allow', () => {
  const pages = addinPagesInChromium();
  const WAIT = { timeout: 20_000 } as const;

  it('names ADDIN_API_ORIGINS for a refused address, and still says unreachable for an allowed one that is down', async () => {
    // the panes are served from localhost; the county server the clerk types is 127.0.0.1 (another origin)
    const port = new URL(pages.server.baseUrl).port;
    const county = pages.server.baseUrl;
    const down = `http://127.0.0.1:${await closedPort()}`;
    pages.server.deps.config.addinApiOrigins = [down];
    const expected = /Refused to connect|violates the following Content Security Policy|ERR_CONNECTION_REFUSED/;
    const { page, errors } = await pages.open(`http://localhost:${port}/addin/lookup.html`, { width: 350, height: 700 }, new RegExp(`${OFFICE_TELEMETRY_REFUSAL.source}|${expected.source}`));
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) refusals.push(message.text());
    });
    try {
      await page.waitForSelector('body[data-ready="true"] main', WAIT);
      const server = page.getByLabel('服务器地址');
      await server.fill(county);
      await page.getByLabel('用户名').fill('demo-village');
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: '登录' }).click();
      const blocked = page.getByText(/加载项的设置不允许连接此地址/);
      await blocked.waitFor(WAIT);
      const text = (await blocked.textContent()) ?? '';
      expect(text).toContain(`（${county}）`);
      expect(text).toContain('管理员在提供加载项的服务器上把它加入 ADDIN_API_ORIGINS');
      // zh-CN first, en beside
      expect(text.indexOf('加载项的设置')).toBeLessThan(text.indexOf("The add-in's settings do not allow this address"));
      expect(await page.getByText(/无法连接服务器/).count()).toBe(0);
      expect(refusals.length).toBeGreaterThan(0); // the browser did refuse it by the policy
      await page.screenshot({ path: join(SHOTS, 'lookup-signin-blocked.png') });

      // an address the settings allow, but nobody answers there: the usual message
      await server.fill(down);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByText(/无法连接服务器/).waitFor(WAIT);
      expect(await page.getByText(/加载项的设置不允许连接此地址/).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      pages.server.deps.config.addinApiOrigins = undefined;
      await page.close();
    }
  });
});
