/**
 * The 同步提交 pane's sync engine on the memory host (the same placement code as Excel) against the
 * real server: first sync of a workbook, only changed rows pushed, others' changes written into
 * the sheet, a conflict made by a second client kept for the user and resolved field by field,
 * a request whose answer was lost sent again with the same requestId, rows that cannot be sent,
 * rows removed from the sheet deleted only when confirmed, rows deleted elsewhere left on the sheet.
 */
import { defined } from '../../ledger/defined';
import { randomUUID } from 'crypto';
import { ApiClient, type FetchLike } from '../../addin/api/client';
import { demoWorkbook } from '../../addin/host/demo-workbook';
import { MemoryHost } from '../../addin/host/memory-host';
import { OtherVillageError, SYNC_SETTING, SyncEngine, WrongVillageError, planSync, readSyncState, rowMark, SyncStateError } from '../../addin/panes/sync/engine';
import { hostSyncSheet, type SheetRow } from '../../addin/panes/sync/sheet-rows';
import { idCheckChar } from '../../ledger/id-number';
import { startTestServer, type TestServer } from '../server/helpers';

const VILLAGE = '532301101201'; // 示范村: the server's demo ledger has rows for it
const noWait = () => Promise.resolve();

function header(host: MemoryHost, text: string): number {
  const rows = host.sheet('台账').values;
  for (const row of rows.slice(0, 5)) {
    const index = row.indexOf(text);
    if (index >= 0) return index;
  }
  throw new Error(`no column ${text}`);
}

function rowOf(host: MemoryHost, rowId: string): unknown[] {
  const column = header(host, '记录ID');
  const row = host.sheet('台账').values.find((cells) => cells[column] === rowId);
  if (!row) throw new Error(`row ${rowId} not on the sheet`);
  return row;
}

function cell(host: MemoryHost, rowId: string, headerText: string): unknown {
  return rowOf(host, rowId)[header(host, headerText)];
}

function setCell(host: MemoryHost, rowId: string, headerText: string, value: unknown): void {
  rowOf(host, rowId)[header(host, headerText)] = value;
}

