/**
 * Startup cleanup of the private temp roots (uploads being received, import files being read).
 * When the server starts, none of its own uploads or reads is running: what the roots still hold was
 * left by a previous process that stopped mid-request or mid-read (a crash, SIGKILL) and holds
 * personal data (ID numbers), so it is removed now instead of waiting for the retention purge.
 * Entries younger than `minAgeMs` are spared: they may belong to another server process of the same
 * user on this machine that is writing them right now.
 */
import { promises as fs } from 'fs';
import { join } from 'path';
import { uploadTempDir } from '../http/mount';
import { importTempRoot } from './upload-files';

export const LEFTOVER_MIN_AGE_MS = 10 * 60_000;

export async function removeLeftoverTempFiles(
  options: { roots?: readonly string[]; nowMs?: number; minAgeMs?: number } = {},
): Promise<number> {
  const nowMs = options.nowMs ?? Date.now();
  const minAgeMs = options.minAgeMs ?? LEFTOVER_MIN_AGE_MS;
  let removed = 0;
  for (const root of options.roots ?? [importTempRoot(), uploadTempDir()]) {
    const names = await fs.readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(root, name);
      const stat = await fs.lstat(path).catch(() => null);
      if (!stat || nowMs - stat.mtimeMs < minAgeMs) continue;
      await fs.rm(path, { recursive: true, force: true }).then(
        () => void removed++,
        () => undefined,
      );
    }
  }
  return removed;
}
