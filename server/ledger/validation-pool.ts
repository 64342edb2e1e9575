/**
 * Re-validation of a large push on a worker thread (piscina): validating 10,000 rows inline would
 * hold the event loop — and every other user's request — for some 40 ms in one go. Pushes below
 * OFF_THREAD_MIN_ROWS are validated inline: the hop costs more CPU than it saves. Measured on 2
 * cores: 100 rows take 0.97 ms inline, against 0.60 ms of the event loop (cloning the rows out and
 * the findings back) plus about 1 ms on the worker and 1.6 ms of latency; during a month-end burst
 * of 100-row pushes, where the CPU is the limit, inline was about 7 % faster overall (7 of 8
 * alternating runs). Results are exactly checkRows' (same code, same order).
 *
 * From source (tests, tsx) the worker loads the .ts file through tsx; from dist/, the .js file.
 */
import { availableParallelism } from 'os';
import { join } from 'path';
import Piscina from 'piscina';
import type { Policy } from '../../ledger/policy';
import type { Finding, LedgerValues } from '../../ledger/types';
import { checkRows, type RowCheck } from './revalidate';
import type { ValidateTask } from './validate-worker';

/** Rows from which a push is validated on a worker thread (1,000 rows take about 5 ms inline). */
export const OFF_THREAD_MIN_ROWS = 1000;

let pool: Piscina<ValidateTask, Finding[][]> | undefined;

function poolOf(): Piscina<ValidateTask, Finding[][]> {
  if (!pool) {
    const fromSource = __filename.endsWith('.ts');
    pool = new Piscina<ValidateTask, Finding[][]>({
      filename: join(__dirname, fromSource ? 'validate-worker.ts' : 'validate-worker.js'),
      execArgv: fromSource ? ['--import', 'tsx'] : [],
      // the event loop keeps one core; idle workers go away (nothing left running between bursts)
      minThreads: 0,
      maxThreads: Math.max(1, availableParallelism() - 1),
      idleTimeout: 2_000,
    });
  }
  return pool;
}

/** checkRows, on a worker thread for a large push. */
export async function checkRowsAsync(records: readonly LedgerValues[], today: string, policy: Policy, villageName?: string): Promise<RowCheck[]> {
  if (records.length < OFF_THREAD_MIN_ROWS) return checkRows(records, today, policy, villageName);
  const perRecord = await poolOf().run({ records: [...records], today, policy, ...(villageName !== undefined ? { villageName } : {}) });
  return perRecord.map((findings) => {
    let errors = 0;
    for (const finding of findings) if (finding.severity === 'error') errors++;
    return { findings, errors, warnings: findings.length - errors };
  });
}

/** Whether the worker threads have been started (tests: which pushes go off the event loop). */
export function validationThreadsStarted(): boolean {
  return pool !== undefined;
}

/** Stops the worker threads (server shutdown, tests). */
export async function closeValidationPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}
