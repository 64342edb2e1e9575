/**
 * Multipart uploads go to disk (multer disk storage) in a private temp dir (mode 0700), never held
 * whole in memory; the temp file is removed after the request, on success, on failure and over the limit.
 */
import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import { uploadTempDir } from '../../server/http/mount';
import type { RouteSpec } from '../../server/http/route-table';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, type TestServer } from './helpers';
import { waitUntil } from '../wait';

const seen: { path: string; existedDuringHandler: boolean; dir: string; text: string }[] = [];

function route(path: string, fail: boolean): RouteSpec {
  return {
    method: 'post',
    path,
    summary: '测试上传（磁盘）',
    tag: 'test',
    auth: 'user',
    roles: ['county'],
    unitParam: 'code',
    unitLevel: 'county',
    multipart: true,
    uploadLimitBytes: 4096,
    body: z.strictObject({}),
    async handle({ file }) {
      seen.push({ path: file!.path, existedDuringHandler: existsSync(file!.path), dir: file!.path.slice(0, file!.path.lastIndexOf('/')), text: readFileSync(file!.path, 'utf8') });
      if (fail) throw new Error('handler failed');
      return { body: { size: file!.size, same: file!.buffer.toString('utf8') === seen[seen.length - 1].text } };
    },
  };
}

describe('multipart uploads on disk', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ routes: [...PLATFORM_ROUTES, route('/disk-ok/:code', false), route('/disk-fail/:code', true)], seed: 'platform' });
    token = await server.login('demo-county');
  });
  afterAll(() => server.close());

  async function post(path: string, content: string) {
    const handled = seen.length;
    const form = new FormData();
    form.append('file', new Blob([content]), 'roster.csv');
    const res = await fetch(`${server.baseUrl}/api/v1/${path}/532301`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    await res.text();
    // The temp file is removed when the response closes, just after the client has the answer: wait for that.
    if (seen.length > handled) {
      const file = seen[seen.length - 1].path;
      await waitUntil(`the upload's temp file ${file} to be removed`, () => !existsSync(file));
    }
    return res.status;
  }

  it('the handler gets a file on disk in a private dir; it is removed after the request', async () => {
    const content = `姓名,身份证号\n${'张三,532301199001011234\n'.repeat(20)}`;
    expect(await post('disk-ok', content)).toBe(200);
    const last = seen[seen.length - 1];
    expect(last.existedDuringHandler).toBe(true);
    expect(last.text).toBe(content);
    expect(last.dir).toBe(uploadTempDir());
    expect(statSync(uploadTempDir()).mode & 0o777).toBe(0o700);
    expect(existsSync(last.path)).toBe(false);
  });

  it('removed also when the handler fails, and nothing is left over the limit (413)', async () => {
    expect(await post('disk-fail', 'a,b\n1,2\n')).toBe(500);
    expect(existsSync(seen[seen.length - 1].path)).toBe(false);
    const marker = `over-limit-${Date.now()}-`;
    expect(await post('disk-ok', marker + 'x'.repeat(8192))).toBe(413);
    const dir = uploadTempDir();
    const leftovers = async (): Promise<string[]> => {
      const found = [];
      for (const name of readdirSync(dir)) {
        const head = await fs.readFile(join(dir, name), 'utf8').catch(() => '');
        if (head.startsWith(marker)) found.push(name);
      }
      return found;
    };
    await waitUntil('the over-limit upload to leave no file', async () => (await leftovers()).length === 0);
    expect(await leftovers()).toEqual([]);
  });
});
