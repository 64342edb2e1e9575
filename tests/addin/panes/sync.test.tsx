/**
 * @jest-environment jsdom
 *
 * The 同步提交 pane on the memory host with a scripted server: a conflict side by side per field,
 * nothing saved until every field has a choice; a delete conflict with one choice; sync now with
 * its result; the month refused with the blocking rows listed and linked to their cells; the
 * submissions with a township's return reason. The real server: tests/addin/sync-engine.test.ts
 * and tests/browser/preview-flow.test.ts.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { SyncConflict, SyncRequest } from '../../../ledger/api/sync';
import { saveSession } from '../../../addin/api/session';
import { ConflictCard } from '../../../addin/panes/sync/ConflictCard';
import { SyncPane, submittableMonths } from '../../../addin/panes/sync/SyncPane';
import { connected, renderPane } from './render';
import { installFakeApi, unauthorized, VILLAGE_USER, type Recorded } from './fake-api';

const VILLAGE = '532301101201';
const ROW = '6f1c2a9e-3b7d-4c55-9a01-2f6e8d4b7c10';

function conflict(overrides: Partial<SyncConflict> = {}): SyncConflict {
  return {
    rowId: ROW,
    reason: 'fields',
    baseVersion: 1,
    serverVersion: 2,
    fields: ['notes', 'householdSize'],
    server: { version: 2, values: { name: '示例甲', notes: '乡镇电话核实', householdSize: 5 }, deleted: false },
    client: { baseVersion: 1, values: { name: '示例甲', notes: '村里入户', householdSize: 3 }, deleted: false },
    ...overrides,
  };
}

function syncAnswer(request: SyncRequest) {
  return {
    applied: request.changes.map((change) => ({ rowId: change.rowId, version: change.baseVersion + 1, merged: false })),
    unchanged: [],
    conflicts: [],
    changes: [],
    cursor: 10,
    hasMore: false,
    findings: [],
    findingsTruncated: false,
    findingCounts: { rows: 0, errors: 0, warnings: 0, byCode: {} },
  };
}

describe('conflict card', () => {
  it('shows mine and theirs per field and saves only when every field has a choice', async () => {
    const resolve = jest.fn(async () => undefined);
    renderPane('sync', <ConflictCard conflict={conflict()} excelRow={3} onResolve={resolve} />);
    await connected();
    const card = screen.getByRole('region', { name: '示例甲（第 3 行）' });
    expect(within(card).getByText('村里入户')).toBeTruthy();
    expect(within(card).getByText('乡镇电话核实')).toBeTruthy();
    const save = within(card).getByRole('button', { name: '还有 2 项未选择' });
    expect(save).toHaveProperty('disabled', true);
    await act(async () => fireEvent.click(within(within(card).getByRole('radiogroup', { name: '“备注”保留哪一方' })).getByRole('radio', { name: '保留本机' })));
    expect(within(card).getByRole('button', { name: '还有 1 项未选择' })).toHaveProperty('disabled', true);
    await act(async () => fireEvent.click(within(within(card).getByRole('radiogroup', { name: '“家庭人口”保留哪一方' })).getByRole('radio', { name: '采用服务器' })));
    await act(async () => fireEvent.click(within(card).getByRole('button', { name: '按选择保存' })));
    expect(resolve).toHaveBeenCalledWith({ notes: 'mine', householdSize: 'theirs' });
  });

  it('a row deleted on the server while edited here takes one choice for the row', async () => {
    const resolve = jest.fn(async () => undefined);
    renderPane('sync', <ConflictCard conflict={conflict({ reason: 'deleted', fields: ['notes'], server: { version: 2, values: { name: '示例甲' }, deleted: true } })} excelRow={3} onResolve={resolve} />);
    await connected();
    expect(screen.getByText('此行已被他人在服务器上删除，而您修改了它。')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('radio', { name: '恢复此行（保留我的修改）' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '按选择保存' })));
    expect(resolve).toHaveBeenCalledWith({ '*': 'mine' });
  });
});

describe('同步提交 pane', () => {
  beforeEach(() => {
    localStorage.clear();
    saveSession(localStorage, window.location.origin, { token: 'tok-1', expiresAt: '2099-01-01T00:00:00Z', user: VILLAGE_USER });
  });

  it('syncs the sheet, lists the sheet’s errors linked to their cells, refuses the month with the blocking rows, shows a return reason', async () => {
    const pushed: Recorded[] = [];
    installFakeApi({
      [`POST /api/v1/ledgers/${VILLAGE}/sync`]: (request) => (pushed.push(request), { status: 200, body: syncAnswer(request.body as SyncRequest) }),
      [`GET /api/v1/ledgers/${VILLAGE}/submissions`]: () => ({
        status: 200,
        body: {
          submissions: [
            { villageCode: VILLAGE, month: '2026-10', state: '已退回', stateEn: 'returned', revision: 1, rowCount: 7, submittedAt: '2026-11-02T01:00:00Z', submittedBy: 'demo-village', decidedAt: '2026-11-03T01:00:00Z', decidedBy: 'demo-township', returnReason: '第5行核实结果未填写' },
          ],
        },
      }),
      [`POST /api/v1/ledgers/${VILLAGE}/submissions`]: () => ({
        status: 422,
        body: {
          error: {
            code: 'ledger_has_errors',
            message: '台账有 1 行存在错误，请修正后再报送',
            en: '1 row(s) of the ledger have errors',
            issues: [],
            errorRows: 1,
            findingsTruncated: false,
            findingCounts: { rows: 1, errors: 1, warnings: 0, byCode: { 'id.checksum': 1 } },
            findings: [],
          },
        },
      }),
    });
    const { host } = renderPane('sync', <SyncPane />);
    await connected();
    await screen.findByText('已登录：demo-village（示范村）');
    const list = await screen.findByTestId('submission-list');
    expect(list.textContent).toMatch(/2026年10月：已退回（第 1 次，7 行）/);
    // who returned it: the township, never a login name
    expect(list.textContent).toContain('乡镇（街道）2026-11-03 退回');
    expect(list.textContent).not.toContain('demo-township');
    expect(screen.getByText('退回原因：第5行核实结果未填写')).toBeTruthy();
    await screen.findByText(/此工作簿尚未同步过/);
    // the month the township returned is offered to submit again, whenever it was (after the month just ended, first)
    const offered = Array.from(screen.getByRole('combobox', { name: '报送月份' }).querySelectorAll('option')).map((option) => option.textContent);
    expect(offered).toContain('2026年10月（已退回，待重新报送）');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: '立即同步' })));
    const result = await screen.findByTestId('sync-result');
    // a first sync reads the server's rows before pushing (rows without 记录ID are paired by ID number): the push is the request with changes
    const push = pushed.map((request) => request.body as SyncRequest).find((body) => body.changes.length > 0);
    const rows = push?.changes.length ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect(result.textContent).toBe(`已上传 ${rows} 行，从服务器更新 0 行`);

    // the demo sheet's planted errors, by the same rules as the server, each a link to its cell
    const errors = await screen.findByTestId('sheet-errors');
    const first = within(errors).getAllByRole('button')[0];
    const cell = /定位到 ([A-Z]+\d+)/.exec(first.getAttribute('aria-label')!)![1];
    // each error names its row once and its column once (the message itself names the column)
    for (const link of within(errors).getAllByRole('button')) {
      expect(link.textContent).toMatch(/^第 \d+ 行：「[^」]+」/);
      const column = /「([^」]+)」/.exec(link.textContent!)![1];
      expect(link.textContent!.split(column)).toHaveLength(2);
    }
    await act(async () => fireEvent.click(first));
    await waitFor(async () => expect((await host.getSelectedRow())?.cell).toBe(cell));

    await act(async () => fireEvent.click(screen.getByRole('button', { name: /^报送 \d{4}年\d{1,2}月$/ })));
    const refused = await screen.findByTestId('submit-refused');
    expect(refused.textContent).toMatch(/未能报送：台账有 1 行存在错误/);
    // the errors to click are the sheet's, listed above the refusal: the message points there, not “below”
    expect(refused.textContent).toMatch(/点击上方“台账中的错误”中的问题可定位到单元格/);
  });

  it('the 已报送 message goes once the list shows the township’s decision on that month', async () => {
    const month = submittableMonths()[0]; // the month the pane offers first
    const submitted = {
      villageCode: VILLAGE, month, state: '已提交' as const, stateEn: 'submitted', revision: 1, rowCount: 7,
      submittedAt: '2026-12-01T01:00:00Z', submittedBy: 'demo-village', decidedAt: null, decidedBy: null, returnReason: null,
    };
    let listed: unknown[] = [];
    installFakeApi({
      [`POST /api/v1/ledgers/${VILLAGE}/sync`]: (request) => ({ status: 200, body: syncAnswer(request.body as SyncRequest) }),
      [`GET /api/v1/ledgers/${VILLAGE}/submissions`]: () => ({ status: 200, body: { submissions: listed } }),
      [`POST /api/v1/ledgers/${VILLAGE}/submissions`]: () => ((listed = [submitted]), { status: 200, body: { submission: submitted, history: [] } }),
    });
    renderPane('sync', <SyncPane />);
    await connected();
    await screen.findByText('已登录：demo-village（示范村）');
    await screen.findByText('还没有报送记录。');
    const label = `${month.slice(0, 4)}年${Number(month.slice(5))}月`;
    expect(screen.getByRole('option', { name: label, selected: true })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: `报送 ${label}` })));
    expect((await screen.findByTestId('submit-done')).textContent).toBe(`${label} 已报送（第 1 次），等待乡镇审核。`);
    // the township returns it; 刷新报送状态 shows 已退回, and nothing beside it still says “waiting”
    listed = [{ ...submitted, state: '已退回', stateEn: 'returned', decidedAt: '2026-12-01T03:00:00Z', decidedBy: 'demo-township', returnReason: '第5行核实结果未填写' }];
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '刷新报送状态' })));
    await screen.findByText('退回原因：第5行核实结果未填写');
    expect(screen.queryByTestId('submit-done')).toBeNull();
  });

  it('a workbook synced with another village is refused with a message', async () => {
    installFakeApi({ [`GET /api/v1/ledgers/${VILLAGE}/submissions`]: () => ({ status: 200, body: { submissions: [] } }) });
    const { host } = renderPane('sync', <SyncPane />, {
      seed: { settings: { sync: { villageCode: '532301102201', clientId: 'x', cursor: 0, fingerprints: {} } } },
    });
    await connected();
    await screen.findByText(/此工作簿同步的是村（社区）代码 532301102201 的台账/);
    expect(screen.getByRole('button', { name: '立即同步' })).toHaveProperty('disabled', true);
    expect(host).toBeTruthy();
  });

  it('a sheet naming another village waits for a tick naming it; a tick given for one name does not cover another found later', async () => {
    const pushed: Recorded[] = [];
    installFakeApi({
      [`GET /api/v1/ledgers/${VILLAGE}/submissions`]: () => ({ status: 200, body: { submissions: [] } }),
      [`POST /api/v1/ledgers/${VILLAGE}/sync`]: (request) => (pushed.push(request), { status: 200, body: syncAnswer(request.body as SyncRequest) }),
    });
    const { host } = renderPane('sync', <SyncPane />);
    const sheet = host.sheet('台账').values;
    const villageColumn = sheet[1].indexOf('村（社区）');
    const dataRows = sheet.slice(2).filter((row) => row[villageColumn] === '示范村');
    for (const row of dataRows) row[villageColumn] = '东瓜示例村';
    sheet[0][0] = '东瓜示例村11月社会救助主动发现监测工作台账';
    await connected();
    const message = await screen.findByTestId('sync-other-village');
    expect(message.textContent).toContain('东瓜示例村');
    expect(screen.getByRole('button', { name: '立即同步' })).toHaveProperty('disabled', true);
    await act(async () => fireEvent.click(within(message).getByRole('checkbox')));
    const proceed = screen.getByRole('button', { name: '仍然同步到“示范村”' });
    expect(proceed).toHaveProperty('disabled', false);

    // a row now names a third village, unseen by the pane until the sync reads the sheet
    dataRows[0][villageColumn] = '青松村';
    await act(async () => fireEvent.click(proceed));
    await waitFor(() => expect(screen.getByTestId('sync-other-village').textContent).toContain('青松村'));
    expect(within(screen.getByTestId('sync-other-village')).getByRole('checkbox')).toHaveProperty('checked', false);
    expect(screen.getByRole('button', { name: '立即同步' })).toHaveProperty('disabled', true);
    expect(pushed.filter((request) => (request.body as SyncRequest).changes.length > 0)).toEqual([]);
  });

  it('a 401 from the server shows the sign-in form again (the sign-in shared with 线索查询)', async () => {
    installFakeApi({ [`GET /api/v1/ledgers/${VILLAGE}/submissions`]: () => unauthorized() });
    renderPane('sync', <SyncPane />);
    await connected();
    await screen.findByRole('heading', { name: '登录县级系统' });
    expect(screen.queryByText('已登录：demo-village（示范村）')).toBeNull();
    expect((await screen.findByTestId('error-bar')).textContent).toMatch(/登录已过期/);
  });
});
