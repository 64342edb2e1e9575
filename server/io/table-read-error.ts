/** The one error of reading a spreadsheet: a code and a one-line zh-CN message (en-US beside it). */
export type TableReadErrorCode =
  | 'not_found' // no such file
  | 'not_a_file' // a directory, …
  | 'unsupported' // .xls, .et, .ods, encrypted workbook, unknown extension
  | 'corrupt' // not a valid xlsx / unreadable csv
  | 'sheet_not_found' // --sheet NAME not in the workbook
  | 'empty' // no worksheet at all
  | 'header_not_found' // streamTableRows: onHeaderSearch found no header
  | 'limit_exceeded'; // over a read limit (server/io/read-limits.ts): a decompression bomb or an oversized file

export class TableReadError extends Error {
  /** zh-CN one-line message (the Error's `message` is the same text). */
  readonly zh: string;
  constructor(
    readonly code: TableReadErrorCode,
    zh: string,
    readonly en: string,
  ) {
    super(zh);
    this.zh = zh;
    this.name = 'TableReadError';
  }
}

