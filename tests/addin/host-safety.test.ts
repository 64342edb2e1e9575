/**
 * The host adapter is safe to build panes on: writes find their row again after staff sort or
 * insert rows, calls never overlap, errors reach the caller, requirement sets are respected, and
 * the sync budget holds at 10 and 10,000 rows.
 */
import { OfficeHost, SETTINGS_KEY, type ExcelRun, type HostEventSource } from '../../addin/host/office-host';
import { MemoryHost } from '../../addin/host/memory-host';
import type { LedgerHost, LedgerSnapshot } from '../../addin/host/ledger-host';
import { FakeExcel, FakeSheet } from './fake-excel';
import { ledgerValues } from './ledger-fixture';
import { waitUntil } from '../wait';

function office(rows: number, opts: { machine?: boolean; apiMinor?: number } = {}) {
  const { values, formats, headers } = ledgerValues({ rows, withMachineColumns: opts.machine });
  const sheet = new FakeSheet('台账', values, formats);
  const excel = new FakeExcel([sheet]);
  if (opts.apiMinor !== undefined) excel.apiMinor = opts.apiMinor;
  let ids = 0;
  const host = new OfficeHost({ run: excel.run as unknown as ExcelRun, supports: excel.supports, newRowId: () => `new-${++ids}` });
  const at = (excelRow: number, header: string) => sheet.get(excelRow - 1, headers.indexOf(header));
  return { excel, sheet, headers, host, at };
}

/** Sorts the fake sheet's data rows (below the header on row 2) descending by a column, as Excel's sort does. */
function sortDescending(sheet: FakeSheet, column: number): void {
  const data = sheet.values.slice(2);
  const formats = sheet.formats.slice(2);
  const order = data.map((row, i) => i).sort((a, b) => String(data[b][column]).localeCompare(String(data[a][column])));
  order.forEach((from, to) => {
    sheet.values[2 + to] = data[from];
    sheet.formats[2 + to] = formats[from];
  });
}

describe('writes address rows by 记录ID, never by the row number read earlier', () => {
  it.each([true, false])('after a sort between read and write the status goes to the same person (machine columns: %s)', async (machine) => {
    const { host, sheet, headers, at } = office(6, { machine });
    const snapshot = await host.readLedger();
    // the pane read row 4 = 测试1; staff sort by name descending meanwhile
    sortDescending(sheet, headers.indexOf('姓名'));
    expect(at(4, '姓名')).not.toBe('测试1');
    const [written] = await host.writeRows([{ excelRow: 4, values: { status: '已办结' } }], snapshot);
    expect(at(written, '姓名')).toBe('测试1');
    expect(at(written, '办理状态')).toBe('已办结');
    // nobody else got the status
    for (let r = 3; r <= 8; r++) if (r !== written) expect(at(r, '办理状态')).toBe('');
    if (!machine) expect(sheet.get(written - 1, headers.length)).toBe('new-1'); // the row got a 记录ID on its first write
  });

  it('after rows are inserted above, a write by 记录ID lands on the moved row', async () => {
    const { host, sheet, at } = office(5, { machine: true });
    const snapshot = await host.readLedger();
    sheet.values.splice(3, 0, [], []); // two blank rows inserted at row 4
    const [written] = await host.writeRows([{ excelRow: 5, values: { notes: '已走访' } }], snapshot);
    expect(written).toBe(7);
    expect(at(7, '姓名')).toBe('测试2');
    expect(at(7, '备注')).toBe('已走访');
    // a later write needs no snapshot at all
    await host.writeRows([{ rowId: 'row-2', values: { status: '核实中' } }]);
    expect(at(7, '办理状态')).toBe('核实中');
  });

  it('a row deleted or re-identified meanwhile fails the whole write with row.moved, nothing written', async () => {
    const { host, sheet, headers, at } = office(5);
    const snapshot = await host.readLedger();
    sheet.values[3][headers.indexOf('姓名')] = '别人'; // row 4 now holds someone else
    const before = JSON.stringify(sheet.values);
    await expect(host.writeRows([{ excelRow: 3, values: { status: '核实中' } }, { excelRow: 4, values: { status: '已办结' } }], snapshot)).rejects.toMatchObject({ code: 'row.moved' });
    expect(JSON.stringify(sheet.values)).toBe(before);
    expect(at(3, '办理状态')).toBe('');
    await expect(host.writeRows([{ rowId: 'no-such-id', values: { notes: 'x' } }])).rejects.toMatchObject({ code: 'row.moved' });
  });

  it('the memory host resolves rows the same way (sort between read and write)', async () => {
    const { values, formats, headers } = ledgerValues({ rows: 6 });
    const mem = new MemoryHost({ sheets: [{ name: '台账', values, numberFormats: formats }], newRowId: () => 'm-1' });
    const snapshot = await mem.readLedger();
    mem.sortRows('台账', 2, headers.indexOf('姓名'), true);
    const [written] = await mem.writeRows([{ excelRow: 4, values: { status: '已办结' } }], snapshot);
    expect(mem.sheet('台账').values[written - 1][headers.indexOf('姓名')]).toBe('测试1');
    expect(mem.sheet('台账').values[written - 1][headers.indexOf('办理状态')]).toBe('已办结');
  });
});

