/**
 * Whether the pane's Content-Security-Policy lets it connect to a server address. The panes may
 * fetch from their own origin and the API origins the add-in's server is configured with
 * (ADDIN_API_ORIGINS → connect-src, server/http/addin-static.ts); the browser refuses any other
 * address before a byte leaves, and fetch then fails exactly as if the server were down. The client
 * asks here when a fetch fails, so the clerk is told that the address is not allowed (and what the
 * administrator must set) instead of "unreachable".
 *
 * The matcher covers what connect-src lists hold here: 'self', 'none', *, scheme sources (https:)
 * and host sources with an optional scheme, a leading *. wildcard and a port (or :*); paths in a
 * source are ignored (ADDIN_API_ORIGINS are origins).
 */

/** The sources of the directive that governs fetch in one policy: connect-src, else default-src; null = no limit. */
function connectSources(policy: string): string[] | null {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values.filter((v) => v !== ''));
  }
  return directives.get('connect-src') ?? directives.get('default-src') ?? null;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

function portOf(url: URL): string {
  return url.port || DEFAULT_PORTS[url.protocol] || '';
}

/** CSP lets http sources match https (and ws wss): the secure variant of an allowed scheme is allowed. */
function schemeAllows(allowed: string, actual: string): boolean {
  return allowed === actual || (allowed === 'http:' && actual === 'https:') || (allowed === 'ws:' && actual === 'wss:');
}

function sourceAllows(source: string, target: URL, page: URL): boolean {
  const lower = source.toLowerCase();
  if (lower === "'none'") return false;
  if (lower === "'self'") {
    return target.hostname === page.hostname && schemeAllows(page.protocol, target.protocol) && (portOf(target) === portOf(page) || (page.protocol === 'http:' && target.protocol === 'https:' && portOf(target) === '443'));
  }
  if (lower.startsWith("'")) return false; // 'unsafe-inline', nonces, hashes: not about addresses
  if (lower === '*') return /^(?:https?|wss?):$/.test(target.protocol);
  if (/^[a-z][a-z0-9+.-]*:$/.test(lower)) return schemeAllows(lower, target.protocol);
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*\.)?([^/:]+|\*)(?::(\d+|\*))?(?:\/.*)?$/.exec(lower);
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match;
  if (scheme ? !schemeAllows(`${scheme}:`, target.protocol) : !schemeAllows(page.protocol, target.protocol)) return false;
  if (host !== '*') {
    if (wildcard ? !target.hostname.endsWith(`.${host}`) : target.hostname !== host) return false;
  }
  if (port === '*') return true;
  const allowedPort = port ?? DEFAULT_PORTS[scheme ? `${scheme}:` : page.protocol];
  // a source without a port on http also allows https on 443 (the secure upgrade CSP permits)
  return portOf(target) === allowedPort || (!port && target.protocol === 'https:' && portOf(target) === '443');
}

/**
 * True when every policy in `header` (a Content-Security-Policy value; several policies arrive
 * joined with ", ") lets a page at `pageUrl` fetch `targetUrl`.
 */
export function connectAllowedBy(header: string, targetUrl: string, pageUrl: string): boolean {
  let target: URL;
  let page: URL;
  try {
    target = new URL(targetUrl);
    page = new URL(pageUrl);
  } catch {
    return true; // not an address we can judge: let the fetch's own failure speak
  }
  return header
    .split(',')
    .map(connectSources)
    .every((sources) => sources === null || sources.some((source) => sourceAllows(source, target, page)));
}

/**
 * In a pane page: asks the add-in's server for this page's headers again (HEAD, same origin, always
 * allowed) and checks its Content-Security-Policy. Resolves true when allowed or when it cannot
 * tell (no browser page, no policy, the HEAD failed): only a sure "refused" changes the message.
 */
export async function pageAllowsConnect(targetUrl: string): Promise<boolean> {
  if (typeof window === 'undefined' || typeof fetch !== 'function' || !/^https?:$/.test(window.location.protocol)) return true;
  try {
    const answer = await fetch(window.location.href, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
    const policy = answer.headers.get('content-security-policy');
    return policy ? connectAllowedBy(policy, targetUrl, window.location.href) : true;
  } catch {
    return true;
  }
}
