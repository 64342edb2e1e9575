/**
 * The 汇总 and 审核 panes end to end on the browser preview (/preview) in Debian's Chromium against
 * the real server (port 0, demo seed), at 1366×768 with the pane 350 px wide: the county's summary,
 * drill-down to a township and back up by the breadcrumb, the consolidated rows pulled into a new
 * sheet of the preview workbook; the township opens the village's submitted month (rows and
 * findings), a return without a reason is refused in the pane, with one it is returned — and the
 * village reads the reason in its 同步提交 pane. Any console or page error fails the test.
 * Screenshots at 350 px go to artifacts/screenshots/ (gitignored).
 */
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { chinaDate } from '../../ledger/dates';
import { addinBuildDir } from '../../server/http/addin-static';
import { startTestServer, type TestServer } from '../server/helpers';
import { launchChromium, ZH_CONTEXT } from './chromium';
import { getLeadRow, transition } from '../../server/leads/lifecycle';

/**
 * The demo leads all wait at their township (just imported): move some along the life cycle — sent
 * to a village, one being verified — and let three run past their due date, so the summary's
 * charts have several states and overdue leads to draw.
 */
async function moveLeadsOn(server: TestServer): Promise<void> {
  const db = server.deps.db;
  const waiting = await db.all<{ lead_no: string; township_code: string }>("SELECT lead_no, township_code FROM leads WHERE state = '已派至乡镇' ORDER BY lead_no");
  expect(waiting.length).toBeGreaterThan(6);
  const actor = { username: 'demo-township', unitCode: '532301101' };
  for (const [i, lead] of waiting.slice(0, 4).entries()) {
    let row = (await getLeadRow(db, lead.lead_no))!;
    const village = `${lead.township_code}201`;
    row = await transition(db, row, '已下发村', actor, server.deps.now(), { village_code: village, unit_code: village });
    if (i === 0) await transition(db, row, '核实中', actor, server.deps.now());
  }
  // three leads whose ten working days ran out (the fixture's stand-in for time passing)
  for (const lead of waiting.slice(3, 6)) await db.run("UPDATE leads SET due_on = '2026-01-05' WHERE lead_no = ?", [lead.lead_no]);
}

const SHOTS = resolve(__dirname, '..', '..', 'artifacts', 'screenshots');
const VILLAGE = '532301101201'; // 示范村, 鹿城镇
const WAIT = { timeout: 30_000 };
const REASON = '第2行核实结果未填写，请补充后重新报送';

