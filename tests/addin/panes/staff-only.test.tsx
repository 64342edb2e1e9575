/**
 * @jest-environment jsdom
 *
 * <StaffOnlyPane>, the one wrapper of the staff panes (汇总, 审核): signed out → the sign-in form;
 * a village account → the pane's own note in the pane's language and never the staff content; a
 * township account → the content with its user. Both staff panes show their note through it.
 */
import { act, fireEvent, screen } from '@testing-library/react';
import { StaffOnlyPane } from '../../../addin/panes/signin/StaffOnlyPane';
import { ReviewPane } from '../../../addin/panes/review/ReviewPane';
import { REVIEW_STRINGS } from '../../../addin/panes/review/strings';
import { SummaryPane } from '../../../addin/panes/summary/SummaryPane';
import { SUMMARY_STRINGS } from '../../../addin/panes/summary/strings';
import { connected, renderPane } from './render';
import { installFakeApi, VILLAGE_USER } from './fake-api';
import { TOWNSHIP_USER, loginAs } from './consolidation-fixtures';

const NOTE = { zh: '本窗格供乡镇使用。', en: 'This pane is for townships.' };

async function signIn(username: string) {
  fireEvent.change(await screen.findByLabelText(/用户名|Username/), { target: { value: username } });
  fireEvent.change(screen.getByLabelText(/密码|Password/), { target: { value: 'demo1234' } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: /^(登录|Sign in)$/ })));
}

describe('<StaffOnlyPane>', () => {
  beforeEach(() => localStorage.clear());

  it('signed out, the form speaks to staff: why a township or county account, and the staff demo accounts (not demo-village)', async () => {
    installFakeApi({});
    renderPane('review', <StaffOnlyPane villageNote={NOTE}>{() => <p>staff content</p>}</StaffOnlyPane>);
    await connected();
    await screen.findByLabelText(/用户名/);
    expect(screen.getByText('审核报送、查看汇总需用乡镇（街道）、县（市）或州级账号登录。')).toBeTruthy();
    expect(screen.getByText(/demo-township（鹿城镇）、demo-county（楚雄市）/)).toBeTruthy();
    expect(screen.queryByText(/demo-village/)).toBeNull();
    expect(screen.queryByText(/查询线索和同步台账需要登录/)).toBeNull();
  });

  it('a village account reads the note, never the staff content', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(VILLAGE_USER) });
    const rendered: string[] = [];
    renderPane('summary', <StaffOnlyPane villageNote={NOTE}>{(user) => (rendered.push(user.username), <p>staff content</p>)}</StaffOnlyPane>);
    await connected();
    await signIn('demo-village');
    expect((await screen.findByTestId('village-note')).textContent).toBe(NOTE.zh);
    expect(screen.queryByText('staff content')).toBeNull();
    expect(rendered).toEqual([]);
  });

  it('the note follows the pane’s language', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(VILLAGE_USER) });
    renderPane('summary', <StaffOnlyPane villageNote={NOTE}>{() => <p>staff content</p>}</StaffOnlyPane>, { displayLanguage: 'en-US' });
    await connected();
    await signIn('demo-village');
    expect((await screen.findByTestId('village-note')).textContent).toBe(NOTE.en);
  });

  it('a township account gets the content with its user, under the signed-in bar', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': loginAs(TOWNSHIP_USER) });
    renderPane('review', <StaffOnlyPane villageNote={NOTE}>{(user) => <p>staff content for {user.unit.name}</p>}</StaffOnlyPane>);
    await connected();
    await signIn('demo-township');
    await screen.findByText('staff content for 鹿城镇');
    expect(screen.getByText(/已登录：demo-township/)).toBeTruthy();
    expect(screen.queryByTestId('village-note')).toBeNull();
  });

  it.each([
    ['summary', <SummaryPane key="s" />, SUMMARY_STRINGS['role.village'].zh],
    ['review', <ReviewPane key="r" />, REVIEW_STRINGS['role.village'].zh],
  ] as const)('the %s pane shows its village note through it, and asks the server nothing more', async (pane, element, note) => {
    const { requests } = installFakeApi({ 'POST /api/v1/auth/login': loginAs(VILLAGE_USER) });
    renderPane(pane, element);
    await connected();
    await signIn('demo-village');
    expect((await screen.findByTestId('village-note')).textContent).toBe(note);
    expect(requests.map((r) => r.url)).toEqual(['/api/v1/auth/login']);
  });
});
