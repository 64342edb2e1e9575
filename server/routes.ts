/**
 * ALL_ROUTES: every endpoint of /api/v1. Feature owners add one import and one spread line.
 * The app, the OpenAPI document and the access-matrix test are generated from this list.
 */
import { AUDIT_ROUTES } from './audit/routes';
import { AUTH_ROUTES } from './auth/routes';
import type { RouteSpec } from './http/route-table';
import { IMPORT_ROUTES } from './imports/routes';
import { LEAD_ROUTES } from './leads/routes';
import { LEDGER_ROUTES } from './ledger/routes';
import { POLICY_ROUTES } from './policy/routes';
import { REPORT_ROUTES } from './reports/routes';
import { EXPORT_ROUTES } from './exports/routes';
import { CONSOLIDATED_ROWS_ROUTES } from './exports/rows-route';
import { WORKBOOK_ROUTES } from './workbook/routes';
import { UNIT_ROUTES } from './units/routes';

export const ALL_ROUTES: RouteSpec[] = [
  ...AUTH_ROUTES,
  ...UNIT_ROUTES,
  ...AUDIT_ROUTES,
  ...IMPORT_ROUTES,
  ...LEAD_ROUTES,
  ...POLICY_ROUTES,
  ...LEDGER_ROUTES,
  ...REPORT_ROUTES,
  ...EXPORT_ROUTES,
  ...CONSOLIDATED_ROWS_ROUTES,
  ...WORKBOOK_ROUTES,
];
