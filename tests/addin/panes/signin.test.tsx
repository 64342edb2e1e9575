/**
 * @jest-environment jsdom
 *
 * The sign-in form's server address: a bare host gets https:// (http:// only when typed), the
 * pane's own message instead of the browser's English popup, and no error left over from the
 * previous address once the field changes.
 */
import { act, fireEvent, screen } from '@testing-library/react';
import { SignedIn } from '../../../addin/panes/signin/SignIn';
import { withScheme } from '../../../addin/panes/signin/server-address';
import { SERVER_URL_SETTING } from '../../../addin/api/session';
import { connected, renderPane } from './render';
import { installFakeApi, login, unauthorized } from './fake-api';

describe('withScheme', () => {
  it('adds https:// to a bare host and keeps a scheme that was typed', () => {
    expect(withScheme('ledger.chuxiong')).toBe('https://ledger.chuxiong');
    expect(withScheme('  ledger.chuxiong/ ')).toBe('https://ledger.chuxiong/');
    expect(withScheme('localhost:3000')).toBe('https://localhost:3000');
    expect(withScheme('10.0.0.5:3250')).toBe('https://10.0.0.5:3250');
    expect(withScheme('//ledger.chuxiong')).toBe('https://ledger.chuxiong');
    expect(withScheme('http://127.0.0.1:3250')).toBe('http://127.0.0.1:3250');
    expect(withScheme('HTTPS://ledger.chuxiong')).toBe('HTTPS://ledger.chuxiong');
    expect(withScheme('https:ledger.chuxiong')).toBe('https:ledger.chuxiong');
    // a wrong scheme stays, for the check to refuse with its own message
    expect(withScheme('ftp://ledger.chuxiong')).toBe('ftp://ledger.chuxiong');
    expect(withScheme('')).toBe('');
  });
});

describe('sign-in form: server address', () => {
  beforeEach(() => localStorage.clear());

  it('signs in at https://host for a bare host, with no native URL check and no stale error', async () => {
    let attempts = 0;
    installFakeApi({ 'POST /api/v1/auth/login': (request) => (++attempts === 1 ? unauthorized() : login(request)) });
    const { host } = renderPane('lookup', <SignedIn>{(user) => <p>{`signed in as ${user.username}`}</p>}</SignedIn>);
    await connected();
    const server = (await screen.findByLabelText('服务器地址')) as HTMLInputElement;
    // the browser's own (English) URL check would refuse a bare host before the pane sees it
    expect(server.type).toBe('text');
    expect(server.inputMode).toBe('url');
    expect(server.closest('form')?.noValidate).toBe(true);
    fireEvent.change(screen.getByLabelText(/用户名/), { target: { value: 'demo-village' } });
    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
    const submit = () => act(async () => fireEvent.click(screen.getByRole('button', { name: '登录' })));

    // an address of the wrong kind: the pane's own Chinese message
    fireEvent.change(server, { target: { value: 'ftp://ledger.chuxiong' } });
    await submit();
    await screen.findByText('服务器地址应以 https:// 开头');
    // typing another address takes the old message away
    fireEvent.change(server, { target: { value: 'ledger.chuxiong' } });
    expect(screen.queryByText('服务器地址应以 https:// 开头')).toBeNull();

    // the first sign-in is refused: its error is about that attempt, and goes when the address changes
    await submit();
    await screen.findByText('未登录或登录已过期，请重新登录');
    expect(server.value).toBe('https://ledger.chuxiong'); // the form shows the address it used
    expect((await host.readSettings())[SERVER_URL_SETTING]).toBe('https://ledger.chuxiong');
    fireEvent.change(server, { target: { value: 'ledger.chuxiong.gov.cn' } });
    expect(screen.queryByText('未登录或登录已过期，请重新登录')).toBeNull();

    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
    await submit();
    await screen.findByText('signed in as demo-village');
    expect((await host.readSettings())[SERVER_URL_SETTING]).toBe('https://ledger.chuxiong.gov.cn');
  });

  it('keeps http:// when it is typed (a dev server on this computer)', async () => {
    installFakeApi({ 'POST /api/v1/auth/login': login });
    const { host } = renderPane('lookup', <SignedIn>{(user) => <p>{`signed in as ${user.username}`}</p>}</SignedIn>);
    await connected();
    fireEvent.change(await screen.findByLabelText('服务器地址'), { target: { value: 'http://127.0.0.1:3250' } });
    fireEvent.change(screen.getByLabelText(/用户名/), { target: { value: 'demo-village' } });
    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '登录' })));
    await screen.findByText('signed in as demo-village');
    expect((await host.readSettings())[SERVER_URL_SETTING]).toBe('http://127.0.0.1:3250');
  });
});
