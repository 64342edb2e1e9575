/**
 * Demo mode and production on one database file (issue 8 part 4). The demo accounts share a
 * published password, so they must never work on a production server:
 *
 * - A production start (NODE_ENV=production) marks the database as production, disables every demo
 *   account (usernames of DEMO_ACCOUNTS, reserved) and revokes their tokens, and says so.
 * - A demo-mode start on a database marked as production is refused, saying why and how to fix it
 *   (it would otherwise re-create demo accounts next to real data).
 */
import { randomUUID } from 'crypto';
import type { AppDeps } from '../app-deps';
import { demoAllowed } from './index';
import { accountStore } from '../auth/account-store';
import { DEMO_ACCOUNTS } from './demo-units';
import { seedStore } from './seed-store';

export class ServerModeError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh}\n${en}`);
    this.name = 'ServerModeError';
  }
}

export interface ServerModeResult {
  mode: 'demo' | 'production';
  /** Demo accounts disabled by this start (production only). */
  demoAccountsDisabled: string[];
  tokensRevoked: number;
}

const PRODUCTION_SINCE = 'production_since';

/** Call on every start, before any seeding. Throws ServerModeError when the start must not go on. */
export async function applyServerMode(deps: AppDeps): Promise<ServerModeResult> {
  const since = await seedStore(deps.db).setting(PRODUCTION_SINCE);
  const marked = since === undefined ? undefined : { value: since };
  if (demoAllowed(deps)) {
    if (marked) {
      throw new ServerModeError(
        `拒绝以演示模式启动：数据库 ${deps.config.dbFile} 自 ${marked.value} 起以生产模式运行，演示模式会在其中创建密码公开的演示账号。` +
          '请设置 NODE_ENV=production 后再启动；如只想试用演示，请改用新的数据库文件（例如 LEDGER_DB=data/demo.sqlite）。',
        `Refusing to start in demo mode: the database ${deps.config.dbFile} has run in production since ${marked.value}, and demo mode would create demo accounts with a published password in it. ` +
          'Start with NODE_ENV=production; to try the demo, use a fresh database file (e.g. LEDGER_DB=data/demo.sqlite).',
      );
    }
    return { mode: 'demo', demoAccountsDisabled: [], tokensRevoked: 0 };
  }
  const usernames = DEMO_ACCOUNTS.map((account) => account.username);
  return deps.db.transaction(async (tx) => {
    if (!marked) await seedStore(tx).insertSetting(PRODUCTION_SINCE, deps.now().toISOString());
    const accounts = accountStore(tx);
    const demo = await accounts.usersNamed(usernames);
    if (demo.length === 0) return { mode: 'production' as const, demoAccountsDisabled: [], tokensRevoked: 0 };
    const revoked = await accounts.deactivateUsers(demo.map((user) => user.id));
    const disabled = demo.filter((user) => user.active === 1).map((user) => user.username);
    if (disabled.length > 0 || revoked > 0) {
      await deps.audit.record(
        { user: null, action: 'auth.demo_accounts_disabled', target: 'server', requestId: `startup-${randomUUID()}`, detail: { accounts: disabled.length, tokens: revoked } },
        tx,
      );
    }
    return { mode: 'production' as const, demoAccountsDisabled: disabled, tokensRevoked: revoked };
  });
}
