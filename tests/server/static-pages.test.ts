/**
 * The add-in's pages travel over village lines (≈1.5 Mbps): bundles are sent compressed (the
 * build's brotli-11 / gzip-9 files where they exist, else per request), and content-hashed bundles
 * are cached for good while the pages naming them are revalidated.
 */
import express from 'express';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { request as httpRequest, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'zlib';
import { mountAddin } from '../../server/http/addin-static';
import { makeTestDir } from '../temp-dirs';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  body: Buffer;
}

function get(port: number, path: string, acceptEncoding = 'gzip'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: body.length, body });
      });
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
  // what the production build writes beside a bundle (webpack.base.js, PrecompressPlugin)
  const built = `export const common = ${JSON.stringify('线索查询 同步提交 '.repeat(5_000))};\n`;
  const builtBr = brotliCompressSync(built);
  const builtGz = gzipSync(built, { level: 9 });

  beforeAll(async () => {
    dir = makeTestDir('static-pages').dir;
    writeFileSync(join(dir, 'vendor.0123abcd.js'), bundle);
    writeFileSync(join(dir, 'common.89abcdef.js'), built);
    writeFileSync(join(dir, 'common.89abcdef.js.br'), builtBr);
    writeFileSync(join(dir, 'common.89abcdef.js.gz'), builtGz);
    mkdirSync(join(dir, 'office-js'));
    writeFileSync(join(dir, 'office-js', 'office.js'), built);
    writeFileSync(join(dir, 'office-js', 'office.js.br'), builtBr);
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

  it('sends the build\'s brotli file as it is to a browser that takes brotli, typed as the script it encodes', async () => {
    const answer = await get(port, '/addin/common.89abcdef.js', 'gzip, deflate, br, zstd');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body.equals(builtBr)).toBe(true);
    expect(brotliDecompressSync(answer.body).toString('utf8')).toBe(built);
  });

  it('sends the build\'s gzip file to a client without brotli, and the plain file to one without either', async () => {
    const gzipped = await get(port, '/addin/common.89abcdef.js', 'gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.equals(builtGz)).toBe(true);
    const refused = await get(port, '/addin/common.89abcdef.js', 'br;q=0, gzip;q=0, identity');
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString('utf8')).toBe(built);
  });

  it('revalidates a precompressed file that is not content-hashed (office.js), and answers a repeat with 304', async () => {
    const first = await get(port, '/addin/office-js/office.js', 'br');
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers.etag);
    const again = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/addin/office-js/office.js', headers: { 'accept-encoding': 'br', 'if-none-match': etag } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(again).toBe(304);
  });

  it('never sends a compressed file from outside the build folder', async () => {
    writeFileSync(join(dir, '..', `outside-${process.pid}.js`), built);
    writeFileSync(join(dir, '..', `outside-${process.pid}.js.br`), builtBr);
    try {
      const answer = await get(port, `/addin/..%2Foutside-${process.pid}.js`, 'br');
      expect(answer.status).not.toBe(200);
      expect(answer.body.toString('utf8')).not.toContain('线索查询');
    } finally {
      rmSync(join(dir, '..', `outside-${process.pid}.js`), { force: true });
      rmSync(join(dir, '..', `outside-${process.pid}.js.br`), { force: true });
    }
  });
});
