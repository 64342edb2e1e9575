/**
 * @jest-environment jsdom
 *
 * The 台账校验 pane's summary: a line that stands for several findings of one column names them by
 * their code's short label, which lives beside the messages in the core (FINDING_LABELS), so a new
 * rule touches the rule table and the message table only.
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { ValidatePane } from '../../../addin/panes/validate/ValidatePane';
import { MemoryHost } from '../../../addin/host/memory-host';
import { demoWorkbook } from '../../../addin/host/demo-workbook';
import { columnLettersOfIndex } from '../../../ledger/sheet';
import { FINDING_LABELS } from '../../../ledger/validation/messages';
import { connected, renderPane } from './render';

describe('台账校验 summary lines', () => {
  it('two findings of one code in one column: one line with the column and the code’s label (zh), not the first message', async () => {
    const host = new MemoryHost(demoWorkbook({ plantedDefects: true }));
    const values = host.sheet('台账').values;
    const headerRow = values.findIndex((row) => row.includes('发现渠道'));
    const column = values[headerRow].indexOf('发现渠道');
    // 发现渠道 is required: blank it on the first two data rows that have it
    const filled = values.map((row, r) => (r > headerRow && String(row[column] ?? '') !== '' ? r : -1)).filter((r) => r >= 0);
    for (const r of filled.slice(0, 2)) host.edit('台账', `${columnLettersOfIndex(column)}${r + 1}`, '');

    renderPane('validate', <ValidatePane />, { host });
    await connected();
    await act(async () => {
      fireEvent.click(await screen.findByRole('button', { name: '开始校验' }));
    });
    await screen.findByTestId('summary-counts');
    const lines = within(screen.getByRole('list', { name: '校验结果' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
    expect(lines.filter((line) => line.includes(`「发现渠道」${FINDING_LABELS.required.zh}`))).toHaveLength(1);
    expect(lines.some((line) => line.includes('「发现渠道」为必填项，本行未填写'))).toBe(false);
  });
});