describe('calls are serialised and errors reach the caller', () => {
  it('two calls started together (StrictMode double effects) never overlap their Excel.run', async () => {
    const { host, excel } = office(50);
    const snapshots = await Promise.all([host.readLedger(), host.readLedger(), host.getSelectedRow(), host.readSettings()]);
    expect(excel.maxConcurrentRuns).toBe(1);
    expect((snapshots[0] as LedgerSnapshot).id).not.toBe((snapshots[1] as LedgerSnapshot).id);
  });

  it('a failed call rejects and does not block the next one', async () => {
    const { host, excel } = office(3);
    excel.failNextSync = 'GeneralException';
    await expect(host.readLedger()).rejects.toMatchObject({ code: 'GeneralException' });
    await expect(host.readLedger()).resolves.toMatchObject({ sheetName: '台账' });
  });

  it('getSelectedRow: null only when the selection is not cells; any other failure is thrown', async () => {
    const { host, excel } = office(3);
    excel.activeCell = null;
    expect(await host.getSelectedRow()).toBeNull();
    excel.activeCell = { sheet: '台账', r: 4, c: 2, rows: 3, cols: 2 };
    expect(await host.getSelectedRow()).toEqual({ sheetName: '台账', excelRow: 5, column: 2, cell: 'C5', rows: 3, columns: 2 });
    excel.failNextSync = 'AccessDenied';
    await expect(host.getSelectedRow()).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('corrupt settings are an error (settings.corrupt), not an empty object that the next write would overwrite', async () => {
    const { host, excel } = office(1);
    excel.settings.set(SETTINGS_KEY, '{not json');
    await expect(host.readSettings()).rejects.toMatchObject({ code: 'settings.corrupt' });
    await expect(host.writeSettings({ a: 1 })).rejects.toMatchObject({ code: 'settings.corrupt' });
    expect(excel.settings.get(SETTINGS_KEY)).toBe('{not json');
  });
});

describe('requirement sets', () => {
  it('on ExcelApi 1.1 (Office 2016) reads, writes, selects; marks are skipped and the capabilities say so', async () => {
    const { host, excel, at } = office(5, { apiMinor: 1 });
    expect(host.capabilities).toEqual({ conditionalFormats: false, dataValidation: false, multiAreas: false, events: false, merges: false, freezePanes: false, printSetup: false, headerNotes: false });
    const snapshot = await host.readLedger();
    await host.writeRows([{ excelRow: 3, values: { status: '核实中' } }], snapshot);
    expect(at(3, '办理状态')).toBe('核实中');
    await host.selectCell('D4', snapshot);
    expect(await host.getSelectedRow()).toMatchObject({ cell: 'D4' });
    await host.markFindings(snapshot, [{ cell: 'D4', severity: 'error' }]);
    await host.clearMarks(snapshot);
    expect(excel.sheet('台账').conditionalFormats).toEqual([]);
    expect(excel.calculationSuspensions).toBe(0);
  });

  it('on ExcelApi 1.8 marks area by area (no getRanges); with 1.9 one rule per severity group', async () => {
    for (const apiMinor of [8, 13]) {
      const { host, excel, sheet } = office(20, { apiMinor });
      const snapshot = await host.readLedger();
      excel.syncLog = [];
      await host.markFindings(snapshot, [{ cell: 'D4', severity: 'error' }, { cell: 'D9', severity: 'error' }, { cell: 'F5', severity: 'warning' }]);
      expect(excel.syncs).toBeLessThanOrEqual(3);
      expect(sheet.conditionalFormats.length).toBe(apiMinor === 8 ? 3 : 2);
      expect(sheet.markAt('D9')).toBeDefined();
    }
  });

  it('passes merged areas to the core where supported (ExcelApi 1.13), in the same syncs; none before', async () => {
    const { host, excel, sheet, headers } = office(6);
    const categories = headers.indexOf('人员类别');
    const letter = String.fromCharCode(65 + categories);
    sheet.merges = [`${letter}3:${letter}5`, 'A1:D1'];
    const snapshot = await host.readLedger();
    expect(excel.syncs).toBe(2);
    expect(snapshot.sheet.merges).toEqual([`${letter}3:${letter}5`, 'A1:D1']);
    const old = office(6, { apiMinor: 12 });
    old.sheet.merges = ['A1:D1'];
    expect((await old.host.readLedger()).sheet.merges).toBeUndefined();
  });

  it('writes suspend API calculation where supported (ExcelApi 1.6)', async () => {
    const { host, excel } = office(3);
    await host.writeRows([{ values: { name: '新人' } }]);
    expect(excel.calculationSuspensions).toBe(1);
  });
});

describe('events', () => {
  it('selection changes are debounced into one event with the new selection; sheet changes bump once', async () => {
    const { values, formats } = ledgerValues({ rows: 3 });
    const excel = new FakeExcel([new FakeSheet('台账', values, formats)]);
    let fireSelection: () => void = () => undefined;
    let fireSheet: (name: string) => void = () => undefined;
    let listening = 0;
    let stopped = 0;
    const events: HostEventSource = {
      onSelectionChanged: async (callback) => {
        fireSelection = callback;
        listening++;
        return async () => void stopped++;
      },
      onSheetChanged: async (callback) => {
        fireSheet = callback;
        listening++;
        return async () => void stopped++;
      },
    };
    const host: LedgerHost = new OfficeHost({ run: excel.run as unknown as ExcelRun, events, selectionDebounceMs: 5, sheetDebounceMs: 5 });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const stop = host.subscribe((event) => {
        seen.push(event.type === 'selection' ? `selection ${event.selection?.cell}` : event.type);
        if (seen.length === 2) {
          stop();
          resolve();
        }
      });
    });
    await waitUntil('the host listening to selection and sheet changes', () => listening === 2);
    excel.activeCell = { sheet: '台账', r: 2, c: 1 };
    fireSelection();
    excel.activeCell = { sheet: '台账', r: 3, c: 1 };
    fireSelection();
    fireSheet('台账');
    fireSheet('台账');
    await done;
    expect(seen.sort()).toEqual(['selection B4', 'sheet']);
    await waitUntil('both event handlers removed', () => stopped === 2);
    expect(stopped).toBe(2);
  });
});

describe('context.sync() per action stays constant (≤ 3) at 10 and 10,000 rows', () => {
  it.each([10, 10_000])('%i rows: read, mark, clear, write a fix, select', async (rows) => {
    const { host, excel } = office(rows, { machine: true });
    const counts: Record<string, number> = {};
    const measure = async (name: string, action: () => Promise<unknown>) => {
      excel.syncLog = [];
      await action();
      counts[name] = excel.syncs;
    };
    let snapshot!: LedgerSnapshot;
    await measure('read', async () => (snapshot = await host.readLedger()));
    const findings = Array.from({ length: Math.min(rows, 2000) }, (_, i) => ({ cell: `F${3 + i * 2}`, severity: i % 2 ? ('warning' as const) : ('error' as const) }));
    await measure('mark', () => host.markFindings(snapshot, findings));
    await measure('write', () => host.writeRows(Array.from({ length: Math.min(rows, 500) }, (_, i) => ({ excelRow: 3 + i, values: { notes: '已修正' } })), snapshot));
    await measure('select', () => host.selectCell('F7', snapshot));
    await measure('clear', () => host.clearMarks(snapshot));
    for (const [name, count] of Object.entries(counts)) expect([name, count <= 3]).toEqual([name, true]);
  });
});
