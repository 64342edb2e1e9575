/**
 * 台账校验 and 接办流程 in real headless Chromium against the real server: the standalone pane page
 * at 350 px (as Excel shows a task pane) and the /preview page at 1366 × 768 (a village clerk's
 * screen), zh-CN. Screenshots go to dist/screenshots/ as test artefacts. Any console error fails.
 * Needs dist/addin (npm test builds it first).
 */
import { join } from 'path';
import { addinPagesInChromium, OFFICE_TELEMETRY_REFUSAL, SHOTS } from './addin-pages';

describe('台账校验 and 接办流程 in Chromium', () => {
  const pages = addinPagesInChromium();
  // the telemetry page's CSP refusal is the only console error tolerated
  const open = (url: string, viewport: { width: number; height: number }) => pages.open(url, viewport, OFFICE_TELEMETRY_REFUSAL);

  it('validate pane at 350 px: summary, findings by row, fix and undo', async () => {
    const { page, errors } = await open(`${pages.server.baseUrl}/addin/validate.html`, { width: 350, height: 700 });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await page.getByRole('button', { name: '开始校验' }).click();
    const counts = page.getByTestId('summary-counts');
    await counts.waitFor();
    expect(await counts.textContent()).toMatch(/^共7行数据：\d+个错误，\d+个警告。$/);
    await page.screenshot({ path: join(SHOTS, 'validate-350-summary.png'), fullPage: false });
    await page.screenshot({ path: join(SHOTS, 'validate-350-full.png'), fullPage: true });
    // one-click fixes and their undo
    await page.getByRole('button', { name: '全部修正' }).click();
    await page.getByText(/已修正\d+处，可撤销。/).waitFor();
    await page.getByRole('button', { name: '撤销刚才的修正' }).click();
    await page.getByText('已撤销，原值已写回。').waitFor();
    // no horizontal scrolling at 350 px
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(350);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('preview at 1366 × 768: a finding clicked selects its cell in the grid; marks show in the grid', async () => {
    const { page, errors } = await open(`${pages.server.baseUrl}/preview?pane=validate`, { width: 1366, height: 768 });
    const pane = page.locator('[data-pane-root="validate"]');
    // the pane's tabs fit on one row of the 350 px pane (审核 not wrapped onto a second row)
    const tabs = await page.getByRole('tablist', { name: '加载项窗格' }).getByRole('tab').evaluateAll((nodes) =>
      nodes.map((node) => {
        const box = node.getBoundingClientRect();
        return { top: box.top, right: box.right };
      }),
    );
    const paneBox = (await page.getByRole('complementary', { name: '任务窗格' }).boundingBox())!;
    expect(tabs).toHaveLength(6); // 台账校验 线索查询 接办流程 同步提交 汇总 审核
    expect(new Set(tabs.map((tab) => tab.top)).size).toBe(1);
    expect(Math.max(...tabs.map((tab) => tab.right))).toBeLessThanOrEqual(paneBox.x + paneBox.width);
    await pane.getByRole('button', { name: '开始校验' }).click();
    await pane.getByTestId('summary-counts').waitFor();
    const finding = pane.getByRole('button', { name: /^定位到 [A-Z]+\d+：/ }).first();
    const label = (await finding.getAttribute('aria-label'))!;
    const cell = /^定位到 ([A-Z]+\d+)：/.exec(label)![1];
    await finding.click();
    await page.locator(`[data-cell="${cell}"][aria-selected="true"]`).waitFor();
    await pane.getByRole('button', { name: '标注问题单元格' }).click();
    await page.locator('[data-mark="error"]').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'validate-preview-1366x768.png') });
    await pane.screenshot({ path: join(SHOTS, 'validate-preview-pane-350.png') });
    // 全部修正 with marks on: no colour stays on a cell it fixed (F6: 15-digit ID, G9: full-width phone)
    const marked = () => page.locator('[data-mark]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-cell')));
    expect(await marked()).toEqual(expect.arrayContaining(['F6', 'G9']));
    await pane.getByRole('button', { name: '全部修正' }).click();
    await pane.getByText(/^已修正\d+处，可撤销。 标注已按新的校验结果更新/).waitFor();
    const listed = await pane.getByRole('button', { name: /^定位到 [A-Z]+\d+：/ }).evaluateAll((nodes) => nodes.map((node) => /^定位到 ([A-Z]+\d+)/.exec(node.getAttribute('aria-label') ?? '')?.[1]));
    const after = await marked();
    expect(after).not.toContain('F6');
    expect(after).not.toContain('G9');
    for (const cell of after) expect(listed).toContain(cell);
    await page.screenshot({ path: join(SHOTS, 'validate-preview-after-fix.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('handling pane follows the grid selection, recommends with clause and deadline, asks for the verification, writes back', async () => {
    const { page, errors } = await open(`${pages.server.baseUrl}/preview?pane=handling`, { width: 1366, height: 768 });
    const pane = page.locator('[data-pane-root="handling"]');
    await pane.getByTestId('no-row').waitFor();
    // the hint stands under the 读取选中行 button, not squeezed in beside it
    const button = (await pane.getByRole('button', { name: '读取选中行' }).boundingBox())!;
    const hint = (await pane.getByTestId('no-row').boundingBox())!;
    expect(hint.y).toBeGreaterThanOrEqual(button.y + button.height);
    // the clerk clicks 示例乙's name in the grid
    await page.locator('[role="gridcell"]', { hasText: '示例乙' }).first().dispatchEvent('mousedown');
    await pane.getByRole('heading', { name: /示例乙/ }).waitFor();
    await pane.getByRole('radio', { name: '愿意申请' }).check();
    await pane.getByRole('radio', { name: '需协助申请' }).check();
    await pane.getByRole('checkbox', { name: /遭遇急难/ }).check();
    await pane.getByText(/^办理时限：/).first().waitFor();
    // 示例乙 is not verified yet: 办理中 waits for the 核实结果, and the pane says so beside the button
    await pane.getByText('写回前请先回答：核实结果。').waitFor();
    expect(await pane.getByRole('button', { name: '写回台账' }).getAttribute('aria-disabled')).toBe('true');
    await pane.getByTestId('verification').screenshot({ path: join(SHOTS, 'handling-preview-verification-350.png') });
    await pane.getByRole('combobox', { name: '核实结果' }).selectOption('符合救助条件');
    await pane.getByText(/^将写入：处置方式“协助申请、先行救助、临时救助”，办理状态“办理中”/).waitFor();
    await page.screenshot({ path: join(SHOTS, 'handling-preview-1366x768.png') });
    await pane.screenshot({ path: join(SHOTS, 'handling-preview-pane-350.png') });
    await pane.getByRole('button', { name: '写回台账' }).click();
    await pane.getByText(/已写回第\d+行，可撤销。/).waitFor();
    await page.locator('[role="gridcell"]', { hasText: '先行救助' }).first().waitFor();
    await page.locator('[role="gridcell"]', { hasText: '符合救助条件' }).first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});
