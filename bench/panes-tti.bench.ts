/**
 * Time to interactive of each task pane in Debian's Chromium with the network emulated at
 * 1.5 Mbps / 300 ms RTT (CDP Network.emulateNetworkConditions; a village office line), cache
 * disabled — what a clerk waits for the first time a pane opens. "Interactive" = the shell has
 * connected to its host (body[data-ready="true"]) and the pane's content is rendered (<main>).
 * The baseline is the same page on the unthrottled loopback in the same run. Goal ≤ 3 s.
 *
 * Needs dist/addin (npm run build:addin) and dist/server; the real server runs in a child process.
 */
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { chromium, type Browser } from 'playwright-core';
import { spawnServer } from './child-server';
import { median, round, type BenchResult } from './harness';

const PANES = ['validate', 'lookup', 'handling', 'sync'] as const;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** 1.5 Mbps in bytes per second, and the round-trip time (CDP adds `latency` to every request). */
const SLOW = { offline: false, latency: 300, downloadThroughput: (1.5 * 1024 * 1024) / 8, uploadThroughput: (1.5 * 1024 * 1024) / 8 };
const REPEATS = 3;

async function timeToInteractive(browser: Browser, url: string, throttled: boolean): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 350, height: 700 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttled) await cdp.send('Network.emulateNetworkConditions', SLOW);
  const start = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('body[data-ready="true"] main', { timeout: 60_000 });
  const ms = Date.now() - start;
  await context.close();
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  const root = resolve(__dirname, '..', '..');
  if (!existsSync(join(root, 'dist', 'addin', 'validate.html'))) throw new Error('dist/addin is not built: npm run bench builds it (running one bench alone: npm run build:addin first)');
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const dir = mkdtempSync(join(tmpdir(), 'panes-tti-'));
  const server = await spawnServer([join(root, 'dist', 'server', 'main.js')], { LEDGER_DB: join(dir, 'ledger.sqlite'), NODE_ENV: 'production' }, { cwd: root });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] });
  const results: BenchResult[] = [];
  try {
    for (const pane of PANES) {
      const url = `${server.url}/addin/${pane}.html`;
      await timeToInteractive(browser, url, false); // warm the server's file cache
      const fast: number[] = [];
      const slow: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        fast.push(await timeToInteractive(browser, url, false));
        slow.push(await timeToInteractive(browser, url, true));
      }
      const value = median(slow);
      const baseline = median(fast);
      results.push({
        name: `pane TTI ${pane} (Chromium, 1.5 Mbps / 300 ms RTT, cold cache)`,
        value: round(value, 0),
        unit: 'ms',
        baseline: round(baseline, 0),
        ratio: round(value / baseline, 2),
        goal: '≤ 3000 ms',
      });
    }
  } finally {
    await browser.close();
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
