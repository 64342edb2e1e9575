/**
 * The connection's lanes: a burst of large sync pushes (TransactionOptions.bulk) must not hold other
 * users' short requests for its whole length. Interactive work (single statements, ordinary
 * transactions) runs before bulk work that is still waiting; urgent work (inside `urgently()`: a
 * sign-in) runs before both; the transaction already holding the connection finishes first; each
 * lane stays first-in first-out; close waits for all.
 */
import { rmSync } from 'fs';
import { join } from 'path';
import { SqliteDatabase } from '../../../server/db/sqlite';
import { urgently } from '../../../server/db/urgency';
import { inWorkScope } from '../../../server/db/work-scope';
import { describeSqliteOnly } from '../helpers';
import { makeTestDir } from '../../temp-dirs';

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describeSqliteOnly('tests the SQLite engine itself (server/db/sqlite.ts); see tests/server/db/postgres.test.ts for PostgreSQL')('SqliteDatabase lanes', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = makeTestDir('lanes').dir;
    db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    await db.exec('CREATE TABLE log (n INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT NOT NULL)');
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A bulk transaction holding the connection, then `size` bulk transactions queued behind it (one
   * group); the first member waits at `arrived` once it runs, so work can be queued while it does.
   */
  async function bulkGroupBehindHolder(size: number, order: string[]) {
    const hold = gate();
    const started = gate();
    const holder = db.transaction(
      async (tx) => {
        started.open();
        await hold.opened;
        await tx.run("INSERT INTO log (who) VALUES ('holder')");
      },
      { bulk: true },
    );
    await started.opened;
    const firstMember = gate();
    const arrived = gate();
    const group = Array.from({ length: size }, (_, index) => index + 1).map((i) =>
      db.transaction(
        async (tx) => {
          if (i === 1) {
            firstMember.open();
            await arrived.opened;
          }
          await tx.run('INSERT INTO log (who) VALUES (?)', [`bulk-${i}`]);
          order.push(`bulk-${i}`);
        },
        { bulk: true },
      ),
    );
    return { holder, group, firstMember, arrived, start: () => hold.open() };
  }

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

  it('a sign-in arriving while a bulk group runs joins it as the next member; the group commits right after it and the rest runs next', async () => {
    const order: string[] = [];
    const other = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    // every BEGIN the connection runs (one per group)
    const raw = (db as unknown as { raw: { exec: (sql: string, cb: (err: Error | null) => void) => unknown } }).raw;
    const exec = raw.exec.bind(raw);
    let begins = 0;
    raw.exec = (sql, cb) => {
      if (/^BEGIN/.test(sql)) begins++;
      return exec(sql, cb);
    };
    try {
      const { holder, group, firstMember, arrived: loginQueued, start } = await bulkGroupBehindHolder(4, order);
      const later = db.transaction(
        async (tx) => {
          await tx.run("INSERT INTO log (who) VALUES ('later')");
          order.push('later');
        },
        { bulk: true },
      );
      start();
      await firstMember.opened;
      const login = db.transaction(async (tx) => {
        // in the same transaction as the first member: not committed yet (another connection does
        // not see it), but this member does
        const seen = await other.all<{ who: string }>('SELECT who FROM log ORDER BY n');
        const mine = await tx.all<{ who: string }>('SELECT who FROM log ORDER BY n');
        order.push(`login saw ${seen.map((row) => row.who).join(',')} / ${mine.map((row) => row.who).join(',')}`);
        await tx.run("INSERT INTO log (who) VALUES ('login')");
      });
      void login.then(() => order.push('login answered'));
      loginQueued.open();
      await Promise.all([holder, ...group, later, login]);
      // answered at the COMMIT right after it; the rest of the group runs next, before later bulk work
      expect(order).toEqual(['bulk-1', 'login saw holder / holder,bulk-1', 'login answered', 'bulk-2', 'bulk-3', 'bulk-4', 'later']);
      expect((await db.all<{ who: string }>('SELECT who FROM log ORDER BY n')).map((row) => row.who)).toEqual([
        'holder',
        'bulk-1',
        'login',
        'bulk-2',
        'bulk-3',
        'bulk-4',
        'later',
      ]);
      // the holder's group, [bulk-1, login], [bulk-2 … bulk-4], [later]: the sign-in had no BEGIN (nor COMMIT) of its own
      expect(begins).toBe(4);
    } finally {
      raw.exec = exec;
      await other.close();
    }
  });

  it('a bulk group hands over without taking anyone in when a single statement waits ahead of it', async () => {
    const order: string[] = [];
    const { holder, group, firstMember, arrived: writeQueued, start } = await bulkGroupBehindHolder(2, order);
    start();
    await firstMember.opened;
    // a plain write (no transaction) waits in the interactive lane, then a transaction behind it
    const write = db.run("INSERT INTO log (who) VALUES ('write')").then(() => order.push('write'));
    const after = db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who) VALUES ('after')");
      order.push('after');
    });
    writeQueued.open();
    await Promise.all([holder, ...group, write, after]);
    // nothing overtakes the plain write: the group commits, the write runs, then the transaction
    expect(order).toEqual(['bulk-1', 'write', 'after', 'bulk-2']);
  });

  it('runs urgent work (a sign-in) before interactive and bulk work queued before it', async () => {
    const hold = gate();
    const started = gate();
    const order: string[] = [];
    const write = (who: string, options: { bulk?: boolean } = {}) =>
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO log (who) VALUES (?)', [who]);
        order.push(who);
      }, options);
    const holder = db.transaction(
      async (tx) => {
        started.open();
        await hold.opened;
        await tx.run("INSERT INTO log (who) VALUES ('holder')");
        order.push('holder');
      },
      { bulk: true },
    );
    await started.opened;
    const queued = [write('bulk-1', { bulk: true }), write('pull-1'), write('pull-2')];
    // a single statement and a transaction, both issued from inside urgently()
    const signIn = urgently(async () => {
      await db.run("INSERT INTO log (who) VALUES ('reserve')");
      order.push('reserve');
      await write('token');
    });
    hold.open();
    await Promise.all([holder, ...queued, signIn]);
    // only the transaction already holding the connection runs before the sign-in's statements;
    // the token (issued after the reservation answered) still goes before the waiting pulls
    expect(order).toEqual(['holder', 'reserve', 'token', 'pull-1', 'pull-2', 'bulk-1']);
  });

  it('an interactive group hands the connection over between two members when urgent work waits', async () => {
    const hold = gate();
    const started = gate();
    const order: string[] = [];
    const holder = db.transaction(async () => {
      started.open();
      await hold.opened;
    });
    await started.opened;
    const firstMember = gate();
    const signInQueued = gate();
    // queued behind the holder: these three form one interactive group
    const group = [1, 2, 3].map((i) =>
      db.transaction(async (tx) => {
        if (i === 1) {
          firstMember.open();
          await signInQueued.opened;
        }
        await tx.run('INSERT INTO log (who) VALUES (?)', [`pull-${i}`]);
        order.push(`pull-${i}`);
      }),
    );
    hold.open();
    await firstMember.opened;
    const signIn = urgently(() =>
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO log (who) VALUES ('sign-in')");
        order.push('sign-in');
      }),
    );
    signInQueued.open();
    await Promise.all([holder, ...group, signIn]);
    expect(order).toEqual(['pull-1', 'sign-in', 'pull-2', 'pull-3']);
    expect((await db.all<{ who: string }>('SELECT who FROM log ORDER BY n')).map((row) => row.who)).toEqual(['pull-1', 'sign-in', 'pull-2', 'pull-3']);
  });

  it('a read outside any transaction does not wait for a running bulk group and sees only what was committed', async () => {
    await db.run("INSERT INTO log (who) VALUES ('before')");
    const hold = gate();
    const inside = gate();
    const bulk = db.transaction(
      async (tx) => {
        await tx.run("INSERT INTO log (who) VALUES ('bulk')");
        inside.open();
        await hold.opened;
      },
      { bulk: true },
    );
    await inside.opened;
    // the bulk group still holds the connection: the read answers anyway, without its half-done row
    const during = await db.all<{ who: string }>('SELECT who FROM log ORDER BY n');
    expect(during.map((row) => row.who)).toEqual(['before']);
    hold.open();
    await bulk;
    expect((await db.all<{ who: string }>('SELECT who FROM log ORDER BY n')).map((row) => row.who)).toEqual(['before', 'bulk']);
  });

  it('a read does not overtake interactive work queued before it while a bulk group runs', async () => {
    const hold = gate();
    const inside = gate();
    const bulk = db.transaction(
      async (tx) => {
        inside.open();
        await hold.opened;
        await tx.run("INSERT INTO log (who) VALUES ('bulk')");
      },
      { bulk: true },
    );
    await inside.opened;
    const write = db.run("INSERT INTO log (who) VALUES ('interactive')");
    const read = db.all<{ who: string }>('SELECT who FROM log ORDER BY n');
    hold.open();
    await Promise.all([bulk, write]);
    expect((await read).map((row) => row.who)).toEqual(['bulk', 'interactive']);
  });

  it("a read in one request's work scope does not wait for another request's unfinished write; its own, and an unscoped read, do", async () => {
    const hold = gate();
    const inside = gate();
    // request B: an interactive transaction holding the writer connection
    const requestB = inWorkScope(() =>
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO log (who) VALUES ('b')");
        inside.open();
        await hold.opened;
      }),
    );
    await inside.opened;
    // request A reads meanwhile: answered on the reader, without B's unfinished row
    const readA = inWorkScope(() => db.all<{ who: string }>('SELECT who FROM log ORDER BY n'));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), 2_000)));
    const first = await Promise.race([readA, waited]);
    clearTimeout(timer);
    // request C issues a write and a read at once: the read waits for C's own write and sees it
    const requestC = inWorkScope(async () => {
      const write = db.run("INSERT INTO log (who) VALUES ('c')");
      const read = db.all<{ who: string }>('SELECT who FROM log ORDER BY n');
      await write;
      return read;
    });
    // outside any scope (CLI, jobs): every unfinished write comes first, as before
    const unscoped = db.all<{ who: string }>('SELECT who FROM log ORDER BY n');
    hold.open();
    await requestB;
    expect(first).toEqual([]);
    expect((await requestC).map((row) => row.who)).toEqual(['b', 'c']);
    expect((await unscoped).map((row) => row.who)).toEqual(['b', 'c']);
  });

  it("a work scope is told when its first transaction gets its turn — not while it waits in the queue, and once", async () => {
    const hold = gate();
    const inside = gate();
    const holder = db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who) VALUES ('holder')");
      inside.open();
      await hold.opened;
    }, { bulk: true });
    await inside.opened;
    const events: string[] = [];
    const request = inWorkScope(async () => {
      await db.transaction(async (tx) => {
        events.push('first body');
        await tx.run("INSERT INTO log (who) VALUES ('first')");
      }, { bulk: true });
      await db.transaction(async (tx) => {
        events.push('second body');
        await tx.run("INSERT INTO log (who) VALUES ('second')");
      });
    }, () => events.push('turn'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]); // queued behind the holder: not told yet
    hold.open();
    await Promise.all([holder, request]);
    expect(events).toEqual(['turn', 'first body', 'second body']);
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
