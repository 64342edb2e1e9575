/**
 * Large JSON bodies are parsed a few at a time: a request whose body is large (a sync push of many
 * rows) waits, body read but not parsed, until fewer than `slots` admitted requests have yet to
 * reach the database writer. Its admission ends when its first transaction begins (WorkScope,
 * db/work-scope.ts) or when it is answered, whichever comes first.
 *
 * Why: when a hundred villages push at once, parsing, checking and validating every push as soon
 * as it arrived put a hundred parsed pushes in the writer's queue. Each one's rows then lived long
 * enough to be copied into the old generation, which the collector kept marking on both cores; and
 * the event loop, busy with the next arrivals, answered the writer's statements late. Measured in
 * `npm run bench` (sync-load, 2 cores, alternating runs): with four admitted the burst took 15 %
 * less wall time and 10 % less CPU, and other users' sign-ins and one-row pushes waited less.
 *
 * What waits holds only the raw bytes (outside the JS heap), and only once they have all arrived:
 * a slow sender never holds a slot. Small bodies (a sign-in, a one-row push) never wait here.
 */
import type { NextFunction, Request, Response } from 'express';

/** Bodies from this size on are admitted (a push of about 30 rows; a one-row push is 1–2 KB). */
export const ADMISSION_MIN_BYTES = 32 * 1024;

/**
 * Admitted and not yet at the writer: one bulk group's worth (sqlite.ts MAX_BULK_GROUP) ready while
 * the group before it runs.
 */
export const ADMISSION_SLOTS = 4;

/** The admission of one request, ended once (its first transaction, its answer, or its client leaving). */
const RELEASES = new WeakMap<Response, () => void>();

export class BodyAdmission {
  private admitted = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly slots: number = ADMISSION_SLOTS,
    readonly minBytes: number = ADMISSION_MIN_BYTES,
  ) {}

  /** Requests admitted that have not reached the writer nor been answered. */
  get inProgress(): number {
    return this.admitted;
  }

  /** Requests waiting for admission. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Middleware, between reading a body (a Buffer in req.body) and parsing it. */
  readonly handler = (req: Request, res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length < this.minBytes) return next();
    let gone = false;
    const leave = () => {
      gone = true;
    };
    res.once('close', leave);
    const admit = () => {
      res.off('close', leave);
      if (gone) return this.next(); // the client left while waiting: nothing to parse
      this.admitted++;
      let ended = false;
      const release = () => {
        if (ended) return;
        ended = true;
        this.admitted--;
        this.next();
      };
      RELEASES.set(res, release);
      res.once('close', release);
      next();
    };
    if (this.admitted < this.slots) admit();
    else this.waiting.push(admit);
  };

  private next(): void {
    if (this.admitted >= this.slots) return;
    this.waiting.shift()?.();
  }
}

/**
 * The end of a request's admission, for its work scope (mount.ts): called when its first transaction
 * begins. Undefined for a request that was not admitted (a small body, none at all).
 */
export function admissionRelease(res: Response): (() => void) | undefined {
  return RELEASES.get(res);
}
