import { rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { discoverMigrations, migrate } from '../../../server/db/migrate';
import sqlite3 from 'sqlite3';
import { SqliteDatabase, StatementCache } from '../../../server/db/sqlite';
import { describeSqliteOnly } from '../helpers';
import { makeTestDir } from '../../temp-dirs';

/** A promise and its resolver: a test opens it to let a transaction go on at a chosen point (no sleeps). */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
/** Lets every other queued callback run once (other transactions get their chance to interleave). */
const yieldTurn = () => new Promise((resolve) => setImmediate(resolve));

describeSqliteOnly('tests the SQLite engine itself (server/db/sqlite.ts); see tests/server/db/postgres.test.ts for PostgreSQL')('SqliteDatabase', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(async () => {
    dir = makeTestDir('sqlite-test').dir;
    db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0);');
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens with WAL, foreign keys and a busy timeout', async () => {
    expect((await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))!.journal_mode).toBe('wal');
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys).toBe(1);
    expect((await db.get<{ timeout: number }>('PRAGMA busy_timeout'))!.timeout).toBeGreaterThan(0);
  });

  it('keeps temporary data (savepoint journals, sorts) in memory on both connections: no page copies in temp files', async () => {
    // the writer (a PRAGMA goes to the queue) and the reader (a pure SELECT outside any transaction)
    expect(await db.get<{ temp_store: number }>('PRAGMA temp_store')).toEqual({ temp_store: 2 });
    expect(await db.get<{ temp_store: number }>('SELECT temp_store FROM pragma_temp_store')).toEqual({ temp_store: 2 });
  });

  it('binds positional and named parameters (no string building)', async () => {
    await db.run('INSERT INTO t (v) VALUES (?)', ["x'); DROP TABLE t; --"]);
    await db.run('INSERT INTO t (v) VALUES ($v)', { v: 'named' });
    const rows = await db.all<{ v: string }>('SELECT v FROM t ORDER BY id');
    expect(rows.map((r) => r.v)).toEqual(["x'); DROP TABLE t; --", 'named']);
  });

  it('rolls back everything when the body throws, and rethrows', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO t (v) VALUES ('a')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(0);
  });

  it('serialises transactions (no lost update on read-modify-write)', async () => {
    const bump = () =>
      db.transaction(async (tx) => {
        const { n } = (await tx.get<{ n: number }>('SELECT n FROM counter'))!;
        await yieldTurn();
        await tx.run('UPDATE counter SET n = ?', [n + 1]);
      });
    await Promise.all(Array.from({ length: 10 }, bump));
    expect((await db.get<{ n: number }>('SELECT n FROM counter'))!.n).toBe(10);
  });

  it('a statement outside a running transaction waits for it and never sees half of it', async () => {
    let insideDone = false;
    const halfway = gate();
    const goOn = gate();
    const tx = db.transaction(async (t) => {
      await t.run("INSERT INTO t (v) VALUES ('first')");
      halfway.open();
      await goOn.opened;
      await t.run("INSERT INTO t (v) VALUES ('second')");
      insideDone = true;
    });
    await halfway.opened;
    const counting = db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t');
    goOn.open();
    const count = await counting;
    expect(insideDone).toBe(true);
    expect(count!.n).toBe(2);
    await tx;
  });

  it('an outside write issued during a transaction is not rolled back with it', async () => {
    const halfway = gate();
    const goOn = gate();
    const failing = db.transaction(async (t) => {
      await t.run("INSERT INTO t (v) VALUES ('doomed')");
      halfway.open();
      await goOn.opened;
      throw new Error('fail');
    });
    await halfway.opened;
    const outside = db.run("INSERT INTO t (v) VALUES ('outside')");
    goOn.open();
    await expect(failing).rejects.toThrow('fail');
    await outside;
    expect((await db.all<{ v: string }>('SELECT v FROM t')).map((r) => r.v)).toEqual(['outside']);
  });

  it('using the outer handle inside a transaction joins it instead of dead-locking', async () => {
    await expect(
      db.transaction(async () => {
        await db.run("INSERT INTO t (v) VALUES ('via outer handle')");
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(0);
  });

  it('nested transactions are savepoints: the inner one rolls back alone', async () => {
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO t (v) VALUES ('outer')");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("INSERT INTO t (v) VALUES ('inner')");
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect((await db.all<{ v: string }>('SELECT v FROM t')).map((r) => r.v)).toEqual(['outer']);
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    let leaked: { run(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.run("INSERT INTO t (v) VALUES ('late')")).rejects.toThrow(/after its transaction/);
  });

  it('cached statements: concurrent reads with different parameters get their own rows', async () => {
    await db.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await tx.run('INSERT INTO t (v) VALUES (?)', [`v${i}`]);
    });
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => db.get<{ v: string }>('SELECT v FROM t WHERE v = ?', [`v${i}`])));
    expect(rows.map((r) => r!.v)).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
    const inTx = await db.transaction((tx) =>
      Promise.all([tx.all<{ v: string }>('SELECT v FROM t WHERE v IN (?, ?) ORDER BY v', ['v1', 'v2']), tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM t')]),
    );
    expect(inTx[0].map((r) => r.v)).toEqual(['v1', 'v2']);
    expect(inTx[1]!.n).toBe(20);
  });

  it('cached statements survive a schema change and do not block writers', async () => {
    await db.run("INSERT INTO t (v) VALUES ('a')");
    expect(await db.get('SELECT * FROM t')).toEqual({ id: 1, v: 'a' });
    await db.exec("DROP TABLE t; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, extra TEXT DEFAULT 'x'); INSERT INTO t (v) VALUES ('b');");
    expect(await db.get('SELECT * FROM t')).toEqual({ id: 1, v: 'b', extra: 'x' });
    // a second connection can still write (the cached read left no open cursor / lock)
    const other = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    await other.transaction((tx) => tx.run("INSERT INTO t (v) VALUES ('c')"));
    await other.close();
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(2);
  });

  it('keeps working after a failed statement', async () => {
    await expect(db.run('INSERT INTO nope VALUES (1)')).rejects.toThrow(/no such table/);
    await db.run("INSERT INTO t (v) VALUES ('ok')");
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(1);
  });
});

