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
