/**
 * The first script of every pane page: tiny, no React, no Fluent. The host's code (Office's, or the
 * demo workbook's in a plain browser) is loaded with import() by host/index.ts, which runs only after
 * the pane's bundles arrived and were evaluated — one more round trip (300 ms on a village line)
 * after everything else. This script runs as soon as the page is parsed (office.js loaded), asks
 * office.js where it runs, and preloads that host's chunks, named by the page in
 * `<meta name="addin-host-office|demo">`, beside the bundles. connectHost() still decides and imports:
 * the preload only puts the files in the module map early; a page without the meta loads as before.
 */
import { HOST_CHUNKS_META_PREFIX, hostKindOf, officeReady } from '../host/office-ready';

async function preloadHostChunks(): Promise<void> {
  const kind = hostKindOf(await officeReady());
  const meta = document.querySelector<HTMLMetaElement>(`meta[name="${HOST_CHUNKS_META_PREFIX}${kind}"]`);
  for (const file of meta?.content.split(/\s+/).filter(Boolean) ?? []) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = file;
    document.head.append(link);
  }
}

/** Settles once the preload links are in place; never rejects: connectHost() reports Office's failures. */
export const hostChunksPreloaded: Promise<void> = preloadHostChunks().catch(() => undefined);
