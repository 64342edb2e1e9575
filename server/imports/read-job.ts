/**
 * Starting an import's background read on this instance — for a new upload, or taking over a read
 * whose instance stopped (lease.ts) — with its lease kept by a heartbeat while it runs.
 */
import { randomUUID } from 'crypto';
import type { AppDeps } from '../app-deps';
import { liveProgress, runInBackground } from './jobs';
import { keepLease, leaseMs, leaseOwner, UPLOAD_CHUNK_BYTES } from './lease';
import { readImport } from './read';
import { importStore, type ImportRow } from './store';
import { fileChunks, placeUpload, removeUploadDir, type PlacedUpload } from './upload-files';

/** Stores the upload's bytes in the database (chunk rows), so another instance can take the read over. */
export async function storeUpload(deps: AppDeps, importId: string, path: string): Promise<void> {
  const store = importStore(deps.db);
  const createdAt = deps.now().toISOString();
  let seq = 0;
  try {
    for await (const chunk of fileChunks(path, UPLOAD_CHUNK_BYTES)) await store.saveUploadChunk(importId, seq++, chunk, createdAt);
  } catch (error) {
    await store.deleteUpload(importId).catch(() => undefined);
    throw error;
  }
}

/** The stored upload's chunks in order. */
async function* storedChunks(deps: AppDeps, importId: string): AsyncIterable<Buffer> {
  const store = importStore(deps.db);
  for (let seq = 0; ; seq++) {
    const chunk = await store.uploadChunk(importId, seq);
    if (!chunk) return;
    yield chunk;
  }
}

/** Reads the placed upload in the background under this instance's lease; the temp dir is removed afterwards. */
export function startRead(deps: AppDeps, countyCode: string, importId: string, upload: PlacedUpload | (() => Promise<PlacedUpload>)): void {
  let placed: PlacedUpload | undefined = typeof upload === 'function' ? undefined : upload;
  runInBackground(
    importId,
    async () => {
      const stop = keepLease(
        deps,
        importId,
        () => liveProgress(importId) ?? { rowsRead: 0, bytesRead: 0 },
        () => deps.logger.warn({ importId }, 'import lease held by another instance now: this read will not be recorded'),
      );
      try {
        if (!placed && typeof upload === 'function') placed = await upload();
        if (placed) await readImport(deps, countyCode, importId, placed.path, leaseOwner(deps));
      } finally {
        stop();
      }
    },
    // readImport records its own failures; what escapes it is said in the log (no personal data).
    (error) => deps.logger.error({ importId, err: error instanceof Error ? error.name : 'unknown' }, 'import read job failed'),
    async () => {
      if (placed) await removeUploadDir(placed.dir);
    },
  );
}

/**
 * Takes over a `reading` import whose lease ran out, if its upload is stored: claims the lease
 * (one instance wins) and reads the stored bytes again here. Returns whether this instance took it.
 */
export async function takeOverRead(deps: AppDeps, row: ImportRow, nowMs: number): Promise<boolean> {
  const store = importStore(deps.db);
  if (!(await store.hasUpload(row.id))) return false;
  if (!(await store.claimExpired(row.id, leaseOwner(deps), nowMs, nowMs + leaseMs(deps)))) return false;
  deps.logger.info({ importId: row.id }, 'import read taken over (its lease had run out)');
  // A directory of its own: the stopped instance's may still be there (on this machine, same user).
  const dirName = `${row.id}.takeover-${randomUUID()}`;
  startRead(deps, row.county_code, row.id, () => placeUpload(row.id, row.file_name, { chunks: storedChunks(deps, row.id) }, dirName));
  return true;
}
