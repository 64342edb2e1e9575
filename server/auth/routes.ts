/** POST /auth/login, POST /auth/logout, GET /me. */
import {
  LoginRequestSchema,
  LoginResponseSchema,
  LogoutResponseSchema,
  MeResponseSchema,
} from '../../ledger/api/auth';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/errors';
import { defineRoute, type AuthUser, type RouteSpec } from '../http/route-table';
import { dummyPasswordHash, verifyPassword } from './password';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './rate-limit';
import { bearerToken, issueToken, revokeToken, toAuthUser } from './tokens';
import { findUser, type UserRecord } from './users';

const throttles = new WeakMap<AppDeps, LoginThrottle>();
/** The app's login throttle (its counters are in the database, shared by every instance). */
export function loginThrottle(deps: AppDeps): LoginThrottle {
  let throttle = throttles.get(deps);
  if (!throttle) {
    throttle = new LoginThrottle(deps.db, deps.now, { ...DEFAULT_LOGIN_LIMITS, ...deps.config.loginLimits });
    throttles.set(deps, throttle);
  }
  return throttle;
}

/** The account and whether the password is its own and the account active (a made-up hash when there is no such account, so timing does not tell). */
async function checkPassword(deps: AppDeps, username: string, password: string): Promise<{ record: UserRecord | undefined; ok: boolean }> {
  const record = await findUser(deps.db, username);
  const ok = record
    ? (await verifyPassword(password, record.password_hash)) && record.active === 1
    : (await verifyPassword(password, await dummyPasswordHash())) && false;
  return { record, ok };
}

function sessionUser(user: AuthUser) {
  return { username: user.username, role: user.role, unit: user.unit };
}

export const AUTH_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/auth/login',
    summary: '登录，获取访问令牌',
    tag: 'auth',
    auth: 'public',
    body: LoginRequestSchema,
    response: LoginResponseSchema,
    example: { body: { username: 'demo-village', password: 'demo1234' } },
    async handle({ body, deps, req, requestId }) {
      const { username, password } = body;
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      // An attempt is reserved before the password check's answer is used, so parallel guesses — on
      // any instance — cannot all slip through. The check itself may start while the reservation is
      // on its way (LoginThrottle.startEarlyCheck): during a burst of pushes the reservation waits
      // for the database writer, and the two waits then overlap. It is started before any write of
      // this request, so the account's look-up reads on the reader connection instead of queueing.
      const throttle = loginThrottle(deps);
      const release = throttle.startEarlyCheck(username, ip);
      const early = release ? checkPassword(deps, username, password).finally(release) : undefined;
      // A failure of the early check is seen where it is awaited below; one that ends before (or
      // whose attempt is refused and dropped unseen) must not count as an unhandled rejection.
      early?.catch(() => undefined);
      void throttle.purgeSoon().catch((error: unknown) =>
        deps.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'login throttle purge failed'),
      );
      const reservation = await throttle.reserve(username, ip);
      if (!reservation.ok) {
        req.res?.setHeader('Retry-After', String(reservation.retryAfterSeconds));
        const wait = reservation.retryAfterSeconds;
        throw new AppError('too_many_attempts', { seconds: wait }, { extra: { retryAfterSeconds: wait } });
      }
      const { ticket } = reservation;
      // The reservation already counts as a failure: anything but a verified password (including an
      // error) leaves it counted.
      const { record, ok } = await (early ?? checkPassword(deps, username, password));
      if (!record || !ok) {
        await deps.audit.record({
          user: null,
          action: 'auth.login_failed',
          target: record ? `user:${record.id}` : 'user:unknown',
          requestId,
        });
        throw new AppError('bad_credentials');
      }
      const user = toAuthUser(record);
      // The attempt is taken back beside the token's transaction, not inside it (a SERIALIZABLE
      // transaction touching the office address's counter would collide with colleagues' sign-ins).
      const [{ token, expiresAt }] = await Promise.all([
        deps.db.transaction(async (tx) => {
          const issued = await issueToken(tx, user.id, deps.now(), deps.config.tokenTtlHours);
          await deps.audit.record({ user, action: 'auth.login', target: `user:${user.id}`, requestId }, tx);
          return issued;
        }),
        ticket.succeed(),
      ]);
      return { body: { token, expiresAt, user: sessionUser(user) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    summary: '退出登录，吊销当前令牌',
    tag: 'auth',
    auth: 'user',
    response: LogoutResponseSchema,
    async handle({ req, deps, user, requestId }) {
      const token = bearerToken(req.headers.authorization);
      await deps.db.transaction(async (tx) => {
        if (token) await revokeToken(tx, token);
        await deps.audit.record({ user, action: 'auth.logout', target: `user:${user.id}`, requestId }, tx);
      });
      return { body: { ok: true as const } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/me',
    summary: '当前用户及其单位',
    tag: 'auth',
    auth: 'user',
    response: MeResponseSchema,
    async handle({ user }) {
      return { body: { user: sessionUser(user) } };
    },
  }),
];
