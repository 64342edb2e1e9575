/** GET /units/:code — a unit and its direct children; GET /units/:code/subtree — everything below. Scoped to the caller's subtree. */
import { z } from 'zod';
import { UnitCodeSchema } from '../../ledger/api/common';
import { SubtreeQuerySchema, SubtreeResponseSchema, UnitResponseSchema } from '../../ledger/api/units';
import { AppError } from '../http/errors';
import { defineRoute, type RouteSpec } from '../http/route-table';
import { childUnits, getUnit, subtreeUnits, toUnitNode } from './store';

export const UNIT_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/units/:code',
    summary: '单位及其直属下级（仅限本单位及下级）',
    tag: 'units',
    auth: 'user',
    unitParam: 'code',
    params: z.strictObject({ code: UnitCodeSchema }),
    response: UnitResponseSchema,
    async handle({ params, deps }) {
      const { code } = params;
      const unit = await getUnit(deps.db, code);
      // Existence is checked by the unitParam wiring; a unit removed since is answered the same way.
      if (!unit) throw new AppError('unit_not_found', { unitCode: code });
      const children = await childUnits(deps.db, code);
      return { body: { unit: toUnitNode(unit), children: children.map(toUnitNode) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/units/:code/subtree',
    summary: '本单位及全部下级单位（可按级别筛选，如全部村）',
    tag: 'units',
    auth: 'user',
    unitParam: 'code',
    params: z.strictObject({ code: UnitCodeSchema }),
    query: SubtreeQuerySchema,
    response: SubtreeResponseSchema,
    example: { query: { level: 'village' } },
    async handle({ params, query, deps }) {
      const units = await subtreeUnits(deps.db, params.code, query.level);
      return { body: { units: units.map(toUnitNode) } };
    },
  }),
];
