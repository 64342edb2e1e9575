/**
 * Urgent database work: the few short statements a person is waiting on at sign-in (the throttle's
 * reservation, the account look-up, the token). On SQLite every write shares one connection, taken
 * in turn from a queue (sqlite.ts); work started inside `urgently()` goes to the head of that queue,
 * before ordinary requests and bulk pushes, and a running commit group hands the connection over
 * between two of its members. So a sign-in during a burst of large pushes waits for at most the one
 * transaction that is running, not for everything queued before it.
 *
 * Carried by the async context (like a request id), so the stores need no extra parameter:
 * everything awaited inside `fn` — and anything it starts — is urgent. PostgreSQL has a pool and no
 * queue to jump: there it changes nothing. Keep urgent work small and bounded, or it is the new queue.
 */
import { AsyncLocalStorage } from 'async_hooks';

const urgent = new AsyncLocalStorage<true>();

/** Runs `fn` with its database work ahead of ordinary work (see the header). */
export function urgently<T>(fn: () => Promise<T>): Promise<T> {
  return urgent.run(true, fn);
}

/** Whether the caller runs inside `urgently()`. */
export function isUrgent(): boolean {
  return urgent.getStore() === true;
}

/** Runs `fn` outside any urgent context (the queue runs a task without its caller's urgency leaking into what the task starts). */
export function withoutUrgency<T>(fn: () => T): T {
  return urgent.exit(fn);
}
