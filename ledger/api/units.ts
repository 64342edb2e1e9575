/** GET /api/v1/units/{code}: the unit, its parent code and its direct children. */
import { z } from 'zod';
import { UnitSchema } from './common';

export const UnitNodeSchema = UnitSchema.extend({
  parentCode: z.string().nullable(),
  /** true when the unit is made up for the demo. */
  invented: z.boolean(),
});

export const UnitResponseSchema = z.object({
  unit: UnitNodeSchema,
  children: z.array(UnitNodeSchema),
});
export type UnitResponse = z.infer<typeof UnitResponseSchema>;

/** GET /api/v1/units/{code}/subtree?level=village: every unit below (and including) the unit. */
export const SubtreeQuerySchema = z.strictObject({
  level: z.enum(['prefecture', 'county', 'township', 'village']).optional(),
});
export const SubtreeResponseSchema = z.object({ units: z.array(UnitNodeSchema) });
