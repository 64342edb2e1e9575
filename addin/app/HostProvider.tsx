/**
 * The one way panes reach the workbook: <HostProvider> connects once (Excel, or the preview's
 * memory host), follows the selection and sheet changes, and owns the pane's busy and error
 * state; useLedger() gives all of it to any component below.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { connectHost, type Connection, type HostTheme } from '../host/index';
import { ALL_CAPABILITIES, type HostCapabilities, type LedgerHost, type SelectedCell } from '../host/ledger-host';
import { localeOf, translator, type Locale, type StringTable, type Translate } from './i18n';
import { errorText } from './errors';
import type { PaneName } from './panes';

export type ConnectionStatus = 'connecting' | 'ready' | 'failed';

export interface BusyState {
  /** What is being done, shown beside the progress bar (already localised). */
  label: string;
  /** 0–1 when known; undefined = indeterminate. */
  progress?: number;
}

export interface LedgerContextValue {
  pane: PaneName;
  status: ConnectionStatus;
  /** null until connected (status 'ready'). */
  host: LedgerHost | null;
  locale: Locale;
  theme: HostTheme | undefined;
  capabilities: HostCapabilities;
  /** The selected cell, followed as the user moves (debounced by the host). */
  selection: SelectedCell | null;
  /**
   * Counts sheet changes reported since the pane opened (the host's own writes included): a pane
   * stores the value when it reads and shows its results as stale when it has moved on.
   */
  sheetVersion: number;
  busy: BusyState | null;
  /** The message in the error bar (localised), or null. */
  error: string | null;
  /**
   * Runs an action against the host with the busy bar shown; a thrown error goes to the error bar
   * (and the call resolves to undefined). One action at a time per pane: a second call while one
   * runs waits for it (the host serialises the Excel calls anyway).
   */
  run<T>(label: string, action: (host: LedgerHost) => Promise<T>): Promise<T | undefined>;
  setProgress(progress: number | undefined): void;
  reportError(error: unknown): void;
  clearError(): void;
  /** Reads the selection now (hosts without events, or a "refresh" button). */
  refreshSelection(): Promise<void>;
}

const LedgerContext = createContext<LedgerContextValue | null>(null);

export interface HostProviderProps {
  pane: PaneName;
  /** Defaults to connectHost(); component tests pass a memory host. */
  connect?: () => Promise<Connection>;
  children: ReactNode;
}

export function HostProvider({ pane, connect = connectHost, children }: HostProviderProps) {
  const [connection, setConnection] = useState<Connection | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [selection, setSelection] = useState<SelectedCell | null>(null);
  const [sheetVersion, setSheetVersion] = useState(0);
  const [busy, setBusy] = useState<BusyState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fallbackLocale = localeOf(typeof navigator !== 'undefined' ? navigator.language : undefined);
  const locale = connection ? localeOf(connection.displayLanguage) : fallbackLocale;
  const localeRef = useRef(locale);
  localeRef.current = locale;
  const reportError = useCallback((e: unknown) => setError(errorText(e, localeRef.current)), []);

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    connect().then(
      async (conn) => {
        if (cancelled) return;
        setConnection(conn);
        unsubscribe = conn.host.subscribe((event) => {
          if (event.type === 'selection') setSelection(event.selection);
          else if (event.type === 'sheet') setSheetVersion((v) => v + 1);
          else if (event.type === 'error') setError(errorText(event.error, localeOf(conn.displayLanguage)));
        });
        setStatus('ready');
        try {
          const selected = await conn.host.getSelectedRow();
          if (!cancelled) setSelection(selected);
        } catch (e) {
          if (!cancelled) setError(errorText(e, localeOf(conn.displayLanguage)));
        }
      },
      (e: unknown) => {
        if (cancelled) return;
        setStatus('failed');
        setError(errorText(e, localeRef.current));
      },
    );
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, [connect]);

  const host = connection?.host ?? null;
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const run = useCallback(
    async <T,>(label: string, action: (h: LedgerHost) => Promise<T>): Promise<T | undefined> => {
      if (!host) return undefined;
      const previous = queue.current;
      let release!: () => void;
      queue.current = new Promise<void>((resolve) => (release = resolve));
      await previous;
      setBusy({ label });
      try {
        const result = await action(host);
        return result;
      } catch (e) {
        setError(errorText(e, localeRef.current));
        return undefined;
      } finally {
        setBusy(null);
        release();
      }
    },
    [host],
  );
  const setProgress = useCallback((progress: number | undefined) => setBusy((b) => (b ? { ...b, progress } : b)), []);
  const refreshSelection = useCallback(async () => {
    if (!host) return;
    try {
      setSelection(await host.getSelectedRow());
    } catch (e) {
      reportError(e);
    }
  }, [host, reportError]);

  useEffect(() => {
    if (typeof document === 'undefined') return;
    document.documentElement.lang = locale;
    document.body.dataset.host = host?.kind ?? '';
    document.body.dataset.ready = status === 'ready' ? 'true' : status === 'failed' ? 'error' : '';
  }, [locale, host, status]);

  const value = useMemo<LedgerContextValue>(
    () => ({
      pane,
      status,
      host,
      locale,
      theme: connection?.theme,
      capabilities: host?.capabilities ?? ALL_CAPABILITIES,
      selection,
      sheetVersion,
      busy,
      error,
      run,
      setProgress,
      reportError,
      clearError: () => setError(null),
      refreshSelection,
    }),
    [pane, status, host, locale, connection, selection, sheetVersion, busy, error, run, setProgress, reportError, refreshSelection],
  );
  return <LedgerContext.Provider value={value}>{children}</LedgerContext.Provider>;
}

/** Everything a pane needs of the workbook and the shell. Throws outside <HostProvider>. */
export function useLedger(): LedgerContextValue {
  const value = useContext(LedgerContext);
  if (!value) throw new Error('useLedger() must be used inside <HostProvider>');
  return value;
}

/** A pane's own string table, in the pane's locale. */
export function useStrings<T extends StringTable>(table: T): Translate<keyof T & string> {
  const { locale } = useLedger();
  return useMemo(() => translator(table, locale), [table, locale]);
}
