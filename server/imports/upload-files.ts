/**
 * The files of uploads being imported: hashed by streaming, moved into a private directory per
 * import (mode 0700, under a private root of this user), removed when the read ends or when left
 * behind. They hold personal data (names, ID numbers): never anywhere else, never kept.
 */
import { createHash } from 'crypto';
import { createReadStream, promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}

/** sha256 of a file, streamed (a 300k-row upload is never read into memory at once). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Moves an upload into place (rename; copy + remove when the temp dirs are on different devices). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to);
    await fs.rm(from, { force: true });
  }
}

/** Private root of the import temp files (mode 0700); one sub-directory per import id. */
export function importTempRoot(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `ledger-imports-${uid}`);
}

export async function ensureImportTempRoot(): Promise<string> {
  const root = importTempRoot();
  await fs.mkdir(root, { recursive: true, mode: 0o700 });
  // An existing directory keeps its mode on mkdir: enforce it (and refuse someone else's directory).
  const stat = await fs.lstat(root);
  if (!stat.isDirectory() || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) {
    throw new Error('import temp directory is not a private directory of this user');
  }
  if ((stat.mode & 0o777) !== 0o700) await fs.chmod(root, 0o700);
  return root;
}

/** Where an import's file is read from, and the directory to remove afterwards. */
export interface PlacedUpload {
  dir: string;
  path: string;
}

/**
 * Puts the upload into the import's private directory under its own name (so reader messages name
 * the user's file): a buffer is written, a file on disk is moved. Nothing is left behind on failure.
 */
export async function placeUpload(
  importId: string,
  fileName: string,
  file: { buffer: Buffer } | { path: string } | { chunks: AsyncIterable<Buffer> },
  /** The directory's name under the root (default: the import id). */
  dirName: string = importId,
): Promise<PlacedUpload> {
  const dir = join(await ensureImportTempRoot(), dirName);
  await fs.mkdir(dir, { mode: 0o700 });
  const path = join(dir, /\.[A-Za-z0-9]{2,5}$/.test(fileName) ? fileName : `${fileName}.xlsx`);
  try {
    if ('buffer' in file) await fs.writeFile(path, file.buffer, { mode: 0o600 });
    else if ('chunks' in file) await writeChunks(path, file.chunks);
    else await moveFile(file.path, path);
  } catch (error) {
    await removeUploadDir(dir);
    throw error;
  }
  return { dir, path };
}

/** Writes chunks one after another into a new private file. */
async function writeChunks(path: string, chunks: AsyncIterable<Buffer>): Promise<void> {
  const handle = await fs.open(path, 'wx', 0o600);
  try {
    for await (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/** A file's bytes in pieces of `size` (streamed: an upload is never read into memory at once). */
export async function* fileChunks(path: string, size: number): AsyncIterable<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    for (;;) {
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await handle.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

export async function removeUploadDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Removes the directories under the temp root of imports `purged`, and any other older than
 * `cutoffMs` (left by a crashed process), except those of imports still in flight.
 */
export async function removeStaleTempDirs(cutoffMs: number, purged: ReadonlySet<string>, inFlight: (importId: string) => boolean): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(importTempRoot());
  } catch {
    return; // no temp root yet
  }
  for (const name of names) {
    if (inFlight(name)) continue;
    const path = join(importTempRoot(), name);
    const stat = await fs.lstat(path).catch(() => null);
    if (!stat) continue;
    if (purged.has(name) || stat.mtimeMs < cutoffMs) await fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
