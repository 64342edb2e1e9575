/**
 * `npm run bench` (= build the add-in and the web page, then the server — last, because the add-in bench's
 * host code is compiled into dist/addin, which webpack empties — then `node dist/bench/run.js [filter…]`).
 *
 * Finds every dist/bench/*.bench.js, runs each one's `run()` in turn — each in its own Node process,
 * so one bench's heap and JIT state do not skew the next, and a crash is reported, not fatal — then
 * prints one table and merges the results into bench/results.json. Arguments filter bench files by
 * name (`node dist/bench/run.js validation io`). The whole suite must stay under 10 minutes: each bench
 * gets what is left of that budget.
 */
import { fork } from 'child_process';
import { readdirSync } from 'fs';
import { basename, join } from 'path';
import { formatTable, nowMs, writeResults, type BenchResult } from './harness';

export const SUITE_BUDGET_MS = 10 * 60 * 1000;

interface ChildMessage {
  ok: boolean;
  results?: BenchResult[];
  error?: string;
}

/** Bench files next to this file, optionally only those named (`validation` = validation.bench.js). */
export function discoverBenches(dir: string = __dirname, filters: readonly string[] = []): string[] {
  return readdirSync(dir)
    .filter((name) => /\.bench\.js$/.test(name))
    .filter((name) => filters.length === 0 || filters.includes(name.slice(0, -'.bench.js'.length)))
    .sort()
    .map((name) => join(dir, name));
}

async function runChild(file: string): Promise<void> {
  const send = (message: ChildMessage) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  try {
    const mod = require(file) as { run?: () => Promise<BenchResult[]> };
    if (typeof mod.run !== 'function') throw new Error(`${basename(file)} does not export run()`);
    const results = await mod.run();
    await send({ ok: true, results });
  } catch (error) {
    await send({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
}

function runInChild(file: string, timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(__filename, ['--child', file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
    let message: ChildMessage | undefined;
    const timer = setTimeout(() => {
      message = { ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)} s (suite budget)` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: ChildMessage) => {
      message ??= m;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(message ?? { ok: false, error: `exited with ${signal ?? `code ${code}`} before reporting` });
    });
  });
}

export async function runSuite(filters: readonly string[] = []): Promise<number> {
  const files = discoverBenches(__dirname, filters);
  if (files.length === 0) {
    console.error(`no bench files${filters.length ? ` matching ${filters.join(', ')}` : ''} in ${__dirname}`);
    return 1;
  }
  const suiteStart = nowMs();
  const all: BenchResult[] = [];
  let failures = 0;
  for (const file of files) {
    const left = SUITE_BUDGET_MS - (nowMs() - suiteStart);
    const name = basename(file, '.bench.js');
    if (left <= 0) {
      console.error(`✗ ${name}: skipped, the 10-minute suite budget is used up`);
      failures++;
      continue;
    }
    console.log(`▶ ${name} …`);
    const start = nowMs();
    const outcome = await runInChild(file, left);
    const seconds = ((nowMs() - start) / 1000).toFixed(1);
    if (outcome.ok && outcome.results) {
      all.push(...outcome.results.map((result) => ({ ...result, bench: name })));
      writeResults(outcome.results, undefined, name);
      console.log(`✓ ${name}: ${outcome.results.length} result(s) in ${seconds} s`);
    } else {
      failures++;
      console.error(`✗ ${name}: ${outcome.error ?? 'failed'} (${seconds} s)`);
    }
  }
  // The whole suite ran: the file holds exactly today's figures (nothing left from measures since renamed).
  if (filters.length === 0 && failures === 0) writeResults(all, undefined, undefined, true);
  const total = (nowMs() - suiteStart) / 1000;
  console.log('');
  if (all.length > 0) console.log(formatTable(all));
  console.log(`\n${files.length} bench file(s), ${failures} failed, ${total.toFixed(1)} s; results merged into bench/results.json`);
  return failures > 0 ? 1 : 0;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    void runChild(args[1]).then(() => process.exit(0));
  } else {
    void runSuite(args).then((code) => {
      process.exitCode = code;
    });
  }
}
