/**
 * Localised UI text: zh-CN first, en-US from the same table. Every pane keeps its own table
 * (addin/panes/<name>/strings.ts, made with defineStrings) so panes never edit one shared file;
 * the shell's own texts are in addin/app/strings.ts.
 */
export type Locale = 'zh-CN' | 'en-US';

export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US'];

export interface UiString {
  zh: string;
  en: string;
}

export type StringTable = Record<string, UiString>;
export type StringParams = Record<string, string | number>;
export type Translate<K extends string> = (key: K, params?: StringParams) => string;

/** Identity with a type check: every key has zh and en. Keeps the table's literal keys. */
export function defineStrings<T extends StringTable>(table: T): T {
  return table;
}

/** Office's display language (e.g. 'zh-CN', 'en-GB') or the browser's → our locale; Chinese unless it is English. */
export function localeOf(language: string | undefined | null): Locale {
  return language && /^en\b/i.test(language) ? 'en-US' : 'zh-CN';
}

/** The text for a locale with {name} placeholders filled in. */
export function pick(entry: UiString, locale: Locale, params: StringParams = {}): string {
  const text = locale === 'en-US' ? entry.en : entry.zh;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translator<T extends StringTable>(table: T, locale: Locale): Translate<keyof T & string> {
  return (key, params) => {
    const entry = table[key];
    if (!entry) throw new Error(`missing string ${key}`);
    return pick(entry, locale, params);
  };
}

/** List separator of a locale: 、 in Chinese, ", " in English. */
export function listJoin(items: readonly string[], locale: Locale): string {
  return items.join(locale === 'en-US' ? ', ' : '、');
}