describe('StatementCache', () => {
  let raw: sqlite3.Database;
  beforeEach(async () => {
    raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(':memory:', (err) => (err ? reject(err) : resolve(db)));
    });
  });
  afterEach(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  /** Starts `count` users of `sql` at once, each holding its statement until `hold` opens; resolves with what they got. */
  async function holdAtOnce(cache: StatementCache, sql: string, count: number, hold: Promise<void>): Promise<{ seen: sqlite3.Statement[]; done: Promise<unknown> }> {
    const seen: sqlite3.Statement[] = [];
    const inside = Array.from({ length: count }, () => gate());
    const done = Promise.all(
      inside.map((entered) =>
        cache.with(sql, async (statement) => {
          seen.push(statement);
          entered.open();
          await hold;
        }),
      ),
    );
    await Promise.all(inside.map((entered) => entered.opened));
    return { seen, done };
  }

  it('gives concurrent users of one SQL text up to N copies (the reader), then reuses a free one', async () => {
    const cache = new StatementCache(raw, 3);
    const hold = gate();
    const { seen, done } = await holdAtOnce(cache, 'SELECT 1 AS one', 7, hold.opened);
    expect(new Set(seen).size).toBe(3);
    hold.open();
    await done;
    const again = await cache.with('SELECT 1 AS one', async (statement) => statement);
    expect(seen).toContain(again);
  });

  it('keeps one statement per SQL text when told to (the writer: calls run in the order issued)', async () => {
    const cache = new StatementCache(raw, 1);
    const hold = gate();
    const { seen, done } = await holdAtOnce(cache, 'SELECT 1 AS one', 4, hold.opened);
    expect(new Set(seen).size).toBe(1);
    hold.open();
    await done;
  });

  it('finalizes a statement dropped from the full cache only once its user is done with it', async () => {
    const cache = new StatementCache(raw, 2, 1);
    const hold = gate();
    let held: sqlite3.Statement | undefined;
    const entered = gate();
    const user = cache.with('SELECT 1 AS one', async (statement) => {
      held = statement;
      entered.open();
      await hold.opened;
      return new Promise((resolve, reject) => statement.get((err: Error | null, row: unknown) => (err ? reject(err) : resolve(row))));
    });
    await entered.opened;
    await cache.with('SELECT 2 AS two', async () => undefined); // the cache holds one SQL text: the first is dropped
    hold.open();
    await expect(user).resolves.toEqual({ one: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const statement = held as sqlite3.Statement;
    await expect(new Promise((resolve, reject) => statement.get((err: Error | null, row: unknown) => (err ? reject(err) : resolve(row))))).rejects.toThrow(/finalized/);
  });

  it('does not keep a statement that failed to prepare', async () => {
    const cache = new StatementCache(raw, 2);
    await expect(cache.with('SELECT * FROM later', async () => undefined)).rejects.toThrow(/no such table/);
    await new Promise<void>((resolve, reject) => raw.exec('CREATE TABLE later (x INTEGER)', (err) => (err ? reject(err) : resolve())));
    await expect(cache.with('SELECT COUNT(*) AS n FROM later', async (statement) => new Promise((resolve) => statement.get((_err: Error | null, row: unknown) => resolve(row))))).resolves.toEqual({ n: 0 });
    await expect(cache.with('SELECT * FROM later', async () => 'prepared now')).resolves.toBe('prepared now');
  });
});

describe('migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTestDir('migrate-test').dir;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('discovers NNN_*.js by number and applies each once', async () => {
    const mig = join(dir, 'migrations');
    require('fs').mkdirSync(mig);
    writeFileSync(join(mig, '002_second.js'), "exports.up = exports.postgres = 'CREATE TABLE b (x INTEGER);';");
    writeFileSync(join(mig, '001_first.js'), "exports.up = exports.postgres = 'CREATE TABLE a (x INTEGER);';");
    writeFileSync(join(mig, 'README.md'), 'not a migration');
    const found = discoverMigrations(mig);
    expect(found.map((m) => [m.version, m.name])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    const db = await SqliteDatabase.open(join(dir, 'db.sqlite'));
    expect(await migrate(db, found)).toEqual([1, 2]);
    expect(await migrate(db, found)).toEqual([]);
    const versions = await db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    await db.close();
  });

  it('rejects two migrations with one number', () => {
    const mig = join(dir, 'dup');
    require('fs').mkdirSync(mig);
    writeFileSync(join(mig, '001_a.js'), "exports.up = exports.postgres = 'SELECT 1;';");
    writeFileSync(join(mig, '001_b.js'), "exports.up = exports.postgres = 'SELECT 1;';");
    expect(() => discoverMigrations(mig)).toThrow(/two migrations numbered 001/);
  });

  it('refuses a migration without its PostgreSQL half (every migration is written for both engines)', () => {
    const mig = join(dir, 'one-engine');
    require('fs').mkdirSync(mig);
    writeFileSync(join(mig, '001_only_sqlite.js'), "exports.up = 'SELECT 1;';");
    expect(() => discoverMigrations(mig)).toThrow(/must export a non-empty string `postgres`/);
  });

  it('a failing migration leaves nothing half-applied', async () => {
    const db = await SqliteDatabase.open(join(dir, 'db.sqlite'));
    const broken = 'CREATE TABLE ok1 (x INTEGER); CREATE TABLE broken (;';
    const bad = [{ version: 1, name: 'bad', sql: { sqlite: broken, postgres: broken } }];
    await expect(migrate(db, bad)).rejects.toThrow();
    expect(await db.get("SELECT name FROM sqlite_master WHERE name = 'ok1'")).toBeUndefined();
    expect(await db.all('SELECT * FROM schema_migrations')).toEqual([]);
    await db.close();
  });

  it('the real migrations apply; audit_log refuses UPDATE and DELETE', async () => {
    const db = await SqliteDatabase.open(join(dir, 'db.sqlite'));
    const applied = await migrate(db);
    expect(applied[0]).toBe(1);
    await db.run(
      "INSERT INTO audit_log (at, action, target, request_id) VALUES ('2026-01-01T00:00:00Z', 'x', 'y', 'r')",
    );
    await expect(db.run("UPDATE audit_log SET action = 'z'")).rejects.toThrow(/append-only/);
    await expect(db.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n).toBe(1);
    await expect(
      db.run("INSERT INTO users (username, password_hash, role, unit_code, created_at) VALUES ('u', 'h', 'village', '999999999999', 'now')"),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.close();
  });
});
