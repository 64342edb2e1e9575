import { buildOpenApi, openApiPath } from '../../server/http/openapi';
import { ALL_ROUTES } from '../../server/routes';
import { startTestServer, type TestServer } from './helpers';

describe('OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('converts express parameters to {param}', () => {
    expect(openApiPath('/api/v1/ledgers/:villageCode/rows/:rowId')).toBe('/api/v1/ledgers/{villageCode}/rows/{rowId}');
  });

  it('GET /api/v1/openapi.json lists every route of ALL_ROUTES with its method', async () => {
    const res = await server.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const listed = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const expected = ALL_ROUTES.map((r) => `${r.method} ${openApiPath(`/api/v1${r.path}`)}`);
    expect(listed.sort()).toEqual(expected.sort());
    expect(listed.join('\n')).not.toContain(':');
  });

  it('carries the zod schemas: login body, path parameters, security', () => {
    const doc = buildOpenApi(ALL_ROUTES) as any;
    const login = doc.paths['/api/v1/auth/login'].post;
    const schema = login.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['username', 'password']));
    expect(schema.additionalProperties).toBe(false);
    expect(login.security).toBeUndefined();
    const unit = doc.paths['/api/v1/units/{code}'].get;
    expect(unit.parameters).toEqual([expect.objectContaining({ name: 'code', in: 'path', required: true })]);
    expect(unit.security).toEqual([{ bearer: [] }]);
    expect(unit.responses['200'].content['application/json'].schema.properties).toHaveProperty('children');
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
        expect({ path, declared }).toEqual({ path, declared: names });
        expect(op.summary).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});
