/**
 * @jest-environment jsdom
 *
 * The 线索查询 pane on the memory host with a scripted server: sign-in form (labelled, server
 * address remembered in the workbook, token in the pane's storage only), leads with due dates and
 * the overdue mark, filters sent to the server, details, pulling leads (new row, or a link to the
 * person already on the sheet), a 401 signing the pane out, an unreachable server said plainly.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { LookupPane } from '../../../addin/panes/lookup/LookupPane';
import { hostSyncSheet } from '../../../addin/panes/sync/sheet-rows';
import { SERVER_URL_SETTING } from '../../../addin/api/session';
import { connected, renderPane } from './render';
import { installFakeApi, lead, login, unauthorized, type Recorded } from './fake-api';

const LIST = 'GET /api/v1/units/532301101201/leads';

async function signIn() {
  fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: 'demo-village' } });
  fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: '登录' })));
  await screen.findByText('已登录：demo-village（示范村）');
}

describe('线索查询 pane', () => {
  beforeEach(() => localStorage.clear());

  it('signs in, remembers the server in the workbook and the token only in the pane’s storage', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': login, [LIST]: () => ({ status: 200, body: { leads: [], total: 0, page: 1, pageSize: 200 } }) });
    const { host } = renderPane('lookup', <LookupPane />);
    await connected();
    // every control labelled
    expect(screen.getByLabelText('服务器地址')).toHaveProperty('value', window.location.origin);
    await signIn();
    expect((await host.readSettings())[SERVER_URL_SETTING]).toBe(window.location.origin);
    expect(JSON.stringify(await host.readSettings())).not.toContain('tok-1');
    expect(Object.values({ ...localStorage }).join()).toContain('tok-1');
    await screen.findByText('没有符合条件的线索。');
  });

  it('lists the unit’s leads with due dates and the overdue mark; filters go to the server', async () => {
    const { requests } = installFakeApi({
      'POST /api/v1/auth/login': login,
      [LIST]: (request: Recorded) =>
        request.url.includes('overdue=true')
          ? { status: 200, body: { leads: [lead(1)], total: 1, page: 1, pageSize: 200 } }
          : { status: 200, body: { leads: [lead(1), lead(2)], total: 2, page: 1, pageSize: 200 } },
    });
    renderPane('lookup', <LookupPane />);
    await connected();
    await signIn();
    const list = await screen.findByTestId('lead-list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(list).getByText('核实时限 2026-12-01 · 已逾期')).toBeTruthy();
    expect(within(list).getByText('核实时限 2026-12-02')).toBeTruthy();
    expect(within(list).getAllByText('532301********123X')).toHaveLength(2);

    await act(async () => fireEvent.click(screen.getByRole('checkbox', { name: '只看已逾期' })));
    await waitFor(() => expect(within(screen.getByTestId('lead-list')).getAllByRole('listitem')).toHaveLength(1));
    expect(requests.filter((r) => r.url.startsWith('/api/v1/units/')).at(-1)?.url).toContain('overdue=true');
    await act(async () => {
      fireEvent.change(screen.getByLabelText('线索状态'), { target: { value: '核实中' } });
    });
    await waitFor(() => expect(requests.at(-1)?.url).toContain(`state=${encodeURIComponent('核实中')}`));
  });

  it('a lead’s history names the unit of each step (楚雄市 经办人), never the login name', async () => {
    const history = [
      { fromState: null, toState: '待分派', userName: null, unitCode: null, unitName: null, at: '2026-11-01T02:00:00Z', note: '由导入生成' },
      { fromState: '待分派', toState: '已派至乡镇', userName: 'demo-county', unitCode: '532301', unitName: '楚雄市', at: '2026-11-02T02:00:00Z', note: null },
      { fromState: '已派至乡镇', toState: '已下发村', userName: 'demo-township', unitCode: '532301101', unitName: '鹿城镇', at: '2026-11-03T20:00:00Z', note: null }, // 04:00 on the 4th in China
    ];
    installFakeApi({
      'POST /api/v1/auth/login': login,
      [LIST]: () => ({ status: 200, body: { leads: [lead(1)], total: 1, page: 1, pageSize: 200 } }),
      'GET /api/v1/leads/XS-532301-202610-00001': () => ({ status: 200, body: { lead: lead(1), history } }),
    });
    renderPane('lookup', <LookupPane />);
    await connected();
    await signIn();
    const list = await screen.findByTestId('lead-list');
    await act(async () => fireEvent.click(within(list).getByRole('button', { name: '详情' })));
    const steps = (await screen.findByText('流转记录')).nextElementSibling!;
    const lines = Array.from(steps.children, (line) => line.textContent);
    expect(lines).toEqual(['2026-11-01 待分派（系统）', '2026-11-02 待分派→已派至乡镇（楚雄市 经办人）', '2026-11-04 已派至乡镇→已下发村（鹿城镇 经办人）']);
    expect(list.textContent).not.toMatch(/demo-/);
  });

  it('in English, the state filter and a lead’s history name the states in English', async () => {
    const history = [{ fromState: '已派至乡镇', toState: '已下发村', userName: 'demo-township', unitCode: '532301101', unitName: '鹿城镇', at: '2026-11-03T02:00:00Z', note: null }];
    installFakeApi({
      'POST /api/v1/auth/login': login,
      [LIST]: () => ({ status: 200, body: { leads: [lead(1)], total: 1, page: 1, pageSize: 200 } }),
      'GET /api/v1/leads/XS-532301-202610-00001': () => ({ status: 200, body: { lead: lead(1), history } }),
    });
    renderPane('lookup', <LookupPane />, { displayLanguage: 'en-US' });
    await connected();
    fireEvent.change(await screen.findByLabelText(/Username/), { target: { value: 'demo-village' } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: 'demo1234' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    const list = await screen.findByTestId('lead-list');
    const options = Array.from((screen.getByLabelText('State') as HTMLSelectElement).options, (option) => option.textContent);
    expect(options).toEqual(['All', 'awaiting assignment', 'sent to township', 'sent to village', 'being verified', 'verified', 'closed']);
    await act(async () => fireEvent.click(within(list).getByRole('button', { name: 'Details' })));
    const steps = (await screen.findByText('History')).nextElementSibling!;
    expect(steps.textContent).toBe('2026-11-03 sent to township → sent to village (鹿城镇 staff)');
  });

  it('adds a new person as a new row and links a person already on the sheet', async () => {
    const onSheet = '532301197606150019'; // typed on the sheet by staff before the lead came
    const newcomer = '532301198001010012';
    const pulls: Recorded[] = [];
    installFakeApi({
      'POST /api/v1/auth/login': login,
      [LIST]: () => ({ status: 200, body: { leads: [lead(1), lead(2)], total: 2, page: 1, pageSize: 200 } }),
      'GET /api/v1/leads/XS-532301-202610-00001': () => ({ status: 200, body: { lead: lead(1, { idNumber: onSheet, idNumberMasked: false }), history: [] } }),
      'GET /api/v1/leads/XS-532301-202610-00002': () => ({ status: 200, body: { lead: lead(2, { idNumber: newcomer, idNumberMasked: false }), history: [] } }),
      'POST /api/v1/leads/XS-532301-202610-00001/pull': (r) => (pulls.push(r), { status: 200, body: { lead: lead(1, { state: '核实中' }), ledgerValues: {} } }),
      'POST /api/v1/leads/XS-532301-202610-00002/pull': (r) => (
        pulls.push(r),
        {
          status: 200,
          body: {
            lead: lead(2, { state: '核实中' }),
            ledgerValues: { name: '线索人2', idNumber: newcomer, channel: '部门比对', leadNo: 'XS-532301-202610-00002', foundOn: '2026-12-01', verifyBy: '2026-12-15', status: '核实中', categories: ['残疾人'] },
          },
        }
      ),
    });
    const { host } = renderPane('lookup', <LookupPane />);
    await connected();
    // the person of lead 1 is already on the sheet (typed by staff)
    const sheet = host.sheet('台账');
    const headers = sheet.values.find((row) => row.includes('姓名'))!;
    sheet.values.push(headers.map((h) => (h === '姓名' ? '线索人1' : h === '公民身份号码' ? onSheet : h === '人员类别' ? '残疾人' : '')));
    const before = (await hostSyncSheet(host).readRows()).length;

    await signIn();
    await screen.findByTestId('lead-list');
    for (const name of ['选择 线索人1（XS-532301-202610-00001）', '选择 线索人2（XS-532301-202610-00002）']) {
      await act(async () => fireEvent.click(screen.getByRole('checkbox', { name })));
    }
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '加入台账（2）' })));
    const results = await screen.findByTestId('pull-results');
    expect(results.textContent).toMatch(/线索人1：台账第 \d+ 行已有此人，已关联，未重复添加/);
    expect(results.textContent).toMatch(/线索人2：已加入台账（新行）/);

    const rows = await hostSyncSheet(host).readRows();
    expect(rows).toHaveLength(before + 1);
    const linked = rows.find((row) => row.values.idNumber === onSheet)!;
    expect(linked.values.leadNo).toBe('XS-532301-202610-00001');
    const added = rows.find((row) => row.values.idNumber === newcomer)!;
    expect(added.values).toMatchObject({ channel: '部门比对', leadNo: 'XS-532301-202610-00002', verifyBy: '2026-12-15' });
    // the server was told which row each lead went on
    expect(pulls.map((p) => (p.body as { rowId: string }).rowId)).toEqual([linked.rowId, added.rowId]);
  });

  it('a 401 shows the sign-in form again; an unreachable server is said plainly and the pane stays usable', async () => {
    let expired = false;
    const api = installFakeApi({
      'POST /api/v1/auth/login': login,
      [LIST]: () => (expired ? unauthorized() : { status: 200, body: { leads: [lead(1)], total: 1, page: 1, pageSize: 200 } }),
    });
    renderPane('lookup', <LookupPane />);
    await connected();
    await signIn();
    await screen.findByTestId('lead-list');

    api.offline.value = true;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '刷新' })));
    await waitFor(() => expect(screen.getByTestId('error-bar').textContent).toMatch(/无法连接服务器/), { timeout: 10_000 });
    expect(screen.getByTestId('lead-list')).toBeTruthy(); // what was loaded stays

    api.offline.value = false;
    expired = true;
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '刷新' })));
    await screen.findByRole('button', { name: '登录' });
    expect(localStorage.length).toBe(0);
  });
});
