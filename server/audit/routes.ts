/** GET /audit: the audit trail of the caller's subtree (admin: everything), newest first. */
import { z } from 'zod';
import { AuditPageSchema } from '../../ledger/api/audit';
import { PageQuerySchema, UnitCodeSchema } from '../../ledger/api/common';
import { isInSubtree } from '../../ledger/units';
import { AppError } from '../http/errors';
import { defineRoute, type RouteSpec } from '../http/route-table';
import { auditStore } from './audit-store';

const AuditQuerySchema = PageQuerySchema.extend({
  /** Only entries of this unit's subtree (must be in the caller's subtree). */
  unit: UnitCodeSchema.optional(),
  /** Only this action, e.g. 'ledger.sync'. */
  action: z.string().min(1).max(100).optional(),
}).strict();

export const AUDIT_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/audit',
    summary: '审计日志（本单位及下级，管理员可看全部）',
    tag: 'audit',
    auth: 'user',
    roles: ['county', 'prefecture', 'admin'],
    query: AuditQuerySchema,
    response: AuditPageSchema,
    example: { query: { page: '1', pageSize: '20' } },
    async handle({ user, query, deps }) {
      const q = query;
      const scope = q.unit ?? (user.role === 'admin' ? undefined : user.unit.code);
      if (q.unit && user.role !== 'admin' && !isInSubtree(user.unit.code, q.unit)) {
        throw new AppError('forbidden');
      }
      const { total, rows } = await auditStore(deps.db).page(
        { ...(scope ? { unitPrefix: scope } : {}), ...(q.action ? { action: q.action } : {}) },
        q.pageSize,
        (q.page - 1) * q.pageSize,
      );
      return {
        body: {
          entries: rows.map((row) => ({
            id: row.id,
            at: row.at,
            user: row.user,
            role: row.role,
            unit: row.unit,
            action: row.action,
            target: row.target,
            requestId: row.request_id,
            detail: JSON.parse(row.detail) as Record<string, string | number | boolean>,
          })),
          page: q.page,
          pageSize: q.pageSize,
          total,
        },
      };
    },
  }),
];
