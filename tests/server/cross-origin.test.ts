/**
 * The panes calling a county server on another origin: the panes' Content-Security-Policy allows
 * exactly 'self' and the configured API origins (ADDIN_API_ORIGINS), and the API answers CORS for
 * exactly the configured add-in origins (CORS_ORIGINS). The browser side: tests/browser/preview-flow.test.ts.
 */
import { rmSync, writeFileSync } from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import express from 'express';
import { loadConfig } from '../../server/config';
import { mountAddin } from '../../server/http/addin-static';
import { parseOrigins } from '../../server/http/cross-origin';
import { startTestServer, type TestServer } from './helpers';
import { makeTestDir } from '../temp-dirs';

const PANES = 'https://addin.county.example.gov.cn';
const API = 'https://api.county.example.gov.cn:8443';

function connectSrc(csp: string | null): string[] {
  const directive = (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
  return (directive ?? '').split(/\s+/).slice(1);
}

describe('cross-origin API calls from the panes', () => {
  let server: TestServer;
  beforeAll(async () => {
    // only the two lists come from the environment (the test server keeps its own database and port)
    const { addinApiOrigins, corsOrigins } = loadConfig({ ADDIN_API_ORIGINS: `${API}, https://backup.example.gov.cn/`, CORS_ORIGINS: PANES });
    server = await startTestServer({ seed: 'platform', config: { addinApiOrigins, corsOrigins } });
  });
  afterAll(() => server.close());

  /** A pane page served by mountAddin from a folder of its own (the test does not need the webpack build). */
  async function paneCsp(apiOrigins: () => readonly string[]): Promise<string | null> {
    const dir = makeTestDir('panes-csp').dir;
    writeFileSync(join(dir, 'validate.html'), '<!doctype html><title>台账校验</title>');
    const app = express();
    mountAddin(app, dir, apiOrigins);
    const listening: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/addin/validate.html`);
      expect(res.status).toBe(200);
      return res.headers.get('content-security-policy');
    } finally {
      listening.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('the panes may connect to themselves and the configured API origins, nothing else', async () => {
    const config = loadConfig({ ADDIN_API_ORIGINS: `${API}, https://backup.example.gov.cn/` });
    expect(connectSrc(await paneCsp(() => config.addinApiOrigins ?? []))).toEqual(["'self'", API, 'https://backup.example.gov.cn']);
    // the rest of the site keeps helmet's default (default-src 'self', no connect-src of its own)
    const web = await server.request('GET', '/', { contract: false });
    expect(connectSrc(web.headers.get('content-security-policy'))).toEqual([]);
    expect(web.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('without ADDIN_API_ORIGINS the panes connect to their own server only', async () => {
    expect(connectSrc(await paneCsp(() => loadConfig({}).addinApiOrigins ?? []))).toEqual(["'self'"]);
    const plain = await startTestServer({ seed: false });
    try {
      const preflight = await fetch(`${plain.baseUrl}/api/v1/me`, { method: 'OPTIONS', headers: { Origin: PANES, 'Access-Control-Request-Method': 'GET' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('the API answers the preflight and the call for an allowed add-in origin, with that origin only', async () => {
    const preflight = await fetch(`${server.baseUrl}/api/v1/me`, {
      method: 'OPTIONS',
      headers: { Origin: PANES, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, x-request-id' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PANES);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Request-Id/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const token = await server.login('demo-village');
    const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { Origin: PANES, Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe(PANES);
    expect(me.headers.get('vary')).toMatch(/Origin/);
    const other = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { Origin: 'https://evil.example.com', Authorization: `Bearer ${token}` } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a bad origin in the configuration is refused naming the variable and the form expected', () => {
    expect(() => parseOrigins('addin.county.gov.cn', 'CORS_ORIGINS')).toThrow(/CORS_ORIGINS: 不是有效网址：addin.county.gov.cn/);
    expect(() => parseOrigins('http://addin.county.gov.cn', 'ADDIN_API_ORIGINS')).toThrow(/ADDIN_API_ORIGINS: 必须使用 https/);
    expect(() => parseOrigins('https://api.county.gov.cn/api/v1', 'ADDIN_API_ORIGINS')).toThrow(/不带路径.*https:\/\/api.county.gov.cn/);
    expect(parseOrigins('http://localhost:4600 http://127.0.0.1:4601', 'X')).toEqual(['http://localhost:4600', 'http://127.0.0.1:4601']);
  });
});
