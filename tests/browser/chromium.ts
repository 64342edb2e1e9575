/**
 * playwright's launch() gives every browser a fresh temporary profile (the --user-data-dir we want).
 * Debian's Chromium driven by playwright-core (never a downloaded browser). When Chromium is
 * missing the suite fails with a message saying how to install it — it never skips silently.
 */
import { existsSync } from 'fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`找不到 Chromium（${CHROMIUM_PATH}）：请运行 apt-get install -y chromium / Chromium not found: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
