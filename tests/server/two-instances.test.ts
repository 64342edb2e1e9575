/**
 * Two server processes (`server/main.ts`) on one PostgreSQL database, hammering one village from
 * both at once: a session made on one is valid on the other, a request retried on the other
 * instance replays the first answer (nothing applied twice), and every change is either applied
 * exactly once (one version each, sequence numbers unique and without gaps) or answered as a
 * conflict — none lost. Needs the cluster of npm run test:pg (the SQLite run reports it skipped
 * with the reason: one SQLite file serves one process).
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import { rmSync } from 'fs';
import { join, resolve } from 'path';
import { importTempRoot } from '../../server/imports/upload-files';
import { DEMO_PASSWORD } from '../../server/seed/demo-units';
import { waitUntil } from '../wait';
import { COUNTY, medicalFile } from './leads-helpers';
import { describePostgresOnly, openTestDatabase, testDatabaseEnv } from './helpers';
import { makeTestDir } from '../temp-dirs';


jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '..', '..');
const VILLAGE = '532301101201';

interface Instance {
  child: ChildProcess;
  url: string;
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  // node itself with tsx's loader (not the tsx wrapper, which runs the server as a child of its
  // own): a signal — SIGKILL above all — reaches the server process
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolveStart, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolveStart({ child, url: match[1] });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`instance exited ${code}: ${out}`)));
  });
}

function stop(instance: Instance): Promise<void> {
  return new Promise((resolveStop) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolveStop();
    instance.child.on('exit', () => resolveStop());
    instance.child.kill('SIGTERM');
  });
}

interface SyncAnswer {
  applied: Array<{ rowId: string; version: number }>;
  conflicts: Array<{ rowId: string }>;
  unchanged: Array<{ rowId: string }>;
}

async function push(instance: Instance, token: string, body: unknown): Promise<SyncAnswer> {
  const res = await fetch(`${instance.url}/api/v1/ledgers/${VILLAGE}/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`push → ${res.status}: ${text}`);
  return JSON.parse(text) as SyncAnswer;
}

describePostgresOnly('two server instances on one PostgreSQL database', () => {
  let dir: string;
  let a: Instance | undefined;
  let b: Instance | undefined;
  let c: Instance | undefined;
  afterAll(async () => {
    await Promise.all([a, b, c].map((instance) => (instance ? stop(instance) : undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('share sessions and request ids, and lose or double-apply no change when both take pushes for one village', async () => {
    dir = makeTestDir('two-instances').dir;
    const env = testDatabaseEnv(join(dir, 'ledger.sqlite'));
    a = await startInstance(env); // migrates and seeds
    b = await startInstance(env); // finds both done
    const instances = [a, b];

    // a session made on A is valid on B
    const login = await fetch(`${a.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-village', password: DEMO_PASSWORD }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    expect((await fetch(`${b.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    // one row both instances will edit at once
    const shared = randomUUID();
    const created = await push(a, token, { clientId: 'setup', requestId: randomUUID(), changes: [{ rowId: shared, baseVersion: 0, values: { name: '共同编辑', foundOn: '2026-10-01' } }] });
    expect(created.applied).toEqual([expect.objectContaining({ rowId: shared, version: 1 })]);

    // 24 clients, half on each instance: each creates 5 rows and edits the shared row from version 1;
    // then each retries its request on the other instance
    const requests = Array.from({ length: 24 }, (_, i) => ({
      on: instances[i % 2],
      other: instances[(i + 1) % 2],
      body: {
        clientId: `client-${i}`,
        requestId: randomUUID(),
        changes: [
          ...Array.from({ length: 5 }, () => ({ rowId: randomUUID(), baseVersion: 0, values: { name: `客户端${i}`, foundOn: '2026-10-02' } })),
          { rowId: shared, baseVersion: 1, values: { notes: `来自客户端${i}` } },
        ],
      },
    }));
    const answers = await Promise.all(requests.map((request) => push(request.on, token, request.body)));
    const replays = await Promise.all(requests.map((request) => push(request.other, token, request.body)));
    expect(replays).toEqual(answers);

    const db = await openTestDatabase(join(dir, 'ledger.sqlite'));
    try {
      const newRows = requests.flatMap((request) => request.body.changes.filter((change) => change.rowId !== shared).map((change) => change.rowId));
      for (const answer of answers) {
        // every new row applied at version 1; the shared edit applied, merged or a conflict — never dropped
        expect(answer.applied.filter((applied) => applied.rowId !== shared)).toHaveLength(5);
        const sharedOutcomes = [...answer.applied, ...answer.conflicts, ...answer.unchanged].filter((outcome) => outcome.rowId === shared);
        expect(sharedOutcomes).toHaveLength(1);
      }
      const versions = await db.all<{ row_id: string; n: number }>(
        'SELECT row_id, COUNT(*) AS n FROM ledger_row_versions WHERE village_code = ? GROUP BY row_id',
        [VILLAGE],
      );
      const byRow = new Map(versions.map((row) => [row.row_id, row.n]));
      for (const rowId of newRows) expect(byRow.get(rowId)).toBe(1);
      // the shared row has one version per applied edit (plus its creation), none twice
      const appliedShared = answers.flatMap((answer) => answer.applied.filter((applied) => applied.rowId === shared));
      expect(byRow.get(shared)).toBe(1 + appliedShared.length);
      expect(new Set(appliedShared.map((applied) => applied.version)).size).toBe(appliedShared.length);
      // the village's change sequence: unique, no gaps, the counter at its end
      const seqs = (await db.all<{ seq: number }>('SELECT seq FROM ledger_row_versions WHERE village_code = ? ORDER BY seq', [VILLAGE])).map((row) => row.seq);
      const last = (await db.get<{ last_seq: number }>('SELECT last_seq FROM ledger_villages WHERE village_code = ?', [VILLAGE]))!.last_seq;
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
      expect(seqs[seqs.length - 1]).toBe(last);
      expect(await db.get('SELECT COUNT(*) AS n FROM ledger_sync_requests WHERE village_code = ? AND client_id LIKE ?', [VILLAGE, 'client-%'])).toEqual({ n: 24 });
    } finally {
      await db.close();
    }
  });

  it('share the login throttle: 30 parallel wrong guesses split over both instances reach the password check only as often as one instance allows', async () => {
    if (!a || !b) throw new Error('the instances of the first test are not running');
    const instances = [a, b];
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await fetch(`${instances[i % 2].url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'demo-township', password: `wrong-${i}` }),
        });
        return { status: res.status, retryAfter: Number(res.headers.get('retry-after')) };
      }),
    );
    const verified = results.filter((r) => r.status === 401);
    const refused = results.filter((r) => r.status === 429);
    // the free attempts (3 by default) in all — not 3 per instance
    expect(verified).toHaveLength(3);
    expect(refused).toHaveLength(27);
    for (const r of refused) expect(r.retryAfter).toBeGreaterThan(0);
    // even the right password, on either instance, waits out the backoff
    for (const instance of instances) {
      const right = await fetch(`${instance.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-township', password: DEMO_PASSWORD }) });
      expect(right.status).toBe(429);
    }
  });

  it('imports: started on one instance, polled and committed on the other; a read whose instance is killed is taken over after its lease and ends ready once', async () => {
    if (!a || !b) throw new Error('the instances of the first test are not running');
    const env = testDatabaseEnv(join(dir, 'ledger.sqlite'));
    const signIn = async (instance: Instance) => {
      const res = await fetch(`${instance.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-county', password: DEMO_PASSWORD }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    };
    const token = await signIn(a);
    const uploadTo = async (instance: Instance, buffer: Buffer, fileName: string) => {
      const form = new FormData();
      form.append('source', 'medical');
      form.append('period', '2026-10');
      form.append('file', new Blob([new Uint8Array(buffer)]), fileName);
      const res = await fetch(`${instance.url}/api/v1/counties/${COUNTY}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(res.status).toBe(202);
      return ((await res.json()) as { importId: string }).importId;
    };
    interface Polled { state: string; rowsRead: number; summary: { leadsNew: number } | null }
    const poll = async (instance: Instance, importId: string): Promise<Polled> => {
      const res = await fetch(`${instance.url}/api/v1/counties/${COUNTY}/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as Polled;
    };
    const commitOn = (instance: Instance, importId: string) =>
      fetch(`${instance.url}/api/v1/counties/${COUNTY}/imports/${importId}/commit`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const db = await openTestDatabase(join(dir, 'ledger.sqlite'));
    let big = '';
    try {
      const leadsOf = (importId: string) => db.get('SELECT COUNT(*) AS n FROM leads WHERE import_id = ?', [importId]);

      // started on A, polled and committed on B
      const shared = await uploadTo(a, medicalFile(401, 4, 2000), 'shared.csv');
      const ready = await waitUntil('the import started on A to be ready, seen from B', async () => {
        const seen = await poll(b!, shared);
        return seen.state !== 'reading' ? seen : undefined;
      }, { timeoutMs: 60_000, everyMs: 50 });
      expect(ready).toMatchObject({ state: 'ready', summary: { leadsNew: 4 } });
      expect((await commitOn(b, shared)).status).toBe(200);
      expect(await leadsOf(shared)).toEqual({ n: 4 });

      // C reads a large file under a short lease; B sees its progress, C is killed mid-read, B takes over
      c = await startInstance({ ...env, IMPORT_LEASE_MS: '1000' });
      big = await uploadTo(c, medicalFile(402, 5, 400_000), 'large.csv');
      const midRead = await waitUntil('B to see progress of the read running on C', async () => {
        const seen = await poll(b!, big);
        return seen.state === 'reading' && seen.rowsRead > 0 ? seen : undefined;
      }, { timeoutMs: 60_000, everyMs: 20 });
      expect(midRead.rowsRead).toBeLessThan(400_005);
      c.child.kill('SIGKILL');
      await new Promise<void>((resolveExit) => (c!.child.exitCode !== null || c!.child.signalCode !== null ? resolveExit() : c!.child.once('exit', () => resolveExit())));
      const killedOwner = (await db.get<{ lease_owner: string }>('SELECT lease_owner FROM imports WHERE id = ?', [big]))?.lease_owner;
      expect(killedOwner?.startsWith(`${c.child.pid}-`)).toBe(true);
      // B's polls find the lease run out and take the read over (its owner id starts with B's pid)
      const newOwner = await waitUntil('B to take over the lease of the killed instance', async () => {
        await poll(b!, big);
        const row = await db.get<{ lease_owner: string | null; state: string }>('SELECT lease_owner, state FROM imports WHERE id = ?', [big]);
        return row?.lease_owner && row.lease_owner !== killedOwner ? row.lease_owner : undefined;
      }, { timeoutMs: 60_000, everyMs: 100 });
      expect(newOwner.startsWith(`${b.child.pid}-`)).toBe(true);
      const takenOver = await waitUntil('B to take the read over and finish it', async () => {
        const seen = await poll(b!, big);
        return seen.state !== 'reading' ? seen : undefined;
      }, { timeoutMs: 180_000, everyMs: 100 });
      expect(takenOver).toMatchObject({ state: 'ready', rowsRead: 400_005, summary: { leadsNew: 5 } });
      // recorded once, by the new holder; the stored upload is gone
      expect(await db.get('SELECT lease_owner, lease_expires_at FROM imports WHERE id = ?', [big])).toEqual({ lease_owner: null, lease_expires_at: null });
      expect(await db.get('SELECT COUNT(*) AS n FROM import_upload_chunks WHERE import_id = ?', [big])).toEqual({ n: 0 });
      expect((await commitOn(b, big)).status).toBe(200);
      // committing again (on the other instance) adds nothing
      await commitOn(a, big);
      expect(await leadsOf(big)).toEqual({ n: 5 });
    } finally {
      await db.close();
      // the killed instance's private copy of the upload (same machine, same user): not left behind
      if (big) rmSync(join(importTempRoot(), big), { recursive: true, force: true });
    }
  });
});
