/**
 * The add-in's panes (issue 10):
 *  - gzipped JavaScript each pane page loads (its entry + the shared vendor/common chunks, each
 *    counted once per pane), from the built dist/addin pages (run `npm run build:addin` first);
 *    goal ≤ 400 KB per pane;
 *  - context.sync() round trips per host action at 10,000 rows, from the Excel fake; goal ≤ 3;
 *  - the 台账校验 pane's work on a 10,000-row sheet end to end with the fake — read (Office host),
 *    rules (the core), summary + fixes (the pane's model), marks (Office host) — vs. the core's
 *    validateSheet alone on the same sheet; goal ≤ 1 s. (The React render of the result list is
 *    not included: it shows 50 rows at a time.)
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { PANES } from '../addin/app/panes';
import { OfficeHost, type ExcelRun } from '../addin/host/office-host';
import type { LedgerSnapshot } from '../addin/host/ledger-host';
import { buildView, proposeFixes } from '../addin/panes/validate/model';
import { validateSheet } from '../ledger/validate';
import { FakeExcel, FakeSheet } from '../tests/addin/fake-excel';
import { benchSheet } from './validation.bench';
import { FABRICATE_DEFAULT_TODAY } from '../server/seed/fabricate';
import { collectGarbage, cpuMsSince, nowMs, projectRoot, round, timeSync, median, type BenchResult } from './harness';

const ROWS = 10_000;
const TODAY = FABRICATE_DEFAULT_TODAY;
const GOAL_GZIP_KB = 400;

function paneBundles(): BenchResult[] {
  const dir = join(projectRoot(), 'dist', 'addin');
  if (!existsSync(join(dir, 'validate.html'))) throw new Error('dist/addin is not built: npm run bench builds it (running one bench alone: npm run build:addin first)');
  const gzipped = new Map<string, number>();
  const sizeOf = (file: string) => {
    if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dir, file)), { level: 9 }).length);
    return gzipped.get(file)!;
  };
  return PANES.map((pane) => {
    const html = readFileSync(join(dir, `${pane.name}.html`), 'utf8');
    // the page's own scripts (office.js is Microsoft's, served as is and cached by Office; not counted)
    const scripts = [...html.matchAll(/<script[^>]*\ssrc=["']?([^"'\s>]+)/g)].map((m) => m[1]).filter((src) => !src.startsWith('office-js/'));
    const kb = scripts.reduce((sum, file) => sum + sizeOf(file), 0) / 1024;
    return {
      name: `add-in: gzipped JS of the ${pane.name} pane (${scripts.length} files, shared chunks counted once)`,
      value: round(kb, 1),
      unit: 'KB',
      baseline: null,
      ratio: round(kb / GOAL_GZIP_KB, 2),
      goal: `≤ ${GOAL_GZIP_KB} KB`,
    };
  });
}

/** The validation bench's fabricated village ledger (~2% of rows with a typical mistake) in the Excel fake. */
function fakeLedger(rows: number) {
  const sheet = benchSheet(rows);
  const excel = new FakeExcel([new FakeSheet('台账', sheet.values, sheet.numberFormats)]);
  const host = new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports });
  return { excel, host };
}

async function syncsPerAction(): Promise<BenchResult[]> {
  const { excel, host } = fakeLedger(ROWS);
  const counts: [string, number][] = [];
  const measure = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    excel.syncLog = [];
    const result = await action();
    counts.push([name, excel.syncs]);
    return result;
  };
  const snapshot: LedgerSnapshot = await measure('readLedger', () => host.readLedger());
  const validation = validateSheet(snapshot.sheet, { today: TODAY });
  await measure('markFindings', () => host.markFindings(snapshot, validation.findings));
  await measure('writeRows (500 fixes by snapshot row)', () =>
    host.writeRows(Array.from({ length: 500 }, (_, i) => ({ excelRow: 3 + i * 20, values: { notes: '已核对' } })), snapshot),
  );
  await measure('selectCell', () => host.selectCell('F7', snapshot));
  await measure('getSelectedRow', () => host.getSelectedRow());
  await measure('clearMarks', () => host.clearMarks(snapshot));
  return counts.map(([name, syncs]) => ({
    name: `add-in: context.sync() calls, ${name}, ${ROWS.toLocaleString('en-US')} rows (Excel fake)`,
    value: syncs,
    unit: 'syncs',
    baseline: null,
    ratio: null,
    goal: '≤ 3',
  }));
}

async function paneValidation(): Promise<BenchResult[]> {
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let findings = 0;
  for (let i = 0; i < 6; i++) {
    const { host } = fakeLedger(ROWS);
    collectGarbage();
    const cpuStart = process.cpuUsage();
    const start = nowMs();
    const snapshot = await host.readLedger();
    const validation = validateSheet(snapshot.sheet, { today: TODAY });
    buildView(validation, {});
    proposeFixes(snapshot, TODAY);
    await host.markFindings(snapshot, validation.findings);
    if (i > 0) {
      // the first run warms the JIT
      samples.push(nowMs() - start);
      cpuSamples.push(cpuMsSince(cpuStart));
    }
    findings = validation.findings.length;
  }
  const sheet = benchSheet(ROWS);
  const core = timeSync(() => validateSheet(sheet, { today: TODAY }), { warmup: 1, repeats: 5 });
  const ms = median(samples);
  const cpuMs = median(cpuSamples);
  return [
    {
      name: `add-in: 台账校验 pane, ${ROWS.toLocaleString('en-US')}-row sheet end to end (read + rules + summary/fixes + marks; ${findings} findings) vs validateSheet alone`,
      value: round(ms, 1),
      unit: 'ms',
      baseline: round(core.ms, 1),
      ratio: round(ms / core.ms, 2),
      goal: '≤ 1000 ms',
    },
    {
      // On a shared machine the wall time includes waiting for a core; CPU time is what the work costs.
      name: `add-in: 台账校验 pane, ${ROWS.toLocaleString('en-US')}-row sheet end to end, process CPU time (vs validateSheet alone)`,
      value: round(cpuMs, 1),
      unit: 'CPU ms',
      baseline: round(core.cpuMs, 1),
      ratio: round(cpuMs / core.cpuMs, 2),
      goal: 'informational (wall goal ≤ 1000 ms)',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [...paneBundles(), ...(await syncsPerAction()), ...(await paneValidation())];
}
