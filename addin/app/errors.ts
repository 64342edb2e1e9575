/** Any thrown thing → the sentence the error bar shows, in the pane's locale. Never swallowed, never raw stack. */
import { LedgerHostError } from '../host/ledger-host';
import { pick, type Locale } from './i18n';
import { APP_STRINGS } from './strings';

/** An error that already carries its zh-CN / en-US text (LedgerHostError, the API client's errors). */
interface Bilingual {
  zh: string;
  en: string;
}

function isBilingual(error: unknown): error is Bilingual {
  return typeof error === 'object' && error !== null && typeof (error as Bilingual).zh === 'string' && typeof (error as Bilingual).en === 'string';
}

export function errorText(error: unknown, locale: Locale): string {
  if (error instanceof LedgerHostError || isBilingual(error)) return locale === 'en-US' ? error.en : error.zh;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
  return pick(APP_STRINGS['error.generic'], locale, { message });
}
