/**
 * The minimal real page each pane shows until the task-panes issue builds the pane itself:
 * it connects to the host (Excel or the browser preview), reads the ledger once and says
 * what it found. Clearly labelled as a placeholder on the page.
 */
import { connectHost } from '../host/index';
import { LedgerHostError } from '../host/ledger-host';
import { columnByKey } from '../../ledger/columns';
import { localeOf, t, type Locale, type StringKey } from '../strings';

export type PaneName = 'lookup' | 'validate' | 'handling';

function text(id: string, value: string): void {
  const element = document.getElementById(id);
  if (element) element.textContent = value;
}

export async function startPlaceholder(pane: PaneName): Promise<void> {
  const titleKey = `pane.${pane}.title` as StringKey;
  let locale: Locale = localeOf(navigator.language);
  const paint = () => {
    document.documentElement.lang = locale;
    document.title = t(titleKey, locale);
    text('title', t(titleKey, locale));
    text('notice', t('placeholder.notice', locale));
  };
  paint();
  text('host', t('host.connecting', locale));
  try {
    const { host, displayLanguage } = await connectHost();
    if (displayLanguage) locale = localeOf(displayLanguage);
    paint();
    text('host', t(host.kind === 'excel' ? 'host.excel' : 'host.memory', locale));
    document.body.dataset.host = host.kind;
    const read = await host.readLedger();
    const header = read.header;
    const lastRow = (read.sheet.firstRow ?? 1) + read.sheet.values.length - 1;
    text(
      'ledger',
      t('ledger.summary', locale, {
        sheet: read.sheetName,
        headerRow: header.excelRow,
        columns: header.columns.length,
        rows: Math.max(0, lastRow - header.excelRow),
      }),
    );
    if (header.missingRequired.length > 0) {
      text('missing', t('ledger.missingRequired', locale, {
          columns: header.missingRequired.map((key) => (locale === 'en-US' ? columnByKey(key).en : columnByKey(key).header)).join(locale === 'en-US' ? ', ' : '、'),
        }));
    }
    document.body.dataset.ready = 'true';
  } catch (error) {
    const message =
      error instanceof LedgerHostError
        ? locale === 'en-US' ? error.en : error.zh
        : t('error.generic', locale, { message: error instanceof Error ? error.message : String(error) });
    text('ledger', message);
    document.body.dataset.ready = 'error';
  }
}
