/**
 * Background reads of imports in this process: the live progress of this process's reads (a poll on
 * this instance answers from it; the heartbeat of lease.ts writes it to the row for the others); the
 * database has the lease and the outcome. A job never rejects — its work records failures on the
 * import itself, and anything that escapes even that is logged, never swallowed.
 */

export interface ReadProgress {
  rowsRead: number;
  bytesRead: number;
}

const progress = new Map<string, ReadProgress>();
const running = new Map<string, Promise<void>>();
/** Imports being recorded whose background read has not been registered yet. */
const starting = new Set<string>();

/** Whether this process is recording or reading the import (its row and files are in use). */
export function isInFlight(importId: string): boolean {
  return running.has(importId) || starting.has(importId);
}

export function liveProgress(importId: string): ReadProgress | undefined {
  return progress.get(importId);
}

export function reportProgress(importId: string, rowsRead: number, bytesRead: number): void {
  progress.set(importId, { rowsRead, bytesRead });
}

/** Resolves when the background read of an import has finished (tests, bench, seed). */
export async function whenRead(importId: string): Promise<void> {
  await running.get(importId);
}

/** Marks the import in flight while it is being recorded (a purge running meanwhile leaves it alone). */
export async function whileStarting<T>(importId: string, fn: () => Promise<T>): Promise<T> {
  starting.add(importId);
  try {
    return await fn();
  } finally {
    starting.delete(importId);
  }
}

/**
 * Runs `work` in the background for the import. `onEscaped` hears any error the work did not
 * record itself; `cleanup` (removing the import's temp files) runs last, whatever happened.
 */
export function runInBackground(
  importId: string,
  work: () => Promise<void>,
  onEscaped: (error: unknown) => void,
  cleanup: () => Promise<void>,
): void {
  progress.set(importId, { rowsRead: 0, bytesRead: 0 });
  const job = work()
    .catch((error: unknown) => {
      try {
        onEscaped(error);
      } catch {
        // a failing logger must not turn into an unhandled rejection
      }
    })
    .finally(() => {
      progress.delete(importId);
      running.delete(importId);
      return cleanup().catch(() => undefined);
    });
  running.set(importId, job);
}
