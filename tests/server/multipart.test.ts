import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../server/http/route-table';
import { PLATFORM_ROUTES } from '../../server/platform-routes';
import { startTestServer, type TestServer } from './helpers';

const UPLOAD: RouteSpec = defineRoute({
  method: 'post',
  path: '/test-upload/:code',
  summary: '测试上传',
  tag: 'test',
  auth: 'user',
  roles: ['county'],
  unitParam: 'code',
  unitLevel: 'county',
  multipart: true,
  uploadLimitBytes: 1024,
  body: z.strictObject({ source: z.enum(['medical', 'disability']) }),
  async handle({ file, body }) {
    return { body: { name: file?.originalName ?? null, size: file?.size ?? 0, text: file?.buffer.toString('utf8') ?? null, source: body.source } };
  },
});

describe('multipart uploads', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ routes: [...PLATFORM_ROUTES, UPLOAD], seed: 'platform' });
    token = await server.login('demo-county');
  });
  afterAll(() => server.close());

  async function upload(options: { token?: string; code?: string; content?: string; name?: string; source?: string; noFile?: boolean }) {
    const form = new FormData();
    form.append('source', options.source ?? 'medical');
    if (!options.noFile) form.append('file', new Blob([options.content ?? '姓名,身份证号\n']), options.name ?? '医保2026年10月.csv');
    const res = await fetch(`${server.baseUrl}/api/v1/test-upload/${options.code ?? '532301'}`, {
      method: 'POST',
      headers: options.token === undefined ? { authorization: `Bearer ${token}` } : options.token ? { authorization: `Bearer ${options.token}` } : {},
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('delivers the file (UTF-8 name intact) and validates the text fields', async () => {
    const res = await upload({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: '医保2026年10月.csv', size: Buffer.byteLength('姓名,身份证号\n'), text: '姓名,身份证号\n', source: 'medical' });
    const bad = await upload({ source: 'weather' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('body.source');
  });

  it('a file over the route limit → 413 JSON', async () => {
    const res = await upload({ content: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('auth and scoping come before the upload is read', async () => {
    expect((await upload({ token: '' })).status).toBe(401);
    expect((await upload({ code: '532322' })).status).toBe(403);
    const village = await server.login('demo-village');
    expect((await upload({ token: village })).status).toBe(403);
  });

  it('JSON instead of multipart → 415; a second file field → 400', async () => {
    const json = await server.request('POST', '/api/v1/test-upload/532301', { token, body: { source: 'medical' } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('source', 'medical');
    form.append('other', new Blob(['a']), 'a.csv');
    const res = await fetch(`${server.baseUrl}/api/v1/test-upload/532301`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(400);
  });
});
