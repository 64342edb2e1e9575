/**
 * Group commit (SqliteDatabase.transaction): transactions that arrive while another runs share one
 * BEGIN … COMMIT with a savepoint each. A failing member leaves nothing and does not touch the
 * others; no member is answered before the COMMIT; a lost group transaction fails every member.
 */
import { rmSync } from 'fs';
import { join } from 'path';
import type { SqlDatabase } from '../../../server/db/database';
import { SqliteDatabase } from '../../../server/db/sqlite';
import { describeSqliteOnly } from '../helpers';
import { makeTestDir } from '../../temp-dirs';

interface Gate {
  opened: Promise<void>;
  open: () => void;
}
function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describeSqliteOnly('tests the SQLite engine itself (server/db/sqlite.ts); PostgreSQL commits each transaction on its own connection, see tests/server/db/postgres.test.ts')('SqliteDatabase group commit', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = makeTestDir('group-commit').dir;
    file = join(dir, 'x.sqlite');
    db = await SqliteDatabase.open(file);
    await db.exec('CREATE TABLE t (v TEXT NOT NULL UNIQUE)');
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Holds the connection in a running transaction until `release.open()`; resolves once it runs. */
  async function holdConnection(release: Gate): Promise<{ done: Promise<unknown> }> {
    const started = gate();
    const holder = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('holder')");
      started.open();
      await release.opened;
    });
    await started.opened;
    return { done: holder }; // wrapped: an async function returning the promise would wait for it
  }

  async function values(handle: SqlDatabase = db): Promise<string[]> {
    return (await handle.all<{ v: string }>('SELECT v FROM t ORDER BY v')).map((row) => row.v);
  }

  it('a failing member of a group rolls back alone; the others commit', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const events: string[] = [];
    // both arrive while the connection is busy: they form one group
    const ok = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('a1')");
      await tx.run("INSERT INTO t (v) VALUES ('a2')");
      events.push('ok body done');
      return 'ok';
    });
    const failing = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('b1')");
      await tx.run("INSERT INTO t (v) VALUES ('a1')"); // UNIQUE violation: this member fails
      return 'never';
    });
    const third = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('c1')");
      events.push('third body done');
      return 'third';
    });
    ok.then(() => events.push('ok settled'));
    release.open();
    await holder;
    await expect(ok).resolves.toBe('ok');
    await expect(failing).rejects.toThrow(/UNIQUE/);
    await expect(third).resolves.toBe('third');
    expect(await values()).toEqual(['a1', 'a2', 'c1', 'holder']); // nothing of b
    // the first member was answered only after the last member of its group had run (at the COMMIT)
    expect(events.indexOf('ok settled')).toBeGreaterThan(events.indexOf('third body done'));
  });

  it('answers a member only once its writes are committed (another connection sees them)', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const other = await SqliteDatabase.open(file);
    try {
      const seenAtAnswer: string[][] = [];
      const members = ['x', 'y'].map((v) =>
        db
          .transaction(async (tx) => {
            await tx.run('INSERT INTO t (v) VALUES (?)', [v]);
          })
          .then(async () => seenAtAnswer.push(await values(other))),
      );
      release.open();
      await holder;
      await Promise.all(members);
      for (const seen of seenAtAnswer) expect(seen).toEqual(['holder', 'x', 'y']);
    } finally {
      await other.close();
    }
  });

  it('a group whose transaction is lost on the way fails every member and keeps nothing of them', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    // as SQLite does after an I/O error: the whole transaction is rolled back under the members' feet
    const lost = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('l1')");
      await tx.exec('ROLLBACK');
    });
    const after = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('l2')");
    });
    release.open();
    await holder;
    await expect(lost).rejects.toThrow();
    await expect(after).rejects.toThrow();
    expect(await values()).toEqual(['holder']);
    // and the connection is usable afterwards
    await db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('later')"));
    expect(await values()).toEqual(['holder', 'later']);
  });

  it('a member that fails because the database rolled the whole transaction back fails every member with that reason', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const full = Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    // the member's own statement failed with a database error and SQLite cancelled the transaction:
    // its ROLLBACK TO then finds no savepoint; the reason reported is still the database's
    const lost = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('f1')");
      await tx.exec('ROLLBACK');
      throw full;
    });
    const other = db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('f2')"));
    release.open();
    await holder;
    await expect(lost).rejects.toBe(full);
    await expect(other).rejects.toBe(full);
    expect(await values()).toEqual(['holder']);
  });

  it('a write guarded by writeGuard does nothing once SQLite has rolled the transaction back under it; outside a transaction the guard holds', async () => {
    const member = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('before')");
      await tx.exec('ROLLBACK'); // as SQLite does after an I/O error, or SQLITE_FULL on a one-row write
      // now outside any transaction: a plain INSERT would commit on its own; the guarded one does nothing
      return tx.run(`INSERT INTO t (v) SELECT 'after' WHERE ${tx.writeGuard}`);
    });
    await expect(member).rejects.toThrow(); // the group is lost
    expect(await values()).toEqual([]);
    expect((await db.run(`INSERT INTO t (v) SELECT 'plain' WHERE ${db.writeGuard}`)).changes).toBe(1);
    expect((await db.transaction((tx) => tx.run(`INSERT INTO t (v) SELECT 'in a group' WHERE ${tx.writeGuard}`))).changes).toBe(1);
    expect(await values()).toEqual(['in a group', 'plain']);
  });

  it("a member's reads do not wait for its savepoint; its writes do", async () => {
    await db.run("INSERT INTO t (v) VALUES ('seen')");
    // The savepoint's answer comes back late (as through a busy event loop); SQLite has made it.
    const raw = (db as unknown as { raw: { exec: (sql: string, cb: (err: Error | null) => void) => unknown } }).raw;
    const exec = raw.exec.bind(raw);
    const SLOW_MS = 150;
    raw.exec = (sql, cb) => exec(sql, (err) => (/^SAVEPOINT gc_/.test(sql) ? setTimeout(() => cb(err), SLOW_MS) : cb(err)));
    try {
      const started = performance.now();
      const times = await db.transaction(async (tx) => {
        const seen = await values(tx);
        const readAt = performance.now() - started;
        await tx.run("INSERT INTO t (v) VALUES ('written')");
        return { seen, readAt, writtenAt: performance.now() - started };
      });
      expect(times.seen).toEqual(['seen']);
      expect(times.readAt).toBeLessThan(SLOW_MS);
      expect(times.writtenAt).toBeGreaterThanOrEqual(SLOW_MS - 5);
      expect(await values()).toEqual(['seen', 'written']);
    } finally {
      raw.exec = exec;
    }
  });

  it("a member that fails before its savepoint is made leaves nothing, and the next member's savepoint nests after it", async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const failsEarly = db.transaction(async (tx) => {
      await values(tx); // a read only, then a failure: its savepoint is still rolled back to
      throw new Error('refused');
    });
    const next = db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('next')"));
    release.open();
    await holder;
    await expect(failsEarly).rejects.toThrow('refused');
    await next;
    expect(await values()).toEqual(['holder', 'next']);
  });

  it('a write issued between two transactions is not overtaken by the second one', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const first = db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('first')"));
    const write = db.run("INSERT INTO t (v) VALUES ('between')");
    const second = db.transaction(async (tx) => values(tx));
    release.open();
    await Promise.all([holder, first, write]);
    expect(await second).toEqual(['between', 'first', 'holder']);
  });

  it('nested transactions inside a member stay savepoints of that member', async () => {
    const release = gate();
    const { done: holder } = await holdConnection(release);
    const member = db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('outer')");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("INSERT INTO t (v) VALUES ('inner')");
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      return values(tx);
    });
    const next = db.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('next')"));
    release.open();
    await holder;
    expect(await member).toEqual(['holder', 'outer']);
    await next;
    expect(await values()).toEqual(['holder', 'next', 'outer']);
  });
});
