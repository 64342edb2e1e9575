/**
 * @jest-environment jsdom
 *
 * The 汇总 pane on the memory host with a scripted server: key figures and bars, drill-down to a
 * child unit and back up by the breadcrumb (each a request for that unit), 未提交 shown as such,
 * the masked duplicate list, the consolidated rows written into a new sheet page by page, a
 * village account told the pane is not for it, a refusal shown as a Chinese message.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SummaryPane } from '../../../addin/panes/summary/SummaryPane';
import { recentMonths } from '../../../addin/panes/summary/months';
import { connected, renderPane } from './render';
import { installFakeApi, VILLAGE_USER, type Recorded } from './fake-api';
import { COUNTY_USER, loginAs, rowsPage, summary } from './consolidation-fixtures';

const MONTH = recentMonths()[0];
const COUNTY = COUNTY_USER.unit;
const TOWNSHIP = { code: '532301101', name: '鹿城镇', level: 'township' as const };
const TOWNSHIP2 = { code: '532301102', name: '东瓜镇', level: 'township' as const };

function summaryHandler(request: Recorded) {
  const unit = new URL(`http://x${request.url}`).searchParams.get('unit');
  if (unit === COUNTY.code) return { status: 200, body: summary(COUNTY, MONTH, [TOWNSHIP, TOWNSHIP2], [['532301101201', '示范村', '已提交'], ['532301101202', '青松村', '未提交']]) };
  if (unit === TOWNSHIP.code) return { status: 200, body: summary(TOWNSHIP, MONTH, [], [['532301101201', '示范村', '已提交'], ['532301101202', '青松村', '未提交']]) };
  return { status: 403, body: { error: { code: 'forbidden', message: '无权查看该单位的数据', en: 'Not allowed', issues: [] } } };
}

async function signIn() {
  fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: 'demo-county' } });
  fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: '登录' })));
}

describe('汇总 pane', () => {
  beforeEach(() => localStorage.clear());

  it('shows the figures, drills down to a child unit and back up by the breadcrumb', async () => {
    const { requests } = installFakeApi({ 'POST /api/v1/auth/login': loginAs(COUNTY_USER), 'GET /api/v1/reports/summary': summaryHandler });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    const children = await screen.findByTestId('summary-children');
    expect(requests.filter((r) => r.url.startsWith('/api/v1/reports/summary')).at(-1)?.url).toBe(`/api/v1/reports/summary?unit=532301&month=${MONTH}`);
    const kpis = screen.getByTestId('summary-kpis');
    expect(within(kpis).getByText('30')).toBeTruthy(); // rows
    expect(within(kpis).getByText('50%')).toBeTruthy(); // on-time rate
    expect(within(kpis).getByText('1/2')).toBeTruthy(); // villages not submitted
    expect(within(children).getAllByRole('button')).toHaveLength(2);
    // the month as the picker names it (2026年12月), not 2026-12
    const monthText = `${MONTH.slice(0, 4)}年${Number(MONTH.slice(5))}月`;
    expect(screen.getByText(new RegExp(`^楚雄市 · ${monthText}（截至 `))).toBeTruthy();
    expect(screen.getByRole('list', { name: '线索按来源与状态' }).textContent).toContain('残联');

    await act(async () => fireEvent.click(within(children).getByRole('button', { name: '查看 鹿城镇 的汇总' })));
    await waitFor(() => expect(screen.getByTestId('summary-crumbs').querySelector('[aria-current="page"]')?.textContent).toBe('鹿城镇'));
    expect(requests.at(-1)?.url).toBe(`/api/v1/reports/summary?unit=532301101&month=${MONTH}`);
    const villages = await screen.findByTestId('summary-villages');
    expect(screen.getByRole('heading', { name: `各村报送情况（${monthText}）` })).toBeTruthy();
    expect(within(villages).getByText('未提交')).toBeTruthy();
    expect(within(villages).getByText('待审核')).toBeTruthy(); // 已提交, as 审核 names it

    await act(async () => fireEvent.click(within(screen.getByTestId('summary-crumbs')).getByRole('button', { name: '楚雄市' })));
    await waitFor(() => expect(screen.getByTestId('summary-crumbs').querySelector('[aria-current="page"]')?.textContent).toBe('楚雄市'));
    expect(requests.at(-1)?.url).toBe(`/api/v1/reports/summary?unit=532301&month=${MONTH}`);

    // another month is another request for the same unit
    const other = recentMonths()[1];
    await act(async () => fireEvent.change(screen.getByLabelText('月份'), { target: { value: other } }));
    await waitFor(() => expect(requests.at(-1)?.url).toBe(`/api/v1/reports/summary?unit=532301&month=${other}`));
  });

  it('lists the cross-village duplicates masked, on request', async () => {
    const { requests } = installFakeApi({
      'POST /api/v1/auth/login': loginAs(COUNTY_USER),
      'GET /api/v1/reports/summary': summaryHandler,
      'GET /api/v1/reports/duplicates': () => ({
        status: 200,
        body: {
          unit: COUNTY,
          idNumbersMasked: true,
          namesMasked: false,
          groups: [
            {
              key: 'g1',
              idNumberMasked: '532301********123X',
              lowestCommonUnit: TOWNSHIP,
              villages: [{ code: '532301101201', name: '示范村', townshipName: '鹿城镇' }, { code: '532301101202', name: '青松村', townshipName: '鹿城镇' }],
              rows: [
                { villageCode: '532301101201', rowId: 'a', name: '张三', foundOn: '2026-10-01', status: '核实中' },
                { villageCode: '532301101202', rowId: 'b', name: '张三', foundOn: '2026-10-09', status: null },
              ],
            },
          ],
        },
      }),
    });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    await screen.findByTestId('summary-children');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '查看名单' })));
    const list = await screen.findByTestId('summary-duplicates');
    expect(list.textContent).toContain('532301********123X：示范村、青松村');
    expect(list.textContent).toContain('由鹿城镇核处');
    expect(requests.at(-1)?.url).toBe('/api/v1/reports/duplicates?unit=532301');
  });

  it('writes the consolidated rows into a new sheet, page after page, and says how many', async () => {
    const pages: string[] = [];
    installFakeApi({
      'POST /api/v1/auth/login': loginAs(COUNTY_USER),
      'GET /api/v1/reports/summary': summaryHandler,
      'GET /api/v1/exports/consolidated-rows': (request) => {
        pages.push(request.url);
        const params = new URL(`http://x${request.url}`).searchParams;
        return { status: 200, body: rowsPage(params.get('after'), 1_000, Number(params.get('limit'))) };
      },
    });
    const { host } = renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    await screen.findByTestId('summary-children');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '写入新工作表' })));
    const sheetName = `汇总明细 楚雄市 ${MONTH}`;
    await screen.findByText(`已写入工作表“${sheetName}”：1000 行。`, undefined, { timeout: 5_000 });
    expect(pages.length).toBe(2); // 1,000 rows in pages of ≈ 700
    expect(pages[1]).toContain('after=');
    const sheet = host.sheet(sheetName);
    expect(sheet.values[0]).toEqual(['序号', '姓名', '公民身份号码']);
    expect(sheet.values).toHaveLength(1_001);
    expect(sheet.frozenRows).toBe(1);
    expect(host.sheetNames()).toContain(sheetName);
  });

  it('charts leads by source × state (each segment named with its number) and overdue leads by township on their own', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(COUNTY_USER), 'GET /api/v1/reports/summary': summaryHandler });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    const sources = await screen.findByTestId('summary-sources');
    expect(within(sources).getByRole('heading').textContent).toBe('线索按来源与状态');
    // one bar per source, read out as one sentence; the drawn segments follow the life cycle's order
    const bar = within(sources).getByRole('img', { name: '残联：共 4 条；已派至乡镇 1，核实中 1，已核实 1，已办结 1' });
    expect(Array.from(bar.querySelectorAll('[title]')).map((segment) => segment.getAttribute('title'))).toEqual(['已派至乡镇 1', '核实中 1', '已核实 1', '已办结 1']);
    // the numbers are text beside the bar, not colour alone; states with no lead are left out
    const parts = Array.from(sources.querySelectorAll('[data-part]')).map((part) => part.textContent);
    expect(parts).toEqual(['已派至乡镇 1', '核实中 1', '已核实 1', '已办结 1']);
    expect(within(sources).getByText('共 4 条')).toBeTruthy();

    const overdue = screen.getByTestId('summary-overdue');
    expect(within(overdue).getByRole('heading').textContent).toBe('逾期未核实线索（按乡镇）');
    const lines = within(within(overdue).getByRole('list', { name: '逾期未核实线索（按乡镇）' })).getAllByRole('listitem');
    // most overdue first, every township listed (0 too)
    expect(lines.map((line) => line.textContent)).toEqual(['东瓜镇1 条', '鹿城镇0 条']);
  });

  it('says why a rate reads — (no lead verified yet, no leads), instead of a bare dash', async () => {
    const quiet = summary(COUNTY, MONTH, [TOWNSHIP], [['532301101201', '示范村', '已提交']]);
    quiet.figures.leads.all = { ...quiet.figures.leads.all, total: 0, verified: 0, verifiedOnTime: 0, closed: 0, onTimeRate: null, closureRate: null };
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(COUNTY_USER), 'GET /api/v1/reports/summary': () => ({ status: 200, body: quiet }) });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    const kpis = await screen.findByTestId('summary-kpis');
    expect(within(kpis).getAllByText('—')).toHaveLength(2);
    expect(within(kpis).getByText('尚无已核实线索')).toBeTruthy();
    expect(within(kpis).getByText('本月无线索')).toBeTruthy();
  });

  it('names the villages’ states as 审核 does (待审核 for 已提交), and in English in an English pane', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(COUNTY_USER), 'GET /api/v1/reports/summary': summaryHandler });
    renderPane('summary', <SummaryPane />, { displayLanguage: 'en-US' });
    await connected();
    fireEvent.change(await screen.findByLabelText(/Username/), { target: { value: 'demo-county' } });
    fireEvent.change(screen.getByLabelText(/Password/), { target: { value: 'demo1234' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await act(async () => fireEvent.click(within(await screen.findByTestId('summary-children')).getAllByRole('button')[0]));
    const villages = await screen.findByTestId('summary-villages');
    expect(within(villages).getByText('to review')).toBeTruthy();
    expect(within(villages).getByText('not submitted')).toBeTruthy();
    expect(villages.textContent).not.toMatch(/已提交|未提交/);
  });

  it('a village in a township’s list says its own state in the same words (待审核, not 已提交)', async () => {
    const village = { code: '532301101201', name: '示范村', level: 'village' as const };
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(COUNTY_USER), 'GET /api/v1/reports/summary': () => ({ status: 200, body: summary(TOWNSHIP, MONTH, [village], [['532301101201', '示范村', '已提交']]) }) });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    const children = await screen.findByTestId('summary-children');
    expect(children.textContent).toContain('待审核');
    expect(children.textContent).not.toContain('已提交');
  });

  it('tells a village account the pane is not for it (no summary requested)', async () => {
    const { requests } = installFakeApi({ 'POST /api/v1/auth/login': loginAs(VILLAGE_USER), 'GET /api/v1/reports/summary': summaryHandler });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    await screen.findByText(/汇总供乡镇（街道）、县（市）及以上账号使用/);
    expect(requests.some((r) => r.url.startsWith('/api/v1/reports/'))).toBe(false);
  });

  it('shows a refusal as the server’s Chinese message', async () => {
    const stranger = { ...COUNTY_USER, unit: { code: '532322', name: '双柏县', level: 'county' as const } };
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(stranger), 'GET /api/v1/reports/summary': summaryHandler });
    renderPane('summary', <SummaryPane />);
    await connected();
    await signIn();
    const bar = await screen.findByTestId('error-bar');
    expect(bar.textContent).toContain('无权查看该单位的数据');
  });
});
