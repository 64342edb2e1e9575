/**
 * How a page gets its LedgerHost: inside Excel the Office.js host, in a plain browser the
 * memory host over a demo workbook. Pages import this, never Office.js.
 */
import type { LedgerHost } from './ledger-host';
import { MemoryHost, type MemoryHostOptions } from './memory-host';
import { OfficeHost } from './office-host';
import { officeDisplayLanguage, officeReady } from './office-ready';
import { demoWorkbook } from './demo-workbook';

export type { LedgerHost } from './ledger-host';
export { officeReady } from './office-ready';

export interface Connection {
  host: LedgerHost;
  /** Office's display language (e.g. 'zh-CN'); undefined in the browser preview. */
  displayLanguage: string | undefined;
}

export async function connectHost(preview: () => MemoryHostOptions = demoWorkbook): Promise<Connection> {
  const hostType = await officeReady();
  if (hostType === 'Excel') return { host: new OfficeHost(), displayLanguage: officeDisplayLanguage() };
  return { host: new MemoryHost(preview()), displayLanguage: undefined };
}
