/**
 * The web page for staff without the add-in, end to end in real headless Chromium at phone width:
 * sign in with the keyboard, download the village's ledger (.xlsx with 记录ID/版本号), edit it as a
 * WPS user would, upload it and read the validation report, fix the file, merge, resolve a conflict
 * with a change made on the server meanwhile, submit the month; then the county's summary with
 * drill-down and the consolidated download; a township's 审核 (return with a reason, approve) and
 * 线索分派 from county to township to village. Needs dist/web (npm test builds it first).
 * Screenshots go to dist/screenshots/web-*.png.
 */
import ExcelJS from 'exceljs';
import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import type { Browser, Page } from 'playwright-core';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { LEDGER_UPLOAD_LIMIT_BYTES } from '../../ledger/upload-plan';
import { webBuildDir } from '../../server/http/web-static';
import { TEMPLATE_FIRST_DATA_ROW, TEMPLATE_SHEETS } from '../../ledger/template';
import { chinaDate } from '../../ledger/dates';
import { submittableMonths } from '../../ledger/submission-months';
import { DEMO_PASSWORD } from '../../server/seed/demo-units';
import { createRng, fabricateIdNumber } from '../../server/seed/fabricate';
import { startTestServer, type TestServer } from '../server/helpers';
import { csvFile, importFile, MEDICAL_HEADER, medicalRow, people } from '../server/leads-helpers';
import { launchChromium, nativeControlTexts, ZH_CONTEXT } from './chromium';
import { makeTestDir } from '../temp-dirs';

const SHOTS = resolve(__dirname, '..', '..', 'dist', 'screenshots');
const VILLAGE = '532301101201';
/** 东瓜镇's 东瓜示例村: its months are submitted for the 审核 test (示范村's ledger has a row with an error by then). */
const DONGGUA_VILLAGE = '532301102201';
const LUCHENG = '532301101';
const DONGGUA = '532301102';
const col = (key: string) => LEDGER_COLUMNS.findIndex((column) => column.key === key) + 1;
/** The months the add-in offers today (the server's clock is the real one here): the month just ended, then this month. */
const [PREVIOUS_MONTH, THIS_MONTH] = submittableMonths(chinaDate(new Date()));
const monthZh = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

