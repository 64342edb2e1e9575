/**
 * The pane's sign-in (addin/api/session.ts) for React: <SessionProvider> makes one Session for
 * the server this workbook remembers (workbook setting `serverUrl`; else the server the add-in is
 * served from), and useSession() gives it with its current state. Panes in one document (the
 * browser preview) share the same Session per server, so signing in once signs in every pane.
 */
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useLedger } from '../../app/HostProvider';
import { Session, SERVER_URL_SETTING, type KeyValueStorage, type SessionState } from '../../api/session';
import { normalizeBaseUrl } from '../../api/client';

interface SessionContextValue {
  session: Session | null;
  /** Remembers the server address in the workbook and switches to it; returns its session. */
  setServer(url: string): Promise<Session>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const sessions = new Map<string, Session>();

/** One Session per server and storage in this document. */
export function sessionFor(storage: KeyValueStorage, baseUrl: string): Session {
  const key = normalizeBaseUrl(baseUrl);
  let session = sessions.get(key);
  if (!session) {
    session = new Session(storage, key);
    sessions.set(key, session);
  }
  return session;
}

function pageOrigin(): string {
  return typeof window !== 'undefined' && /^https?:$/.test(window.location.protocol) ? window.location.origin : 'https://localhost:3000';
}

export interface SessionProviderProps {
  children: ReactNode;
  /** Tests pass a Map-backed storage; the panes use localStorage. */
  storage?: KeyValueStorage;
}

export function SessionProvider({ children, storage }: SessionProviderProps) {
  const { host, reportError } = useLedger();
  const [baseUrl, setBaseUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!host) return;
    let cancelled = false;
    host.readSettings().then(
      (settings) => {
        const stored = settings[SERVER_URL_SETTING];
        if (!cancelled) setBaseUrl(typeof stored === 'string' && stored !== '' ? stored : pageOrigin());
      },
      (error: unknown) => {
        reportError(error);
        if (!cancelled) setBaseUrl(pageOrigin());
      },
    );
    return () => {
      cancelled = true;
    };
  }, [host, reportError]);

  const value = useMemo<SessionContextValue>(() => {
    const store = storage ?? window.localStorage;
    return {
      session: baseUrl ? sessionFor(store, baseUrl) : null,
      async setServer(url: string) {
        const next = normalizeBaseUrl(url);
        if (host) await host.writeSettings({ [SERVER_URL_SETTING]: next });
        setBaseUrl(next);
        return sessionFor(store, next);
      },
    };
  }, [baseUrl, host, storage]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

const noSession = () => () => undefined;

/** The pane's session and its state (null while the workbook settings are read). */
export function useSession(): { session: Session | null; state: SessionState | null; setServer(url: string): Promise<Session> } {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() must be used inside <SessionProvider>');
  const { session, setServer } = value;
  const state = useSyncExternalStore(
    session ? (listener) => session.subscribe(listener) : noSession,
    () => session?.current ?? null,
    () => session?.current ?? null,
  );
  return { session, state, setServer };
}
