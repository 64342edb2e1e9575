/**
 * How a page gets its LedgerHost: inside Excel the Office.js host; in a plain browser (the
 * preview) the memory host over the demo workbook, loaded with import() so production panes
 * never carry the demo code. Pages import this, never Office.js.
 */
import type { LedgerHost } from './ledger-host';
import type { HostTheme } from './office-env';
import { hostKindOf, officeDisplayLanguage, officeReady } from './office-ready';

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

/**
 * The chunk names (host-office, host-demo) are what the pane pages' <meta name="addin-host-…"> list
 * (webpack.config.js), so addin/pages/boot.ts can fetch them while the pane's bundles still load.
 */
export async function connectHost(): Promise<Connection> {
  const hostType = await officeReady();
  if (hostKindOf(hostType) === 'office') {
    const [{ OfficeHost }, env] = await Promise.all([
      import(/* webpackChunkName: "host-office" */ './office-host'),
      import(/* webpackChunkName: "host-office" */ './office-env'),
    ]);
    const host = new OfficeHost({ supports: env.excelApiSupports, events: env.officeEvents, documentSettings: env.officeDocumentSettings });
    return { host, displayLanguage: officeDisplayLanguage(), theme: env.officeTheme() };
  }
  const [{ MemoryHost }, { demoWorkbook }] = await Promise.all([
    import(/* webpackChunkName: "host-demo" */ './memory-host'),
    import(/* webpackChunkName: "host-demo" */ './demo-workbook'),
  ]);
  return { host: new MemoryHost(demoWorkbook({ plantedDefects: true })), displayLanguage: typeof navigator !== 'undefined' ? navigator.language : undefined, theme: undefined };
}
