/// <reference types="office-js" />
/** Waiting for office.js, kept apart from the hosts so the ribbon's function file stays tiny. */

/** Office.onReady never settles when office.js is missing or blocked: give up after this. */
const READY_TIMEOUT_MS = 5000;

/** Resolves with the Office host type ('Excel', …) once office.js is ready, or null in a plain browser. */
export async function officeReady(): Promise<string | null> {
  if (typeof Office === 'undefined' || typeof Office.onReady !== 'function') return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const info = await Promise.race([
    Office.onReady(),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), READY_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  return info?.host ? String(info.host) : null;
}

/** Office's display language, e.g. 'zh-CN'; call after officeReady() resolved with a host. */
export function officeDisplayLanguage(): string | undefined {
  return typeof Office !== 'undefined' ? Office.context?.displayLanguage : undefined;
}

/** Which LedgerHost a page gets: Office's inside Excel, the demo workbook's in a plain browser (the preview). */
export type HostKind = 'office' | 'demo';

export function hostKindOf(hostType: string | null): HostKind {
  return hostType === 'Excel' ? 'office' : 'demo';
}

/**
 * The pane pages name each host kind's code chunks in `<meta name="addin-host-<kind>" content="a.js b.js">`
 * (written by webpack.config.js from the chunk names in host/index.ts): boot.ts preloads the right ones.
 */
export const HOST_CHUNKS_META_PREFIX = 'addin-host-';
