/**
 * `npm start`: create/migrate the database, seed the demo prefecture (demo mode only), listen,
 * print the URL and the demo logins. SIGTERM/SIGINT: stop accepting, finish requests, close the DB.
 */
// First: sizes libuv's threadpool before anything queues work on it (see threadpool.ts).
import './threadpool';
import { applyConnectionTimeouts } from './http/connection-timeouts';
import { createServer as createHttpsServer } from 'https';
import type { AddressInfo } from 'net';
import { createApp } from './app';
import { loadConfig } from './config';
import { buildDeps } from './build-deps';
import { purgeExpiredTokens } from './auth/tokens';
import { ALL_ROUTES } from './routes';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo-units';
import { runDemoSeed } from './seed';
import { applyServerMode } from './seed/server-mode';
import { startImportRetention } from './imports/service';
import { removeLeftoverTempFiles } from './imports/startup-cleanup';

export interface MainOptions {
  /** Serve over HTTPS with this key and certificate (`npm run dev`: office-addin-dev-certs); default HTTP. */
  tls?: { key: Buffer; cert: Buffer };
}

export async function main(options: MainOptions = {}): Promise<void> {
  const config = loadConfig();
  const deps = await buildDeps(config, { checkIntegrity: true });
  // Demo accounts never survive a production start; a production database never starts in demo mode.
  const mode = await applyServerMode(deps).catch(async (error: unknown) => {
    await deps.db.close();
    throw error;
  });
  const seeded = await runDemoSeed(deps);
  await purgeExpiredTokens(deps.db, deps.now());
  // Uploads and import files a previous process left behind (crash, kill) hold ID numbers: remove them now.
  const leftovers = await removeLeftoverTempFiles();
  if (leftovers > 0) deps.logger.info({ removed: leftovers }, 'temp files left by a previous process removed');
  // Uncommitted dry runs hold personal data: purge expired ones now and hourly (timer is unref'd).
  const stopRetention = startImportRetention(deps);
  const app = createApp(deps, ALL_ROUTES);
  const server = applyConnectionTimeouts(options.tls ? createHttpsServer(options.tls, app).listen(config.port, config.host) : app.listen(config.port, config.host));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${options.tls && config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
  const out: string[] = [
    `台账服务已启动 / Ledger server listening: ${url}`,
    `数据库 / Database: ${config.dbFile}`,
    `网页版（未装加载项：WPS、手机）/ Web page (no add-in): ${url}/web/`,
    `浏览器预览（示例台账与加载项窗格）/ Browser preview (demo workbook and panes): ${url}/preview`,
    `健康检查 / Health: ${url}/healthz    接口文档 / OpenAPI: ${url}/api/v1/openapi.json`,
  ];
  if (seeded) {
    out.push(`演示模式：演示账号（密码均为 ${DEMO_PASSWORD}；村名为虚构）/ Demo mode: demo logins (password ${DEMO_PASSWORD}; village names are made up):`);
    for (const account of DEMO_ACCOUNTS) {
      out.push(`  ${account.username.padEnd(16)} ${account.unitCode.padEnd(13)} ${account.zh} / ${account.en}`);
    }
  } else {
    out.push('生产模式：未创建演示账号；用 admin-cli 创建单位和账号（见 docs/operations.md）/ Production mode: no demo accounts; create units and users with admin-cli (docs/operations.md).');
    if (mode.demoAccountsDisabled.length > 0 || mode.tokensRevoked > 0) {
      out.push(
        `已停用此前演示模式留下的 ${mode.demoAccountsDisabled.length} 个演示账号并吊销其 ${mode.tokensRevoked} 个令牌 / Disabled ${mode.demoAccountsDisabled.length} demo accounts left from demo mode and revoked ${mode.tokensRevoked} of their tokens: ${mode.demoAccountsDisabled.join(', ')}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopRetention();
    deps.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      deps.db.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`启动失败 / Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