describe('sync engine (memory host ↔ real server)', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login('demo-village');
  });
  afterAll(() => server.close());

  function client(fetchImpl?: FetchLike): ApiClient {
    return new ApiClient({ baseUrl: server.baseUrl, token: () => token, backoff: noWait, retries: 0, fetch: fetchImpl });
  }

  /**
   * The demo workbook with people of their own (digits 15–16 of every ID number set to `batch`,
   * gender digit kept): the engine pairs rows without 记录ID with the server's rows by ID number,
   * so a workbook of the same people as an earlier test's would sync as that test's rows.
   */
  let batches = 10;
  async function freshWorkbook(batch = batches++) {
    const workbook = demoWorkbook();
    const sheet = workbook.sheets?.find((s) => s.name === '台账') ?? workbook.sheets?.[0];
    const values = sheet?.values as unknown[][];
    const idColumn = values[1].indexOf('公民身份号码');
    for (const row of values.slice(2)) {
      const id = row[idColumn];
      if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) continue;
      const first17 = `${id.slice(0, 14)}${String(batch).padStart(2, '0')}${id[16]}`;
      row[idColumn] = `${first17}${idCheckChar(first17)}`;
    }
    const host = new MemoryHost(workbook);
    const engine = new SyncEngine(hostSyncSheet(host), client(), { villageCode: VILLAGE });
    return { host, engine };
  }

  it('first sync: the sheet’s rows get 记录ID and are pushed, the server’s rows are appended; a second sync pushes nothing', async () => {
    const { host, engine } = await freshWorkbook();
    const serverRows = (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token })).body.total as number;
    const before = (await hostSyncSheet(host).readRows()).length;
    const progress: string[] = [];
    const outcome = await engine.syncNow({ onProgress: (p) => progress.push(p.phase) });
    expect(outcome.pushed).toBe(before);
    expect(outcome.applied).toBe(before);
    expect(outcome.conflicts).toEqual([]);
    expect(progress[0]).toBe('reading');
    expect(progress.at(-1)).toBe('done');

    const rows = await hostSyncSheet(host).readRows();
    expect(rows).toHaveLength(before + serverRows);
    expect(rows.every((row) => row.rowId && row.version >= 1)).toBe(true);
    expect(new Set(rows.map((row) => row.rowId)).size).toBe(rows.length);
    // machine columns hidden, ID numbers of pulled rows written as text
    expect(host.sheet('台账').hiddenColumns.has(header(host, '记录ID'))).toBe(true);

    const state = readSyncState((await host.readSettings())[SYNC_SETTING]);
    expect(state?.villageCode).toBe(VILLAGE);
    expect(Object.keys(state!.fingerprints)).toHaveLength(rows.length);
    // fingerprints only: no personal data in the workbook settings
    expect(JSON.stringify(await host.readSettings())).not.toMatch(/\d{17}[\dX]/);

    const again = await engine.syncNow();
    expect(again.pushed).toBe(0);
    expect(again.pulled).toBe(0);
  });

  it('pushes only the edited row; pulls another client’s edit into the sheet', async () => {
    const { host, engine } = await freshWorkbook();
    await engine.syncNow();
    const [mine, theirs] = (await hostSyncSheet(host).readRows()).slice(0, 2);
    setCell(host, mine.rowId!, '备注', '本机修改');

    const other = client();
    const response = await other.sync(VILLAGE, {
      clientId: 'second-client',
      requestId: randomUUID(),
      changes: [{ rowId: theirs.rowId!, baseVersion: theirs.version, values: { notes: '他人修改' } }],
    });
    expect(response.applied).toHaveLength(1);

    const outcome = await engine.syncNow();
    expect(outcome.pushed).toBe(1);
    expect(outcome.pulled).toBe(1);
    expect(cell(host, theirs.rowId!, '备注')).toBe('他人修改');
    expect(cell(host, theirs.rowId!, '版本号')).toBe(theirs.version + 1);
    expect(cell(host, mine.rowId!, '版本号')).toBe(mine.version + 1);
  });

  it('a conflict keeps the sheet as typed until the user chooses, field by field', async () => {
    const { host, engine } = await freshWorkbook();
    await engine.syncNow();
    const [row] = await hostSyncSheet(host).readRows();
    const rowId = row.rowId!;
    // the second client changes 备注 and 困难情形; this workbook changes 备注 and 家庭住址
    await client().sync(VILLAGE, {
      clientId: 'second-client',
      requestId: randomUUID(),
      changes: [{ rowId, baseVersion: row.version, values: { notes: '乡镇改的备注', hardship: '乡镇补充的困难情形' } }],
    });
    setCell(host, rowId, '备注', '村里改的备注');
    setCell(host, rowId, '家庭住址', '示范村3组');

    const outcome = await engine.syncNow();
    expect(outcome.conflicts).toHaveLength(1);
    const [conflict] = outcome.conflicts;
    expect(conflict).toMatchObject({ rowId, reason: 'fields', fields: ['notes'] });
    expect(cell(host, rowId, '备注')).toBe('村里改的备注'); // nothing applied without a choice
    expect(engine.conflicts).toHaveLength(1);
    await expect(engine.resolve(conflict, {})).rejects.toThrow(/notes/);

    // still a conflict on the next sync (the row stays "changed")
    expect((await engine.syncNow()).conflicts).toHaveLength(1);

    const resolved = await engine.resolve(conflict, { notes: 'mine' });
    expect(resolved.conflicts).toEqual([]);
    expect(engine.conflicts).toEqual([]);
    expect(cell(host, rowId, '备注')).toBe('村里改的备注');
    expect(cell(host, rowId, '困难情形')).toBe('乡镇补充的困难情形'); // the other side's non-overlapping change kept
    expect(cell(host, rowId, '家庭住址')).toBe('示范村3组'); // my non-overlapping change kept
    const server = await client().rowVersions(VILLAGE, rowId);
    expect(server.versions.at(-1)?.values).toMatchObject({ notes: '村里改的备注', hardship: '乡镇补充的困难情形', address: '示范村3组' });
    expect((await engine.syncNow()).pushed).toBe(0);
  });

  it('keep-theirs writes the server’s value into the sheet', async () => {
    const { host, engine } = await freshWorkbook();
    await engine.syncNow();
    const [, row] = await hostSyncSheet(host).readRows();
    const rowId = row.rowId!;
    await client().sync(VILLAGE, { clientId: 'second-client', requestId: randomUUID(), changes: [{ rowId, baseVersion: row.version, values: { householdSize: 5 } }] });
    setCell(host, rowId, '家庭人口', 4); // the demo row holds 3: a change of mine
    const [conflict] = (await engine.syncNow()).conflicts;
    expect(conflict.fields).toEqual(['householdSize']);
    await engine.resolve(conflict, { householdSize: 'theirs' });
    expect(cell(host, rowId, '家庭人口')).toBe(5);
    expect((await engine.syncNow()).pushed).toBe(0);
  });

  it('a request whose answer was lost is sent again with the same requestId; applied once', async () => {
    const { host } = await freshWorkbook();
    const sent: string[] = [];
    let online = true;
    let dropNextAnswer = false;
    const flaky: FetchLike = async (url, init) => {
      if (!online) throw new TypeError('offline');
      // pushes only: the first sync's read of the server's rows (pairing by ID number) has nothing to resend
      const body = JSON.parse(String(init.body)) as { requestId: string; changes: unknown[] };
      if (body.changes.length === 0) return fetch(url, init);
      sent.push(body.requestId);
      const response = await fetch(url, init);
      if (dropNextAnswer) {
        dropNextAnswer = false;
        online = false;
        await response.text();
        throw new TypeError('connection reset');
      }
      return response;
    };
    const engine = new SyncEngine(hostSyncSheet(host), client(flaky), { villageCode: VILLAGE });
    dropNextAnswer = true;
    await expect(engine.syncNow()).rejects.toMatchObject({ kind: 'unreachable' });
    expect(engine.retryPending).toBe(true);
    await expect(engine.syncNow()).rejects.toMatchObject({ kind: 'unreachable' }); // still offline
    online = true;
    const outcome = await engine.syncNow();
    expect(engine.retryPending).toBe(false);
    expect(sent[1]).toBe(sent[0]); // the same request again
    expect(outcome.conflicts).toEqual([]);
    const rows = await hostSyncSheet(host).readRows();
    const own = rows.filter((row) => row.excelRow <= 5); // the workbook's own three rows (title, header, 3 rows)
    expect(own).toHaveLength(3);
    expect(own.every((row) => row.version === 1)).toBe(true); // applied once, not twice
    expect((await engine.syncNow()).pushed).toBe(0);
  });

  it('a row pushed and then removed from the sheet before the answer arrives is put back as the server keeps it', async () => {
    const host = new MemoryHost(demoWorkbook());
    let removed: { rowId: unknown; name: unknown } | undefined;
    // The answer of the push comes back after the user removed the first row: the server stored it
    // as sent, so the answer settles it by version alone (no echo) — the engine must still show it.
    const removingDuringPush: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (!removed && (JSON.parse(String(init.body)) as { changes: unknown[] }).changes.length > 0) {
        const values = host.sheet('台账').values;
        const row = values[2];
        removed = { rowId: row[header(host, '记录ID')], name: row[header(host, '姓名')] };
        values.splice(2, 1);
      }
      return response;
    };
    const engine = new SyncEngine(hostSyncSheet(host), client(removingDuringPush), { villageCode: VILLAGE });
    const outcome = await engine.syncNow();
    expect(outcome.conflicts).toEqual([]);
    expect(removed?.name).toBe('示例甲');
    expect(cell(host, String(removed!.rowId), '姓名')).toBe('示例甲');
    const back = (await hostSyncSheet(host).readRows()).find((row) => row.rowId === removed!.rowId)!;
    expect(back.version).toBe(1);
    expect((await engine.syncNow()).pushed).toBe(0);
  });

  it('an edit typed while its row’s push is on the way stays on the sheet and goes with the next sync', async () => {
    const host = new MemoryHost(demoWorkbook());
    let typing: (() => void) | undefined;
    const typingDuringPush: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if ((JSON.parse(String(init.body)) as { changes: unknown[] }).changes.length > 0) typing?.();
      typing = undefined;
      return response;
    };
    const engine = new SyncEngine(hostSyncSheet(host), client(typingDuringPush), { villageCode: VILLAGE });
    await engine.syncNow();
    const row = (await hostSyncSheet(host).readRows()).find((r) => r.values.name === '示例甲')!;
    setCell(host, row.rowId!, '备注', '第一次填写');
    typing = () => setCell(host, row.rowId!, '备注', '推送途中改的');
    const first = await engine.syncNow();
    expect(first.applied).toBe(1);
    // the sheet keeps what the user typed last, not the value that was on its way
    expect(cell(host, row.rowId!, '备注')).toBe('推送途中改的');
    const server1 = (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token })).body.rows.find((r: { rowId: string }) => r.rowId === row.rowId);
    expect(server1.values.notes).toBe('第一次填写');
    // and it is not taken as synced: the next sync pushes it
    const second = await engine.syncNow();
    expect(second.applied).toBe(1);
    const server2 = (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token })).body.rows.find((r: { rowId: string }) => r.rowId === row.rowId);
    expect(server2.values.notes).toBe('推送途中改的');
    expect(cell(host, row.rowId!, '备注')).toBe('推送途中改的');
  });

  it('a row pulled while the user types into it takes the server’s other fields and keeps what was typed', async () => {
    const host = new MemoryHost(demoWorkbook());
    let typing: (() => void) | undefined;
    const typingDuringRequest: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      typing?.();
      typing = undefined;
      return response;
    };
    const engine = new SyncEngine(hostSyncSheet(host), client(typingDuringRequest), { villageCode: VILLAGE });
    await engine.syncNow();
    const row = (await hostSyncSheet(host).readRows()).find((r) => r.values.name === '示例乙')!;
    const edited = await client().sync(VILLAGE, { clientId: 'second-client', requestId: randomUUID(), changes: [{ rowId: row.rowId!, baseVersion: row.version, values: { phone: '13912345678' } }] });
    expect(edited.applied).toHaveLength(1);
    typing = () => setCell(host, row.rowId!, '备注', '拉取途中改的');
    const pulled = await engine.syncNow();
    expect(pulled.pulled).toBeGreaterThanOrEqual(1);
    expect(cell(host, row.rowId!, '联系电话')).toBe('13912345678');
    expect(cell(host, row.rowId!, '备注')).toBe('拉取途中改的');
    const next = await engine.syncNow();
    expect(next.applied).toBe(1);
    expect(next.conflicts).toEqual([]);
    const stored = (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token })).body.rows.find((r: { rowId: string }) => r.rowId === row.rowId);
    expect(stored.values).toMatchObject({ phone: '13912345678', notes: '拉取途中改的' });
  });

  it('rows that cannot be sent are listed and the rest still syncs', async () => {
    const { host, engine } = await freshWorkbook();
    const sheet = host.sheet('台账');
    const foundOn = header(host, '发现日期');
    sheet.values[2][foundOn] = '2026年13月5日';
    const outcome = await engine.syncNow();
    expect(outcome.unsendable).toHaveLength(1);
    expect(outcome.unsendable[0]).toMatchObject({ excelRow: 3, name: '示例甲' });
    expect(outcome.unsendable[0].problems.map((problem) => problem.key)).toEqual(['foundOn']);
    expect(outcome.applied).toBe(2);
    // fixed → sent next time
    sheet.values[2][foundOn] = '2026-10-08';
    const next = await engine.syncNow();
    expect(next.unsendable).toEqual([]);
    expect(next.applied).toBe(1);
  });

  it('a row removed from the sheet is deleted on the server only when confirmed; a row deleted elsewhere stays on the sheet', async () => {
    const { host, engine } = await freshWorkbook();
    await engine.syncNow();
    const rows = await hostSyncSheet(host).readRows();
    const removed = rows[0];
    const values = host.sheet('台账').values;
    const index = values.indexOf(rowOf(host, removed.rowId!));
    values.splice(index, 1);

    const unconfirmed = await engine.syncNow();
    expect(unconfirmed.missing).toEqual([removed.rowId]);
    const stillThere = await client().rowVersions(VILLAGE, removed.rowId!);
    expect(stillThere.versions.at(-1)?.deleted).toBe(false);

    const confirmed = await engine.syncNow({ confirmDeletes: [removed.rowId!] });
    expect(confirmed.missing).toEqual([]);
    const gone = await client().rowVersions(VILLAGE, removed.rowId!);
    expect(gone.versions.at(-1)?.deleted).toBe(true);

    const other = rows[1];
    await client().sync(VILLAGE, { clientId: 'second-client', requestId: randomUUID(), changes: [{ rowId: other.rowId!, baseVersion: other.version, values: {}, deleted: true }] });
    const outcome = await engine.syncNow();
    expect(outcome.deletedElsewhere).toEqual([{ rowId: other.rowId, excelRow: expect.any(Number), name: other.values.name }]);
    expect(cell(host, other.rowId!, '姓名')).toBe(other.values.name); // never removed by the add-in
  });

  it('a first sync pairs rows without 记录ID with the server’s rows by ID number: edits, not a second row per person; pulled rows continue 序号', async () => {
    // the village's rows are on the server already (as after an upload through the web page)
    const people = batches++;
    const first = await freshWorkbook(people);
    await first.engine.syncNow();
    const total = async () => (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?pageSize=500`, { token })).body.total as number;
    const before = await total();

    // the same file, never synced from Excel: no 记录ID; one person's 备注 edited, one ID typed full-width
    const { host, engine } = await freshWorkbook(people);
    const sheetRows = await hostSyncSheet(host).readRows();
    const idColumn = header(host, '公民身份号码');
    const values = host.sheet('台账').values;
    const [edited, fullWidth] = sheetRows;
    values[edited.excelRow - 1][header(host, '备注')] = '表中修改';
    const id = String(values[fullWidth.excelRow - 1][idColumn]);
    values[fullWidth.excelRow - 1][idColumn] = id.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

    const outcome = await engine.syncNow();
    expect(outcome.pairedById).toBe(sheetRows.length);
    expect(outcome.conflicts).toEqual([]);
    expect(await total()).toBe(before); // nobody added twice
    const firstRows = await hostSyncSheet(first.host).readRows();
    const rows = await hostSyncSheet(host).readRows();
    expect(rows).toHaveLength(firstRows.length);
    const editedNow = rows.find((row) => row.excelRow === edited.excelRow)!;
    const original = firstRows.find((row) => row.excelRow === edited.excelRow)!;
    expect(editedNow.rowId).toBe(original.rowId); // the server's row, edited
    expect(editedNow.version).toBe(original.version + 1);
    expect(editedNow.values.notes).toBe('表中修改');

    // rows pulled from the server without a 序号 (the seeded ones; other workbooks' rows keep theirs) continue the file's
    const lastSerial = Number(sheetRows.at(-1)!.values.seq);
    const pulled = rows.filter((row) => row.excelRow > sheetRows.at(-1)!.excelRow);
    expect(pulled.every((row) => typeof row.values.seq === 'number')).toBe(true);
    const numbered = pulled.filter((row) => Number(row.values.seq) > lastSerial);
    expect(numbered.length).toBeGreaterThan(0);
    expect(numbered.map((row) => row.values.seq)).toEqual(numbered.map((_, i) => lastSerial + i + 1));
  });

  it('a paired row never overwrites an edit the server got since the file was copied: kept where the copy is blank, a conflict where it differs', async () => {
    const people = batches++;
    const first = await freshWorkbook(people);
    await first.engine.syncNow();
    // the township (here: the first workbook) adds notes on the server after the file was copied
    const [kept, disputed] = await hostSyncSheet(first.host).readRows();
    const keptId = defined(kept.rowId, 'a synced row id');
    const disputedId = defined(disputed.rowId, 'a synced row id');
    setCell(first.host, keptId, '备注', '镇上后来补充的情况');
    setCell(first.host, disputedId, '备注', '镇上核实：已外出务工');
    await first.engine.syncNow();

    // the old copy, never synced from Excel: no 记录ID; one 备注 still blank, the other written otherwise
    const { host, engine } = await freshWorkbook(people);
    const copyRows = await hostSyncSheet(host).readRows();
    host.sheet('台账').values[copyRows[1].excelRow - 1][header(host, '备注')] = '表中另写：在家';
    const outcome = await engine.syncNow();
    expect(outcome.pairedById).toBeGreaterThan(0);
    expect(outcome.conflicts.map((conflict) => [conflict.rowId, conflict.fields])).toEqual([[disputedId, ['notes']]]);
    const notesOf = async (rowId: string) => (await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows/${rowId}/versions`, { token })).body.versions.at(-1).values.notes;
    expect(await notesOf(keptId)).toBe('镇上后来补充的情况');
    expect(await notesOf(disputedId)).toBe('镇上核实：已外出务工'); // until the clerk chooses
    expect(cell(host, keptId, '备注')).toBe('镇上后来补充的情况'); // the copy now shows it
  });

  it('a sheet naming another village is not synced — no request at all — until the user confirms naming it', async () => {
    let requests = 0;
    const counting: FetchLike = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const host = new MemoryHost(demoWorkbook()); // title and 村（社区）: 示范村
    const engine = new SyncEngine(hostSyncSheet(host), client(counting), { villageCode: VILLAGE, villageName: '东瓜示例村' });
    expect(await engine.otherVillages()).toEqual(['示范村']);
    const refused = engine.syncNow();
    await expect(refused).rejects.toBeInstanceOf(OtherVillageError);
    await expect(refused).rejects.toMatchObject({ zh: expect.stringContaining('本表是“示范村”的台账，当前登录的是“东瓜示例村”') });
    expect(requests).toBe(0);
    expect((await hostSyncSheet(host).readRows()).every((row) => row.rowId === null)).toBe(true);

    // the same village written otherwise is no other village
    const same = new SyncEngine(hostSyncSheet(new MemoryHost(demoWorkbook())), client(), { villageCode: VILLAGE, villageName: '示范村村民委员会' });
    expect(await same.otherVillages()).toEqual([]);

    // confirmed, naming the sheet's village: synced, and not asked again for this workbook
    await engine.syncNow({ confirmVillage: ['示范村'] });
    expect(requests).toBeGreaterThan(0);
    expect(await engine.otherVillages()).toEqual([]);
  });

  it('refuses a workbook synced with another village; a damaged state is an error to show', async () => {
    const host = new MemoryHost({ ...demoWorkbook(), settings: { [SYNC_SETTING]: { villageCode: '532301102201', clientId: 'x', cursor: 0, fingerprints: {} } } });
    const engine = new SyncEngine(hostSyncSheet(host), client(), { villageCode: VILLAGE });
    await expect(engine.syncNow()).rejects.toBeInstanceOf(WrongVillageError);
    expect(() => readSyncState({ villageCode: 1 })).toThrow(SyncStateError);
  });
});

describe('planSync (pure)', () => {
  const row = (excelRow: number, rowId: string | null, version: number, notes: string): SheetRow => ({
    excelRow,
    rowId,
    version,
    values: { name: '示例', notes, foundOn: '2026-10-01' },
  });
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

  it('unchanged rows are not pushed; a copied 记录ID makes the second row new', () => {
    const id = '11111111-1111-4111-8111-111111111111';
    const state = { villageCode: VILLAGE, clientId: 'c', cursor: 3, fingerprints: { [id]: rowMark(2, row(3, id, 2, 'a').values) } };
    const plan = planSync([row(3, id, 2, 'a'), row(4, id, 2, 'a')], state, newId);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ baseVersion: 0 });
    expect(plan.assigned).toEqual([{ excelRow: 4, rowId: plan.changes[0].rowId }]);
    const edited = planSync([row(3, id, 2, 'b')], state, newId);
    expect(edited.changes).toEqual([{ rowId: id, baseVersion: 2, values: { name: '示例', notes: 'b', foundOn: '2026-10-01' } }]);
  });
});
