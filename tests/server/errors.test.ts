/** The error registry: one spelling, one registry per code, templates filled, codes in the OpenAPI document. */
import { ERROR_CODES, ERROR_REGISTRIES, ERRORS, ApiErrorBodySchema, errorText } from '../../ledger/api/errors';
import { AppError, errorBody } from '../../server/http/errors';
import { buildOpenApi } from '../../server/http/openapi';
import { ALL_ROUTES } from '../../server/routes';

const placeholders = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('error registry', () => {
  it('spells every code one way: lower-case words joined by _', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('has each code in one module registry only, and ERRORS is their union', () => {
    const all = Object.values(ERROR_REGISTRIES).flatMap((registry) => Object.keys(registry));
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('gives every code an error status, a zh-CN text and an en-US text naming at least the same parameters', () => {
    for (const [code, definition] of Object.entries(ERRORS)) {
      expect([code, definition.status >= 400 && definition.status < 600]).toEqual([code, true]);
      expect([code, placeholders(definition.en)]).toEqual([code, expect.arrayContaining(placeholders(definition.zh))]);
      expect(definition.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('fills templates per language; a {zh, en} parameter gives each language its own text', () => {
    expect(errorText('lead_not_found', { leadNo: 'XS-1' })).toEqual({ zh: '线索XS-1不存在', en: 'Lead XS-1 does not exist' });
    expect(errorText('lead_invalid_transition', { leadNo: 'XS-1', state: { zh: '已办结', en: 'closed' }, to: { zh: '核实中', en: 'verifying' } })).toEqual({
      zh: '线索XS-1当前状态为“已办结”，不能变更为“核实中”',
      en: 'Lead XS-1 is closed; it cannot become verifying',
    });
  });

  it('AppError takes its status and text from the registry, and its body fits ApiErrorBodySchema', () => {
    const error = new AppError('import_not_found');
    expect(error.status).toBe(404);
    const body = errorBody(new AppError('unit_not_found', { unitCode: '532301' }, { issues: [{ path: 'params.code', message: 'x' }] }), 'req-1');
    expect(ApiErrorBodySchema.parse(body).error).toMatchObject({ code: 'unit_not_found', message: '单位532301不存在', en: 'Unit 532301 does not exist', requestId: 'req-1' });
    // @ts-expect-error a template's parameter is required
    expect(() => new AppError('lead_not_found')).not.toThrow();
    // @ts-expect-error an unknown code does not compile
    expect(() => new AppError('lead.not_found')).toThrow();
  });

  it('lists the codes as an enum in the OpenAPI document', () => {
    const doc = buildOpenApi(ALL_ROUTES) as { components: { schemas: { ApiError: { properties: { error: { properties: { code: { enum: string[] } } } } } } } };
    expect(doc.components.schemas.ApiError.properties.error.properties.code.enum.sort()).toEqual([...ERROR_CODES].sort());
  });
});
