/** GET /units/:code — a unit and its direct children, inside the caller's subtree. */
import { z } from 'zod';
import { UnitCodeSchema } from '../../ledger/api/common';
import { UnitResponseSchema } from '../../ledger/api/units';
import type { RouteSpec } from '../http/route-table';
import { childUnits, getUnit, toUnitNode } from './store';

export const UNIT_ROUTES: RouteSpec[] = [
  {
    method: 'get',
    path: '/units/:code',
    summary: '单位及其直属下级（仅限本单位及下级）',
    tag: 'units',
    auth: 'user',
    unitParam: 'code',
    params: z.strictObject({ code: UnitCodeSchema }),
    response: UnitResponseSchema,
    async handle({ params, deps }) {
      const { code } = params as { code: string };
      const unit = (await getUnit(deps.db, code))!; // existence checked by the unitParam wiring
      const children = await childUnits(deps.db, code);
      return { body: { unit: toUnitNode(unit), children: children.map(toUnitNode) } };
    },
  },
];
