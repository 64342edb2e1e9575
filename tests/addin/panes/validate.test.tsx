/**
 * @jest-environment jsdom
 *
 * The 台账校验 pane on the memory host over the demo workbook (planted defects).
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ValidatePane } from '../../../addin/panes/validate/ValidatePane';
import { MemoryHost } from '../../../addin/host/memory-host';
import { demoWorkbook } from '../../../addin/host/demo-workbook';
import { validateSheet } from '../../../ledger/validate';
import { localToday } from '../../../addin/panes/validate/model';
import { VALIDATE_PANE } from '../../../addin/panes/validate/pane';
import { OfficeHost, type ExcelRun } from '../../../addin/host/office-host';
import { MARK_COLORS } from '../../../addin/host/write-plan';
import { FakeExcel, FakeSheet } from '../fake-excel';
import { connected, renderPane } from './render';

const click = async (name: string | RegExp) => {
  await act(async () => {
    fireEvent.click(await screen.findByRole('button', { name }));
  });
};

async function validated(host?: MemoryHost) {
  const rendered = renderPane('validate', <ValidatePane />, { host });
  await connected();
  await click('开始校验');
  await screen.findByTestId('summary-counts');
  return rendered;
}

describe('台账校验 pane', () => {
  it('shows the summary first with the same counts as the core, then the findings by row', async () => {
    const { host } = await validated();
    const snapshot = await host.readLedger();
    const expected = validateSheet(snapshot.sheet, { today: localToday() });
    expect(screen.getByTestId('summary-counts').textContent).toBe(`共${expected.rows.length}行数据：${expected.errors}个错误，${expected.warnings}个警告。`);
    const rowsTitle = screen.getByRole('heading', { name: '逐行问题（点击定位到单元格）' });
    const summaryTitle = screen.getByRole('heading', { name: '校验结果' });
    expect(summaryTitle.compareDocumentPosition(rowsTitle) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // grouped by row, each row named
    expect(screen.getByRole('group', { name: '第7行 示例戊' })).toBeTruthy();
    expect(within(screen.getByRole('group', { name: '第7行 示例戊' })).getByRole('button', { name: /校验位/ })).toBeTruthy();
  });

  it('a clean ledger is told so with the next step (同步提交)', async () => {
    const host = new MemoryHost(demoWorkbook());
    host.edit('台账', 'P3', '2099-12-31'); // the demo's one warning: 示例甲's verification is overdue
    await validated(host);
    expect(screen.getByTestId('summary-counts').textContent).toBe('共3行数据：0个错误，0个警告。没有发现问题，可以到“同步提交”上传并报送本月台账。');
    expect(screen.queryByRole('heading', { name: /逐行问题/ })).toBeNull();
  });

  it('clicking a finding selects its cell in the sheet', async () => {
    const { host } = await validated();
    const row = screen.getByRole('group', { name: '第7行 示例戊' });
    const finding = within(row).getByRole('button', { name: /定位到 F7/ });
    await act(async () => fireEvent.click(finding));
    await waitFor(async () => expect((await host.getSelectedRow())?.cell).toBe('F7'));
  });

  it('filters by severity', async () => {
    await validated();
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: '仅警告' })));
    const list = screen.getByRole('heading', { name: '逐行问题（点击定位到单元格）' }).parentElement!;
    const badges = within(list).queryAllByText(/^(错误|警告)$/);
    expect(badges.length).toBeGreaterThan(0);
    expect(badges.every((b) => b.textContent === '警告')).toBe(true);
  });

  it('marks the cells with findings and clears only those marks', async () => {
    const { host } = await validated();
    await click('标注问题单元格');
    await screen.findByText(/已标注\d+个单元格/);
    const marks = host.sheet('台账').marks;
    expect(marks.get('F7')).toBe('error');
    expect(marks.get('F6')).toBe('warning');
    await click('清除标注');
    await screen.findByText('标注已清除。');
    expect(host.sheet('台账').marks.size).toBe(0);
  });

  it('on Excel, marks follow the list after 全部修正, its undo and a synonym fix: no colour stays on a fixed cell', async () => {
    const seed = demoWorkbook({ plantedDefects: true });
    const excel = new FakeExcel(seed.sheets.map((sheet) => new FakeSheet(sheet.name, sheet.values, sheet.numberFormats)));
    const host = new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports });
    renderPane('validate', <ValidatePane />, { connect: async () => ({ host, displayLanguage: 'zh-CN', theme: undefined }) });
    await connected();
    // the ledger is looked up on the fake first: wait outside act() (inside, React would not render meanwhile)
    await screen.findByRole('button', { name: '开始校验' });
    await click('开始校验');
    await screen.findByTestId('summary-counts');
    const sheet = excel.sheet('台账');
    await click('标注问题单元格');
    await screen.findByText(/已标注\d+个单元格/);
    // F6: a 15-digit ID (fixable warning); G9: a full-width phone (fixable); F7: a wrong check digit (not fixable)
    expect(sheet.markAt('F6')).toBe(MARK_COLORS.warning);
    expect(sheet.markAt('G9')).toBeDefined();
    expect(sheet.markAt('F7')).toBe(MARK_COLORS.error);

    excel.syncLog = [];
    const runs = excel.runs;
    await click('全部修正');
    const notice = await screen.findByText(/^已修正4处，可撤销。/);
    expect(sheet.markAt('F6')).toBeUndefined();
    expect(sheet.markAt('G9')).toBeUndefined();
    expect(sheet.markAt('F7')).toBe(MARK_COLORS.error);
    // the pane says the colours were redone
    expect(notice.textContent).toMatch(/^已修正4处，可撤销。 标注已按新的校验结果更新，现标注\d+个单元格。$/);
    // every colour left is on a cell the pane still lists
    const listed = new Set(screen.getAllByRole('button', { name: /^定位到 [A-Z]+\d+：/ }).map((b) => /^定位到 ([A-Z]+\d+)/.exec(b.getAttribute('aria-label')!)![1]));
    for (const cf of sheet.conditionalFormats) for (const area of cf.areas) for (let r = area.r0; r < area.r0 + area.rows; r++) for (let c = area.c0; c < area.c0 + area.cols; c++) expect(listed).toContain(`${String.fromCharCode(65 + c)}${r + 1}`);
    // three batches: the write (≤ 3 syncs), the re-read (2) and one markFindings that replaces the old
    // marks (≤ 3) — no separate clear
    expect(excel.runs - runs).toBe(3);
    expect(excel.syncs).toBeLessThanOrEqual(8);

    await click('撤销刚才的修正');
    await screen.findByText(/^已撤销，原值已写回。 标注已按新的校验结果更新/);
    expect(sheet.markAt('F6')).toBe(MARK_COLORS.warning);
    expect(sheet.markAt('G9')).toBeDefined();

    // a synonym fix (走访 → 入户走访 in L9) takes its colour off L9
    expect(sheet.markAt('L9')).toBeDefined();
    await click('将 L9 改为“入户走访”');
    await screen.findByText(/^已将 L9 改为“入户走访”，可撤销。 标注已按新的校验结果更新/);
    expect(sheet.markAt('L9')).toBeUndefined();

    // once removed, a fix leaves the sheet without colours
    await click('清除标注');
    await screen.findByText('标注已清除。');
    await click('全部修正');
    await screen.findByText('已修正4处，可撤销。');
    expect(sheet.conditionalFormats).toEqual([]);
  });

  it('fixes the safe cells in one click and undo writes the old values back', async () => {
    const { host } = await validated();
    const sheet = () => host.sheet('台账').values;
    const before = sheet().map((row) => [...row]);
    expect(screen.getByRole('heading', { name: '可一键修正（4处）' })).toBeTruthy();
    await click('全部修正');
    await screen.findByText('已修正4处，可撤销。');
    expect(sheet()[5][5]).toMatch(/^53230119480203\d{3}[\dX]$/); // 15 → 18 digits
    expect(sheet()[8][6]).toBe('13887800077'); // full-width → half-width
    expect(sheet()[5][9]).toBe('低保边缘家庭、老年人'); // joined with 、
    expect(String(sheet()[4][5])).toMatch(/^\d{17}X$/); // x → X
    // the fixed findings are gone after the automatic re-check
    expect(screen.queryByText(/15位旧号码/)).toBeNull();
    await click('撤销刚才的修正');
    await screen.findByText('已撤销，原值已写回。');
    for (const [r, c] of [[5, 5], [8, 6], [5, 9], [4, 5]]) expect(sheet()[r][c]).toBe(before[r][c]);
  });

  it('lists each fix in full, where and what on one line and the old and new value quoted alike: 「old」→「new」', async () => {
    const { host } = await validated();
    const sheet = host.sheet('台账').values;
    const items = within(screen.getByTestId('fix-list')).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    const texts = items.map((item) => Array.from(item.children, (line) => line.textContent));
    // the 15-digit ID of F6: the old value quoted exactly like the new one (no JSON quotes on one side only)
    const f6 = texts.find(([where]) => where?.startsWith('F6'));
    expect(f6?.[0]).toBe('F6「公民身份号码」15位升18位');
    expect(f6?.[1]).toMatch(new RegExp(`^「${String(sheet[5][5])}」→「\\d{17}[\\dX]」$`));
    for (const [where, change] of texts) {
      expect(where).toMatch(/^[A-Z]+\d+「[^」]+」\S/);
      expect(change).toMatch(/^「[^」]+」→「[^」]+」$/s);
      expect(change).not.toContain('"');
    }
  });

  it('shows the first fixes and the rest on request, so 全部修正 stays near what it changes', async () => {
    const seed = demoWorkbook({ plantedDefects: true });
    const name = seed.sheets[0].values[1].indexOf('姓名');
    // three names typed with a trailing space: 7 fixes in all
    const values = seed.sheets[0].values.map((row, r) => (r >= 2 && r <= 4 ? row.map((v, c) => (c === name ? `${String(v)} ` : v)) : row));
    const host = new MemoryHost({ ...seed, sheets: [{ ...seed.sheets[0], values }, seed.sheets[1]] });
    await validated(host);
    expect(screen.getByRole('heading', { name: '可一键修正（7处）' })).toBeTruthy();
    expect(within(screen.getByTestId('fix-list')).getAllByRole('listitem')).toHaveLength(5);
    await click('显示全部7处');
    const items = within(screen.getByTestId('fix-list')).getAllByRole('listitem');
    expect(items).toHaveLength(7);
    // a trim fix shows the space it removes inside the quotes
    const letter = String.fromCharCode(65 + name);
    expect(items.map((item) => item.textContent)).toContain(`${letter}3「姓名」去掉首尾空格「${String(values[2][name])}」→「${String(values[2][name]).trim()}」`);
    await click('只显示前5处');
    expect(within(screen.getByTestId('fix-list')).getAllByRole('listitem')).toHaveLength(5);
  });

  it('states a whole-column problem once (ID numbers Excel turned into numbers) with how to recover', async () => {
    const seed = demoWorkbook({ plantedDefects: true });
    const values = seed.sheets[0].values.map((row, r) => (r >= 2 ? row.map((v, c) => (c === 5 ? 532301195203140000 + r : v)) : row));
    const host = new MemoryHost({ ...seed, sheets: [{ ...seed.sheets[0], values }, seed.sheets[1]] });
    await validated(host);
    const summary = screen.getByRole('list', { name: '校验结果' });
    expect(within(summary).getAllByText(/被Excel存成了数字/)).toHaveLength(1);
    expect(within(summary).getByText(/设置单元格格式为“文本”，再对照身份证重新录入完整的18位号码/)).toBeTruthy();
    expect(within(summary).getByText('整列')).toBeTruthy();
    // not repeated under every row
    const rows = screen.getByRole('heading', { name: '逐行问题（点击定位到单元格）' }).parentElement!;
    expect(within(rows).queryByText(/被Excel存成了数字/)).toBeNull();
  });

  it('validates only the selected rows when asked', async () => {
    const { host } = renderPane('validate', <ValidatePane />);
    await connected();
    await act(async () => host.select('B7'));
    await act(async () => fireEvent.click(await screen.findByRole('radio', { name: '选中的行（第7–7行）' })));
    await click('开始校验');
    expect((await screen.findByTestId('summary-counts')).textContent).toMatch(/^共1行数据/);
    expect(screen.queryByRole('group', { name: /第6行/ })).toBeNull();
    expect(screen.getByRole('group', { name: '第7行 示例戊' })).toBeTruthy();
  });

  it('says the results are stale after the sheet changes; a sheet that lost its header gets the template offer', async () => {
    const { host } = await validated();
    // a change made by the user (outside the pane's own-write echo window, moved past by the clock)
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
    await act(async () => host.edit('台账', 'D3', '改名'));
    const banner = (await screen.findByText('表格已改动，以上结果可能已过时。')).closest('[role="group"], .fui-MessageBar') as HTMLElement;
    clock.mockRestore();
    host.sheet('台账').values.splice(0, 3); // header gone: not a ledger any more
    host.sheet('填表说明').values.splice(0);
    await act(async () => fireEvent.click(within(banner).getByRole('button', { name: '重新校验' })));
    // no ledger any more: not an error, the offer to add the template's sheets
    await screen.findByTestId('add-ledger-offer');
    expect(screen.queryByTestId('error-bar')).toBeNull();
    expect(screen.queryByTestId('summary-counts')).toBeNull();
  });

  it('on an Excel without conditional formats says which extra it cannot offer and keeps validating', async () => {
    const host = new MemoryHost({ ...demoWorkbook({ plantedDefects: true }), capabilities: { conditionalFormats: false } });
    renderPane('validate', <ValidatePane />, { host, uses: ['conditionalFormats'] });
    await connected();
    expect(screen.getByText(/当前 Excel 版本不支持：问题单元格着色标注/)).toBeTruthy();
    await click('开始校验');
    await screen.findByTestId('summary-counts');
    expect((screen.getByRole('button', { name: '标注问题单元格' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('on an Excel without events the note names the button that re-checks, as the pane labels it', async () => {
    const host = new MemoryHost({ ...demoWorkbook({ plantedDefects: true }), capabilities: { events: false } });
    renderPane('validate', <ValidatePane />, { host, uses: [...VALIDATE_PANE.uses!] });
    await connected();
    await click('开始校验');
    await screen.findByTestId('summary-counts');
    const note = screen.getByText(/当前 Excel 版本不支持：自动跟随选中行和表格改动/);
    expect(note.textContent).toContain('“重新校验”');
    expect(note.textContent).not.toContain('刷新');
    expect(screen.getByRole('button', { name: '重新校验' })).toBeTruthy();
  });
});
