/**
 * Who is signed in, to which server. The server address is remembered per workbook (in the
 * host's workbook settings: a village workbook always talks to its county's server); the token
 * lives only in the pane's own storage (localStorage of the add-in's origin), never in the
 * workbook file, so a workbook mailed to someone carries no credential. Signing out revokes the
 * token on the server and forgets it here.
 */
import { z } from 'zod';
import { LoginResponseSchema, type LoginResponse, type SessionUser } from '../../ledger/api/auth';
import { ApiClient, normalizeBaseUrl, type ApiClientOptions } from './client';
import { ApiError } from './errors';

/** The workbook setting holding the server address. */
export const SERVER_URL_SETTING = 'serverUrl';

const STORAGE_PREFIX = 'ledger.session:';

/** The part of Web Storage used (localStorage in the panes; a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type StoredSession = LoginResponse;

/** The stored session for a server, or null when none, expired or unreadable (then it is removed). */
export function loadSession(storage: KeyValueStorage, baseUrl: string, now: Date = new Date()): StoredSession | null {
  const key = STORAGE_PREFIX + normalizeBaseUrl(baseUrl);
  const text = storage.getItem(key);
  if (text === null) return null;
  let parsed: z.ZodSafeParseResult<LoginResponse>;
  try {
    parsed = LoginResponseSchema.safeParse(JSON.parse(text));
  } catch {
    storage.removeItem(key);
    return null;
  }
  if (!parsed.success || Date.parse(parsed.data.expiresAt) <= now.getTime()) {
    storage.removeItem(key);
    return null;
  }
  return parsed.data;
}

export function saveSession(storage: KeyValueStorage, baseUrl: string, session: StoredSession): void {
  storage.setItem(STORAGE_PREFIX + normalizeBaseUrl(baseUrl), JSON.stringify(session));
}

export function forgetSession(storage: KeyValueStorage, baseUrl: string): void {
  storage.removeItem(STORAGE_PREFIX + normalizeBaseUrl(baseUrl));
}

/** A server address the user typed: http(s) only, no path, query or credentials. */
export function checkServerUrl(text: string): { ok: true; url: string } | { ok: false; zh: string; en: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, zh: '服务器地址格式不正确，例如 https://ledger.example.gov.cn', en: 'Not a server address, e.g. https://ledger.example.gov.cn' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, zh: '服务器地址应以 https:// 开头', en: 'The server address must start with https://' };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { ok: false, zh: '只填写服务器地址（不含路径和参数），例如 https://ledger.example.gov.cn', en: 'Only the server address (no path or query), e.g. https://ledger.example.gov.cn' };
  }
  return { ok: true, url: url.origin };
}

export type SessionState =
  | { status: 'signedOut'; baseUrl: string }
  | { status: 'signedIn'; baseUrl: string; user: SessionUser; expiresAt: string };

/**
 * The sign-in of one pane: a client for the remembered server with the stored token, and
 * signIn/signOut. Listeners hear every change (the React hook re-renders on them).
 */
export class Session {
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private clientCache: { baseUrl: string; client: ApiClient } | undefined;

  constructor(
    private readonly storage: KeyValueStorage,
    baseUrl: string,
    private readonly clientOptions: Omit<ApiClientOptions, 'baseUrl' | 'token'> = {},
  ) {
    this.state = this.restore(normalizeBaseUrl(baseUrl));
  }

  /** The state; a sign-in whose stored token is gone (signed out elsewhere, expired) reads as signed out. */
  get current(): SessionState {
    if (this.state.status === 'signedIn' && loadSession(this.storage, this.state.baseUrl) === null) {
      this.state = { status: 'signedOut', baseUrl: this.state.baseUrl };
    }
    return this.state;
  }

  get client(): ApiClient {
    const baseUrl = this.state.baseUrl;
    if (this.clientCache?.baseUrl !== baseUrl) {
      const client = new ApiClient({ ...this.clientOptions, baseUrl, token: () => loadSession(this.storage, baseUrl)?.token ?? null });
      this.clientCache = { baseUrl, client };
    }
    return this.clientCache.client;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Switches server (a workbook remembered another address); the stored sign-in for it, if any, is used. */
  useServer(baseUrl: string): void {
    if (normalizeBaseUrl(baseUrl) === this.state.baseUrl) return;
    this.set(this.restore(normalizeBaseUrl(baseUrl)));
  }

  async signIn(username: string, password: string): Promise<SessionUser> {
    const session = await this.client.login(username, password);
    saveSession(this.storage, this.state.baseUrl, session);
    this.set({ status: 'signedIn', baseUrl: this.state.baseUrl, user: session.user, expiresAt: session.expiresAt });
    return session.user;
  }

  /** Revokes the token on the server when it can be reached; forgets it here in any case. */
  async signOut(): Promise<void> {
    const baseUrl = this.state.baseUrl;
    try {
      if (this.state.status === 'signedIn') await this.client.logout();
    } catch (error) {
      // The server being unreachable or the token already expired must not keep anyone signed in.
      if (!(error instanceof ApiError)) throw error;
    } finally {
      forgetSession(this.storage, baseUrl);
      this.set({ status: 'signedOut', baseUrl });
    }
  }

  /** A 401 from any call: the token is no longer valid. */
  expired(): void {
    forgetSession(this.storage, this.state.baseUrl);
    this.set({ status: 'signedOut', baseUrl: this.state.baseUrl });
  }

  private restore(baseUrl: string): SessionState {
    const stored = loadSession(this.storage, baseUrl);
    return stored ? { status: 'signedIn', baseUrl, user: stored.user, expiresAt: stored.expiresAt } : { status: 'signedOut', baseUrl };
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
