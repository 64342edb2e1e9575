/** Test helpers: real files (in a folder from tests/temp-dirs.ts makeTestDir), written with exceljs / as raw bytes. */
import { writeFileSync } from 'fs';
import ExcelJS from 'exceljs';

/** Writes an xlsx with one sheet per entry; cells are given row-major from A1. */
export async function writeXlsx(
  path: string,
  sheets: { name: string; rows: unknown[][]; textColumns?: number[]; dateColumns?: number[] }[],
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    for (const col of sheet.textColumns ?? []) ws.getColumn(col + 1).numFmt = '@';
    for (const col of sheet.dateColumns ?? []) ws.getColumn(col + 1).numFmt = 'yyyy-mm-dd';
    sheet.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value === undefined || value === null || value === '') return;
        ws.getCell(r + 1, c + 1).value = value as ExcelJS.CellValue;
      });
    });
  }
  await workbook.xlsx.writeFile(path);
}

/** CSV text from rows (quotes every field that needs it). */
export function toCsv(rows: unknown[][], delimiter = ','): string {
  return rows
    .map((row) =>
      row
        .map((value) => {
          const text = value === null || value === undefined ? '' : String(value);
          return /[",\n\r;\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join(delimiter),
    )
    .join('\r\n');
}

let gbkTable: Map<string, number[]> | undefined;

/** GBK bytes of a string (built from Node's own gb18030 decoder, so no encoder library is needed). */
export function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let hi = 0x81; hi <= 0xfe; hi++) {
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [hi, lo]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbkTable.get(ch);
      if (!pair) throw new Error(`no GBK code for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

export function writeBytes(path: string, bytes: Buffer | string): void {
  writeFileSync(path, bytes);
}
