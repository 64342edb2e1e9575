/**
 * The sync engine's view of the ledger sheet: rows with their 记录ID and 版本号, read through the
 * host, and writes addressed by 记录ID (the host finds the row where it is now, inside the same
 * Excel.run), so rows sorted or inserted since the sync began still get their own values.
 */
import { readLedgerRows } from '../../../ledger/validate';
import type { LedgerValue, LedgerValues } from '../../../ledger/types';
import type { HostSettings, LedgerHost, LedgerSnapshot, RowWrite, SettingValue } from '../../host/ledger-host';

export interface SheetRow {
  excelRow: number;
  /** 记录ID, or null when the row has none yet. */
  rowId: string | null;
  /** 版本号: the server version the row is based on (0 = never synced). */
  version: number;
  /** Every ledger column the sheet has, except the machine ones (blank = null). */
  values: LedgerValues;
}

export interface SheetWrite {
  rowId: string;
  /** Values to put (absent keys untouched, null clears); rowId/version are set from the fields below. */
  values: LedgerValues;
  version?: number;
  /** Append as a new row when the sheet has no row with this id (pulled from the server). */
  appendIfMissing?: boolean;
}

export interface RowIdAssignment {
  excelRow: number;
  rowId: string;
  /** 版本号 too: the row was paired with a row already on the server (that row's version). */
  version?: number;
}

export interface SyncSheet {
  readRows(): Promise<SheetRow[]>;
  /** Sets 记录ID (and 版本号 when given) on rows that have none (by their Excel row, read just before). */
  assignRowIds(assignments: readonly RowIdAssignment[]): Promise<void>;
  /** The title above the header (台账 of which village), as read with the rows last; null = none. Optional for fakes. */
  readTitle?(): Promise<string | null>;
  write(writes: readonly SheetWrite[]): Promise<void>;
  readSettings(): Promise<HostSettings>;
  writeSettings(patch: HostSettings): Promise<void>;
}

function machineNumber(value: LedgerValue | undefined): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return 0;
}

function machineText(value: LedgerValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === '' ? null : text;
}

/** The first text above the header row: the template's title (示范村11月社会救助主动发现监测工作台账). */
function titleOf(read: LedgerSnapshot): string | null {
  for (const row of read.sheet.values.slice(0, read.header.rowIndex)) {
    for (const cell of row) {
      if (typeof cell === 'string' && cell.trim() !== '') return cell.trim();
    }
  }
  return null;
}

/** 序号 of the sheet's last numbered row (0 when no row is numbered): appended rows continue from it. */
function lastSerial(rows: readonly SheetRow[]): number {
  let last = 0;
  let lastRow = -1;
  for (const row of rows) {
    const serial = row.values.seq;
    const number = typeof serial === 'number' ? serial : typeof serial === 'string' && /^\d+$/.test(serial.trim()) ? Number(serial.trim()) : NaN;
    if (Number.isInteger(number) && number > 0 && row.excelRow > lastRow) {
      last = number;
      lastRow = row.excelRow;
    }
  }
  return last;
}

export function sheetRowsOf(parsed: ReturnType<typeof readLedgerRows>): SheetRow[] {
  return parsed.map((row) => {
    const { rowId, version, ...values } = row.values;
    return { excelRow: row.excelRow, rowId: machineText(rowId), version: machineNumber(version), values };
  });
}

/** SyncSheet over any LedgerHost (Excel or the memory host). */
export function hostSyncSheet(host: LedgerHost): SyncSheet {
  // The snapshot of the last read: new 记录IDs are addressed to rows as they were read there.
  let last: LedgerSnapshot | null = null;
  async function readRows(): Promise<SheetRow[]> {
    last = await host.readLedger();
    return sheetRowsOf(readLedgerRows(last.sheet, last.header));
  }
  return {
    readRows,
    async assignRowIds(assignments) {
      if (assignments.length === 0) return;
      if (!last) await readRows();
      await host.writeRows(
        assignments.map(({ excelRow, rowId, version }) => ({ excelRow, values: version !== undefined ? { rowId, version } : { rowId } })),
        last ?? undefined,
      );
    },
    async write(writes) {
      if (writes.length === 0) return;
      // Which ids are on the sheet now: updates go to them by 记录ID, the others are appended (or dropped).
      const now = await readRows();
      const present = new Set(now.map((row) => row.rowId).filter((id): id is string => id !== null));
      // Appended rows without a 序号 (rows from the server or a lead carry none) continue the
      // sheet's numbering — only when the sheet numbers its rows at all.
      const numbered = last !== null && last.header.indexByKey.seq !== undefined;
      let serial = lastSerial(now);
      const rows: RowWrite[] = [];
      for (const write of writes) {
        const values: LedgerValues = { ...write.values };
        if (write.version !== undefined) values.version = write.version;
        if (present.has(write.rowId)) rows.push({ rowId: write.rowId, values });
        else if (write.appendIfMissing) {
          if (numbered && serial > 0 && (values.seq === null || values.seq === undefined || values.seq === '')) values.seq = ++serial;
          rows.push({ values: { ...values, rowId: write.rowId } });
        }
      }
      await host.writeRows(rows);
    },
    async readTitle() {
      if (!last) await readRows();
      return last ? titleOf(last) : null;
    },
    readSettings: () => host.readSettings(),
    writeSettings: (patch: Record<string, SettingValue>) => host.writeSettings(patch),
  };
}
