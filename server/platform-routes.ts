/** The platform's own endpoints (auth, units, audit): usable without any feature module. */
import { AUDIT_ROUTES } from './audit/routes';
import { AUTH_ROUTES } from './auth/routes';
import type { RouteSpec } from './http/route-table';
import { UNIT_ROUTES } from './units/routes';

export const PLATFORM_ROUTES: RouteSpec[] = [...AUTH_ROUTES, ...UNIT_ROUTES, ...AUDIT_ROUTES];
