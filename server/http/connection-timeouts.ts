/**
 * Keep-alive timing of the HTTP server. Node closes an idle keep-alive connection after 5 s by
 * default; a reverse proxy (nginx keeps upstream connections 60 s) or a client polling an import's
 * progress may send its next request on that connection just as the server closes it, and gets
 * ECONNRESET. The server must keep idle connections longer than any proxy in front of it, and wait
 * for request headers a little longer still (Node requires headersTimeout > keepAliveTimeout).
 */
import type { Server } from 'http';

export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const HEADERS_TIMEOUT_MS = 66_000;

export function applyConnectionTimeouts(server: Server): Server {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}
