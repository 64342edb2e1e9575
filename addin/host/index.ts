/// <reference types="office-js" />
/**
 * How a page gets its LedgerHost: inside Excel the Office.js host, in a plain browser the
 * memory host over a demo workbook. Pages import this, never Office.js.
 */
import type { LedgerHost } from './ledger-host';
import { MemoryHost, type MemoryHostOptions } from './memory-host';
import { OfficeHost } from './office-host';
import { demoWorkbook } from './demo-workbook';

export type { LedgerHost } from './ledger-host';

export interface Connection {
  host: LedgerHost;
  /** Office's display language (e.g. 'zh-CN'); undefined in the browser preview. */
  displayLanguage: string | undefined;
}

/** Office.onReady never settles when office.js is missing or blocked: give up after this. */
const READY_TIMEOUT_MS = 5000;

/** Resolves with the Office host type once office.js is ready, or null in a plain browser. */
export async function officeReady(): Promise<string | null> {
  if (typeof Office === 'undefined' || typeof Office.onReady !== 'function') return null;
  const info = await Promise.race([
    Office.onReady(),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), READY_TIMEOUT_MS)),
  ]);
  return info?.host ? String(info.host) : null;
}

export async function connectHost(preview: MemoryHostOptions = demoWorkbook()): Promise<Connection> {
  const hostType = await officeReady();
  if (hostType === 'Excel') {
    return { host: new OfficeHost(), displayLanguage: Office.context.displayLanguage };
  }
  return { host: new MemoryHost(preview), displayLanguage: undefined };
}
