/**
 * @jest-environment jsdom
 *
 * The 接办流程 pane on the memory host over the demo workbook: follows the selection, pre-fills
 * from the row (blank cells asked, not assumed), recommends with clause, reason and deadline, asks
 * for the verification before 办理中, writes back and undoes.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HandlingPane } from '../../../addin/panes/handling/HandlingPane';
import { MEASURE_CLAUSES } from '../../../ledger/handling';
import { HANDLING_PANE } from '../../../addin/panes/handling/pane';
import { MemoryHost } from '../../../addin/host/memory-host';
import { demoWorkbook } from '../../../addin/host/demo-workbook';
import { localToday } from '../../../addin/panes/validate/model';
import { validateSheet } from '../../../ledger/validate';
import { connected, renderPane } from './render';

const HEADERS_ROW = 1; // values index of the header row in the demo sheet

async function paneOnRow(a1: string) {
  const rendered = renderPane('handling', <HandlingPane />);
  await connected();
  await act(async () => rendered.host.select(a1, '台账'));
  return rendered;
}

const column = (values: unknown[][], header: string) => values[HEADERS_ROW].indexOf(header);

describe('接办流程 pane', () => {
  it('asks for a row while the cursor is not on one', async () => {
    renderPane('handling', <HandlingPane />);
    await connected();
    expect((await screen.findByTestId('no-row')).textContent).toMatch(/请在台账中选中/);
  });

  it('pre-fills from the selected row and shows measures with the clause, why and the deadline', async () => {
    await paneOnRow('D4'); // 示例乙: 愿意申请, 需协助申请
    await screen.findByRole('heading', { name: '第4行 · 示例乙' });
    expect((screen.getByRole('radio', { name: '愿意申请' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('radio', { name: '需协助申请' }) as HTMLInputElement).checked).toBe(true);
    const cards = screen.getAllByTestId('recommendation');
    const assist = cards.find((card) => within(card).queryByText('协助申请'))!;
    expect(assist).toBeTruthy();
    expect(within(assist).getByText(new RegExp(MEASURE_CLAUSES['协助申请'].zh.slice(0, 12)))).toBeTruthy();
    expect(within(assist).getByText(/^依据：/)).toBeTruthy();
  });

  it('with nothing that decides a measure yet, says which answers below to add', async () => {
    await paneOnRow('D3'); // 示例甲: willingness not stated, no income, no hardship ticked
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    expect(screen.queryAllByTestId('recommendation')).toEqual([]);
    expect(screen.getByText(/请在下方“了解情况”中补充申请意愿、家庭人均月收入或困难情况/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: /^了解情况/ })).toBeTruthy();
  });

  it('a person who declined gets only 尊重意愿持续关注, plus monitoring when the income is low', async () => {
    await paneOnRow('D9'); // 示例庚: 不愿申请
    await screen.findByRole('heading', { name: '第9行 · 示例庚' });
    expect(screen.getAllByTestId('recommendation').map((c) => within(c).getByRole('checkbox').getAttribute('aria-label'))).toEqual(['采用：尊重意愿持续关注']);
    await act(async () => fireEvent.change(screen.getByRole('textbox', { name: /家庭人均月收入/ }), { target: { value: '300' } }));
    expect(screen.getAllByTestId('recommendation').map((c) => within(c).getByRole('checkbox').getAttribute('aria-label'))).toEqual([
      '采用：纳入低收入人口动态监测',
      '采用：尊重意愿持续关注',
    ]);
  });

  it('a blank 申请能力 is shown unanswered, and 写回台账 waits for it and for 核实结果, naming them', async () => {
    const { host } = await paneOnRow('D3'); // 示例甲: 申请意愿, 申请能力, 核实日期, 核实结果 blank; 待核实
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    expect(screen.queryByText(/已按台账预填/)).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: '愿意申请' })));
    expect((screen.getByRole('radio', { name: '能自行申请' }) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('radio', { name: '需协助申请' }) as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText('台账未填写，请询问后选择')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('checkbox', { name: /遭遇急难/ })));
    expect(screen.getByTestId('confirm-missing').textContent).toBe('写回前请先回答：能否自行申请、核实结果。');
    const button = screen.getByRole('button', { name: '写回台账' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await act(async () => fireEvent.click(button));
    const values = host.sheet('台账').values;
    expect(values[2][column(values, '处置方式')]).toBe('');
    expect(values[2][column(values, '申请能力')]).toBe('');
  });

  it('emergency adds 先行救助 with its deadline; confirming writes 处置方式, 办理状态 and the verification, undo restores them', async () => {
    const { host } = await paneOnRow('D3'); // 示例甲
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: '愿意申请' })));
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: '需协助申请' })));
    await act(async () => fireEvent.click(screen.getByRole('checkbox', { name: /遭遇急难/ })));
    const first = screen.getAllByTestId('recommendation').find((card) => within(card).queryByText('先行救助'))!;
    expect(within(first).getByText(/^办理时限：\d{4}-\d{2}-\d{2}/)).toBeTruthy();
    // 办理中 on a row not yet verified: the pane asks for the verification, date defaulting to today
    const verification = screen.getByTestId('verification');
    expect(within(verification).getByText(/进入办理前须先完成调查核实/)).toBeTruthy();
    expect((within(verification).getByLabelText('核实日期') as HTMLInputElement).value).toBe(localToday());
    await act(async () => fireEvent.change(within(verification).getByRole('combobox', { name: '核实结果' }), { target: { value: '符合救助条件' } }));
    expect(screen.queryByTestId('confirm-missing')).toBeNull();
    expect(screen.getByText(/^将写入：处置方式“协助申请、先行救助、临时救助”，办理状态“办理中”，申请意愿“愿意申请”，申请能力“需协助申请”，核实日期“\d{4}-\d{2}-\d{2}”，核实结果“符合救助条件”。$/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '写回台账' })));
    await screen.findByText('已写回第3行，可撤销。');
    const values = host.sheet('台账').values;
    const routes = String(values[2][column(values, '处置方式')]);
    expect(routes).toContain('先行救助');
    expect(values[2][column(values, '办理状态')]).toBe('办理中');
    expect(values[2][column(values, '申请意愿')]).toBe('愿意申请');
    expect(values[2][column(values, '申请能力')]).toBe('需协助申请');
    expect(values[2][column(values, '核实日期')]).toBe(localToday());
    expect(values[2][column(values, '核实结果')]).toBe('符合救助条件');
    // the ledger's own check has nothing to say about the status of the row written
    const findings = validateSheet({ values }, { today: localToday() }).findings.filter((f) => f.row === 3);
    expect(findings.filter((f) => f.code === 'status.inconsistent')).toEqual([]);
    // nobody else's row touched
    expect(values[3][column(values, '处置方式')]).toBe('');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '撤销写回' })));
    await screen.findByText('已撤销，原值已写回。');
    expect(values[2][column(values, '处置方式')]).toBe('');
    expect(values[2][column(values, '办理状态')]).toBe('待核实');
    expect(values[2][column(values, '核实日期')]).toBe('');
    expect(values[2][column(values, '申请能力')]).toBe('');
  });

  it('takes 城市 for a community row and 农村 for a village row, saying from which unit', async () => {
    await paneOnRow('D3'); // 示范村
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    expect((screen.getByRole('radio', { name: '农村' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('按村（社区）“示范村”取农村标准，不符可改')).toBeTruthy();
    cleanup();
    const seed = demoWorkbook({ plantedDefects: true });
    const sheet = seed.sheets![0].values as unknown[][];
    sheet[2][column(sheet, '村（社区）')] = '鹿城社区';
    const host = new MemoryHost(seed);
    renderPane('handling', <HandlingPane />, { host });
    await connected();
    await act(async () => host.select('D3', '台账'));
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    expect((screen.getByRole('radio', { name: '城市' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('按村（社区）“鹿城社区”取城市标准，不符可改')).toBeTruthy();
  });

  it('on an Excel without events the note names the button that reads the row, as the pane labels it', async () => {
    const host = new MemoryHost({ ...demoWorkbook({ plantedDefects: true }), capabilities: { events: false } });
    renderPane('handling', <HandlingPane />, { host, uses: [...HANDLING_PANE.uses!] });
    await connected();
    const note = screen.getByText(/当前 Excel 版本不支持：自动跟随选中行和表格改动/);
    expect(note.textContent).toContain('“读取选中行”');
    expect(note.textContent).not.toContain('刷新');
    expect(screen.getByRole('button', { name: '读取选中行' })).toBeTruthy();
  });

  it('follows the cursor to another row', async () => {
    const { host } = await paneOnRow('D3');
    await screen.findByRole('heading', { name: '第3行 · 示例甲' });
    await act(async () => host.select('B5', '台账'));
    await screen.findByRole('heading', { name: '第5行 · 示例丙' });
    await act(async () => host.select('A1', '台账'));
    await waitFor(() => expect(screen.queryByRole('heading', { name: /第5行/ })).toBeNull());
  });
});
