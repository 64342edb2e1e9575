/**
 * Import reads across server instances. The instance reading an upload holds a lease on the
 * import's row (owner id + expiry), renewed by a heartbeat that also writes the progress
 * (rows_read / bytes_read) — about once a second — so a poll on any instance shows it. The upload's
 * bytes are stored in the database while it is read (import_upload_chunks, migration 023): a read
 * whose lease ran out (its instance died or hung) is taken over by the next instance that sees it,
 * which writes the bytes to its own private temp file and reads them again; the read's end
 * (ready/failed) is recorded only by the lease holder, so it is recorded exactly once.
 *
 * Lease times are wall-clock (Date.now(), not the app's injectable clock): they are about live
 * processes, and instances' clocks are assumed to agree to well within a lease (NTP).
 */
import { randomUUID } from 'crypto';
import type { AppDeps } from '../app-deps';
import { DEFAULT_IMPORT_LEASE_MS } from '../config';
import { importStore } from './store';

/** The lease length of this app. */
export function leaseMs(deps: Pick<AppDeps, 'config'>): number {
  return deps.config.importLeaseMs ?? DEFAULT_IMPORT_LEASE_MS;
}

/** How often the holder renews its lease and writes its progress: a third of the lease, at most once a second. */
export function heartbeatEveryMs(deps: Pick<AppDeps, 'config'>): number {
  return Math.max(100, Math.min(1000, Math.floor(leaseMs(deps) / 3)));
}

const owners = new WeakMap<object, string>();
/** This app's lease owner id (one per app instance: two apps in one process are two owners). */
export function leaseOwner(deps: AppDeps): string {
  let owner = owners.get(deps);
  if (!owner) {
    owner = `${process.pid}-${randomUUID()}`;
    owners.set(deps, owner);
  }
  return owner;
}

/** Upload bytes per stored chunk (one row each). */
export const UPLOAD_CHUNK_BYTES = 1 << 20;

/**
 * Keeps the lease of a running read: every heartbeatEveryMs, renews it and writes `progress()`.
 * `onLost` hears once that another instance holds the lease now (this read's result will not be
 * recorded). Returns the stop function. The timer is unref'd: it never keeps the process alive.
 */
export function keepLease(
  deps: AppDeps,
  importId: string,
  progress: () => { rowsRead: number; bytesRead: number },
  onLost: () => void,
): () => void {
  const store = importStore(deps.db);
  const owner = leaseOwner(deps);
  let busy = false;
  let lost = false;
  const beat = async () => {
    if (busy || lost) return;
    busy = true;
    try {
      const { rowsRead, bytesRead } = progress();
      if (!(await store.heartbeat(importId, owner, Date.now() + leaseMs(deps), rowsRead, bytesRead))) {
        lost = true;
        onLost();
      }
    } catch (error) {
      // A failed heartbeat (database briefly away) is retried at the next beat; said in the log.
      deps.logger.warn({ importId, err: error instanceof Error ? error.name : 'unknown' }, 'import lease heartbeat failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void beat(), heartbeatEveryMs(deps));
  timer.unref();
  return () => clearInterval(timer);
}
