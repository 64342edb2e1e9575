/**
 * The 同步提交 pane in Chromium (browser preview, real server on a loopback port) signed in as
 * another village than the demo sheet's (a shared township PC with the last sign-in remembered):
 * nothing is synced, the pane says which village the sheet belongs to and which account is signed
 * in, and only a tick naming both lets the rows go. The message fits the 350 px pane; a screenshot
 * is kept (dist/screenshots/sync-other-village.png).
 *
 * Needs dist/addin (npm test builds it first).
 */
import { join } from 'path';
import { DEMO_PASSWORD } from '../../server/seed/demo-units';
import { addinPagesInChromium, requireAddinBuild, SHOTS } from './addin-pages';

const WAIT = { timeout: 20_000 };

describe('同步提交 signed in as another village than the sheet’s', () => {
  const pages = addinPagesInChromium();

  it('stops before any upload, names both villages, and syncs only after the tick', async () => {
    requireAddinBuild('preview.html');
    const server = pages.server;
    const { page, errors } = await pages.open(`${server.baseUrl}/preview`, { width: 1366, height: 768 });
    await page.locator('[data-testid="preview-grid"]').waitFor(WAIT);
    await page.getByRole('tab', { name: '同步提交' }).click();
    const pane = page.locator('[data-pane-root="sync"]');
    await pane.waitFor({ state: 'visible', ...WAIT });
    await pane.getByLabel('用户名').fill('demo-village2');
    await pane.getByLabel('密码').fill(DEMO_PASSWORD);
    await pane.getByRole('button', { name: '登录' }).click();
    await pane.getByText('已登录：demo-village2（东瓜示例村）').waitFor(WAIT);

    const message = pane.getByTestId('sync-other-village');
    await message.waitFor(WAIT);
    const text = (await message.textContent()) ?? '';
    expect(text).toContain('本表是“示范村”的台账');
    expect(text).toContain('东瓜示例村');
    expect(await pane.getByRole('button', { name: '立即同步' }).isDisabled()).toBe(true);
    // nothing of the sheet's people reached 东瓜示例村's ledger
    const rows = await server.request('GET', '/api/v1/ledgers/532301102201/rows?pageSize=500', { token: await server.login('demo-village2') });
    const before = rows.body.total as number;
    // the message fits the pane (no sideways scrolling at 350 px)
    expect(await message.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await message.screenshot({ path: join(SHOTS, 'sync-other-village.png') });

    await message.getByRole('checkbox').check();
    await pane.getByRole('button', { name: '仍然同步到“东瓜示例村”' }).click();
    await pane.getByTestId('sync-result').waitFor(WAIT);
    const after = await server.request('GET', '/api/v1/ledgers/532301102201/rows?pageSize=500', { token: await server.login('demo-village2') });
    expect(after.body.total).toBeGreaterThan(before);
    expect(errors).toEqual([]);
  });
});
