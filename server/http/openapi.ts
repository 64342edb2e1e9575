/** The OpenAPI 3.0 document, generated from the route table's zod schemas (z.toJSONSchema). */
import { z, type ZodType } from 'zod';
import { ApiErrorBodySchema } from '../../ledger/api/common';
import { expressPath, strictBody } from './mount';
import type { RouteSpec } from './route-table';

type Json = Record<string, unknown>;

function schemaOf(schema: ZodType | undefined, io: 'input' | 'output'): Json {
  if (!schema) return {};
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Json;
    delete json.$schema;
    return json;
  } catch {
    return {};
  }
}

/** '/ledgers/:villageCode/sync' → '/ledgers/{villageCode}/sync' */
export function openApiPath(expressPathText: string): string {
  return expressPathText.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

function parameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  const params = schemaOf(spec.params, 'input') as { properties?: Record<string, Json> };
  for (const name of pathParamNames(spec.path)) {
    out.push({ name, in: 'path', required: true, schema: params.properties?.[name] ?? { type: 'string' } });
  }
  const query = schemaOf(spec.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  for (const [name, schema] of Object.entries(query.properties ?? {})) {
    out.push({ name, in: 'query', required: (query.required ?? []).includes(name), schema });
  }
  return out;
}

const ERROR_RESPONSE = { description: '错误 (error)', content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } };

export function buildOpenApi(routes: readonly RouteSpec[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of routes) {
    const path = openApiPath(expressPath(spec));
    const operation: Json = {
      operationId: `${spec.method}_${spec.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: schemaOf(spec.response, 'output') } },
        },
        '400': ERROR_RESPONSE,
        ...(spec.auth === 'user' ? { '401': ERROR_RESPONSE, '403': ERROR_RESPONSE } : {}),
        ...(spec.unitParam ? { '404': ERROR_RESPONSE } : {}),
        '413': ERROR_RESPONSE,
        '500': ERROR_RESPONSE,
      },
    };
    if (spec.auth === 'user') operation.security = [{ bearer: [] }];
    if (spec.roles) operation['x-roles'] = [...spec.roles];
    if (spec.unitParam) operation['x-unit-param'] = { name: spec.unitParam, level: spec.unitLevel ?? null };
    if (spec.multipart) {
      const fields = schemaOf(spec.body, 'input') as { properties?: Json };
      operation.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', properties: { ...(fields.properties ?? {}), file: { type: 'string', format: 'binary' } }, required: ['file'] },
          },
        },
      };
    } else if (spec.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(strictBody(spec.body), 'input') } } };
    }
    if (spec.example?.body !== undefined && operation.requestBody) {
      ((operation.requestBody as Json).content as Record<string, Json>)[spec.multipart ? 'multipart/form-data' : 'application/json'].example =
        spec.example.body;
    }
    (paths[path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: '社会救助主动发现台账 API (social-assistance proactive discovery ledger)',
      version: '1',
      description: '楚雄州民政局 — 台账同步、月度报送、线索 (ledger sync, monthly submission, leads)',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ApiError: schemaOf(ApiErrorBodySchema, 'output') },
    },
  };
}
