/**
 * End to end on the browser preview (/preview) in Debian's Chromium, against the real server on a
 * loopback port (port 0, real SQLite, demo seed): sign in, pull the county's leads into the sheet,
 * sync, a conflict made by a second client resolved field by field, the month refused while the
 * sheet has errors and submitted once they are fixed, the township's return reason, a sync that
 * survives the network dropping, sign out. Any console error or page error fails the test.
 * Screenshots of the panes at 350 px (zh-CN) go to artifacts/screenshots/ (gitignored).
 *
 * Needs dist/addin (npm test builds it first).
 */
import { mkdirSync } from 'fs';
import { join, resolve } from 'path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { idCheckChar } from '../../ledger/id-number';
import { startTestServer, type TestServer } from '../server/helpers';
import { requireAddinBuild } from './addin-pages';
import { launchChromium } from './chromium';

export const SHOTS = resolve(__dirname, '..', '..', 'artifacts', 'screenshots');
const VILLAGE = '532301101201';
const WAIT = { timeout: 20_000 };

describe('browser preview, end to end', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    requireAddinBuild('preview.html');
    server = await startTestServer();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(`${server.baseUrl}/preview`);
    await page.locator('[data-testid="preview-grid"]').waitFor(WAIT);
  });

  afterEach(() => {
    const seen = problems.splice(0, problems.length);
    expect(seen).toEqual([]);
  });

  /**
   * Chromium logs every HTTP error answer of fetch as a console error. The steps that provoke one on
   * purpose (a wrong password → 401, a refused month → 422, the network off) take exactly those out;
   * any other console error fails the test.
   */
  function expectProvoked(pattern: RegExp): void {
    const index = problems.findIndex((p) => pattern.test(p));
    expect(index).toBeGreaterThanOrEqual(0);
    problems.splice(index, 1);
  }

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const pane = (name: string): Locator => page.locator(`[data-pane-root="${name}"]`);
  const grid = () => page.locator('[data-testid="preview-grid"]');

  async function openPane(name: string, title: string) {
    await page.getByRole('tab', { name: title }).click();
    await pane(name).waitFor({ state: 'visible', ...WAIT });
  }

  /** The grid's column letter of a header text (row 2 of the demo ledger). */
  async function columnOf(header: string): Promise<string> {
    const cell = grid().locator('tr').nth(2).locator('td', { hasText: header }).first();
    const a1 = await cell.getAttribute('data-cell');
    if (!a1) throw new Error(`no column ${header}`);
    return a1.replace(/\d+$/, '');
  }

  /** The Excel row of the grid row whose 姓名 is `name`. */
  async function rowOf(name: string): Promise<number> {
    const letter = await columnOf('姓名');
    const cells = grid().locator(`td[data-cell^="${letter}"]`);
    const count = await cells.count();
    for (let i = 0; i < count; i++) {
      if ((await cells.nth(i).textContent())?.trim() === name) return Number((await cells.nth(i).getAttribute('data-cell'))!.slice(letter.length));
    }
    throw new Error(`no row for ${name}`);
  }

  async function typeInto(a1: string, text: string) {
    await grid().locator(`td[data-cell="${a1}"]`).click();
    await grid().press('F2');
    const editor = grid().getByLabel(`编辑 ${a1}`);
    await editor.fill(text);
    await editor.press('Enter');
    await grid().locator(`td[data-cell="${a1}"]`, { hasText: text }).waitFor(WAIT);
  }

  async function cellText(a1: string): Promise<string> {
    return ((await grid().locator(`td[data-cell="${a1}"]`).textContent()) ?? '').trim();
  }

  async function syncNow(): Promise<string> {
    const result = pane('sync').getByTestId('sync-result');
    const before = (await result.count()) > 0 ? Number(await result.getAttribute('data-run')) : 0;
    await pane('sync').getByRole('button', { name: /立即同步|重新发送/ }).click();
    await pane('sync').locator(`[data-testid="sync-result"][data-run="${before + 1}"]`).waitFor(WAIT);
    return (await result.textContent()) ?? '';
  }

  async function shot(name: string, locator: Locator = pane(name.split('-')[0])) {
    await locator.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  it('validates the demo sheet offline, selects a finding’s cell, applies the safe fixes', async () => {
    const validate = pane('validate');
    await validate.waitFor(WAIT);
    await validate.getByRole('button', { name: '开始校验' }).click();
    await validate.getByTestId('summary-counts').waitFor(WAIT);
    expect(await validate.getByTestId('summary-counts').textContent()).toMatch(/^共7行数据：2个错误/);
    await shot('validate-summary');
    // the safe fixes read in full at 350 px: no inner scroll box cutting lines, no line wider than the pane
    const fixList = validate.getByTestId('fix-list');
    await fixList.scrollIntoViewIfNeeded();
    await fixList.screenshot({ path: join(SHOTS, 'validate-fix-list.png') });
    const layout = await fixList.evaluate((list) => ({
      cut: list.scrollHeight - list.clientHeight,
      overflowY: getComputedStyle(list).overflowY,
      wider: Array.from(list.querySelectorAll('li *')).filter((line) => line.scrollWidth > line.clientWidth + 1).length,
    }));
    expect(layout).toEqual({ cut: 0, overflowY: 'visible', wider: 0 });
    const wrong = await rowOf('示例戊');
    const idColumn = await columnOf('公民身份号码');
    await validate.getByRole('button', { name: new RegExp(`^定位到 ${idColumn}${wrong}：`) }).first().click();
    await grid().locator(`td[data-cell="${idColumn}${wrong}"][aria-selected="true"]`).waitFor(WAIT);
    // one click applies the safe fixes, e.g. the 15-digit ID number becomes its 18-character form
    const legacy = `${idColumn}${await rowOf('示例丁')}`;
    expect(await cellText(legacy)).toMatch(/^\d{15}$/);
    await validate.getByRole('button', { name: '全部修正' }).click();
    await validate.getByText(/^已修正\d+处，可撤销。$/).waitFor(WAIT);
    expect(await cellText(legacy)).toMatch(/^\d{17}[\dX]$/);
    await shot('validate-fixed');
    // a synonym (发现渠道 “走访”) is fixed by its own button: the allowed value is written
    const channel = `${await columnOf('发现渠道')}${await rowOf('示例庚')}`;
    expect(await cellText(channel)).toBe('走访');
    const gengRow = validate.getByRole('group', { name: /^第\d+行 示例庚$/ });
    await gengRow.scrollIntoViewIfNeeded();
    await gengRow.screenshot({ path: join(SHOTS, 'validate-synonym-offer.png') });
    await validate.getByRole('button', { name: `将 ${channel} 改为“入户走访”` }).click();
    await validate.getByText(`已将 ${channel} 改为“入户走访”，可撤销。`).waitFor(WAIT);
    expect(await cellText(channel)).toBe('入户走访');
    expect(await validate.getByRole('heading', { name: '刚才的修正' }).count()).toBe(1);
    await shot('validate-synonym');
  });

  it('handles a row (接办流程): recommended measures for the selected row, written back on confirm', async () => {
    await openPane('handling', '接办流程');
    const handling = pane('handling');
    const row = await rowOf('示例乙');
    await grid().locator(`td[data-cell="${await columnOf('姓名')}${row}"]`).click();
    await handling.getByRole('heading', { name: `第${row}行 · 示例乙` }).waitFor(WAIT);
    await handling.getByTestId('recommendation').first().waitFor(WAIT);
    await shot('handling-recommendation');
    // 办理中 on a row not yet verified: the 核实结果 is asked first (核实日期 defaults to today)
    await handling.getByRole('combobox', { name: '核实结果' }).selectOption('符合救助条件');
    await handling.getByRole('button', { name: '写回台账' }).click();
    await handling.getByText(`已写回第${row}行，可撤销。`).waitFor(WAIT);
    expect(await cellText(`${await columnOf('处置方式')}${row}`)).not.toBe('');
  });

  it('signs in from the 线索查询 pane and lists the village’s leads with due dates', async () => {
    await openPane('lookup', '线索查询');
    const form = pane('lookup');
    expect(await form.getByLabel('服务器地址').inputValue()).toBe(server.baseUrl);
    await shot('lookup-signin');
    await form.getByLabel('用户名').fill('demo-village');
    await form.getByLabel('密码').fill('wrong-password');
    await form.getByRole('button', { name: '登录' }).click();
    await form.getByText('用户名或密码错误').waitFor(WAIT);
    expectProvoked(/status of 401/);
    await form.getByLabel('密码').fill('demo1234');
    await form.getByRole('button', { name: '登录' }).click();
    await form.getByText('已登录：demo-village（示范村）').waitFor(WAIT);
    const list = form.getByTestId('lead-list');
    await list.waitFor(WAIT);
    expect(await list.locator('li').count()).toBe(3);
    expect(await form.getByText(/^本单位共 3 条线索/).count()).toBe(1);
    expect(await list.getByText(/核实时限 \d{4}-\d{2}-\d{2}/).count()).toBe(3);
    // masked ID numbers in the list
    expect(await list.getByText(/^\d{6}\*+[\dX]{4}$/).count()).toBe(3);
    await form.getByRole('button', { name: '详情' }).first().click();
    await form.getByText('线索原因').waitFor(WAIT);
    // the history names units, not logins, and each “（楚雄市 经办人）” stays on one line at 350 px
    const history = form.getByText('流转记录').locator('xpath=following-sibling::dd[1]');
    const steps = await history.locator(':scope > div').allTextContents();
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step).toMatch(/^\d{4}-\d{2}-\d{2} \S+（(系统|\S+ 经办人)）$/);
    const whoLines = await history.locator(':scope > div > span').evaluateAll((spans) => spans.map((span) => span.getClientRects().length));
    expect(whoLines.every((n) => n === 1)).toBe(true);
    await shot('lookup-leads');

    // filters: none of the leads is 已办结
    await form.getByLabel('线索状态').selectOption('已办结');
    await form.getByText('没有符合条件的线索。').waitFor(WAIT);
    await form.getByLabel('线索状态').selectOption('');
    await list.waitFor(WAIT);
  });

  it('pulls two leads into the sheet as new rows (线索编号, 发现渠道 部门比对, 发现日期, 核实时限 filled)', async () => {
    const form = pane('lookup');
    const boxes = form.getByRole('checkbox', { name: /^选择 / });
    const leadNos: string[] = [];
    for (let i = 0; i < 2; i++) {
      const label = (await boxes.nth(i).getAttribute('aria-label'))!;
      leadNos.push(/（(.+)）$/.exec(label)![1]);
      await boxes.nth(i).check();
    }
    await form.getByRole('button', { name: '加入台账（2）' }).click();
    const results = form.getByTestId('pull-results');
    await results.waitFor(WAIT);
    expect(await results.getByText(/已加入台账（新行）/).count()).toBe(2);
    for (const leadNo of leadNos) {
      const cell = grid().locator('td', { hasText: leadNo });
      await cell.waitFor(WAIT);
      const row = Number((await cell.getAttribute('data-cell'))!.replace(/^[A-Z]+/, ''));
      expect(await cellText(`${await columnOf('发现渠道')}${row}`)).toBe('部门比对');
      expect(await cellText(`${await columnOf('发现日期')}${row}`)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(await cellText(`${await columnOf('核实时限')}${row}`)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(await cellText(`${await columnOf('公民身份号码')}${row}`)).toMatch(/^\d{17}[\dX]$/);
    }
    await shot('lookup-pulled');
  });

  it('syncs: the sheet’s rows are uploaded, the village’s other rows come into the sheet, findings are listed', async () => {
    await openPane('sync', '同步提交');
    const sync = pane('sync');
    await sync.getByText('已登录：demo-village（示范村）').waitFor(WAIT); // one sign-in for every pane
    const before = await grid().locator(`td[data-cell^="${await columnOf('姓名')}"]`).filter({ hasText: /\S/ }).count();
    const text = await syncNow();
    expect(text).toMatch(/^已上传 9 行/);
    const after = await grid().locator(`td[data-cell^="${await columnOf('姓名')}"]`).filter({ hasText: /\S/ }).count();
    expect(after).toBe(before + 8); // the server's 8 demo rows of 示范村
    // the planted errors come back as findings, each a link to its cell
    const findings = sync.getByRole('heading', { name: /台账中的错误（2 处）/ });
    await findings.waitFor(WAIT);
    const idColumn = await columnOf('公民身份号码');
    const rowWrong = await rowOf('示例戊');
    const link = sync.getByRole('button', { name: new RegExp(`^第 ${rowWrong} 行：「公民身份号码」`) });
    await link.click();
    await grid().locator(`td[data-cell="${idColumn}${rowWrong}"][aria-selected="true"]`).waitFor(WAIT);
    expect(await syncNow()).toMatch(/^已是最新/);
    await shot('sync-synced');
  });

  it('a conflict made by a second client is shown side by side and resolved field by field', async () => {
    const sync = pane('sync');
    const row = await rowOf('示例甲');
    const notes = `${await columnOf('备注')}${row}`;
    const size = `${await columnOf('家庭人口')}${row}`;
    // the second client (e.g. the township, through the API) edits the same row
    const token = await server.login('demo-village');
    const rows = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token });
    const target = rows.body.rows.find((r: { values: { name: string } }) => r.values.name === '示例甲');
    const other = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token,
      body: {
        clientId: 'second-client',
        requestId: `second-${Date.now()}`,
        changes: [{ rowId: target.rowId, baseVersion: target.version, values: { notes: '乡镇电话核实：已外出务工', householdSize: 5 } }],
      },
    });
    expect(other.body.applied).toHaveLength(1);
    // this workbook changes the same two cells
    await typeInto(notes, '村里入户：家中无人');
    await typeInto(size, '3');
    await syncNow();
    const card = sync.locator('[data-conflict]');
    await card.waitFor(WAIT);
    expect(await card.getByText('村里入户：家中无人').count()).toBe(1);
    expect(await card.getByText('乡镇电话核实：已外出务工').count()).toBe(1);
    const save = card.getByRole('button', { name: /还有 2 项未选择|按选择保存/ });
    expect(await save.isDisabled()).toBe(true);
    expect(await cellText(notes)).toBe('村里入户：家中无人'); // nothing applied without a choice
    await shot('sync-conflict');
    await card.getByRole('radiogroup', { name: '“备注”保留哪一方' }).getByRole('radio', { name: '保留本机' }).check();
    await card.getByRole('radiogroup', { name: '“家庭人口”保留哪一方' }).getByRole('radio', { name: '采用服务器' }).check();
    await card.getByRole('button', { name: '按选择保存' }).click();
    await card.waitFor({ state: 'detached', ...WAIT });
    expect(await cellText(notes)).toBe('村里入户：家中无人');
    expect(await cellText(size)).toBe('5');
    const versions = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows/${target.rowId}/versions`, { token });
    expect(versions.body.versions.at(-1).values).toMatchObject({ notes: '村里入户：家中无人', householdSize: 5 });
  });

  it('the month is refused while errors remain, listed with their cells; submitted once they are fixed', async () => {
    const sync = pane('sync');
    await sync.getByRole('button', { name: /^报送 \d{4}年\d{1,2}月$/ }).click();
    const refused = sync.getByTestId('submit-refused');
    await refused.waitFor(WAIT);
    expect(await refused.textContent()).toMatch(/未能报送/);
    expectProvoked(/status of 422/);
    await shot('sync-refused');

    // the clerk fixes the two errors left in the sheet
    const wrong = await rowOf('示例戊');
    const first17 = (await cellText(`${await columnOf('公民身份号码')}${wrong}`)).slice(0, 17);
    await typeInto(`${await columnOf('公民身份号码')}${wrong}`, first17 + idCheckChar(first17));
    await typeInto(`${await columnOf('发现渠道')}${await rowOf('示例己')}`, '入户走访');

    await sync.getByRole('button', { name: /^报送 \d{4}年\d{1,2}月$/ }).click();
    const done = sync.getByTestId('submit-done');
    await done.waitFor(WAIT);
    expect(await done.textContent()).toMatch(/已报送（第 1 次），等待乡镇审核/);
    await sync.getByTestId('submission-list').getByText(/已提交（第 1 次/).waitFor(WAIT);
  });

  it('shows the township’s return reason', async () => {
    const sync = pane('sync');
    const [, year, monthNo] = /报送 (\d{4})年(\d{1,2})月/.exec((await sync.getByRole('button', { name: /^报送 \d{4}年\d{1,2}月$/ }).textContent())!)!;
    const month = `${year}-${monthNo.padStart(2, '0')}`;
    const township = await server.login('demo-township');
    const returned = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions/${month}/return`, {
      token: township,
      body: { reason: '第5行核实结果未填写，请补充后重新报送' },
    });
    expect(returned.status).toBe(200);
    await sync.getByRole('button', { name: '刷新报送状态' }).click();
    await sync.getByText('退回原因：第5行核实结果未填写，请补充后重新报送').waitFor(WAIT);
    expect(await sync.getByTestId('submit-done').count()).toBe(0); // no “等待乡镇审核” left beside 已退回
    await shot('sync-returned');
  });

  it('keeps working when the network drops: says so, then sends the same request again', async () => {
    const sync = pane('sync');
    await typeInto(`${await columnOf('备注')}${await rowOf('示例乙')}`, '断网时填写');
    await context.setOffline(true);
    await sync.getByRole('button', { name: '立即同步' }).click();
    await sync.getByTestId('error-bar').getByText(/无法连接服务器/).waitFor(WAIT);
    await sync.getByRole('button', { name: '重新发送' }).waitFor(WAIT);
    await shot('sync-offline');
    await context.setOffline(false);
    // the attempts made while offline (the client's retries): provoked, and nothing else
    expect(problems.every((p) => /ERR_INTERNET_DISCONNECTED/.test(p))).toBe(true);
    problems.splice(0, problems.length);
    const text = await syncNow();
    expect(text).toMatch(/^已上传 1 行/);
    const token = await server.login('demo-village');
    const rows = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token });
    const yi = rows.body.rows.find((r: { values: { name: string } }) => r.values.name === '示例乙');
    expect(yi.values.notes).toBe('断网时填写');
    expect(yi.version).toBe(2); // applied once
  });

  it('signs out: the form is back in every pane, the token is revoked', async () => {
    const sync = pane('sync');
    const token = await page.evaluate(() => Object.keys(localStorage).map((key) => JSON.parse(localStorage.getItem(key)!).token as string)[0]);
    await sync.getByRole('button', { name: '退出登录' }).click();
    await sync.getByRole('button', { name: '登录' }).waitFor(WAIT);
    await openPane('lookup', '线索查询');
    await pane('lookup').getByRole('button', { name: '登录' }).waitFor(WAIT);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    const me = await server.request('GET', '/api/v1/me', { token });
    expect(me.status).toBe(401);
  });

  it('a workbook without a ledger: the template’s sheets are added, then the clerk signs in to the county server on another origin', async () => {
    // the panes are served from one origin (localhost), the API answers from another (127.0.0.1):
    // the panes' CSP must allow it (ADDIN_API_ORIGINS) and the API must answer CORS (CORS_ORIGINS)
    const port = new URL(server.baseUrl).port;
    const panesOrigin = `http://localhost:${port}`;
    server.deps.config.addinApiOrigins = [server.baseUrl];
    server.deps.config.corsOrigins = [panesOrigin];
    const other = await context.newPage();
    other.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    other.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    try {
      await other.goto(`${panesOrigin}/preview?workbook=noLedger`);
      const validate = other.locator('[data-pane-root="validate"]');
      // said when the pane opens: no 开始校验 on a workbook with nothing to check
      const offer = validate.getByTestId('add-ledger-offer');
      await offer.waitFor(WAIT);
      await validate.getByRole('button', { name: '重新查找台账' }).waitFor(WAIT);
      expect(await validate.getByRole('button', { name: '开始校验' }).count()).toBe(0);
      expect(await validate.getByTestId('error-bar').count()).toBe(0);
      await validate.screenshot({ path: join(SHOTS, 'validate-no-ledger.png') });
      await offer.getByRole('button', { name: '添加台账工作表' }).click();
      await validate.getByText('已添加工作表“台账 (2)”“填表说明”（字典表“字典”已隐藏）。可以开始填写了。').waitFor(WAIT);
      // the user's own 台账 (a supplies list) keeps its name and content; the new sheet is shown
      const tabs = other.getByRole('tablist', { name: '工作表' }).getByRole('tab');
      expect(await tabs.allTextContents()).toEqual(['走访记录', '台账', '台账 (2)', '填表说明']);
      await other.getByRole('tab', { name: '台账 (2)', selected: true }).waitFor(WAIT);
      const newGrid = other.locator('[data-testid="preview-grid"]');
      await newGrid.locator('td', { hasText: '公民身份号码' }).first().waitFor(WAIT);
      expect(await validate.getByTestId('summary-counts').textContent()).toMatch(/^共0行数据/);
      await validate.screenshot({ path: join(SHOTS, 'validate-ledger-added.png') });
      await other.getByRole('tab', { name: '台账', exact: true }).click();
      await newGrid.locator('td', { hasText: '救灾物资台账' }).first().waitFor(WAIT);

      // 线索查询 against the county server on the other origin
      await other.getByRole('tab', { name: '线索查询' }).click();
      const lookup = other.locator('[data-pane-root="lookup"]');
      await lookup.getByLabel('服务器地址').fill(server.baseUrl);
      await lookup.getByLabel('用户名').fill('demo-village');
      await lookup.getByLabel('密码').fill('demo1234');
      await lookup.getByRole('button', { name: '登录' }).click();
      await lookup.getByText('已登录：demo-village（示范村）').waitFor(WAIT);
      await lookup.getByTestId('lead-list').waitFor(WAIT);
      await lookup.screenshot({ path: join(SHOTS, 'lookup-cross-origin.png') });
    } finally {
      await other.close();
      server.deps.config.addinApiOrigins = undefined;
      server.deps.config.corsOrigins = undefined;
    }
  });

  it('a ledger missing columns: they are added at the right, every existing cell kept', async () => {
    const other = await context.newPage();
    other.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    other.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    try {
      await other.goto(`${server.baseUrl}/preview?workbook=missingColumns`);
      const validate = other.locator('[data-pane-root="validate"]');
      await validate.getByRole('button', { name: '开始校验' }).click();
      const offer = validate.getByTestId('add-columns-offer');
      await offer.waitFor(WAIT);
      expect(await offer.getByText('发现渠道（必填）、备注').count()).toBe(1);
      await validate.screenshot({ path: join(SHOTS, 'validate-missing-columns.png') });
      const headerRow = other.locator('[data-testid="preview-grid"] tr').nth(2);
      const before = await headerRow.locator('td').allTextContents();
      await offer.getByRole('button', { name: '在右侧添加这2列' }).click();
      await validate.getByText(/^已在 [A-Z]+ 起添加2列：发现渠道、备注。$/).waitFor(WAIT);
      await headerRow.locator('td', { hasText: '发现渠道' }).waitFor(WAIT);
      const after = await headerRow.locator('td').allTextContents();
      expect(after.slice(0, before.filter((t) => t.trim() !== '').length)).toEqual(before.filter((t) => t.trim() !== ''));
      expect(after.filter((t) => t.trim() !== '').slice(-2)).toEqual(['发现渠道', '备注']);
      expect(await validate.getByTestId('add-columns-offer').count()).toBe(0);
      await validate.screenshot({ path: join(SHOTS, 'validate-columns-added.png') });
    } finally {
      await other.close();
    }
  });
});
