/**
 * Shapes shared by the server and the add-in's API client (the add-in never imports server/).
 * Every error response of the API has ApiErrorBody's shape (./errors).
 */
import { z } from 'zod';

export const UnitLevelSchema = z.enum(['prefecture', 'county', 'township', 'village']);
/** Roles, lowest first; `Role` and RoleSchema derive from this list. */
export const ROLES = ['village', 'township', 'county', 'prefecture', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** A unit code: 4 (州), 6 (县), 9 (乡镇) or 12 (村/社区) digits. */
export const UnitCodeSchema = z
  .string()
  .regex(/^(\d{4}|\d{6}|\d{9}|\d{12})$/, { message: '单位代码应为 4、6、9 或 12 位数字 (unit code: 4, 6, 9 or 12 digits)' });

export const UnitSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: UnitLevelSchema,
});
export type UnitDto = z.infer<typeof UnitSchema>;

/** The error shape and its codes live in ./errors (one registry per module). */
export { ApiErrorBodySchema, ApiIssueSchema, type ApiErrorBody } from './errors';

/** Paging query used by list endpoints: page from 1, pageSize 1–500 (default 50). */
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

/** A calendar date YYYY-MM-DD that exists: the calendar's one schema (see there why not `z.iso.date()`). */
export { IsoDateSchema } from '../calendar';
