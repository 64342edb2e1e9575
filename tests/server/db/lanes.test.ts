/**
 * The connection's two lanes (TransactionOptions.bulk): a burst of large sync pushes must not hold
 * other users' short requests for its whole length. Interactive work (single statements, ordinary
 * transactions) runs before bulk work that is still waiting; the bulk transaction already holding
 * the connection finishes first; each lane stays first-in first-out; close waits for both.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SqliteDatabase } from '../../../server/db/sqlite';

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('SqliteDatabase lanes', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanes-'));
    db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    await db.exec('CREATE TABLE log (n INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs interactive work queued behind a burst of bulk transactions before the waiting ones', async () => {
    const hold = gate();
    const started = gate();
    const order: string[] = [];
    const first = db.transaction(
      async (tx) => {
        started.open();
        await hold.opened; // holds the connection, as a long push does
        await tx.run("INSERT INTO log (who) VALUES ('bulk-0')");
        order.push('bulk-0');
      },
      { bulk: true },
    );
    await started.opened;
    const burst = [1, 2, 3, 4, 5, 6].map((i) =>
      db.transaction(
        async (tx) => {
          await tx.run('INSERT INTO log (who) VALUES (?)', [`bulk-${i}`]);
          order.push(`bulk-${i}`);
        },
        { bulk: true },
      ),
    );
    const login = db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who) VALUES ('login')");
      order.push('login');
    });
    const read = db.get<{ n: number }>('SELECT COUNT(*) AS n FROM log').then((row) => {
      order.push(`read:${row!.n}`);
    });
    hold.open();
    await Promise.all([first, ...burst, login, read]);
    // the running bulk transaction ends first, then the interactive ones, then the rest of the burst in order
    expect(order).toEqual(['bulk-0', 'login', 'read:2', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4', 'bulk-5', 'bulk-6']);
    const rows = await db.all<{ who: string }>('SELECT who FROM log ORDER BY n');
    expect(rows.map((row) => row.who)).toEqual(['bulk-0', 'login', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4', 'bulk-5', 'bulk-6']);
  });

  it('close waits for both lanes and refuses work after it', async () => {
    const done: string[] = [];
    const bulk = db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who) VALUES ('bulk')");
      done.push('bulk');
    }, { bulk: true });
    const interactive = db.run("INSERT INTO log (who) VALUES ('interactive')").then(() => done.push('interactive'));
    const closing = db.close();
    await expect(db.run("INSERT INTO log (who) VALUES ('late')")).rejects.toThrow(/closed/);
    await Promise.all([bulk, interactive, closing]);
    expect(done.sort()).toEqual(['bulk', 'interactive']);
    db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    expect((await db.all<{ who: string }>('SELECT who FROM log ORDER BY who')).map((r) => r.who)).toEqual(['bulk', 'interactive']);
  });
});
