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
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginReservation } from './rate-limit';
import { settleAll, type Engine, type SqlDatabase } from '../db/database';
import { bearerToken, issueToken, revokeToken, toAuthUser } from './tokens';
import { findUser, type UserRecord } from './users';
import { urgently } from '../db/urgency';

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

/** What the sign-in's response needs of the request. */
interface SignInRequest {
  username: string;
  password: string;
  ip: string;
  requestId: string;
}

/** A sign-in's answer, or why it was refused (thrown only after its transaction committed: the count stays). */
type SignInOutcome =
  | { kind: 'signed_in'; token: string; expiresAt: string; user: AuthUser }
  | { kind: 'refused'; retryAfterSeconds: number }
  | { kind: 'bad_credentials' };

/**
 * Whether a sign-in whose password check ran first makes ONE visit to the database writer: reserve,
 * then (if granted and the password verified) token, audit and the attempt taken back, all in one
 * transaction. On SQLite every write waits for the one connection, behind whatever transaction runs
 * (a bulk push), so two visits meant two such waits. PostgreSQL has no such queue, and there a
 * SERIALIZABLE transaction touching the office address's counter would collide with colleagues'
 * sign-ins: it keeps the reservation and the token as two short visits.
 */
const SIGN_IN_IN_ONE_TRANSACTION: Record<Engine, boolean> = { sqlite: true, postgres: false };

/**
 * After the reservation: the outcome for a checked password. `db` is the database (two visits: the
 * token gets its own transaction) or the sign-in's one transaction (everything runs in it).
 */
async function settleAttempt(
  deps: AppDeps,
  db: { handle: SqlDatabase; inTransaction: boolean },
  reservation: LoginReservation,
  checked: { record: UserRecord | undefined; ok: boolean },
  requestId: string,
): Promise<SignInOutcome> {
  if (!reservation.ok) return { kind: 'refused', retryAfterSeconds: reservation.retryAfterSeconds };
  // The reservation already counts as a failure: anything but a verified password (including an
  // error) leaves it counted.
  const { record, ok } = checked;
  if (!record || !ok) {
    await deps.audit.record({ user: null, action: 'auth.login_failed', target: record ? `user:${record.id}` : 'user:unknown', requestId }, db.handle);
    return { kind: 'bad_credentials' };
  }
  const user = toAuthUser(record);
  // The token and its audit entry (and, in one transaction, the attempt taken back) are independent
  // statements: issued together, they cost one round trip to the database thread, not one each —
  // during a burst every round trip waits for a busy event loop.
  const issue = async (tx: SqlDatabase) => {
    const [issued] = await settleAll([
      issueToken(tx, user.id, deps.now(), deps.config.tokenTtlHours),
      deps.audit.record({ user, action: 'auth.login', target: `user:${user.id}`, requestId }, tx),
    ] as const);
    return issued;
  };
  if (db.inTransaction) {
    const [{ token, expiresAt }] = await settleAll([issue(db.handle), reservation.ticket.succeed()] as const);
    return { kind: 'signed_in', token, expiresAt, user };
  }
  // The attempt is taken back beside the token's transaction, not inside it (a SERIALIZABLE
  // transaction touching the office address's counter would collide with colleagues' sign-ins).
  const [{ token, expiresAt }] = await Promise.all([db.handle.transaction(issue), reservation.ticket.succeed()]);
  return { kind: 'signed_in', token, expiresAt, user };
}

/**
 * A sign-in, once its throttle is known: reserve the attempt, verify the password, issue a token.
 * The attempt is reserved before the password check's answer is used, so parallel guesses — on any
 * instance — cannot all slip through. The check itself may start first (LoginThrottle.startEarlyCheck,
 * bounded per process and account, never for an account or address seen refused):
 * - SQLite: the check runs, then reservation, token and audit are one transaction (one wait for the
 *   writer instead of two);
 * - PostgreSQL: the check runs while the reservation is on its way, and the token follows.
 * Either way the check is started before any write of this request, so the account's look-up reads
 * on the reader connection instead of queueing.
 */
async function signIn(deps: AppDeps, throttle: LoginThrottle, request: SignInRequest): Promise<SignInOutcome> {
  const { username, password, ip, requestId } = request;
  const release = throttle.startEarlyCheck(username, ip);
  if (release && SIGN_IN_IN_ONE_TRANSACTION[deps.db.engine]) {
    const checked = await checkPassword(deps, username, password).finally(release);
    return deps.db.transaction(async (tx) =>
      settleAttempt(deps, { handle: tx, inTransaction: true }, await throttle.reserve(username, ip, tx), checked, requestId),
    );
  }
  const early = release ? checkPassword(deps, username, password).finally(release) : undefined;
  // A failure of the early check is seen where it is awaited below; one that ends before (or
  // whose attempt is refused and dropped unseen) must not count as an unhandled rejection.
  early?.catch(() => undefined);
  const reservation = await throttle.reserve(username, ip);
  // A refused attempt's check is never awaited: its answer is not used.
  const checked = reservation.ok ? await (early ?? checkPassword(deps, username, password)) : { record: undefined, ok: false };
  return settleAttempt(deps, { handle: deps.db, inTransaction: false }, reservation, checked, requestId);
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
      const throttle = loginThrottle(deps);
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      // What the person waits on: these few statements go ahead of queued requests and bulk
      // pushes (server/db/urgency.ts), so a sign-in during a burst waits for one transaction at most.
      const outcome = await urgently(() => signIn(deps, throttle, { username: body.username, password: body.password, ip, requestId })).finally(() => {
        // Housekeeping after the answer is decided, not before: a write queued ahead of the
        // account's look-up would make that read wait for the writer too.
        void throttle.purgeSoon().catch((error: unknown) =>
          deps.logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'login throttle purge failed'),
        );
      });
      if (outcome.kind === 'refused') {
        const wait = outcome.retryAfterSeconds;
        req.res?.setHeader('Retry-After', String(wait));
        throw new AppError('too_many_attempts', { seconds: wait }, { extra: { retryAfterSeconds: wait } });
      }
      if (outcome.kind === 'bad_credentials') throw new AppError('bad_credentials');
      return { body: { token: outcome.token, expiresAt: outcome.expiresAt, user: sessionUser(outcome.user) } };
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
