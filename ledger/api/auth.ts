/** Request/response schemas of /api/v1/auth/* and /api/v1/me, shared with the add-in. */
import { z } from 'zod';
import { RoleSchema, UnitSchema } from './common';

export const LoginRequestSchema = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SessionUserSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  unit: UnitSchema,
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const LoginResponseSchema = z.object({
  /** Bearer token: send as `Authorization: Bearer <token>`. */
  token: z.string(),
  /** ISO timestamp after which the token is refused. */
  expiresAt: z.string(),
  user: SessionUserSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const MeResponseSchema = z.object({ user: SessionUserSchema });
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const LogoutResponseSchema = z.object({ ok: z.literal(true) });
