/**
 * @jest-environment jsdom
 *
 * The 台账校验 pane's template offers (a workbook without a ledger; a ledger missing columns) and
 * the one-click fix of a synonym (enum.synonym), on the memory host.
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { ValidatePane } from '../../../addin/panes/validate/ValidatePane';
import { MemoryHost } from '../../../addin/host/memory-host';
import { demoWorkbook } from '../../../addin/host/demo-workbook';
import { VISIBLE_COLUMNS } from '../../../ledger/columns';
import { TEMPLATE_SHEETS } from '../../../ledger/template';
import { connected, renderPane } from './render';

const click = async (name: string | RegExp) => {
  await act(async () => {
    fireEvent.click(await screen.findByRole('button', { name }));
  });
};

async function open(host: MemoryHost) {
  renderPane('validate', <ValidatePane />, { host });
  await connected();
  await click('开始校验');
}

/** A workbook without a ledger: the pane says so when it opens (nothing to click first). */
async function openWithoutLedger(host: MemoryHost) {
  renderPane('validate', <ValidatePane />, { host });
  await connected();
  await screen.findByTestId('add-ledger-offer');
}

describe('台账校验 pane: adding the template', () => {
  it('a workbook without a ledger is offered the template’s sheets; adding them keeps the user’s sheets and validates the new one', async () => {
    const host = new MemoryHost(demoWorkbook({ layout: 'noLedger' }));
    const before = host.sheetNames().map((name) => JSON.stringify(host.sheet(name).values));
    await openWithoutLedger(host);
    const offer = await screen.findByTestId('add-ledger-offer');
    expect(within(offer).getByRole('heading', { name: '此工作簿中还没有台账' })).toBeTruthy();
    expect(screen.queryByTestId('error-bar')).toBeNull();
    expect(within(offer).queryByTestId('extras-missing')).toBeNull();
    await click('添加台账工作表');
    // the user's 台账 (a supplies list) is untouched: the new ledger got a free name
    await screen.findByText('已添加工作表“台账 (2)”“填表说明”（字典表“字典”已隐藏）。可以开始填写了。');
    expect(host.sheetNames()).toEqual(['走访记录', '台账', '台账 (2)', '填表说明', '字典']);
    expect(host.sheetNames().slice(0, 2).map((name) => JSON.stringify(host.sheet(name).values))).toEqual(before);
    expect(host.sheet('台账 (2)').values[1].slice(0, VISIBLE_COLUMNS.length)).toEqual(VISIBLE_COLUMNS.map((c) => c.header));
    expect(host.sheet(TEMPLATE_SHEETS.dictionary).hidden).toBe(true);
    expect(host.sheet('台账 (2)').validations.some((v) => v.listSource?.startsWith("='字典'!"))).toBe(true);
    // validated at once: an empty ledger, nothing missing
    expect((await screen.findByTestId('summary-counts')).textContent).toMatch(/^共0行数据/);
    expect(screen.queryByTestId('add-ledger-offer')).toBeNull();
    expect(screen.queryByTestId('add-columns-offer')).toBeNull();
  });

  it('a workbook without a ledger is told so when the pane opens: no 开始校验, the template offer and 重新查找台账 instead', async () => {
    const host = new MemoryHost(demoWorkbook({ layout: 'noLedger' }));
    await openWithoutLedger(host);
    expect(screen.queryByRole('button', { name: '开始校验' })).toBeNull();
    expect(screen.queryByRole('radiogroup', { name: '检查范围' })).toBeNull();
    expect(screen.getByRole('heading', { name: '已经有台账了？' })).toBeTruthy();
    expect(screen.getByText(/^如果台账在别的工作簿中，请打开那个工作簿/)).toBeTruthy();
    // looking again finds nothing: said in words, still no 开始校验
    await click('重新查找台账');
    expect((await screen.findByRole('status')).textContent).toBe('仍未找到台账。');
    expect(screen.queryByRole('button', { name: '开始校验' })).toBeNull();
    // the clerk pastes the ledger into the workbook and looks again: 开始校验 is offered
    const ledger = demoWorkbook({ plantedDefects: true }).sheets[0];
    host.sheet('台账').values.splice(0, Infinity, ...ledger.values.map((row) => [...row]));
    await click('重新查找台账');
    await click('开始校验');
    expect((await screen.findByTestId('summary-counts')).textContent).toMatch(/^共7行数据/);
  });

  it('on an Excel without data validation the offer names the dropdowns it cannot add, and the result says so', async () => {
    const host = new MemoryHost({ ...demoWorkbook({ layout: 'noLedger' }), capabilities: { dataValidation: false } });
    await openWithoutLedger(host);
    expect((await screen.findByTestId('extras-missing')).textContent).toBe('当前 Excel 版本无法添加：下拉选项（数据验证）。');
    await click('添加台账工作表');
    await screen.findByText(/未能添加：下拉选项（数据验证）（需要更新版本的 Excel）。/);
    expect(host.sheet('台账 (2)').validations).toEqual([]);
  });

  it('a ledger missing columns is offered them at the right; the existing cells stay as they were', async () => {
    const seed = demoWorkbook({ plantedDefects: true });
    const drop = new Set([VISIBLE_COLUMNS.findIndex((c) => c.key === 'channel'), VISIBLE_COLUMNS.findIndex((c) => c.key === 'notes')]);
    const values = seed.sheets[0].values.map((row) => row.filter((_, c) => !drop.has(c)));
    const host = new MemoryHost({ ...seed, sheets: [{ name: '台账', values }, seed.sheets[1]] });
    await open(host);
    const offer = await screen.findByTestId('add-columns-offer');
    expect(within(offer).getByRole('heading', { name: '台账缺少2列' })).toBeTruthy();
    expect(within(offer).getByText('发现渠道（必填）、备注')).toBeTruthy();
    await act(async () => fireEvent.click(within(offer).getByRole('button', { name: '在右侧添加这2列' })));
    const width = values[1].length;
    await screen.findByText(`已在 ${String.fromCharCode(65 + width)} 起添加2列：发现渠道、备注。`);
    const sheet = host.sheet('台账').values;
    expect(sheet[1].slice(width)).toEqual(['发现渠道', '备注']);
    expect(sheet.map((row) => row.slice(0, width))).toEqual(values);
    expect(screen.queryByTestId('add-columns-offer')).toBeNull();
  });
});

describe('台账校验 pane: synonym fix', () => {
  it('writes the allowed value a synonym stands for in one click, and undo writes the typed text back', async () => {
    const host = new MemoryHost(demoWorkbook({ plantedDefects: true }));
    await open(host);
    const row = await screen.findByRole('group', { name: '第9行 示例庚' });
    const channel = VISIBLE_COLUMNS.findIndex((c) => c.key === 'channel');
    expect(host.sheet('台账').values[8][channel]).toBe('走访');
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: /^将 L9 改为“入户走访”$/ })));
    await screen.findByText('已将 L9 改为“入户走访”，可撤销。');
    expect(host.sheet('台账').values[8][channel]).toBe('入户走访');
    // the finding is gone after the automatic re-check
    expect(screen.queryByRole('button', { name: /改为“入户走访”/ })).toBeNull();
    await click('撤销刚才的修正');
    await screen.findByText('已撤销，原值已写回。');
    expect(host.sheet('台账').values[8][channel]).toBe('走访');
  });
});
