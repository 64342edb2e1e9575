/**
 * Each HTTP request is its own work scope (server/http/mount.ts, server/db/work-scope.ts): on SQLite
 * its reads wait for its own unfinished writes only. A request whose write holds the writer
 * connection must not hold another request's read (a token check, a policy) behind it — during a
 * burst of sync pushes some write is nearly always unfinished.
 */
import { z } from 'zod';
import { currentWorkScope } from '../../server/db/work-scope';
import { defineRoute, type RouteSpec } from '../../server/http/route-table';
import { describeSqliteOnly, startTestServer, type TestServer } from './helpers';

/** Opened by the test to let the holding request's transaction finish. */
let release: () => void = () => undefined;
let entered: () => void = () => undefined;
const scopesSeen: unknown[] = [];

const TEST_ROUTES: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/test-scope/hold',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    response: z.object({ ok: z.literal(true) }),
    async handle({ deps }) {
      const held = new Promise<void>((resolve) => (release = resolve));
      await deps.db.transaction(async (tx) => {
        await tx.run("INSERT INTO scope_notes (who) VALUES ('holder')");
        entered();
        await held;
      });
      return { body: { ok: true as const } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/test-scope/count',
    summary: '测试',
    tag: 'test',
    auth: 'public',
    response: z.object({ notes: z.number() }),
    async handle({ deps }) {
      scopesSeen.push(currentWorkScope());
      const row = await deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scope_notes');
      return { body: { notes: row?.n ?? -1 } };
    },
  }),
];

describeSqliteOnly('the reader connection and its queue are SQLite’s (PostgreSQL reads never queue behind a writer)')('a request’s work scope', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ routes: TEST_ROUTES, seed: false });
    await server.deps.db.exec('CREATE TABLE scope_notes (id INTEGER PRIMARY KEY, who TEXT)');
  });
  afterAll(() => server.close());

  it("answers a read while another request's write holds the writer, without that unfinished write", async () => {
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holding = server.request('POST', '/api/v1/test-scope/hold');
    await inside;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), 3_000)));
    const during = await Promise.race([server.request('GET', '/api/v1/test-scope/count'), waited]);
    clearTimeout(timer);
    release();
    expect((await holding).status).toBe(200);
    expect(during).not.toBe('still waiting');
    expect(during === 'still waiting' ? undefined : during.body).toEqual({ notes: 0 });
    // once the holder was answered, a later request sees its write
    expect((await server.request('GET', '/api/v1/test-scope/count')).body).toEqual({ notes: 1 });
    expect(scopesSeen).toHaveLength(2);
    expect(scopesSeen[0]).toBeDefined();
    expect(scopesSeen[0]).not.toBe(scopesSeen[1]);
  });
});
