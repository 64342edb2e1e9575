/** GET /api/v1/audit: the append-only audit trail, newest first, paged. */
import { z } from 'zod';

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  user: z.string().nullable(),
  role: z.string().nullable(),
  unit: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  requestId: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
