/**
 * @jest-environment jsdom
 *
 * The shell: locale from Office's display language, connection failures and host errors reach the
 * error bar, StrictMode's double effects never overlap two Excel.run batches.
 */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { ValidatePane } from '../../../addin/panes/validate/ValidatePane';
import { OfficeHost, type ExcelRun } from '../../../addin/host/office-host';
import { LedgerHostError } from '../../../addin/host/ledger-host';
import { FakeExcel, FakeSheet } from '../fake-excel';
import { ledgerValues } from '../ledger-fixture';
import { connected, renderPane } from './render';

describe('the pane shell', () => {
  it('speaks en-US when Office’s display language is English, zh-CN otherwise', async () => {
    renderPane('validate', <ValidatePane />, { displayLanguage: 'en-GB' });
    await connected();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Validation');
    expect(screen.getByRole('button', { name: 'Check now' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en-US');
  });

  it('a failed connection is shown, not swallowed', async () => {
    renderPane('validate', <ValidatePane />, {
      connect: async () => {
        throw new LedgerHostError('settings.corrupt', '工作簿中保存的加载项设置已损坏', 'corrupt settings');
      },
    });
    // before a connection the locale is the browser's (jsdom: en-US)
    expect((await screen.findByTestId('error-bar')).textContent).toContain('corrupt settings');
    expect(document.body.dataset.ready).toBe('error');
  });

  it('on the Excel host under StrictMode, the pane’s reads never overlap (one Excel.run at a time)', async () => {
    const { values, formats } = ledgerValues({ rows: 200 });
    const excel = new FakeExcel([new FakeSheet('台账', values, formats)]);
    const host = new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports });
    renderPane('validate', <ValidatePane />, { connect: async () => ({ host, displayLanguage: 'zh-CN', theme: undefined }) });
    await connected();
    const button = await screen.findByRole('button', { name: '开始校验' });
    await act(async () => {
      fireEvent.click(button);
      fireEvent.click(button);
    });
    await waitFor(() => expect(screen.queryByTestId('error-bar')?.textContent ?? screen.getByTestId('summary-counts').textContent).toMatch(/^共200行数据/), { timeout: 10000 });
    expect(excel.maxConcurrentRuns).toBe(1);
  });
});
