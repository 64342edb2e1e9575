/**
 * Pulls the consolidated rows (the .xlsx download's 台账明细) into a new worksheet: page by page
 * from the server, each page written as ONE block (one context.sync()), so the Excel cost per chunk
 * is constant whatever the total; cancellable between chunks (what is written stays, the sheet is
 * finished with its header frozen). The header row goes out with the first page.
 */
import type { ConsolidatedRowsResponse } from '../../../ledger/api/reports';
import { tableBlockRows, type LedgerHost, type TableCell } from '../../host/ledger-host';

export interface PullRowsProgress {
  rows: number;
  /** 0–1 by villages read; undefined before the first page. */
  fraction: number | undefined;
}

export interface PullRowsOptions {
  host: Pick<LedgerHost, 'addTableSheet' | 'writeTable' | 'finishTable'>;
  /** One page of rows after the cursor (null = from the start), at most `limit` rows. */
  fetchPage(after: string | null, limit: number): Promise<ConsolidatedRowsResponse>;
  /** Name of the new sheet (made free: "name (2)" when taken). */
  sheetName: string;
  /** Columns of the ledger (sets the page size so a page is one write of ≈ 1 MB). */
  columns: number;
  /** Checked between chunks: true stops after the chunk being written. */
  cancelled(): boolean;
  onProgress(progress: PullRowsProgress): void;
}

export interface PullRowsResult {
  sheetName: string;
  rows: number;
  cancelled: boolean;
}

export async function pullRowsIntoSheet(options: PullRowsOptions): Promise<PullRowsResult> {
  const limit = tableBlockRows(options.columns);
  let page = await options.fetchPage(null, limit);
  const sheet = await options.host.addTableSheet(options.sheetName);
  let excelRow = 1;
  let rows = 0;
  let cancelled = false;
  for (;;) {
    const block: TableCell[][] = excelRow === 1 ? [page.columns, ...page.rows] : page.rows;
    if (block.length > 0) await options.host.writeTable(sheet, excelRow, block);
    excelRow += block.length;
    rows += page.rows.length;
    const { villages, villagesDone } = page.progress;
    options.onProgress({ rows, fraction: villages > 0 ? villagesDone / villages : 1 });
    if (page.next === null) break;
    if (options.cancelled()) {
      cancelled = true;
      break;
    }
    page = await options.fetchPage(page.next, limit);
  }
  await options.host.finishTable(sheet, page.columns.length);
  return { sheetName: sheet.name, rows, cancelled };
}
