/**
 * Waiting in tests without fixed sleeps: poll a condition until it holds or a deadline passes, and
 * say what was awaited when it never came (a slow machine waits longer; a broken one fails clearly).
 */

/**
 * Polls `check` every `everyMs` until it returns true (or a value other than false/undefined, which
 * is returned); throws after `timeoutMs` naming `what`.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | false | undefined | Promise<T | false | undefined>,
  { timeoutMs = 15_000, everyMs = 10 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await check();
    if (outcome !== false && outcome !== undefined) return outcome;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
