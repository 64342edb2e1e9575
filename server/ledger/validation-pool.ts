/**
 * Re-validation of a large push on a worker thread (piscina): validating 100 rows takes the event
 * loop for milliseconds, and a burst of a hundred pushes would otherwise hold every other user's
 * request (a sign-in, a one-row push) behind it. Small pushes are validated inline — the hop to a
 * worker would cost more than it saves. Results are exactly checkRows' (same code, same order).
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

/** Rows from which a push is validated on a worker thread. */
export const OFF_THREAD_MIN_ROWS = 50;

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
export async function checkRowsAsync(records: readonly LedgerValues[], today: string, policy: Policy): Promise<RowCheck[]> {
  if (records.length < OFF_THREAD_MIN_ROWS) return checkRows(records, today, policy);
  const perRecord = await poolOf().run({ records: [...records], today, policy });
  return perRecord.map((findings) => {
    let errors = 0;
    for (const finding of findings) if (finding.severity === 'error') errors++;
    return { findings, errors, warnings: findings.length - errors };
  });
}

/** Stops the worker threads (server shutdown, tests). */
export async function closeValidationPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
}
