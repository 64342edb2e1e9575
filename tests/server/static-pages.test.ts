/**
 * The add-in's pages travel over village lines (≈1.5 Mbps): bundles are gzip-compressed, and
 * content-hashed bundles are cached for good while the pages naming them are revalidated.
 */
import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { request as httpRequest, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { mountAddin } from '../../server/http/addin-static';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
}

function get(port: number, path: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static add-in pages', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const bundle = `const vendor = ${JSON.stringify('台账校验 '.repeat(20_000))};\n`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'static-pages-'));
    writeFileSync(join(dir, 'vendor.0123abcd.js'), bundle);
    writeFileSync(join(dir, 'validate.html'), '<!doctype html><script type="module" src="vendor.0123abcd.js"></script>');
    const app = express();
    mountAddin(app, dir);
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a bundle gzip-compressed, far smaller than the file', async () => {
    const answer = await get(port, '/addin/vendor.0123abcd.js');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.bytes).toBeLessThan(Buffer.byteLength(bundle) / 10);
  });

  it('lets browsers keep a content-hashed bundle for good, but revalidates the page naming it', async () => {
    expect((await get(port, '/addin/vendor.0123abcd.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(port, '/addin/validate.html')).headers['cache-control']).toBe('no-cache');
  });
});