describe('web page without the add-in (Chromium, phone width)', () => {
  let server: TestServer;
  let browser: Browser;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(join(webBuildDir(), 'index.html'))) {
      throw new Error('dist/web is not built: run npm run build:web (npm test does it first)');
    }
    server = await startTestServer();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    work = makeTestDir('web-e2e').dir;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Lines the text of the first element matching `selector` takes on screen. */
  async function lineCount(page: Page, selector: string): Promise<number> {
    return page.$eval(selector, (element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top))).size;
    });
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.baseUrl}/web/`);
    await page.focus('#username');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter'); // the form submits from the keyboard
    await page.waitForSelector('#who:not(:empty)');
  }

  it('village: download, upload with an error, fix, merge, resolve a conflict side by side, submit', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-village');
    await page.screenshot({ path: join(SHOTS, 'web-village-home.png'), fullPage: true });
    expect(await nativeControlTexts(page, '#upload-file')).toContain('未选择任何文件'); // not "No file chosen"
    // the page labels its file input and month picker itself, in Chinese, whatever language the browser draws them in
    const upload = page.locator('section', { has: page.locator('#upload-file') });
    expect(await upload.innerText()).toMatch(/选择台账文件\s*未选择文件/);
    const native = await page.locator('#upload-file').boundingBox();
    expect(native === null || native.width <= 1).toBe(true); // the browser's own 选择文件/Choose File is not what is seen
    // 月度报送 offers the add-in's months, the month just ended first and chosen: a clerk who just clicks 报送
    // early in a month submits the month that ended, not the unfinished current one
    const offered = await page.$$eval('#submit-month option', (options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(offered).toEqual([
      [PREVIOUS_MONTH, `${monthZh(PREVIOUS_MONTH)}（上月）`],
      [THIS_MONTH, `${monthZh(THIS_MONTH)}（本月，尚未结束）`],
    ]);
    expect(await page.inputValue('#submit-month')).toBe(PREVIOUS_MONTH);
    expect(await page.textContent('#submission-list')).toContain('本村还没有报送记录。');

    // 1. download the current ledger
    const [downloaded] = await Promise.all([page.waitForEvent('download'), page.click('#download-ledger')]);
    const file = join(work, 'ledger.xlsx');
    await downloaded.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet(TEMPLATE_SHEETS.ledger)!;
    const first = sheet.getRow(TEMPLATE_FIRST_DATA_ROW);
    const rowId = String(first.getCell(col('rowId')).value);
    const version = Number(first.getCell(col('version')).value);
    expect(rowId).toMatch(/^[0-9a-f-]{36}$/);
    expect(version).toBeGreaterThanOrEqual(1);

    // 2. meanwhile someone changes the same row's 备注 on the server (another workbook)
    const token = await server.login('demo-village');
    const other = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token,
      body: { clientId: 'other-workbook', requestId: randomUUID(), changes: [{ rowId, baseVersion: version, values: { notes: '服务器上的备注' } }] },
    });
    expect(other.body.applied).toHaveLength(1);

    // 3. the file: an edit of the same field, and a new person with a wrong ID number
    first.getCell(col('notes')).value = '文件里的备注';
    const blank = sheet.getRow(TEMPLATE_FIRST_DATA_ROW + 20);
    const newRow = blank.number;
    const set = (key: string, value: string | number) => (blank.getCell(col(key)).value = value);
    set('name', '网页测试');
    set('idNumber', '532301199001011235'); // wrong check character
    set('categories', '老年人');
    set('channel', '入户走访');
    set('foundOn', '2026-11-02');
    set('status', '待核实');
    await workbook.xlsx.writeFile(file);

    await page.setInputFiles('#upload-file', file);
    expect(await page.textContent('#upload-chosen')).toMatch(/^已选择：ledger\.xlsx（[\d.]+ KB）$/);
    await page.click('#check-upload');
    await page.waitForSelector('#report table');
    const reportText = await page.textContent('#report');
    expect(reportText).toContain('错误');
    expect(reportText).toContain('公民身份号码');
    const errorRows = await page.$$eval('#report tbody tr.error td:first-child', (cells) => cells.map((cell) => cell.textContent));
    expect(errorRows).toContain(String(newRow));
    // the cell too, as WPS/Excel name it (F23), under the column's name
    const idLetter = String.fromCharCode(64 + col('idNumber'));
    expect(reportText).toContain(`单元格 ${idLetter}${newRow}`);
    expect(await page.$('#merge')).toBeNull(); // no merge while the file has errors
    await page.screenshot({ path: join(SHOTS, 'web-village-report.png'), fullPage: true });

    // 4. fix the file, upload again, merge
    blank.getCell(col('idNumber')).value = fabricateIdNumber(createRng('web-e2e'), { region: '532301', birthYearRange: [1950, 1960] });
    await workbook.xlsx.writeFile(file);
    expect(await page.textContent('#upload-chosen')).toBe('已检查：ledger.xlsx。修改文件后请重新选择再检查。');
    await page.setInputFiles('#upload-file', file);
    // choosing a file (the same one, edited) drops the report of the one before (its findings, and a 合并 button it might have had)
    expect(await page.$('#report table')).toBeNull();
    expect(await page.textContent('#report')).toContain('请点击“检查文件”');
    await page.click('#check-upload');
    await page.waitForSelector('#merge');
    expect(await page.textContent('#report')).toContain('没有错误');
    await page.click('#merge');
    await page.waitForSelector('#conflicts');
    const conflictText = await page.textContent('#conflicts');
    expect(conflictText).toContain('文件里的备注');
    expect(conflictText).toContain('服务器上的备注');
    await page.screenshot({ path: join(SHOTS, 'web-village-conflict.png'), fullPage: true });

    // nothing was overwritten silently: the server still has its own value
    const before = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=200`, { token });
    expect(before.body.rows.find((r: any) => r.rowId === rowId).values.notes).toBe('服务器上的备注');
    expect(before.body.rows.some((r: any) => r.values.name === '网页测试')).toBe(true); // the new row merged

    // 5. keep the file's value, with the keyboard
    await page.focus('#conflicts input[value="mine"]');
    await page.keyboard.press('Space');
    await page.click('#resolve');
    await page.waitForSelector('#merge-result .status.ok');
    expect(await page.textContent('#merge-result')).toContain('冲突已解决');
    const after = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=200`, { token });
    expect(after.body.rows.find((r: any) => r.rowId === rowId).values.notes).toBe('文件里的备注');

    // 6. leads and the month's submission
    await page.click('#load-leads');
    await page.waitForSelector('#leads table');
    // the name and the time limit first, as in 线索分派; at phone width a name and a lead number stay
    // on one line each (the table scrolls sideways instead)
    expect((await page.$$eval('#leads thead th', (cells) => cells.map((cell) => cell.textContent))).slice(0, 2)).toEqual(['姓名', '核实时限']);
    expect(await lineCount(page, '#leads tbody tr:first-child td:first-child span')).toBe(1);
    expect(await lineCount(page, '#leads tbody tr:first-child td:last-child span')).toBe(1);
    // the reason reads as a few lines, not a column two characters wide
    expect(await lineCount(page, '#leads tbody tr:first-child td:nth-child(3)')).toBeLessThanOrEqual(4);
    await page.locator('#leads').screenshot({ path: join(SHOTS, 'web-village-leads.png') });
    // the month as chosen by default: the one just ended
    await page.click('#submit');
    await page.waitForSelector('#submission .status.ok');
    const submission = await page.textContent('#submission');
    // what was submitted, read from the answer (it said “第 undefined 次，undefined 行” when the page misread it)
    expect(submission).toMatch(new RegExp(`^${monthZh(PREVIOUS_MONTH)}台账已报送（第 1 次报送，\\d+ 行），状态：已提交`));
    expect(submission).not.toContain('undefined');
    const state = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/submissions/${PREVIOUS_MONTH}`, { token });
    expect(state.body.submission.state).toBe('已提交');
    // the record below says where the month stands, and the month offered says so too
    await page.waitForSelector('#submission-list table.submissions');
    expect(await page.locator('#submission-list table.submissions tbody tr').first().innerText()).toMatch(new RegExp(`^${monthZh(PREVIOUS_MONTH)}\\s+第 1 次 · \\d+ 行\\s+待审核\\s+[\\s\\S]*等待乡镇（街道）审核`));
    expect(await page.textContent('#submit-month option:first-child')).toBe(`${monthZh(PREVIOUS_MONTH)}（上月，已报送，待审核）`);
    await page.screenshot({ path: join(SHOTS, 'web-village-submitted.png'), fullPage: true });
    await context.close();
  }, 120_000);

  it('county: summary, drill-down to a township, consolidated download', async () => {
    // two of the demo leads (all waiting at their township) ran past their due date: the stand-in for time passing
    const waiting = await server.deps.db.all<{ lead_no: string }>("SELECT lead_no FROM leads WHERE state = '已派至乡镇' AND township_code = '532301101' ORDER BY lead_no");
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    for (const lead of waiting.slice(0, 2)) await server.deps.db.run("UPDATE leads SET due_on = '2026-01-05' WHERE lead_no = ?", [lead.lead_no]);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-county');
    await page.waitForSelector('#summary table');
    // overdue leads by township: 鹿城镇's two first, every township listed
    const overdueRows = await page.locator('#summary table.overdue tbody tr').allTextContents();
    expect(overdueRows[0]).toMatch(/^鹿城镇2/);
    expect(overdueRows.length).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#summary')).toContain('鹿城镇');
    // leads by source × state: a bar per source read as one sentence, its states as text beside it
    const states = page.locator('#summary table.states');
    const sentence = (await states.getByRole('img').first().getAttribute('aria-label')) ?? '';
    expect(sentence).toMatch(/^残联：共 \d+ 条；(待分派|已派至乡镇) \d+/);
    expect(await states.textContent()).toMatch(/已派至乡镇 \d+/);
    // overdue leads by township get a chart (or say there are none) of their own
    expect(await page.textContent('#summary')).toContain('逾期未核实线索（按乡镇）');
    await page.screenshot({ path: join(SHOTS, 'web-county-summary.png'), fullPage: true });
    // at phone width the state bars stay readable (the page's tables scroll sideways, the text wraps)
    await page.setViewportSize({ width: 380, height: 800 });
    // a unit's name stays on one line at phone width (it was squeezed to one character a line: 鹿/城/镇)
    expect(await lineCount(page, '#summary table tbody tr:first-child td:first-child')).toBe(1);
    await states.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'web-county-states-phone.png'), fullPage: false });
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.click('#summary button:has-text("鹿城镇")');
    await page.waitForFunction(() => document.querySelector('nav.crumbs strong')?.textContent === '鹿城镇');
    expect(await page.textContent('#summary')).toContain('示范村');
    const [downloaded] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    expect(downloaded.suggestedFilename()).toContain('鹿城镇');
    const file = join(work, 'consolidated.xlsx');
    await downloaded.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['乡镇（街道）汇总', '台账明细']);
    await page.screenshot({ path: join(SHOTS, 'web-county-drilldown.png'), fullPage: true });
    // counts print as Chinese statistical tables do: 12,345 (a stand-in figure, the demo county is small)
    await page.route('**/api/v1/reports/summary?*', async (route) => {
      const response = await route.fetch();
      const json = (await response.json()) as { figures: { rows: { total: number } } };
      json.figures.rows.total = 12345;
      await route.fulfill({ response, json });
    });
    await page.click('#load-summary');
    await page.waitForFunction(() => document.querySelector('#summary table tbody tr:last-child')?.textContent?.includes('12,345'));
    await context.close();
  }, 60_000);

  it('village: a merge shows its progress, and leaving the page mid-merge asks first', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-village');
    const [downloaded] = await Promise.all([page.waitForEvent('download'), page.click('#download-ledger')]);
    const file = join(work, 'progress.xlsx');
    await downloaded.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet(TEMPLATE_SHEETS.ledger)!;
    sheet.getRow(TEMPLATE_FIRST_DATA_ROW + 1).getCell(col('notes')).value = `进度测试 ${randomUUID().slice(0, 8)}`;
    await workbook.xlsx.writeFile(file);

    // the server's answer to the merge is held back: the page is mid-merge
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolveHeld) => (release = resolveHeld));
    await page.route('**/api/v1/ledgers/*/sync', async (route) => {
      await held;
      await route.continue();
    });
    await page.setInputFiles('#upload-file', file);
    await page.click('#check-upload');
    await page.waitForSelector('#merge');
    await page.click('#merge');
    await page.waitForSelector('#merge-progress');
    expect(await page.textContent('#merge-result')).toMatch(/正在合并：已发送 0 \/ 1 行，请勿关闭或离开本页/);
    await page.screenshot({ path: join(SHOTS, 'web-village-merging.png') });

    // closing the tab (or a reload, a link, the back button) asks before the merge is cut short
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss(); // the clerk stays
    });
    await page.close({ runBeforeUnload: true });
    await page.waitForFunction(() => true); // the page is still open: the prompt was dismissed
    expect(dialogs).toEqual(['beforeunload']);
    expect(page.isClosed()).toBe(false);

    release();
    await page.waitForSelector('#merge-result .status.ok');
    expect(await page.textContent('#merge-result')).toContain('已合并 1 行');
    // once merged, nothing is left to lose: the page closes without asking
    await page.close({ runBeforeUnload: true });
    await new Promise((settle) => setTimeout(settle, 200)); // a prompt would be raised within this
    expect(dialogs).toEqual(['beforeunload']);
    await context.close();
  }, 60_000);

  it('village: an unchanged file needs no merge, a proxy error page and an ended session are said in Chinese', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-village');
    const [downloaded] = await Promise.all([page.waitForEvent('download'), page.click('#download-ledger')]);
    const file = join(work, 'unchanged.xlsx');
    await downloaded.saveAs(file);
    await page.setInputFiles('#upload-file', file);
    await page.click('#check-upload');
    await page.waitForSelector('#report .status.ok');
    // the next step is named: nothing to merge, go and submit (it said “将新增 0 行、更新 0 行” and stopped)
    expect(await page.textContent('#report')).toMatch(/文件与服务器上的台账一致（\d+ 行），无需合并；可直接在下方“月度报送”报送/);
    expect(await page.$('#merge')).toBeNull();

    // the same file short of one person: the server has a row the file lacks — not 一致, and not “go and submit”
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    workbook.getWorksheet(TEMPLATE_SHEETS.ledger)!.spliceRows(TEMPLATE_FIRST_DATA_ROW, 1);
    const shorter = join(work, 'shorter.xlsx');
    await workbook.xlsx.writeFile(shorter);
    await page.setInputFiles('#upload-file', shorter);
    await page.click('#check-upload');
    await page.waitForSelector('#report .status.info:has-text("没有错误")');
    const short = await page.textContent('#report');
    expect(short).toMatch(/文件中的 \d+ 行与服务器上的相同，无需合并；但服务器上另有 1 行不在此文件中。报送前请先“下载本村当前台账”核对。/);
    expect(short).not.toContain('一致');
    expect(short).not.toContain('可直接');

    // the blank template chosen by mistake: said so, never “一致（0 行）… 可直接报送”
    const [template] = await Promise.all([page.waitForEvent('download'), page.click('#download-template')]);
    const blank = join(work, 'blank-template.xlsx');
    await template.saveAs(blank);
    await page.setInputFiles('#upload-file', blank);
    await page.click('#check-upload');
    await page.waitForSelector('#report .status.err');
    const empty = await page.textContent('#report');
    expect(empty).toContain('文件中没有数据行（可能选错了文件，如空白模板）');
    expect(empty).not.toContain('一致');
    expect(empty).not.toContain('可直接');
    expect(await page.$('#merge')).toBeNull();
    await page.screenshot({ path: join(SHOTS, 'web-village-blank-template.png'), fullPage: true });

    // a file over the upload limit is refused before it is sent, in words a clerk can act on (the server said 请求体过大)
    let uploads = 0;
    await page.route('**/api/v1/ledgers/*/uploads', (route) => {
      uploads++;
      return route.continue();
    });
    await page.setInputFiles('#upload-file', { name: '大台账.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.alloc(LEDGER_UPLOAD_LIMIT_BYTES + 1) });
    await page.click('#check-upload');
    await page.waitForSelector('#report .status.err');
    expect(await page.textContent('#report')).toBe('文件太大（10.0 MB），台账文件不能超过 10.0 MB：请删去多余的工作表、图片和空白行后另存，再上传。');
    expect(uploads).toBe(0);

    // a gateway's HTML error page in front of the server: a Chinese message, not “Unexpected token '<'”
    await page.route('**/api/v1/units/*/leads*', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' }));
    await page.click('#load-leads');
    await page.waitForSelector('#leads .status.err');
    expect(await page.textContent('#leads')).toBe('服务器暂时无法处理（502），请稍后重试；多次出现请联系县级民政部门。');
    await page.unroute('**/api/v1/units/*/leads*');

    // a row with an error (saved from another workbook) stops the submission: the page names the person, the column and the fix
    const clerk = await server.login('demo-village');
    const bad = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/sync`, {
      token: clerk,
      body: {
        clientId: 'other-workbook',
        requestId: randomUUID(),
        changes: [{ rowId: randomUUID(), baseVersion: 0, values: { name: '报送错误测试', idNumber: '532301199001011235', categories: ['老年人'], channel: '入户走访', foundOn: '2026-10-02', status: '待核实' } }],
      },
    });
    expect(bad.body.applied).toHaveLength(1);
    await page.selectOption('#submit-month', THIS_MONTH);
    await page.click('#submit');
    await page.waitForSelector('#submission table');
    const refused = await page.textContent('#submission');
    expect(refused).toContain('台账有 1 行存在错误');
    expect(refused).toContain('以下 1 人的记录有错误');
    const cells = await page.$$eval('#submission tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
    expect(cells.slice(0, 2)).toEqual(['报送错误测试', '公民身份号码']);
    await page.screenshot({ path: join(SHOTS, 'web-village-submit-refused.png'), fullPage: true });

    // the session ends elsewhere (signed out in another tab, expired): the sign-in page says why
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('ledger-web-session') ?? '{}') as { token: string }).token);
    await server.request('POST', '/api/v1/auth/logout', { token, body: {} });
    await page.click('#load-leads');
    await page.waitForSelector('#username');
    expect(await page.textContent('#app')).toContain('登录已过期或已在别处退出，请重新登录');
    await page.screenshot({ path: join(SHOTS, 'web-village-session-ended.png'), fullPage: true });
    await signIn(page, 'demo-village');
    expect(await page.textContent('#app')).not.toContain('登录已过期');
    await context.close();
  }, 60_000);

  it('sign-in: a second tap while the first is on its way sends no second attempt', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...ZH_CONTEXT });
    const page = await context.newPage();
    let attempts = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolveHeld) => (release = resolveHeld));
    // a slow village line: the answer is held until both taps have been made
    await page.route('**/api/v1/auth/login', async (route) => {
      attempts++;
      await held;
      await route.continue();
    });
    await page.goto(`${server.baseUrl}/web/`);
    await page.fill('#username', 'demo-village');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled === true);
    expect(await page.textContent('button[type=submit]')).toBe('正在登录…');
    await page.press('#password', 'Enter'); // the second tap, from the keyboard: the form must not send it
    await page.click('button[type=submit]', { force: true });
    release();
    await page.waitForSelector('#who:not(:empty)');
    expect(attempts).toBe(1);
    await context.close();
  }, 60_000);

  /** The page's own text has no English word and no raw unit code (the header's login name is not the page's text). */
  async function expectChineseOnly(page: Page, selector: string): Promise<void> {
    // file types named on buttons (下载明细（.csv）) are what the clerk's computer calls them
    const text = (await page.innerText(selector)).replace(/\.(xlsx|csv)\b/g, '');
    expect(text).not.toMatch(/[A-Za-z]{3,}/);
    expect(text).not.toMatch(/\b53\d{4}(\d{3}){1,2}\b/);
    expect(text).not.toContain('undefined');
  }

  /** Nothing is cut off at phone width: the page itself never scrolls sideways (only the tables do, inside their frame). */
  async function expectNoSidewaysPage(page: Page): Promise<void> {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(width);
  }

  it('township at phone width: the review queue, a month returned with a reason, another approved (a double click sends one request)', async () => {
    const village = await server.login('demo-village2');
    // a person found in August and still 待核实: past the time limit, a warning the township reads before deciding
    const late = await server.request('POST', `/api/v1/ledgers/${DONGGUA_VILLAGE}/sync`, {
      token: village,
      body: {
        clientId: 'web-review-test',
        requestId: randomUUID(),
        changes: [
          {
            rowId: randomUUID(),
            baseVersion: 0,
            values: { name: '审核测试', idNumber: fabricateIdNumber(createRng('web-review'), { region: '532301', birthYearRange: [1950, 1960] }), categories: ['老年人'], channel: '入户走访', foundOn: '2026-08-03', status: '待核实' },
          },
        ],
      },
    });
    expect(late.body.applied).toHaveLength(1);
    for (const month of ['2026-09', '2026-10']) {
      const made = await server.request('POST', `/api/v1/ledgers/${DONGGUA_VILLAGE}/submissions`, { token: village, body: { month } });
      expect(made.status).toBe(201);
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-township2');
    await page.waitForSelector('#review table.review-queue');
    // oldest first, with the village's name, the month in Chinese and how long it has waited
    const queue = await page.locator('#review table.review-queue tbody tr').allInnerTexts();
    expect(queue).toHaveLength(2);
    expect(queue[0]).toMatch(/东瓜示例村[\s\S]*第 1 次报送 · \d+ 行[\s\S]*2026年9月[\s\S]*今天报送/);
    expect(queue[1]).toContain('2026年10月');
    expect(await page.textContent('#review-queue-tab')).toBe('待审核（2）');
    await expectChineseOnly(page, '#app');
    await expectNoSidewaysPage(page);
    await page.locator('#review-section').screenshot({ path: join(SHOTS, 'web-township-queue.png') });

    // open September: its summary, findings and history
    await page.click('button[aria-label="打开 东瓜示例村 2026年9月"]');
    await page.waitForSelector('#review-title');
    expect(await page.textContent('#review-title')).toBe('东瓜示例村 · 2026年9月');
    const detail = await page.innerText('#review');
    expect(detail).toMatch(/待审核\s*第 1 次报送 · \d+ 行 · \d{4}-\d{2}-\d{2} \d{2}:\d{2} 报送 · 今天报送/);
    expect(detail).toMatch(/问题（\d+ 行：0 个错误，\d+ 个提示）/);
    // the finding names the person and where the row is in the submission, not the row's id
    const finding = await page.locator('#review table.review-findings tbody tr', { hasText: '审核测试' }).first().innerText();
    expect(finding).toMatch(/^第 \d+ 行\s+审核测试\s+核实日期\s+提示\s+「核实日期」/);
    expect(detail).toMatch(/流转记录\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} 已提交（东瓜示例村 经办人）/);
    // the submitted rows themselves, ID numbers as the server masks them for a township
    expect(await page.textContent('#review-rows-title')).toMatch(/^报送的台账行（(\d+)\/\1）$/);
    const submittedRow = await page.locator('#review table.review-rows tbody tr', { hasText: '审核测试' }).innerText();
    expect(submittedRow).toMatch(/^\d+\s+审核测试\s+\d{6}\*+\w{4}\s/);
    expect(detail).toContain('身份证号已脱敏。');
    await expectChineseOnly(page, '#app');
    await expectNoSidewaysPage(page);
    await page.locator('#review-section').screenshot({ path: join(SHOTS, 'web-township-detail.png') });

    // 退回 without a reason: said on the page, nothing is sent
    let decisions = 0;
    await page.route('**/api/v1/ledgers/*/submissions/*/{approve,return}', (route) => {
      decisions++;
      return route.continue();
    });
    await page.click('#return');
    expect(await page.textContent('#return-reason-hint')).toContain('请在上面的“退回原因”中写明要修改什么');
    expect(await page.$('#confirm-yes')).toBeNull();
    const reason = '第3行核实结果未填写，请补充后重新报送';
    await page.fill('#return-reason', reason);
    // a reason typed and not sent: closing the tab asks first (the clerk stays)
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await page.waitForFunction(() => true);
    expect(dialogs).toEqual(['beforeunload']);
    await page.click('#return');
    expect(await page.textContent('#review-confirm')).toContain(`确认退回 东瓜示例村 2026年9月 的报送？退回原因：${reason}`);
    expect(decisions).toBe(0); // asked first
    await page.locator('#review-section').screenshot({ path: join(SHOTS, 'web-township-return-confirm.png') });
    await page.click('#confirm-yes');
    await page.waitForSelector('#review-notice .status.ok');
    expect(await page.textContent('#review-notice')).toBe('东瓜示例村 2026年9月 已退回，原因已通知该村。');
    // the outcome is on the screen and focused, not above it (the clerk decided at the foot of the detail)
    await page.waitForFunction(() => document.activeElement === document.querySelector('#review-notice .status'));
    const shownAt = await page.$eval('#review-notice .status', (line) => {
      const box = line.getBoundingClientRect();
      return { top: box.top, bottom: box.bottom, height: window.innerHeight };
    });
    expect(shownAt.top).toBeGreaterThanOrEqual(0);
    expect(shownAt.bottom).toBeLessThanOrEqual(shownAt.height);
    await page.screenshot({ path: join(SHOTS, 'web-township-after-return.png') });
    const returned = await server.request('GET', `/api/v1/ledgers/${DONGGUA_VILLAGE}/submissions/2026-09`, { token: village });
    expect(returned.body.submission.state).toBe('已退回');
    expect(returned.body.submission.returnReason).toBe(reason);
    // the list is read again: September has left the queue
    await page.waitForFunction(() => document.querySelector('#review-queue-tab')?.textContent === '待审核（1）');
    expect(await page.locator('#review table.review-queue tbody tr').count()).toBe(1);

    // approve October: the answer is held while the clerk taps 确认 twice — one request
    let approvals = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolveHeld) => (release = resolveHeld));
    await page.route('**/api/v1/ledgers/*/submissions/*/approve', async (route) => {
      approvals++;
      await held;
      await route.fallback();
    });
    await page.click('button[aria-label="打开 东瓜示例村 2026年10月"]');
    await page.waitForFunction(() => document.querySelector('#review-title')?.textContent === '东瓜示例村 · 2026年10月');
    await page.click('#approve');
    expect(await page.textContent('#review-confirm')).toContain('确认将 东瓜示例村 2026年10月 的报送审核通过？');
    await page.dblclick('#confirm-yes');
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>('#confirm-yes')?.disabled === true);
    expect(await page.textContent('#confirm-yes')).toBe('正在审核通过…');
    await page.click('#confirm-yes', { force: true });
    release();
    await page.waitForSelector('#review-notice .status.ok');
    expect(await page.textContent('#review-notice')).toBe('东瓜示例村 2026年10月 已审核通过。');
    await page.waitForFunction(() => document.activeElement === document.querySelector('#review-notice .status'));
    expect(approvals).toBe(1);
    expect(decisions).toBe(2); // one return, one approval
    const approved = await server.request('GET', `/api/v1/ledgers/${DONGGUA_VILLAGE}/submissions/2026-10`, { token: village });
    expect(approved.body.submission.state).toBe('已审核');
    await page.waitForSelector('#review .status.ok:has-text("没有等待审核的报送")');
    await page.locator('#review-section').screenshot({ path: join(SHOTS, 'web-township-approved.png') });

    // by month: every village of the township with the add-in's words for its state
    await page.click('#review-month-tab');
    await page.fill('#review-month', '2026-09');
    await page.click('#review-month-load');
    await page.waitForSelector('#review table.review-month');
    expect(await page.textContent('#review p[role=status]')).toMatch(/^2026年9月：待审核 0 · 已退回 1 · 已审核 0 · 未提交 \d+$/);
    expect(await page.locator('#review table.review-month tbody tr').first().innerText()).toMatch(/^东瓜示例村\s*已退回/);
    await expectChineseOnly(page, '#app');
    await expectNoSidewaysPage(page);
    await page.locator('#review-section').screenshot({ path: join(SHOTS, 'web-township-by-month.png') });
    await context.close();

    // the village learns it on the web page: the returned month at the top, with the reason and who returned it,
    // and every month's state in 月度报送 (on a phone and at a laptop)
    for (const [width, height, name] of [[390, 844, 'phone'], [1366, 768, 'laptop']] as const) {
      const seen = await browser.newContext({ viewport: { width, height }, ...ZH_CONTEXT });
      const clerk = await seen.newPage();
      await signIn(clerk, 'demo-village2');
      await clerk.waitForSelector('#returned-banner .status');
      const banner = await clerk.innerText('#returned-banner');
      expect(banner).toContain('2026年9月台账已被退回（东瓜镇 ');
      expect(banner).toContain(`退回原因：${reason}`);
      expect(banner).toContain('重新报送2026年9月');
      // at the top of the page, seen without scrolling
      const top = await clerk.$eval('#returned-banner', (element) => element.getBoundingClientRect().top);
      expect(top).toBeLessThan(200);
      const records = await clerk.locator('#submission-list table.submissions tbody tr').allInnerTexts();
      expect(records[0]).toMatch(/^2026年10月\s+第 1 次 · \d+ 行\s+已审核\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} 报送\s+乡镇（街道） \d{4}-\d{2}-\d{2} \d{2}:\d{2} 审核通过/);
      expect(records[1]).toMatch(new RegExp(`^2026年9月\\s+第 1 次 · \\d+ 行\\s+已退回[\\s\\S]*东瓜镇 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 退回\\s+退回原因：${reason}`));
      expect(await clerk.$eval('#submission-list tbody tr:nth-child(2)', (row) => row.className)).toBe('returned');
      // the returned month can be submitted again from here, the month just ended still chosen first
      expect(await clerk.$$eval('#submit-month option', (options) => options.map((o) => o.textContent))).toEqual([
        `${monthZh(PREVIOUS_MONTH)}（上月）`,
        `${monthZh(THIS_MONTH)}（本月，尚未结束）`,
        '2026年9月（已退回，待重新报送）',
      ]);
      expect(await clerk.inputValue('#submit-month')).toBe(PREVIOUS_MONTH);
      await expectChineseOnly(clerk, '#returned-banner');
      await expectChineseOnly(clerk, '#submission-section');
      await expectNoSidewaysPage(clerk);
      await clerk.screenshot({ path: join(SHOTS, `web-village-returned-${name}.png`) });
      await clerk.locator('#submission-section').screenshot({ path: join(SHOTS, `web-village-submissions-${name}.png`) });
      await seen.close();
    }
  }, 120_000);

  it('lead dispatch: the county sends a 待分派 lead to a township, a refusal is listed by lead number, the township sends it to a village', async () => {
    const countyToken = await server.login('demo-county');
    // two 医保 people the file places nowhere (no 乡镇, not on the roster): they wait for the county beside the demo's
    const unplaced = people(20261202, 2).map((person) => medicalRow(person, 15000));
    await importFile(server, countyToken, { buffer: csvFile(MEDICAL_HEADER, unplaced), fileName: '医保-未定乡镇.csv', source: 'medical', period: '2026-10' });
    const queue = await server.request('GET', `/api/v1/units/532301/leads?state=${encodeURIComponent('待分派')}&pageSize=200`, { token: countyToken });
    expect(queue.body.total).toBeGreaterThanOrEqual(3);

    // the county at a laptop
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...ZH_CONTEXT });
    const page = await context.newPage();
    await signIn(page, 'demo-county');
    await page.waitForSelector('#dispatch-leads table.dispatch');
    const listed = await page.locator('#dispatch-leads input.pick').evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value));
    expect(listed).toHaveLength(queue.body.total);
    const table = await page.innerText('#dispatch-leads');
    expect(table).toMatch(/\d{6}\*{8}\d{3}[\dX]/); // masked ID numbers, as the server sends them to a county
    expect(table).not.toMatch(/\d{17}[\dX]/);
    expect(table).toContain('残联 2026年第3季度');
    expect(table).toContain('医保 2026年10月');
    expect(table).toContain('派至乡镇后起算');
    // the order the server gave (order=due): nothing has a time limit yet, so the longest waiting first
    expect(table).toContain('等待最久的在前');
    expect(table).toMatch(/共 \d+ 条，/); // one sentence: a comma after the count, not a semicolon
    const byUrgency = await server.request('GET', `/api/v1/units/532301/leads?state=${encodeURIComponent('待分派')}&pageSize=200&order=due`, { token: countyToken });
    expect(listed).toEqual(byUrgency.body.leads.map((lead: { leadNo: string }) => lead.leadNo));
    await expectChineseOnly(page, '#dispatch-section');
    // nothing chosen: said, nothing sent
    await page.click('#dispatch');
    expect(await page.textContent('#dispatch-confirm')).toContain('请先在上表“选择”一列勾选要派发的线索');
    const [first, second, third] = listed;
    await page.check(`input.pick[value="${first}"]`);
    await page.click('#dispatch');
    expect(await page.textContent('#dispatch-confirm')).toBe('请先在“派发到”中选择乡镇（街道）。');
    await page.selectOption('#dispatch-target', { label: '鹿城镇' });
    await page.click('#dispatch');
    expect(await page.textContent('#dispatch-confirm')).toContain('确认将所选 1 条线索派发到 鹿城镇？');
    await page.screenshot({ path: join(SHOTS, 'web-county-dispatch.png'), fullPage: false });
    await page.click('#confirm-yes');
    await page.waitForSelector('#dispatch-result .status.ok');
    expect(await page.textContent('#dispatch-result')).toBe('已将 1 条线索派发到 鹿城镇，核实时限自今日起算。');
    const sent = await server.request('GET', `/api/v1/leads/${first}`, { token: countyToken });
    expect(sent.body.lead.state).toBe('已派至乡镇');
    expect(sent.body.lead.townshipCode).toBe(LUCHENG);
    await page.waitForFunction((leadNo) => !document.querySelector(`input.pick[value="${leadNo}"]`), first);

    // two chosen while another county clerk sends one of them elsewhere: nothing is sent, the refused lead is named
    await page.check(`input.pick[value="${second}"]`);
    await page.check(`input.pick[value="${third}"]`);
    const elsewhere = await server.request('POST', '/api/v1/leads/dispatch', { token: countyToken, body: { leadNos: [third], toUnitCode: DONGGUA } });
    expect(elsewhere.status).toBe(200);
    await page.selectOption('#dispatch-target', { label: '鹿城镇' });
    await page.click('#dispatch');
    await page.click('#confirm-yes');
    await page.waitForSelector('#dispatch-result table.dispatch-failed');
    const failedRows = await page.locator('#dispatch-result table.dispatch-failed tbody tr').allInnerTexts();
    expect(failedRows).toHaveLength(1);
    expect(failedRows[0]).toMatch(new RegExp(`^${third}\\s+\\S+\\s+线索${third}当前状态为“已派至乡镇”`)); // the server's words
    expect(await page.textContent('#dispatch-result .status.err')).toContain('未派发任何线索');
    await expectChineseOnly(page, '#dispatch-result');
    const untouched = await server.request('GET', `/api/v1/leads/${second}`, { token: countyToken });
    expect(untouched.body.lead.state).toBe('待分派'); // all or none
    await page.screenshot({ path: join(SHOTS, 'web-county-dispatch-refused.png'), fullPage: false });
    await context.close();

    // the township on a phone: the lead waits for it; one double click sends it once
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, ...ZH_CONTEXT });
    const township = await phone.newPage();
    let dispatches = 0;
    await township.route('**/api/v1/leads/dispatch', async (route) => {
      dispatches++;
      await route.continue();
    });
    await signIn(township, 'demo-township');
    await township.waitForSelector(`#dispatch-leads input.pick[value="${first}"]`);
    // 建议村: the village the county's file names, beside the person's name; ticking leads that all name one village chooses it
    expect((await township.$$eval('#dispatch-leads thead th', (cells) => cells.map((cell) => cell.textContent))).slice(0, 3)).toEqual(['选择', '姓名', '建议村']);
    const waiting = await server.request('GET', `/api/v1/units/${LUCHENG}/leads?state=${encodeURIComponent('已派至乡镇')}&pageSize=200&order=due`, { token: await server.login('demo-township') });
    type Waiting = { leadNo: string; suggestedVillageCode: string | null; suggestedVillageName: string | null };
    const suggested = (waiting.body.leads as Waiting[]).filter((lead) => lead.suggestedVillageCode !== null);
    expect(suggested.length).toBeGreaterThanOrEqual(1);
    const hinted = suggested[0];
    expect(await township.locator('#dispatch-leads tbody tr', { has: township.locator(`input.pick[value="${hinted.leadNo}"]`) }).locator('td:nth-child(3)').textContent()).toBe(hinted.suggestedVillageName);
    expect(await township.locator('#dispatch-leads tbody tr', { has: township.locator(`input.pick[value="${first}"]`) }).locator('td:nth-child(3)').textContent()).toBe('—');
    await township.check(`input.pick[value="${hinted.leadNo}"]`);
    expect(await township.inputValue('#dispatch-target')).toBe(hinted.suggestedVillageCode);
    // a lead with no suggestion (or another village) ticked too: nothing is chosen for the clerk
    await township.check(`input.pick[value="${first}"]`);
    expect(await township.inputValue('#dispatch-target')).toBe('');
    await township.uncheck(`input.pick[value="${first}"]`);
    expect(await township.inputValue('#dispatch-target')).toBe(hinted.suggestedVillageCode);
    await township.uncheck(`input.pick[value="${hinted.leadNo}"]`);
    expect(await township.inputValue('#dispatch-target')).toBe('');
    // a village the clerk chose is never changed by the page
    await township.selectOption('#dispatch-target', { label: '示例社区' });
    await township.check(`input.pick[value="${hinted.leadNo}"]`);
    expect(await township.inputValue('#dispatch-target')).toBe('532301101001');
    await township.uncheck(`input.pick[value="${hinted.leadNo}"]`);
    await township.check(`input.pick[value="${first}"]`);
    expect(await township.textContent('#dispatch')).toBe('派发所选（1 条）');
    await township.selectOption('#dispatch-target', { label: '示范村' });
    await township.fill('#dispatch-note', '请于时限内入户核实');
    await township.click('#dispatch');
    expect(await township.textContent('#dispatch-confirm')).toContain('确认将所选 1 条线索派发到 示范村？');
    await expectChineseOnly(township, '#dispatch-section');
    await expectNoSidewaysPage(township);
    // what the clerk sees: the list, and the bar with the question kept at the bottom of the screen
    await township.locator('#dispatch-section h2').scrollIntoViewIfNeeded();
    await township.evaluate(() => document.querySelector('#dispatch-section')?.scrollIntoView());
    await township.screenshot({ path: join(SHOTS, 'web-township-dispatch.png') });
    await township.dblclick('#confirm-yes');
    await township.waitForSelector('#dispatch-result .status.ok');
    expect(await township.textContent('#dispatch-result')).toBe('已将 1 条线索派发到 示范村。');
    expect(dispatches).toBe(1);
    const inVillage = await server.request('GET', `/api/v1/leads/${first}`, { token: countyToken });
    expect(inVillage.body.lead.state).toBe('已下发村');
    expect(inVillage.body.lead.villageCode).toBe(VILLAGE);
    expect(await township.$(`input.pick[value="${first}"]`)).toBeNull();
    await township.screenshot({ path: join(SHOTS, 'web-township-home.png'), fullPage: true });
    await phone.close();
  }, 120_000);
});
