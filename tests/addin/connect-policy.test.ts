/**
 * addin/api/connect-policy.ts: the pane tells "the add-in's settings do not allow this address"
 * from "the server is down" by reading its own Content-Security-Policy. Checked against the policy
 * the add-in's server really sends (mountAddin with ADDIN_API_ORIGINS) and against the source forms
 * a connect-src may hold; and the API client turns a refused address into that error, not retried.
 */
import express from 'express';
import { writeFileSync } from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { ApiClient, type FetchLike } from '../../addin/api/client';
import { connectAllowedBy } from '../../addin/api/connect-policy';
import { ApiError } from '../../addin/api/errors';
import { loadConfig } from '../../server/config';
import { mountAddin } from '../../server/http/addin-static';
import { makeTestDir } from '../temp-dirs';

const PAGE = 'https://addin.county.example.gov.cn/addin/lookup.html';
const API = 'https://api.county.example.gov.cn:8443';

/** The Content-Security-Policy the add-in's server sends with a pane page for these ADDIN_API_ORIGINS. */
async function servedPolicy(addinApiOrigins: string | undefined): Promise<string> {
  const { dir, remove } = makeTestDir('connect-policy');
  writeFileSync(join(dir, 'lookup.html'), '<!doctype html><title>线索查询</title>');
  const config = loadConfig(addinApiOrigins ? { ADDIN_API_ORIGINS: addinApiOrigins } : {});
  const app = express();
  mountAddin(app, dir, () => config.addinApiOrigins ?? []);
  const listening: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const res = await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/addin/lookup.html`, { method: 'HEAD' });
    const policy = res.headers.get('content-security-policy');
    if (!policy) throw new Error('the pane page came without a Content-Security-Policy');
    return policy;
  } finally {
    listening.close();
    remove();
  }
}

describe('the pane page’s connect policy', () => {
  it('the served policy allows the page’s own origin and the configured API origins, and nothing else', async () => {
    const policy = await servedPolicy(`${API}, https://backup.example.gov.cn`);
    expect(connectAllowedBy(policy, `${API}/api/v1/auth/login`, PAGE)).toBe(true);
    expect(connectAllowedBy(policy, 'https://backup.example.gov.cn/api/v1/me', PAGE)).toBe(true);
    expect(connectAllowedBy(policy, 'https://addin.county.example.gov.cn/api/v1/me', PAGE)).toBe(true); // 'self'
    expect(connectAllowedBy(policy, 'https://api.county.example.gov.cn/api/v1/me', PAGE)).toBe(false); // other port
    expect(connectAllowedBy(policy, 'https://ledger.other.example.cn/api/v1/me', PAGE)).toBe(false);
    const none = await servedPolicy(undefined);
    expect(connectAllowedBy(none, `${API}/api/v1/me`, PAGE)).toBe(false);
    expect(connectAllowedBy(none, 'https://addin.county.example.gov.cn/api/v1/me', PAGE)).toBe(true);
  });

  it('reads the source forms a connect-src may hold', () => {
    const page = 'http://localhost:3100/addin/lookup.html';
    expect(connectAllowedBy("connect-src 'self'", 'http://localhost:3100/api', page)).toBe(true);
    expect(connectAllowedBy("connect-src 'self'", 'http://127.0.0.1:3100/api', page)).toBe(false);
    expect(connectAllowedBy("default-src 'self'", 'http://127.0.0.1:3100/api', page)).toBe(false); // default-src governs without connect-src
    expect(connectAllowedBy("default-src 'none'; connect-src https://*.example.gov.cn", 'https://a.example.gov.cn/x', page)).toBe(true);
    expect(connectAllowedBy('connect-src https://*.example.gov.cn', 'https://example.gov.cn/x', page)).toBe(false); // the wildcard needs a subdomain
    expect(connectAllowedBy('connect-src https:', 'https://any.example/x', page)).toBe(true);
    expect(connectAllowedBy('connect-src https:', 'http://any.example/x', page)).toBe(false);
    expect(connectAllowedBy('connect-src http://127.0.0.1:*', 'http://127.0.0.1:4310/x', page)).toBe(true);
    expect(connectAllowedBy('connect-src 127.0.0.1:4310', 'http://127.0.0.1:4310/x', page)).toBe(true); // scheme of the page
    expect(connectAllowedBy('connect-src *', 'https://any.example/x', page)).toBe(true);
    expect(connectAllowedBy("connect-src 'none'", 'http://localhost:3100/api', page)).toBe(false);
    expect(connectAllowedBy("script-src 'self'", 'https://any.example/x', page)).toBe(true); // no connect-src, no default-src: no limit
    // two policies (two headers joined): both must allow
    expect(connectAllowedBy("connect-src 'self' https://a.example, connect-src https://a.example", 'https://a.example/x', page)).toBe(true);
    expect(connectAllowedBy("connect-src 'self' https://a.example, connect-src https://b.example", 'https://a.example/x', page)).toBe(false);
  });

  it('the API client reports a refused address as blocked by the settings, once, naming ADDIN_API_ORIGINS', async () => {
    let attempts = 0;
    const refused: FetchLike = () => {
      attempts++;
      return Promise.reject(new TypeError('Failed to fetch'));
    };
    const asked: string[] = [];
    const client = new ApiClient({
      baseUrl: 'https://ledger.other.example.cn/',
      fetch: refused,
      backoff: () => Promise.resolve(),
      connectAllowed: async (url) => (asked.push(url), false),
    });
    const error = await client.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'blocked', code: 'blocked_by_policy', offline: false });
    expect((error as ApiError).zh).toMatch(/^加载项的设置不允许连接此地址（https:\/\/ledger\.other\.example\.cn）。.*管理员.*加入 ADDIN_API_ORIGINS/);
    expect((error as ApiError).en).toMatch(/^The add-in's settings do not allow this address \(https:\/\/ledger\.other\.example\.cn\)\..*add it to ADDIN_API_ORIGINS/);
    expect(attempts).toBe(1); // a GET is retried when offline; a refusal is not
    expect(asked).toEqual(['https://ledger.other.example.cn/api/v1/me']);

    // allowed by the policy but no answer: unreachable, retried as before
    attempts = 0;
    const allowed = new ApiClient({ baseUrl: 'https://ledger.other.example.cn', fetch: refused, backoff: () => Promise.resolve(), connectAllowed: async () => true });
    await expect(allowed.me()).rejects.toMatchObject({ kind: 'unreachable', offline: true });
    expect(attempts).toBe(3);
  });
});
