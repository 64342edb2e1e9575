/**
 * The size of libuv's threadpool for the server process, set before the pool is first used.
 *
 * Why: the pool (4 threads unless UV_THREADPOOL_SIZE says otherwise) runs a sign-in's scrypt, every
 * SQLite statement (node-sqlite3) and fs work. node-sqlite3 hands each statement to the pool as soon
 * as it is issued, and a statement then waits *inside its pool thread* for its connection's mutex:
 * a sync push issuing four statements at once (sync.ts batches them to save round trips) holds all
 * four threads while one of them runs, and a sign-in's password check, a token check on the reader
 * connection or a file read waits in the pool's queue until the push's statements are through.
 * More threads cost no CPU (a waiting thread sleeps) and little memory, and keep the pool from
 * filling up with statements that are only waiting for their connection.
 *
 * libuv reads UV_THREADPOOL_SIZE once, when the first task is queued; loading modules does not queue
 * any, so this module is imported first by the entry scripts (server/main.ts, and so server/dev.ts).
 * An operator's own setting (a positive integer) is kept.
 */

/** Threads when the operator sets nothing: room for both connections' waiting statements, scrypt and fs. */
export const SERVER_THREADPOOL_SIZE = 16;

/** libuv's own ceiling (larger values are clamped by libuv). */
const LIBUV_MAX_THREADS = 1024;

/**
 * The pool size to use: the operator's UV_THREADPOOL_SIZE when it is a positive integer, else
 * SERVER_THREADPOOL_SIZE (libuv would read an unparsable value as a single thread).
 */
export function threadpoolSizeFor(configured: string | undefined): number {
  if (configured !== undefined && /^\s*\d+\s*$/.test(configured)) {
    const threads = Number(configured);
    if (threads >= 1) return Math.min(threads, LIBUV_MAX_THREADS);
  }
  return SERVER_THREADPOOL_SIZE;
}

process.env.UV_THREADPOOL_SIZE = String(threadpoolSizeFor(process.env.UV_THREADPOOL_SIZE));
