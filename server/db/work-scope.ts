/**
 * Whose unfinished writes a read must wait for (SQLite, sqlite.ts).
 *
 * A read outside any transaction runs on SQLite's query-only reader connection, which never waits
 * for the writer, unless a write that must come before it has not finished: then it queues behind
 * that write on the writer connection and sees it. Which writes "come before" a read is what this
 * module says:
 * - inside `inWorkScope()` (one HTTP request and everything it starts), only the writes issued in
 *   that same scope. Another request's write still in the queue is concurrent with this read:
 *   neither was answered before the other began, so the read may see it or not. A request that
 *   was answered has finished its writes, so a later request still sees every one of them;
 * - outside any scope (the CLI, jobs started at boot, tests), every unfinished write, as a single
 *   caller issuing a write and then a read without awaiting the write expects.
 *
 * Why: during a burst of sync pushes some request's write is nearly always queued, and with one
 * global rule every other request's reads (its token check, its unit's policy) queued behind it on
 * the writer connection, one thread hand-off after the other: a 1-row push waited 250 ms for reads
 * that needed nothing from those writes. PostgreSQL has no reader connection: there this changes nothing.
 */
import { AsyncLocalStorage } from 'async_hooks';

/** One line of work: its writes issued and not finished yet. */
export class WorkScope {
  pendingWrites = 0;
  private onTransaction: (() => void) | undefined;

  /** `onTransaction`: called once, when the first transaction of this work begins (see transactionBegins). */
  constructor(onTransaction?: () => void) {
    this.onTransaction = onTransaction;
  }

  /**
   * The database calls this when a transaction of this work gets the connection (SQLite: its turn
   * in a group commit; PostgreSQL: just before BEGIN). The request's admission (http/admission.ts)
   * ends there: it has reached the writer, and the next large body may be parsed.
   */
  transactionBegins(): void {
    const callback = this.onTransaction;
    this.onTransaction = undefined;
    callback?.();
  }
}

const scopes = new AsyncLocalStorage<WorkScope>();

/** Runs `fn` in a new scope of its own (see the header): its reads wait only for its own writes. */
export function inWorkScope<T>(fn: () => Promise<T>, onTransaction?: () => void): Promise<T> {
  return scopes.run(new WorkScope(onTransaction), fn);
}

/** The caller's scope, or undefined outside any. */
export function currentWorkScope(): WorkScope | undefined {
  return scopes.getStore();
}
