/** The test server's contract check: every JSON answer of a test is held to its route's schema. */
import { z } from 'zod';
import { defineRoute } from '../../server/http/route-table';
import { checkContract, routeFor, undeclaredFields } from './helpers';

const ROUTES = [
  defineRoute({
    method: 'get',
    path: '/things/:id',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    params: z.object({ id: z.string() }),
    response: z.object({ id: z.string(), parts: z.array(z.object({ n: z.number() })) }),
    handle: async (ctx) => ({ body: { id: ctx.params.id, parts: [] } }),
  }),
  defineRoute({
    method: 'get',
    path: '/things/special',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    response: z.object({ special: z.literal(true) }),
    handle: async () => ({ body: { special: true as const } }),
  }),
];

describe('contract check of test answers', () => {
  it('finds the route of a request, the literal path before a parameter', () => {
    expect(routeFor(ROUTES, 'GET', '/api/v1/things/special')?.path).toBe('/things/special');
    expect(routeFor(ROUTES, 'GET', '/api/v1/things/42?x=1')?.path).toBe('/things/:id');
    expect(routeFor(ROUTES, 'POST', '/api/v1/things/42')).toBeUndefined();
  });

  it('names the fields a schema does not declare, nested and in arrays', () => {
    expect(undeclaredFields({ a: 1, b: { c: 1, d: 2 }, e: [{ f: 1, g: 2 }] }, { a: 1, b: { c: 1 }, e: [{ f: 1 }] })).toEqual(['b.d', 'e[0].g']);
  });

  it('fails on a body that breaks the schema or carries an undeclared field, and on a malformed error', () => {
    expect(() => checkContract(ROUTES, 'GET', '/api/v1/things/1', 200, { id: '1', parts: [{ n: 1 }] })).not.toThrow();
    expect(() => checkContract(ROUTES, 'GET', '/api/v1/things/1', 200, { id: 1, parts: [] })).toThrow(/breaks the route's response schema/);
    expect(() => checkContract(ROUTES, 'GET', '/api/v1/things/1', 200, { id: '1', parts: [{ n: 1, secret: 'x' }] })).toThrow('parts[0].secret');
    expect(() => checkContract(ROUTES, 'GET', '/api/v1/things/1', 404, { error: { code: 'not_found', message: '无', en: 'none', issues: [] } })).not.toThrow();
    expect(() => checkContract(ROUTES, 'GET', '/api/v1/things/1', 404, { error: { code: 'thing.missing', message: '无', issues: [] } })).toThrow(/ApiErrorBodySchema/);
  });
});
