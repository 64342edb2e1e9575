/**
 * How a page gets its LedgerHost: inside Excel the Office.js host; in a plain browser (the
 * preview) the memory host over the demo workbook, loaded with import() so production panes
 * never carry the demo code. Pages import this, never Office.js.
 */
import type { LedgerHost } from './ledger-host';
import type { HostTheme } from './office-env';
import { officeDisplayLanguage, officeReady } from './office-ready';

export type { LedgerHost } from './ledger-host';
export type { HostTheme } from './office-env';
export { officeReady } from './office-ready';

export interface Connection {
  host: LedgerHost;
  /** Office's display language (e.g. 'zh-CN'); the browser's language in the preview. */
  displayLanguage: string | undefined;
  /** Office's theme colours where the host exposes them. */
  theme: HostTheme | undefined;
}

export async function connectHost(): Promise<Connection> {
  const hostType = await officeReady();
  if (hostType === 'Excel') {
    const [{ OfficeHost }, env] = await Promise.all([import('./office-host'), import('./office-env')]);
    const host = new OfficeHost({ supports: env.excelApiSupports, events: env.officeEvents, documentSettings: env.officeDocumentSettings });
    return { host, displayLanguage: officeDisplayLanguage(), theme: env.officeTheme() };
  }
  const [{ MemoryHost }, { demoWorkbook }] = await Promise.all([import('./memory-host'), import('./demo-workbook')]);
  return { host: new MemoryHost(demoWorkbook({ plantedDefects: true })), displayLanguage: typeof navigator !== 'undefined' ? navigator.language : undefined, theme: undefined };
}
