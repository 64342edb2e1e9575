/**
 * Account and unit administration for installations without demo data (NODE_ENV=production):
 *   seed-units | add-unit CODE NAME | add-user USERNAME ROLE UNITCODE | deactivate-user USERNAME |
 *   unlock-user USERNAME | list-users
 * Works on LEDGER_DB (migrating it first). The new password comes from LEDGER_NEW_PASSWORD, never argv.
 */
import { unitLevelOf } from '../../ledger/units';
import { loadConfig } from '../config';
import { buildDeps } from '../build-deps';
import { ROLES, type Role } from '../http/route-table';
import { createLogger } from '../logger';
import { REAL_UNITS } from '../units/real-units';
import { seedUnits } from '../seed';
import { getUnit, upsertUnit } from '../units/store';
import { accountStore } from '../auth/account-store';
import { unlockLogin } from '../auth/unlock';
import { createUser, findUser, roleFitsUnit, type UserRecord } from '../auth/users';
import type { SqlDatabase } from '../db/database';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The account a command names, or undefined once the error says there is none (the command exits 1). */
async function requireUser(db: SqlDatabase, username: string | undefined, io: CliIo): Promise<UserRecord | undefined> {
  const user = username ? await findUser(db, username) : undefined;
  if (!user) io.err(`用户不存在 / no such user: ${username ?? ''}`);
  return user;
}

const USAGE = `用法 / usage: admin-cli seed-units | add-unit CODE NAME | add-user USERNAME ROLE UNITCODE | deactivate-user USERNAME | unlock-user USERNAME | list-users`;

export async function adminCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (!command) {
    io.err(USAGE);
    return 2;
  }
  const deps = await buildDeps(loadConfig(env), { logger: createLogger({ level: 'silent' }) });
  const actor = { requestId: `cli-${Date.now()}` };
  try {
    switch (command) {
      case 'seed-units': {
        await seedUnits(deps, REAL_UNITS);
        io.out(`已写入 ${REAL_UNITS.length} 个单位 / ${REAL_UNITS.length} units upserted`);
        return 0;
      }
      case 'add-unit': {
        const [code, name] = args;
        const level = code ? unitLevelOf(code) : undefined;
        if (!level || !name) {
          io.err('add-unit CODE NAME (CODE: 4/6/9/12 位数字 digits)');
          return 2;
        }
        const parentCode = level === 'prefecture' ? null : code.slice(0, { county: 4, township: 6, village: 9 }[level]);
        if (parentCode && !(await getUnit(deps.db, parentCode))) {
          io.err(`上级单位不存在 / parent unit not found: ${parentCode}`);
          return 1;
        }
        await upsertUnit(deps.db, { code, name, level, parentCode, invented: false });
        await deps.audit.record({ user: null, action: 'admin.unit_upsert', target: `unit:${code}`, requestId: actor.requestId });
        io.out(`单位已保存 / unit saved: ${code} ${name}`);
        return 0;
      }
      case 'add-user': {
        const [username, role, unitCode] = args;
        const password = env.LEDGER_NEW_PASSWORD ?? '';
        if (!username || !/^[A-Za-z0-9._-]{3,64}$/.test(username) || !ROLES.includes(role as Role) || !unitCode) {
          io.err('add-user USERNAME ROLE UNITCODE (ROLE: village|township|county|prefecture|admin)');
          return 2;
        }
        if (password.length < 8) {
          io.err('请在 LEDGER_NEW_PASSWORD 中提供至少 8 位的密码 / set LEDGER_NEW_PASSWORD (at least 8 characters)');
          return 2;
        }
        if (!(await getUnit(deps.db, unitCode))) {
          io.err(`单位不存在 / unit not found: ${unitCode}`);
          return 1;
        }
        if (!roleFitsUnit(role as Role, unitCode)) {
          io.err(`角色与单位级别不符 / role ${role} does not fit unit ${unitCode}`);
          return 1;
        }
        if (await findUser(deps.db, username)) {
          io.err(`用户已存在 / user exists: ${username}`);
          return 1;
        }
        const id = await createUser(deps.db, { username, password, role: role as Role, unitCode }, deps.now());
        await deps.audit.record({ user: null, action: 'admin.user_create', target: `user:${id}`, requestId: actor.requestId, detail: { role } });
        io.out(`用户已创建 / user created: ${username} (${role}, ${unitCode})`);
        return 0;
      }
      case 'deactivate-user': {
        const user = await requireUser(deps.db, args[0], io);
        if (!user) return 1;
        await deps.db.transaction(async (tx) => {
          await accountStore(tx).deactivateUser(user.id);
          await deps.audit.record({ user: null, action: 'admin.user_deactivate', target: `user:${user.id}`, requestId: actor.requestId }, tx);
        });
        io.out(`已停用 / deactivated: ${user.username}`);
        return 0;
      }
      case 'unlock-user': {
        // Lifts a login lockout (too many wrong passwords) before it runs out: the counters are in the
        // database, so every running instance sees it at once. Sessions and the password are untouched.
        const user = await requireUser(deps.db, args[0], io);
        if (!user) return 1;
        await deps.db.transaction(async (tx) => {
          await unlockLogin(tx, user.username);
          await deps.audit.record({ user: null, action: 'admin.user_unlock', target: `user:${user.id}`, requestId: actor.requestId }, tx);
        });
        io.out(`已解除登录锁定 / login lockout lifted: ${user.username}`);
        return 0;
      }
      case 'list-users': {
        const rows = await accountStore(deps.db).listUsers();
        for (const row of rows) io.out(`${row.username}\t${row.role}\t${row.unit_code}\t${row.active ? 'active' : 'inactive'}`);
        return 0;
      }
      default:
        io.err(USAGE);
        return 2;
    }
  } finally {
    await deps.db.close();
  }
}

if (require.main === module) {
  adminCli(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`失败 / failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
