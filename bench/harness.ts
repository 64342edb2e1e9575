/**
 * Benchmark harness: the result shape every bench returns, timing helpers, the printed table and
 * bench/results.json (an array of results merged by name, so each run updates its own entries and
 * keeps the others').
 *
 * A bench file is bench/NAME.bench.ts exporting `run(): Promise<BenchResult[]>`; bench/run.ts finds
 * and runs them (`npm run bench`). Every result carries its baseline measured in the same run, so the
 * ratio is meaningful on any machine.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import { projectRoot } from '../server/project-root';
import { performance } from 'perf_hooks';

export interface BenchResult {
  /** Unique, human-readable: what was measured, on how much data. Results are merged by name. */
  name: string;
  value: number;
  /** 'rows/s', 'ms', 'MB', … */
  unit: string;
  /** The same measure for the baseline (same process, same data), or null when there is none. */
  baseline: number | null;
  /** value / baseline (or as the goal states), or null. */
  ratio: number | null;
  /** The goal in words, e.g. '≥ 100000 rows/s' or 'ratio ≤ 2'; 'informational' when none. */
  goal: string;
  /** The bench file that measured it (`sync-load`), set when results are saved. */
  bench?: string;
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function nowMs(): number {
  return performance.now();
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Items per second from a count and a duration in ms. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? count / (ms / 1000) : Number.POSITIVE_INFINITY;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Timing<T> {
  /** Median duration of the measured runs (ms). */
  ms: number;
  min: number;
  max: number;
  samples: number[];
  /**
   * Median CPU time of the process (user + system, all threads, ms) per run. On a shared machine
   * the wall-clock `ms` includes waiting for a core; this does not (it does include GC threads).
   */
  cpuMs: number;
  /** What the last run returned (keep it, so the work cannot be optimised away). */
  result: T;
}

export interface TimeOptions {
  /** Unmeasured runs first (JIT warm-up); default 1. */
  warmup?: number;
  /** Measured runs; default 5. */
  repeats?: number;
}

/** CPU milliseconds (user + system) used by this process since `start` (from process.cpuUsage()). */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Asks V8 for a full collection when run with --expose-gc (bench/run.ts does), so runs start alike. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Times a synchronous function: median of `repeats` runs after `warmup` runs. */
export function timeSync<T>(fn: () => T, options: TimeOptions = {}): Timing<T> {
  const { warmup = 1, repeats = 5 } = options;
  let result!: T;
  for (let i = 0; i < warmup; i++) result = fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    result = fn();
    samples.push(nowMs() - start);
    cpu.push(cpuMsSince(cpuStart));
  }
  return { ms: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, cpuMs: median(cpu), result };
}

/** Times an async function the same way. */
export async function timeAsync<T>(fn: () => Promise<T>, options: TimeOptions = {}): Promise<Timing<T>> {
  const { warmup = 1, repeats = 5 } = options;
  let result!: T;
  for (let i = 0; i < warmup; i++) result = await fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    result = await fn();
    samples.push(nowMs() - start);
    cpu.push(cpuMsSince(cpuStart));
  }
  return { ms: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, cpuMs: median(cpu), result };
}

/** Calls `fn` and returns its result with the elapsed milliseconds (one run, no warm-up). */
export async function timeOnce<T>(fn: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  const start = nowMs();
  const result = await fn();
  return { ms: nowMs() - start, result };
}

function formatNumber(value: number | null): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A plain-text table of results (fixed-width columns, CJK counted double). */
export function formatTable(results: readonly BenchResult[]): string {
  const width = (text: string) => [...text].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const padEnd = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - width(text)));
  const padStart = (text: string, n: number) => ' '.repeat(Math.max(0, n - width(text))) + text;
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'goal'];
  const rows = results.map((r) => [r.name, formatNumber(r.value), r.unit, formatNumber(r.baseline), formatNumber(r.ratio), r.goal]);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i]))));
  const numeric = [false, true, false, true, true, false];
  const line = (cells: string[]) => cells.map((cell, i) => (numeric[i] ? padStart(cell, widths[i]) : padEnd(cell, widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * A bench file run on its own (`node dist/bench/sync-load.bench.js`) instead of through bench/run.ts:
 * runs it, prints its results as JSON, and exits 1 with the stack when it fails.
 *   runWhenMain(module, run);
 */
export function runWhenMain(benchModule: NodeModule, run: () => Promise<BenchResult[]>): void {
  if (require.main !== benchModule) return;
  run().then(
    (results) => process.stdout.write(`${JSON.stringify(results, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** The project root (the bench runs from bench/ and from dist/bench/). */
export { projectRoot };

export const DEFAULT_RESULTS_FILE = join(projectRoot(), 'bench', 'results.json');

function isBenchResult(value: unknown): value is BenchResult {
  return typeof value === 'object' && value !== null && typeof (value as BenchResult).name === 'string';
}

export function readResults(file: string = DEFAULT_RESULTS_FILE): BenchResult[] {
  if (!existsSync(file)) return [];
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter(isBenchResult) : [];
  } catch {
    return [];
  }
}

/**
 * Merges by name: results with a known name replace the old entry in place, new names are appended.
 * With `bench` (the file that produced `updates`), that bench's earlier results missing from
 * `updates` are dropped: a renamed measure does not linger beside its new name.
 */
export function mergeResults(existing: readonly BenchResult[], updates: readonly BenchResult[], bench?: string): BenchResult[] {
  const names = new Set(updates.map((update) => update.name));
  const merged = existing.filter((r) => bench === undefined || r.bench !== bench || names.has(r.name)).map((r) => ({ ...r }));
  for (const update of updates) {
    const clean: BenchResult = {
      name: update.name,
      value: update.value,
      unit: update.unit,
      baseline: update.baseline ?? null,
      ratio: update.ratio ?? null,
      goal: update.goal,
      ...(bench !== undefined ? { bench } : update.bench !== undefined ? { bench: update.bench } : {}),
    };
    const at = merged.findIndex((r) => r.name === update.name);
    if (at >= 0) merged[at] = clean;
    else merged.push(clean);
  }
  return merged;
}

/**
 * Merges `results` (of the bench file `bench`, when given) into the results file, written
 * atomically; `replace`: the file holds exactly `results` (a whole suite that ran without a failure).
 */
export function writeResults(results: readonly BenchResult[], file: string = DEFAULT_RESULTS_FILE, bench?: string, replace = false): BenchResult[] {
  const merged = mergeResults(replace ? [] : readResults(file), results, bench);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`);
  renameSync(tmp, file);
  return merged;
}