describe('汇总 and 审核 panes in the browser preview', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const month = chinaDate(new Date()).slice(0, 7);

  beforeAll(async () => {
    if (!existsSync(join(addinBuildDir(), 'preview.html'))) {
      throw new Error('dist/addin is not built: run npm run build:addin (npm test does it first)');
    }
    server = await startTestServer();
    // the village has submitted this month (the month the panes open on)
    const village = await server.login('demo-village');
    const submitted = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token: village, body: { month } });
    expect(submitted.status).toBe(201);
    await moveLeadsOn(server);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...ZH_CONTEXT });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(`${server.baseUrl}/preview?pane=summary`);
    await page.locator('[data-testid="preview-grid"]').waitFor(WAIT);
  }, 60_000);

  afterEach(() => {
    expect(problems.splice(0, problems.length)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pane = (name: string): Locator => page.locator(`[data-pane-root="${name}"]`);
  const shot = (name: string, locator: Locator) => locator.screenshot({ path: join(SHOTS, `${name}.png`) });

  async function openPane(name: string, title: string) {
    await page.getByRole('tab', { name: title, exact: true }).click();
    await pane(name).waitFor({ state: 'visible', ...WAIT });
  }

  async function signIn(root: Locator, username: string, unitName: string) {
    await root.getByLabel('用户名').fill(username);
    await root.getByLabel('密码').fill('demo1234');
    await root.getByRole('button', { name: '登录' }).click();
    await root.getByText(`已登录：${username}（${unitName}）`).waitFor(WAIT);
  }

  async function signOut(root: Locator) {
    await root.getByRole('button', { name: '退出登录' }).click();
    await root.getByRole('button', { name: '登录' }).waitFor(WAIT);
  }

  it('county: summary, drill down to a township, back up by the breadcrumb, rows into a new sheet', async () => {
    const summary = pane('summary');
    await summary.waitFor(WAIT);
    await signIn(summary, 'demo-county', '楚雄市');
    const children = summary.getByTestId('summary-children');
    await children.waitFor(WAIT);
    expect(await summary.getByTestId('summary-kpis').textContent()).toContain('台账行');
    // the pane fits its 350 px: nothing scrolls sideways
    expect(await summary.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await shot('summary-county', summary);

    // leads by source × state: one bar per source read as a sentence, its states named with numbers
    const sources = summary.getByTestId('summary-sources');
    const bar = sources.getByRole('img', { name: /^残联：共 \d+ 条；/ });
    const sentence = (await bar.getAttribute('aria-label')) ?? '';
    expect(sentence).toMatch(/已派至乡镇 \d+/);
    expect(sentence).toMatch(/已下发村 [1-9]/);
    expect(sentence).toMatch(/核实中 1/);
    await sources.scrollIntoViewIfNeeded();
    const parts = await sources.locator('[data-part]').allTextContents();
    expect(parts.length).toBeGreaterThanOrEqual(3);
    // each state's name and number is on screen in full (not cut off at 350 px)
    for (const part of await sources.locator('[data-part]').all()) expect(await part.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await sources.screenshot({ path: join(SHOTS, 'summary-chart-states.png') });
    // overdue leads by township, as a chart of its own, most overdue first
    const overdue = summary.getByTestId('summary-overdue');
    await overdue.scrollIntoViewIfNeeded();
    const lines = await overdue.getByRole('listitem').allTextContents();
    const counts = lines.map((line) => Number(/(\d+) 条$/.exec(line)?.[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(lines.some((line) => line.startsWith('鹿城镇'))).toBe(true);
    await overdue.screenshot({ path: join(SHOTS, 'summary-chart-overdue.png') });
    expect(await summary.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

    await children.getByRole('button', { name: '查看 鹿城镇 的汇总' }).click();
    const crumbs = summary.getByTestId('summary-crumbs');
    await crumbs.locator('[aria-current="page"]', { hasText: '鹿城镇' }).waitFor(WAIT);
    const villages = summary.getByTestId('summary-villages');
    await villages.getByText('示范村').waitFor(WAIT);
    const villageText = await villages.textContent();
    expect(villageText).toContain('待审核'); // 示范村 submitted this month (已提交), as 审核 names it
    expect(villageText).toContain('未提交'); // the others have not: shown as such, not as zero
    await shot('summary-township', summary);

    await crumbs.getByRole('button', { name: '楚雄市' }).click();
    await crumbs.locator('[aria-current="page"]', { hasText: '楚雄市' }).waitFor(WAIT);
    await children.getByRole('button', { name: '查看 鹿城镇 的汇总' }).waitFor(WAIT);

    await summary.getByRole('button', { name: '写入新工作表' }).click();
    const status = summary.getByTestId('pull-status');
    await status.getByText(/已写入工作表“汇总明细 楚雄市 \d{4}-\d{2}”：\d+ 行。/).waitFor(WAIT);
    const rows = Number(/：(\d+) 行/.exec((await status.textContent()) ?? '')?.[1]);
    const county = await server.login('demo-county');
    const all = await server.request('GET', '/api/v1/exports/consolidated-rows?unit=532301&limit=5000', { token: county });
    expect(rows).toBe(all.body.rows.length);
    // the new sheet is a tab of the workbook, and the grid shows it
    await page.getByRole('tab', { name: /^汇总明细 楚雄市/ }).waitFor(WAIT);
    await shot('summary-pulled', summary);
    await page.screenshot({ path: join(SHOTS, 'summary-pulled-page.png') });
    await signOut(summary);
  });

  it('township: opens the submitted month, a return needs a reason, the village sees it', async () => {
    await openPane('review', '审核');
    const review = pane('review');
    await signIn(review, 'demo-township', '鹿城镇');
    // first the queue of every waiting month (here: this month of 示范村), then the month view
    const queue = review.getByTestId('review-queue');
    await queue.locator(`[data-village="${VILLAGE}"][data-month="${month}"]`).getByText(/示范村/).waitFor(WAIT);
    expect(await review.getByRole('tab', { name: '待审核（1）' }).getAttribute('aria-selected')).toBe('true');
    expect(await review.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    expect(await queue.locator(`[data-village="${VILLAGE}"]`).textContent()).toMatch(/今天报送|已等 \d+ 天/);
    await shot('review-queue', review);
    await review.getByRole('tab', { name: '按月查看' }).click();
    const list = review.getByTestId('review-list');
    await list.locator(`[data-village="${VILLAGE}"]`).getByText('待审核').waitFor(WAIT);
    // each village's text stays in its own column: nothing runs on under the state badge and button
    const overflowing = await list.locator('li > div:first-child').evaluateAll((mains) => mains.filter((main) => main.scrollWidth > main.clientWidth + 1).length);
    expect(overflowing).toBe(0);
    await shot('review-list', review);
    await review.getByRole('tab', { name: /^待审核/ }).click();

    await queue.getByRole('button', { name: `打开 示范村 ${month.slice(0, 4)}年${Number(month.slice(5))}月` }).click();
    await review.getByTestId('review-rows').waitFor(WAIT);
    expect(await review.getByTestId('review-rows').locator('tr').count()).toBeGreaterThan(0);
    expect(await review.textContent()).toMatch(/问题（\d+ 行：|问题：无/);
    expect(await review.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await shot('review-detail', review);
    // who submitted: the village's 经办人, not a login name
    expect(await review.textContent()).not.toMatch(/demo-village/);
    await review.getByText(/已提交（示范村 经办人）$/).waitFor(WAIT);

    await review.getByRole('button', { name: '退回', exact: true }).click();
    await review.getByText('请填写退回原因，说明要修改什么。').waitFor(WAIT);
    await review.getByLabel(/退回原因/).fill(REASON);
    await review.getByRole('button', { name: '退回', exact: true }).click();
    await review.getByText(`示范村 ${month.slice(0, 4)}年${Number(month.slice(5))}月 已退回，原因已通知该村。`).waitFor(WAIT);
    await shot('review-returned', review);
    // decided: the month has left the queue
    await review.getByRole('button', { name: '‹ 返回列表' }).click();
    await review.getByText('没有等待审核的报送。').waitFor(WAIT);
    const township = await server.login('demo-township');
    const state = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${month}`, { token: township });
    expect(state.body.submission).toMatchObject({ state: '已退回', returnReason: REASON });
    await signOut(review);

    await openPane('sync', '同步提交');
    const sync = pane('sync');
    await signIn(sync, 'demo-village', '示范村');
    await sync.getByRole('button', { name: '刷新报送状态' }).click();
    const reason = sync.getByText(`退回原因：${REASON}`);
    await reason.waitFor(WAIT);
    // the record's state, the reason and who decided stand on lines of their own (Fluent's Text is inline)
    const decided = sync.getByText(/^乡镇（街道）\d{4}-\d{2}-\d{2} 退回$/);
    const [reasonBox, decidedBox] = [await reason.boundingBox(), await decided.boundingBox()];
    expect(reasonBox && decidedBox && decidedBox.y >= reasonBox.y + reasonBox.height - 1).toBe(true);
    await shot('sync-returned-by-review', sync);
  });
});
