/**
 * The sync protocol over HTTP against a real SQLite file: new rows, edits, field merge, true
 * conflicts (both versions back, neither lost), tombstones, idempotent retries, pulls by cursor,
 * two clients converging, version history, re-validation findings, input checks and access.
 */
import { createHash, randomUUID } from 'crypto';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { startTestServer, type TestServer } from './helpers';
import { SyncClient, type Values } from './sync-client';
import { requestHashOf } from '../../server/ledger/sync';

const VILLAGE = '532301101201';
const SYNC = `/api/v1/ledgers/${VILLAGE}/sync`;

describe('ledger sync', () => {
  let server: TestServer;
  let token: string;
  const rng = createRng('sync-test');

  function person(overrides: Values = {}): Values {
    const values = fabricateLedgerValues(rng, { region: '532301', today: '2026-10-31' }) as Values;
    delete values.seq;
    return { ...values, ...overrides };
  }

  function client(id: string = randomUUID()): SyncClient {
    return new SyncClient(id, (body) => server.request('POST', SYNC, { token, body }));
  }

  async function push(body: Record<string, unknown>) {
    return server.request('POST', SYNC, { token, body: { clientId: 'test', requestId: randomUUID(), ...body } });
  }

  async function serverRow(rowId: string) {
    const rows = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500&includeDeleted=true`, { token });
    return rows.body.rows.find((row: { rowId: string }) => row.rowId === rowId);
  }

  async function versions(rowId: string) {
    const res = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows/${rowId}/versions`, { token });
    return res.body.versions as { version: number; changed: string[]; values: Values; userName: string; requestId: string; deleted: boolean }[];
  }

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login('demo-village');
  });
  afterAll(() => server.close());

  it('stores new rows as version 1 and pulls them back whole', async () => {
    const a = client();
    const first = a.create(person({ name: '张三' }));
    const second = a.create(person({ name: '李四' }));
    const res = await a.syncOnce();
    expect(res.conflicts).toEqual([]);
    expect(res.applied).toEqual(
      expect.arrayContaining([
        { rowId: first, version: 1, merged: false },
        { rowId: second, version: 1, merged: false },
      ]),
    );
    // stored as sent: the answer settles them by version (`applied`) and does not echo them back
    expect(res.changes.filter((change) => change.rowId === first || change.rowId === second)).toEqual([]);
    expect(res.hasMore).toBe(false);
    const latest = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows`, { token });
    expect(res.cursor).toBe(latest.body.cursor);
    // another client pulls them whole
    const pulled = (await client().syncOnce()).changes.find((change) => change.rowId === first)!;
    expect(pulled.version).toBe(1);
    expect(pulled.values.name).toBe('张三');
    // whole row: every column key present, empty ones as null
    expect(Object.keys(pulled.values)).toEqual(expect.arrayContaining(['name', 'idNumber', 'notes', 'closedOn']));
    expect(res.cursor).toBeGreaterThan(0);
    expect((await serverRow(second)).values.name).toBe('李四');
  });

  it('echoes an own change only when stored otherwise than sent (merged with another client’s edit)', async () => {
    const a = client();
    const b = client();
    const rowId = a.create(person({ name: '赵六', notes: null }));
    await a.syncOnce();
    await b.syncAll();
    b.edit(rowId, { notes: '乙的备注' });
    await b.syncOnce();
    // a edits another field from version 1 and adds a row: the edit is merged (version 3 holds both),
    // so it comes back whole; the new row was stored as sent and only `applied` names it
    a.edit(rowId, { phone: '13900000009' });
    const fresh = a.create(person({ name: '钱七' }));
    const res = await a.syncOnce();
    expect(res.applied).toEqual(expect.arrayContaining([{ rowId, version: 3, merged: true }, { rowId: fresh, version: 1, merged: false }]));
    const echoed = res.changes.filter((change) => change.rowId === rowId || change.rowId === fresh);
    expect(echoed.map((change) => [change.rowId, change.version])).toEqual([[rowId, 3]]);
    expect(echoed[0].values).toMatchObject({ notes: '乙的备注', phone: '13900000009' });
    expect(a.rows.get(rowId)?.values).toMatchObject({ notes: '乙的备注', phone: '13900000009' });
  });

  it('a push whose pull page is full leaves its own rows to the pages after, which carry them', async () => {
    const c = client();
    const own = [c.create(person({ name: '孙八' })), c.create(person({ name: '周九' }))];
    const first = await c.syncOnce(undefined, 5);
    expect(first.hasMore).toBe(true);
    expect(first.changes).toHaveLength(5);
    // the cursor stops at the page's end: neither the older changes after it nor the own rows are skipped
    const atPush = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows`, { token });
    expect(first.cursor).toBeLessThan(atPush.body.cursor - own.length);
    const pages = await c.syncAll(500);
    const later = pages.flatMap((page) => page.changes).filter((change) => own.includes(change.rowId));
    expect(later.map((change) => change.rowId).sort()).toEqual([...own].sort());
    expect(pages.at(-1)?.hasMore).toBe(false);
    const latest = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows`, { token });
    expect(pages.at(-1)?.cursor).toBe(latest.body.cursor);
  });

  it('applies an edit on the current version and keeps the fields not sent', async () => {
    const a = client();
    const rowId = a.create(person({ name: '王五', phone: '13800000001' }));
    await a.syncOnce();
    a.edit(rowId, { notes: '已电话联系' });
    const res = await a.syncOnce();
    expect(res.applied).toEqual([{ rowId, version: 2, merged: false }]);
    const row = await serverRow(rowId);
    expect(row.version).toBe(2);
    expect(row.values).toMatchObject({ name: '王五', phone: '13800000001', notes: '已电话联系' });
  });

  it('merges edits of different fields made on the same base version', async () => {
    const a = client();
    const rowId = a.create(person({ name: '赵六', address: '旧地址' }));
    await a.syncOnce();
    const b = client();
    await b.syncAll();
    expect(b.rows.get(rowId)!.version).toBe(1);

    a.edit(rowId, { phone: '13900000002' });
    await a.syncOnce();
    b.edit(rowId, { address: '新地址1组' });
    const res = await b.syncOnce();
    expect(res.conflicts).toEqual([]);
    expect(res.applied).toEqual([{ rowId, version: 3, merged: true }]);
    const row = await serverRow(rowId);
    expect(row.values).toMatchObject({ phone: '13900000002', address: '新地址1组', name: '赵六' });
  });

  it('returns a true conflict with both versions and overwrites nothing', async () => {
    const a = client();
    const rowId = a.create(person({ verifier: '张志强' }));
    await a.syncOnce();
    const b = client();
    await b.syncAll();

    a.edit(rowId, { verifier: '李丽华' });
    await a.syncOnce();
    b.edit(rowId, { verifier: '王建国', notes: '补充说明' });
    const res = await b.syncOnce();
    expect(res.applied).toEqual([]);
    expect(res.conflicts).toHaveLength(1);
    const conflict = res.conflicts[0];
    expect(conflict).toMatchObject({ rowId, reason: 'fields', baseVersion: 1, serverVersion: 2, fields: ['verifier'] });
    expect(conflict.server.values.verifier).toBe('李丽华');
    expect(conflict.client.values).toEqual({ verifier: '王建国', notes: '补充说明' });
    // nothing overwritten, not even the non-overlapping field of the conflicting change
    const row = await serverRow(rowId);
    expect(row.version).toBe(2);
    expect(row.values.verifier).toBe('李丽华');
    expect(row.values.notes).not.toBe('补充说明');
    expect((await versions(rowId)).map((v) => v.values.verifier)).toEqual(['张志强', '李丽华']);

    // resolving: the client re-bases on the server version and keeps its value → applied, both kept in history
    b.keepMine();
    const resolved = await b.syncOnce();
    expect(resolved.applied).toEqual([{ rowId, version: 3, merged: false }]);
    expect((await versions(rowId)).map((v) => v.values.verifier)).toEqual(['张志强', '李丽华', '王建国']);
  });

  it('treats the same change made on both sides as no conflict and no new version', async () => {
    const a = client();
    const rowId = a.create(person());
    await a.syncOnce();
    const b = client();
    await b.syncAll();
    a.edit(rowId, { status: '核实中' });
    await a.syncOnce();
    b.edit(rowId, { status: '核实中' });
    const res = await b.syncOnce();
    expect(res.conflicts).toEqual([]);
    // answered as unchanged, not as applied at a version b did not make
    expect(res.applied).toEqual([]);
    expect(res.unchanged).toEqual([{ rowId, serverVersion: 2 }]);
    expect(await versions(rowId)).toHaveLength(2);
    expect(b.rows.get(rowId)!.version).toBe(2); // pulled
  });

  it('a stale delete meeting a delete and re-create is a conflict, and the re-created row stays (issue 8 part 6)', async () => {
    const y = client();
    const rowId = y.create(person({ notes: '原始' }));
    await y.syncOnce();
    const x = client();
    await x.syncAll();
    // y deletes (v2) and re-creates (v3)
    y.remove(rowId);
    await y.syncOnce();
    // the re-create changes no value: only the flag says anything happened
    const recreate = await push({ changes: [{ rowId, baseVersion: 2, values: {}, deleted: false }] });
    expect(recreate.body.applied).toEqual([{ rowId, version: 3, merged: false }]);
    // x, still on v1, deletes
    x.remove(rowId);
    const res = await x.syncOnce();
    expect(res.applied).toEqual([]);
    expect(res.conflicts).toMatchObject([{ rowId, reason: 'deleted', baseVersion: 1, serverVersion: 3, server: { deleted: false }, client: { deleted: true } }]);
    const row = await serverRow(rowId);
    expect(row).toMatchObject({ version: 3, deleted: false });
    expect(row.values.notes).toBe('原始');
  });

  it('a stale re-create on a tombstone deleted again is a conflict, never applied while the row stays deleted', async () => {
    const rowId = randomUUID();
    await push({ changes: [{ rowId, baseVersion: 0, values: person({ notes: 'v1' }) }] });
    await push({ changes: [{ rowId, baseVersion: 1, values: {}, deleted: true }] }); // v2
    await push({ changes: [{ rowId, baseVersion: 2, values: {}, deleted: false }] }); // v3 re-created
    await push({ changes: [{ rowId, baseVersion: 3, values: {}, deleted: true }] }); // v4 deleted again
    // z re-creates from the first tombstone, with the values the server has
    const res = await push({ changes: [{ rowId, baseVersion: 2, values: {}, deleted: false }] });
    expect(res.body.applied).toEqual([]);
    expect(res.body.unchanged).toEqual([]);
    expect(res.body.conflicts).toMatchObject([{ rowId, reason: 'deleted', serverVersion: 4, server: { deleted: true }, client: { deleted: false } }]);
    expect(await serverRow(rowId)).toMatchObject({ version: 4, deleted: true });
    // on the current tombstone the re-create applies
    const ok = await push({ changes: [{ rowId, baseVersion: 4, values: {}, deleted: false }] });
    expect(ok.body.applied).toEqual([{ rowId, version: 5, merged: false }]);
    expect((await versions(rowId)).map((v) => v.deleted)).toEqual([false, true, false, true, false]);
  });

  it("accepts '' as empty for every column type (numbers, dates, lists) and clears the value", async () => {
    const rowId = randomUUID();
    await push({ changes: [{ rowId, baseVersion: 0, values: person({ householdSize: 4, amount: 300, verifiedOn: '2026-10-20', routes: ['临时救助'] }) }] });
    const res = await push({ changes: [{ rowId, baseVersion: 1, values: { householdSize: '', amount: '', verifiedOn: '', routes: '', notes: '' } }] });
    expect(res.status).toBe(200);
    expect(res.body.applied).toEqual([{ rowId, version: 2, merged: false }]);
    const row = await serverRow(rowId);
    expect(row.values).toMatchObject({ householdSize: null, amount: null, verifiedOn: null, routes: null });
    // a new row with '' stores nothing for those keys, and clearing again is unchanged
    const fresh = randomUUID();
    const made = await push({ changes: [{ rowId: fresh, baseVersion: 0, values: person({ householdSize: '', closedOn: '', categories: ['老年人'] }) }] });
    expect(made.status).toBe(200);
    expect((await serverRow(fresh)).values.householdSize).toBeNull();
    const again = await push({ changes: [{ rowId, baseVersion: 2, values: { householdSize: '', verifiedOn: '' } }] });
    expect(again.body.unchanged).toEqual([{ rowId, serverVersion: 2 }]);
    // text that is not a number or a date is still refused, saying what is expected
    const bad = await push({ changes: [{ rowId, baseVersion: 2, values: { householdSize: '四' } }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toContain('householdSize');
    expect(JSON.stringify(bad.body.error.issues)).toMatch(/应为数字/);
  });

  it('syncs deletes as tombstones to every client and refuses to lose a concurrent edit', async () => {
    const a = client();
    const keep = a.create(person());
    const gone = a.create(person());
    await a.syncOnce();
    const b = client();
    await b.syncAll();
    const c = client();
    await c.syncAll();

    a.remove(gone);
    const del = await a.syncOnce();
    expect(del.applied).toEqual([{ rowId: gone, version: 2, merged: false }]);

    const pulled = await b.syncOnce();
    const tombstone = pulled.changes.find((change) => change.rowId === gone)!;
    expect(tombstone).toMatchObject({ version: 2, deleted: true });
    expect(b.rows.get(gone)!.deleted).toBe(true);

    // listing hides tombstones unless asked
    const live = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token });
    expect(live.body.rows.map((row: { rowId: string }) => row.rowId)).not.toContain(gone);
    expect((await serverRow(gone)).deleted).toBe(true);

    // c edits the deleted row on its old base → conflict 'deleted', the tombstone stays
    c.edit(gone, { notes: '还在吗' });
    const edit = await c.syncOnce();
    expect(edit.conflicts).toMatchObject([{ rowId: gone, reason: 'deleted', serverVersion: 2, server: { deleted: true } }]);
    expect((await serverRow(gone)).deleted).toBe(true);

    // b edits `keep`, c deletes `keep` on its old base → conflict 'delete_edit', the edit stays
    b.edit(keep, { notes: '新情况' });
    await b.syncOnce();
    const stale = await push({ changes: [{ rowId: keep, baseVersion: 1, values: {}, deleted: true }] });
    expect(stale.body.conflicts).toMatchObject([{ rowId: keep, reason: 'delete_edit', fields: ['notes'] }]);
    expect((await serverRow(keep)).deleted).toBe(false);
  });

  it('answers a retried request id with the first answer and applies nothing twice', async () => {
    const rowId = randomUUID();
    const body = { clientId: 'retry', requestId: randomUUID(), changes: [{ rowId, baseVersion: 0, values: person() }] };
    const auditBefore = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ledger.sync'");
    const first = await server.request('POST', SYNC, { token, body });
    // someone else edits in between: the retry must still not re-apply, and must answer as the first time
    await push({ changes: [{ rowId, baseVersion: 1, values: { notes: '他人修改' } }] });
    const again = await server.request('POST', SYNC, { token, body });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await versions(rowId)).map((v) => v.version)).toEqual([1, 2]);
    const auditAfter = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'ledger.sync'");
    expect(auditAfter!.n - auditBefore!.n).toBe(2);
  });

  it('refuses a request id reused with different content (409 request_id_reused), stores nothing of it, and still replays the first', async () => {
    const rowId = randomUUID();
    const requestId = randomUUID();
    const body = { clientId: 'reuse', requestId, changes: [{ rowId, baseVersion: 0, values: person({ notes: '第一次' }) }] };
    const first = await server.request('POST', SYNC, { token, body });
    expect(first.status).toBe(200);

    // another row, or the same row with another value, under the same id: refused, not replayed
    const otherRow = randomUUID();
    for (const changes of [
      [{ rowId: otherRow, baseVersion: 0, values: person() }],
      [{ rowId, baseVersion: 0, values: { ...body.changes[0].values, notes: '第二次' } }],
      [...body.changes, { rowId: otherRow, baseVersion: 0, values: person() }],
    ]) {
      const reused = await server.request('POST', SYNC, { token, body: { ...body, changes } });
      expect(reused.status).toBe(409);
      expect(reused.body.error.code).toBe('request_id_reused');
      expect(reused.body.error.message).toMatch(/请求编号.*新的请求编号/);
      expect(reused.body.error.en).toMatch(/new requestId/);
    }
    expect(await serverRow(otherRow)).toBeUndefined();
    expect((await serverRow(rowId)).values.notes).toBe('第一次');

    // the same content again is still a retry, answered as the first time
    const again = await server.request('POST', SYNC, { token, body: JSON.parse(JSON.stringify(body)) });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a retry is the same bytes (the body is hashed as sent); an answer kept with a content hash (older servers) replays the same content in any key order', async () => {
    const rowId = randomUUID();
    const requestId = randomUUID();
    const body = { clientId: 'bytes', requestId, changes: [{ rowId, baseVersion: 0, values: person({ notes: '原样重发' }) }] };
    const raw = JSON.stringify(body);
    const first = await server.request('POST', SYNC, { token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(first.status).toBe(200);
    const kept = await server.deps.db.get<{ request_hash: string }>('SELECT request_hash FROM ledger_sync_requests WHERE request_id = ?', [requestId]);
    expect(kept?.request_hash).toBe(`body:${createHash('sha256').update(raw).digest('hex')}`);
    // byte for byte: a retry
    const again = await server.request('POST', SYNC, { token, rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // the same content written otherwise (keys reordered): another body under the same id
    const { changes, ...rest } = body;
    const reordered = JSON.stringify({ changes, ...rest });
    const other = await server.request('POST', SYNC, { token, rawBody: reordered, headers: { 'content-type': 'application/json' } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('request_id_reused');
    // an answer kept with a hash of the content (as servers before this one kept them)
    await server.deps.db.run('UPDATE ledger_sync_requests SET request_hash = ? WHERE request_id = ?', [requestHashOf(body), requestId]);
    const legacy = await server.request('POST', SYNC, { token, rawBody: reordered, headers: { 'content-type': 'application/json' } });
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('idempotent-replayed')).toBe('true');
    expect(legacy.body).toEqual(first.body);
    expect((await versions(rowId)).map((v) => v.version)).toEqual([1]);
  });

  it('pulls by cursor in pages, each change once, none missed', async () => {
    const a = client();
    const made = Array.from({ length: 7 }, () => a.create(person()));
    await a.syncOnce();
    const b = client();
    const seen: string[] = [];
    const cursors: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await b.syncOnce(undefined, 3);
      expect(res.changes.length).toBeLessThanOrEqual(3);
      seen.push(...res.changes.map((change) => `${change.rowId}@${change.version}`));
      cursors.push(res.cursor);
      if (!res.hasMore) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const rowId of made) expect(seen).toContain(`${rowId}@1`);
    expect([...cursors].sort((x, y) => x - y)).toEqual(cursors);
    // nothing new → empty pull with the same cursor
    const idle = await b.syncOnce();
    expect(idle.changes).toEqual([]);
    expect(idle.cursor).toBe(cursors[cursors.length - 1]);
    // one edit → exactly that change after the cursor
    a.edit(made[3], { notes: '第二次走访' });
    await a.syncOnce();
    const next = await b.syncOnce();
    expect(next.changes.map((change) => [change.rowId, change.version])).toEqual([[made[3], 2]]);
  });

  it('two clients editing offline converge to the same ledger without losing an edit', async () => {
    const a = client('workbook-a');
    const b = client('workbook-b');
    const shared = Array.from({ length: 6 }, (_, i) => a.create(person({ name: `共享${i}` })));
    await a.syncAll();
    await b.syncAll();

    // offline: a and b change different and the same rows/fields; each adds rows; a deletes one
    a.edit(shared[0], { phone: '13700000000' });
    b.edit(shared[0], { address: '乙的地址' });
    a.edit(shared[1], { notes: '甲的备注' });
    b.edit(shared[1], { notes: '乙的备注' });
    a.remove(shared[2]);
    b.edit(shared[3], { householdSize: 4 });
    const onlyA = a.create(person({ name: '甲新增' }));
    const onlyB = b.create(person({ name: '乙新增' }));

    await a.syncAll();
    const bRes = await b.syncAll();
    const conflicts = bRes.flatMap((r) => r.conflicts);
    expect(conflicts.map((c) => [c.rowId, c.fields])).toEqual([[shared[1], ['notes']]]);
    // b keeps its own note after seeing a's; then both pull
    b.keepMine();
    await b.syncAll();
    await a.syncAll();
    await b.syncAll();

    expect(a.snapshot()).toEqual(b.snapshot());
    const final = a.snapshot();
    expect(final[shared[0]]).toMatchObject({ phone: '13700000000', address: '乙的地址' });
    expect(final[shared[1]].notes).toBe('乙的备注');
    expect(final[shared[2]]).toBeUndefined();
    expect(final[shared[3]].householdSize).toBe(4);
    expect(final[onlyA].name).toBe('甲新增');
    expect(final[onlyB].name).toBe('乙新增');
    // a's overwritten note is still in the history
    expect((await versions(shared[1])).map((v) => v.values.notes)).toEqual(expect.arrayContaining(['甲的备注', '乙的备注']));
  });

  it('keeps every version with who, when, which request and which fields', async () => {
    const requestId = randomUUID();
    const rowId = randomUUID();
    await server.request('POST', SYNC, { token, body: { clientId: 'hist', requestId, changes: [{ rowId, baseVersion: 0, values: person() }] } });
    await push({ changes: [{ rowId, baseVersion: 1, values: { notes: '一' } }] });
    await push({ changes: [{ rowId, baseVersion: 2, values: { notes: '二', verifier: '张三' } }] });
    const list = await versions(rowId);
    expect(list.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(list[0]).toMatchObject({ userName: 'demo-village', requestId });
    expect(list[2].changed.sort()).toEqual(['notes', 'verifier']);
    expect(list[1].values.notes).toBe('一');
  });

  it('stores rows with errors and returns their findings', async () => {
    const rowId = randomUUID();
    const bad = person({ idNumber: '532301199001011234' }); // wrong check character
    const res = await push({ changes: [{ rowId, baseVersion: 0, values: bad }] });
    expect(res.status).toBe(200);
    expect(res.body.applied).toEqual([{ rowId, version: 1, merged: false }]);
    const entry = res.body.findings.find((f: { rowId: string }) => f.rowId === rowId);
    expect(entry.errors).toBeGreaterThan(0);
    expect(entry.findings.map((f: { code: string }) => f.code)).toContain('id.checksum');
    const row = await serverRow(rowId);
    expect(row.errors).toBeGreaterThan(0);
    // fixing it clears the error count
    const other = person();
    const fixed = await push({ changes: [{ rowId, baseVersion: 1, values: { idNumber: other.idNumber, gender: other.gender } }] });
    expect(fixed.body.findings.filter((f: { rowId: string; errors: number }) => f.rowId === rowId && f.errors > 0)).toEqual([]);
    expect((await serverRow(rowId)).errors).toBe(0);
  });

  it('a pushed row naming another village gets the warning village.other (the same village written otherwise does not)', async () => {
    const other = randomUUID();
    const own = randomUUID();
    const res = await push({
      changes: [
        { rowId: other, baseVersion: 0, values: person({ township: '东瓜镇', village: '东瓜示例村' }) },
        { rowId: own, baseVersion: 0, values: person({ township: '鹿城镇', village: '示范村村委会' }) },
      ],
    });
    expect(res.status).toBe(200);
    const codes = (rowId: string) =>
      (res.body.findings.find((f: { rowId: string }) => f.rowId === rowId)?.findings ?? []) as { code: string; severity: string; message: string }[];
    const finding = codes(other).find((f) => f.code === 'village.other');
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding?.message).toContain('“示范村”的台账');
    expect(codes(own).map((f) => f.code)).not.toContain('village.other');
    // a warning: stored with the row, it does not count as an error
    expect((await serverRow(other)).warnings).toBeGreaterThan(0);
  });

  it('rejects what the column list does not allow, and applies nothing of such a request', async () => {
    const good = { rowId: randomUUID(), baseVersion: 0, values: person() };
    const cases: [string, unknown][] = [
      ['unknown key', { rowId: randomUUID(), baseVersion: 0, values: { nmae: 'x' } }],
      ['machine column', { rowId: randomUUID(), baseVersion: 0, values: { version: 3 } }],
      ['bad date', { rowId: randomUUID(), baseVersion: 0, values: { foundOn: '2026/10/05' } }],
      ['impossible date', { rowId: randomUUID(), baseVersion: 0, values: { foundOn: '2026-02-30' } }],
      ['multi as text', { rowId: randomUUID(), baseVersion: 0, values: { categories: '老年人' } }],
      ['number as text', { rowId: randomUUID(), baseVersion: 0, values: { householdSize: '三' } }],
      ['not a uuid', { rowId: 'row-1', baseVersion: 0, values: {} }],
      ['negative base', { rowId: randomUUID(), baseVersion: -1, values: {} }],
    ];
    for (const [label, change] of cases) {
      const res = await push({ changes: [good, change] });
      expect({ label, status: res.status }).toEqual({ label, status: 400 });
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    const dup = await push({ changes: [good, { ...good, values: { notes: 'x' } }] });
    expect(dup.status).toBe(400);
    expect(await serverRow(good.rowId)).toBeUndefined();
    // SQL- and formula-looking text is stored literally
    const literal = { rowId: randomUUID(), baseVersion: 0, values: person({ notes: "'); DROP TABLE ledger_rows; --", hardship: '=HYPERLINK("x")' }) };
    expect((await push({ changes: [literal] })).status).toBe(200);
    expect((await serverRow(literal.rowId)).values).toMatchObject({ notes: "'); DROP TABLE ledger_rows; --", hardship: '=HYPERLINK("x")' });
  });

  it('lets only the village itself push; others read masked ID numbers', async () => {
    const rowId = randomUUID();
    const values = person();
    await push({ changes: [{ rowId, baseVersion: 0, values }] });
    const body = { clientId: 'x', requestId: randomUUID(), changes: [] };
    const township = await server.login('demo-township');
    expect((await server.request('POST', SYNC, { token: township, body })).status).toBe(403);
    const other = await server.login('demo-village2');
    expect((await server.request('POST', SYNC, { token: other, body })).status).toBe(403);
    expect((await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows`, { token: other })).status).toBe(403);

    const own = (await serverRow(rowId)).values.idNumber;
    expect(own).toBe(values.idNumber);
    for (const username of ['demo-township', 'demo-county', 'demo-prefecture', 'demo-admin']) {
      const t = await server.login(username);
      const res = await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token: t });
      expect(res.status).toBe(200);
      expect(res.body.masked).toBe(true);
      const row = res.body.rows.find((r: { rowId: string }) => r.rowId === rowId);
      expect(row.values.idNumber).toBe(`${own.slice(0, 6)}********${own.slice(-4)}`);
      expect(res.text).not.toContain(own);
    }
  });

  it('keeps ID numbers and names out of the log', async () => {
    const values = person();
    await push({ changes: [{ rowId: randomUUID(), baseVersion: 0, values }] });
    const log = server.logText();
    expect(log).toContain('/sync');
    expect(log).not.toContain(values.idNumber as string);
    expect(log).not.toContain(values.name as string);
  });
});
