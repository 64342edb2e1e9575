/**
 * Large JSON bodies are parsed a few at a time (server/http/admission.ts): a large body waits, read
 * but not parsed, until an admitted request reaches the writer (its work scope's first transaction)
 * or is answered; a small body never waits; a client that leaves while waiting holds nothing. And
 * through the real server: pushes beyond the slots all go through, in full.
 */
import express from 'express';
import { randomUUID } from 'crypto';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { admissionRelease, BodyAdmission } from '../../server/http/admission';
import { jsonBodyReaders } from '../../server/http/json-body';
import { inWorkScope } from '../../server/db/work-scope';
import { startTestServer, type TestServer } from './helpers';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { waitUntil } from '../wait';

const LARGE = { text: 'x'.repeat(200) };
const SMALL = { text: 'x' };

interface Held {
  /** bodies parsed, by their `id`, in order */
  parsed: string[];
  /** ends the admission of a request (as its first transaction would) */
  reachWriter: Map<string, () => void>;
  /** answers a request */
  answer: Map<string, () => void>;
}

describe('BodyAdmission', () => {
  let server: Server;
  let url: string;
  let admission: BodyAdmission;
  let held: Held;

  beforeEach(async () => {
    admission = new BodyAdmission(1, 100);
    held = { parsed: [], reachWriter: new Map(), answer: new Map() };
    const app = express();
    app.use(...jsonBodyReaders(1024 * 1024, admission));
    app.post('/', (req, res) => {
      const id = String((req.body as { id: string }).id);
      held.parsed.push(id);
      const release = admissionRelease(res);
      void inWorkScope(async () => {
        held.reachWriter.set(id, () => release?.());
        await new Promise<void>((resolve) => held.answer.set(id, resolve));
        res.json({ id });
      });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (id: string, body: object, signal?: AbortSignal) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, ...body }), signal });

  it('parses a second large body only once the first has reached the writer; a small one never waits', async () => {
    const first = post('a', LARGE);
    await waitUntil('a parsed', () => held.parsed.includes('a'));
    const second = post('b', LARGE);
    await waitUntil('1 waiting for admission', () => admission.queued === 1);
    const small = post('c', SMALL);
    await waitUntil('c parsed', () => held.parsed.includes('c'));
    expect(held.parsed).toEqual(['a', 'c']); // b waits, read but not parsed
    held.reachWriter.get('a')?.();
    await waitUntil('b parsed', () => held.parsed.includes('b'));
    expect(admission.queued).toBe(0);
    for (const id of ['a', 'b', 'c']) held.answer.get(id)?.();
    expect((await Promise.all([first, second, small])).map((res) => res.status)).toEqual([200, 200, 200]);
    expect(admission.inProgress).toBe(0);
  });

  it('an answer ends the admission too (a request that never reaches the writer)', async () => {
    const first = post('a', LARGE);
    await waitUntil('a parsed', () => held.parsed.includes('a'));
    const second = post('b', LARGE);
    await waitUntil('1 waiting for admission', () => admission.queued === 1);
    held.answer.get('a')?.();
    await first;
    await waitUntil('b parsed', () => held.parsed.includes('b'));
    held.answer.get('b')?.();
    expect((await second).status).toBe(200);
  });

  it('a client that leaves while waiting holds no slot, and its body is never parsed', async () => {
    const first = post('a', LARGE);
    await waitUntil('a parsed', () => held.parsed.includes('a'));
    const leaving = new AbortController();
    const gone = post('gone', LARGE, leaving.signal).catch((error: unknown) => error);
    await waitUntil('1 waiting for admission', () => admission.queued === 1);
    leaving.abort();
    await gone;
    const third = post('c', LARGE);
    await waitUntil('2 waiting for admission', () => admission.queued === 2);
    held.reachWriter.get('a')?.();
    await waitUntil('c parsed', () => held.parsed.includes('c'));
    expect(held.parsed).toEqual(['a', 'c']);
    held.answer.get('a')?.();
    held.answer.get('c')?.();
    expect((await Promise.all([first, third])).map((res) => res.status)).toEqual([200, 200]);
    expect(admission.inProgress).toBe(0);
  });
});

describe('admission in the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('more large pushes at once than there are slots: every one is applied, whole', async () => {
    const token = await server.login('demo-village');
    const count = async () => (await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM ledger_rows WHERE village_code = '532301101201'"))?.n ?? 0;
    const before = await count();
    const rng = createRng('admission');
    const newRow = () => ({ rowId: randomUUID(), baseVersion: 0, values: fabricateLedgerValues(rng, { region: '532301', today: '2026-10-31' }) });
    const pushes = Array.from({ length: 12 }, () => Array.from({ length: 60 }, () => newRow()));
    const answers = await Promise.all(
      pushes.map((changes) =>
        server.request('POST', '/api/v1/ledgers/532301101201/sync', { token, body: { clientId: 'admission', requestId: randomUUID(), changes } }),
      ),
    );
    expect(answers.map((res) => res.status)).toEqual(pushes.map(() => 200));
    expect(answers.map((res) => res.body.applied.length)).toEqual(pushes.map((changes) => changes.length));
    expect((await count()) - before).toBe(12 * 60);
  });
});
