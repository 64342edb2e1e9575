/**
 * @jest-environment jsdom
 *
 * The 审核 pane on the memory host with a scripted server: first the queue of waiting months across
 * months (oldest first, each openable and decided there); the villages' states for one month
 * (待审核 first, 未提交 shown as such and not openable), a submitted month opened with its rows and
 * findings, a return refused in the pane without a reason (nothing sent) and sent with one,
 * approval, and a county account reading without the actions.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ReviewPane, daysWaited } from '../../../addin/panes/review/ReviewPane';
import { recentMonths } from '../../../addin/panes/summary/months';
import { connected, renderPane } from './render';
import { installFakeApi, type Recorded } from './fake-api';
import { COUNTY_USER, TOWNSHIP_USER, detail, findings, loginAs, pending, submission, unitSubmissions } from './consolidation-fixtures';

const MONTH = recentMonths()[0];
const EARLIER = recentMonths()[2];
const BASE = `/api/v1/ledgers/532301101201/submissions/${MONTH}`;
/** 示范村's month waits; so does 青松村's from two months before (listed first: oldest first). */
const WAITING: Array<[string, string, string]> = [['532301101202', '青松村', EARLIER], ['532301101201', '示范村', MONTH]];
const monthText = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5))}月`;

function server(user = TOWNSHIP_USER, queue: { waiting: Array<[string, string, string]> } = { waiting: [...WAITING] }, overrides: Parameters<typeof installFakeApi>[0] = {}) {
  return installFakeApi({
    'POST /api/v1/auth/login': loginAs(user),
    [`GET /api/v1/units/${user.unit.code}/submissions/pending`]: () => ({ status: 200, body: pending(queue.waiting) }),
    [`GET /api/v1/units/${user.unit.code}/submissions`]: () => ({ status: 200, body: unitSubmissions(MONTH) }),
    [`GET ${BASE}`]: () => ({ status: 200, body: detail(MONTH) }),
    [`GET ${BASE}/findings`]: () => ({ status: 200, body: findings(MONTH) }),
    [`POST ${BASE}/return`]: (request: Recorded) => ({
      status: 200,
      body: { submission: { ...submission('532301101201', MONTH, '已退回'), returnReason: (request.body as { reason: string }).reason }, history: detail(MONTH).history },
    }),
    [`POST ${BASE}/approve`]: () => ({ status: 200, body: { submission: submission('532301101201', MONTH, '已审核'), history: detail(MONTH).history } }),
    ...overrides,
  });
}

async function signIn(username: string) {
  fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: username } });
  fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: '登录' })));
}

/** Opens 示范村's month from the queue (the pane's first view). */
async function openVillage() {
  const queue = await screen.findByTestId('review-queue');
  await act(async () => fireEvent.click(within(queue).getByRole('button', { name: `打开 示范村 ${monthText(MONTH)}` })));
  await screen.findByTestId('review-rows');
}

async function byMonth() {
  await act(async () => fireEvent.click(await screen.findByRole('tab', { name: '按月查看' })));
}

describe('审核 pane', () => {
  beforeEach(() => localStorage.clear());

  it('first shows every waiting month across months, oldest first; one opened and approved leaves the queue', async () => {
    const queue = { waiting: [...WAITING] };
    const { requests } = server(TOWNSHIP_USER, queue);
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    const list = await screen.findByTestId('review-queue');
    expect(screen.getByRole('tab', { name: '待审核（2）', selected: true })).toBeTruthy();
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => `${item.getAttribute('data-month')} ${item.getAttribute('data-village')}`)).toEqual([`${EARLIER} 532301101202`, `${MONTH} 532301101201`]);
    expect(items[0].textContent).toContain(`${monthText(EARLIER)} · 青松村`);
    expect(screen.getByText('各月份共 2 份报送等待审核，最早的在前。')).toBeTruthy();
    expect(requests.some((r) => r.url === '/api/v1/units/532301101/submissions/pending')).toBe(true);

    // open 示范村's month from the queue: its rows and findings for that month, then approve it
    await openVillage();
    expect(screen.getByRole('heading', { name: `示范村 · ${monthText(MONTH)}` })).toBeTruthy();
    expect(requests.some((r) => r.url === `${BASE}/findings`)).toBe(true);
    queue.waiting = queue.waiting.filter(([code]) => code !== '532301101201'); // the server's queue after the decision
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '审核通过' })));
    await screen.findByText(`示范村 ${monthText(MONTH)} 已审核通过。`);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '‹ 返回列表' })));
    const after = await screen.findByTestId('review-queue');
    await waitFor(() => expect(within(after).getAllByRole('listitem').map((item) => item.getAttribute('data-village'))).toEqual(['532301101202']));
    expect(screen.getByRole('tab', { name: '待审核（1）' })).toBeTruthy();
  });

  it('by month: lists the villages with what waits first; 未提交 is shown as such and cannot be opened', async () => {
    const { requests } = server();
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    await byMonth();
    const list = await screen.findByTestId('review-list');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.getAttribute('data-village'))).toEqual(['532301101201', '532301101202', '532301101200']);
    expect(within(items[0]).getByText('待审核')).toBeTruthy();
    expect(within(items[2]).getByText('未提交')).toBeTruthy();
    expect(within(items[2]).queryByRole('button')).toBeNull();
    expect(screen.getByText('待审核 1 · 已退回 0 · 已审核 1 · 未提交 1')).toBeTruthy();
    expect(requests.some((r) => r.url === `/api/v1/units/532301101/submissions?month=${MONTH}`)).toBe(true);
  });

  it('opens a month with its rows and findings; a return needs a reason, then goes to the server with it', async () => {
    const { requests } = server();
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    await openVillage();
    expect(within(screen.getByTestId('review-rows')).getAllByRole('row')).toHaveLength(2);
    expect(screen.getByText('532301********0011')).toBeTruthy();
    const found = screen.getByTestId('review-findings');
    expect(found.textContent).toContain('第 2 行 李四');
    expect(found.textContent).toContain('人员类别：“老人”按“老年人”处理。');
    expect(screen.getByText('问题（1 行：0 个错误，1 个警告）')).toBeTruthy(); // 错误/警告 as 台账校验 names them

    await act(async () => fireEvent.click(screen.getByRole('button', { name: '退回' })));
    expect(await screen.findByText('请填写退回原因，说明要修改什么。')).toBeTruthy();
    expect(requests.some((r) => r.method === 'POST' && r.url.endsWith('/return'))).toBe(false);

    fireEvent.change(screen.getByLabelText(/退回原因/), { target: { value: '  第2行人员类别请改为“老年人”  ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '退回' })));
    await screen.findByText(`示范村 ${monthText(MONTH)} 已退回，原因已通知该村。`);
    const sent = requests.find((r) => r.method === 'POST' && r.url.endsWith('/return'));
    expect(sent?.body).toEqual({ reason: '第2行人员类别请改为“老年人”' });
    expect(screen.getByText('退回原因：第2行人员类别请改为“老年人”')).toBeTruthy();
    // a returned month can be neither approved nor returned again until the village resubmits
    expect(screen.queryByRole('button', { name: '审核通过' })).toBeNull();
    expect(screen.queryByRole('button', { name: '退回' })).toBeNull();
  });

  it('a month without findings says 问题：无', async () => {
    const none = { ...findings(MONTH), findings: [], findingCounts: { rows: 0, errors: 0, warnings: 0, byCode: {} } };
    server(TOWNSHIP_USER, { waiting: [...WAITING] }, { [`GET ${BASE}/findings`]: () => ({ status: 200, body: none }) });
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    await openVillage();
    expect(screen.getByRole('heading', { name: '问题：无' })).toBeTruthy();
    expect(screen.getByText('按现行填报规则检查，报送的台账行没有问题。')).toBeTruthy();
  });

  it('approves a submitted month', async () => {
    const { requests } = server();
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    await openVillage();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '审核通过' })));
    await screen.findByText(`示范村 ${monthText(MONTH)} 已审核通过。`);
    expect(requests.filter((r) => r.method === 'POST' && r.url === `${BASE}/approve`)).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole('button', { name: '审核通过' })).toBeNull());
  });

  it('says how long each month has waited, in the queue, the month list and the opened month', async () => {
    server();
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-township');
    const waited = `已等 ${daysWaited('2026-11-05T02:00:00Z', new Date())} 天`; // the fixtures' submissions: 2026-11-05
    const queue = await screen.findByTestId('review-queue');
    for (const item of within(queue).getAllByRole('listitem')) expect(item.textContent).toContain(`${waited} · 2026-11-05 报送 · 第 1 次报送 · 2 行`);
    await byMonth();
    const items = within(await screen.findByTestId('review-list')).getAllByRole('listitem');
    expect(items[0].textContent).toContain(waited); // 待审核
    expect(items[1].textContent).not.toContain('已等'); // 已审核: waits for nobody
    await act(async () => fireEvent.click(within(items[0]).getByRole('button', { name: '打开 示范村' })));
    expect((await screen.findByTestId('detail-meta')).textContent).toBe(`第 1 次报送 · 2 行 · 2026-11-05 10:00 报送 · ${waited}`);
    // who did each step: the unit, never the login name
    expect(screen.getByText('2026-11-05 10:00 已提交（示范村 经办人）')).toBeTruthy(); // China time, as the clerk's clock
    expect(document.body.textContent).not.toMatch(/demo-village/);
  });

  it('in English, states read in English (badges and history)', async () => {
    server();
    renderPane('review', <ReviewPane />, { displayLanguage: 'en-US' });
    await connected();
    fireEvent.change(await screen.findByLabelText(/Username/), { target: { value: 'demo-township' } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: 'demo1234' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await act(async () => fireEvent.click(await screen.findByRole('tab', { name: 'By month' })));
    const items = within(await screen.findByTestId('review-list')).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.fui-Badge')?.textContent)).toEqual(['to review', 'approved', 'not submitted']);
    await act(async () => fireEvent.click(within(items[0]).getByRole('button', { name: 'Open 示范村' })));
    expect(await screen.findByText('2026-11-05 10:00 submitted (示范村 staff)')).toBeTruthy();
  });

  it('counts waiting days by the China calendar', () => {
    expect(daysWaited('2026-11-05T02:00:00Z', new Date('2026-11-05T15:00:00Z'))).toBe(0); // 23:00 in China, same day
    expect(daysWaited('2026-11-05T02:00:00Z', new Date('2026-11-05T16:00:00Z'))).toBe(1); // past midnight in China
    expect(daysWaited('2026-11-04T17:00:00Z', new Date('2026-12-01T02:00:00Z'))).toBe(26);
  });

  it('a county account reads the submissions without the actions; villages are named with their township', async () => {
    server(COUNTY_USER);
    renderPane('review', <ReviewPane />);
    await connected();
    await signIn('demo-county');
    await screen.findByText(/审核通过或退回由乡镇（街道）账号操作/);
    expect(within(await screen.findByTestId('review-queue')).getAllByRole('listitem')[0].textContent).toMatch(/· 青松村（鹿城镇）已等/);
    await openVillage();
    expect(screen.queryByRole('button', { name: '审核通过' })).toBeNull();
    expect(screen.queryByLabelText(/退回原因/)).toBeNull();
  });
});
