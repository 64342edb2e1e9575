/**
 * Hand-built zips and xlsx files for the read-limit tests and bench (bench/bombs.bench.ts): decompression bombs are generated here
 * (deflated chunk by chunk, never held inflated in memory) instead of being committed as files.
 */
import { once } from 'events';
import { createDeflateRaw, crc32 } from 'zlib';
import { columnLettersOfIndex } from '../ledger/sheet';

export interface ZipPart {
  name: string;
  /** Deflated bytes, their crc32 and inflated size. */
  data: Buffer;
  crc: number;
  size: number;
  /** Size written into the headers instead of the real one (a file lying about its contents). */
  declaredSize?: number;
}

/** Deflates the chunks one by one (a 1 GB part costs ~1 MB of memory here). */
export async function deflateParts(name: string, chunks: Iterable<Buffer | string>): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  let crc = 0;
  let size = 0;
  for (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return { name, data: Buffer.concat(out), crc, size };
}

export function* repeat(chunk: string, times: number): Iterable<Buffer> {
  const bytes = Buffer.from(chunk, 'utf8');
  for (let i = 0; i < times; i++) yield bytes;
}

/** A zip (deflate, UTF-8 names, no zip64) of the parts in the given order. */
export function zipBytes(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const size = part.declaredSize ?? part.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(part.crc >>> 0, 14);
    local.writeUInt32LE(part.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(part.crc >>> 0, 16);
    central.writeUInt32LE(part.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, part.data);
    centrals.push(central, name);
    offset += local.length + name.length + part.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The fixed parts of a one-sheet workbook named `sheetName`. */
export async function workbookParts(sheetName = 'Sheet1'): Promise<ZipPart[]> {
  return Promise.all([
    deflateParts('[Content_Types].xml', [
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    ]),
    deflateParts('_rels/.rels', [
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ]),
    deflateParts('xl/workbook.xml', [
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${sheetName}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ]),
    deflateParts('xl/_rels/workbook.xml.rels', [
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ]),
  ]);
}

export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';
export const SST_HEAD = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">`;

/** An xlsx whose sheet part comes first in the zip (as exceljs writes it), then the workbook parts. */
export async function xlsxBytes(sheet: ZipPart, sharedStrings?: ZipPart, extra: ZipPart[] = []): Promise<Buffer> {
  return zipBytes([sheet, ...(await workbookParts()), ...(sharedStrings ? [sharedStrings] : []), ...extra]);
}

/** Shared-string bomb: one string of `megabytes` MB ('A' repeated) referenced by cell A1. */
export async function sharedStringBomb(megabytes: number, declaredSize?: number): Promise<Buffer> {
  const strings = await deflateParts('xl/sharedStrings.xml', [
    `${SST_HEAD}<si><t>`,
    ...repeat('A'.repeat(1 << 20), megabytes),
    '</t></si></sst>',
  ]);
  const sheet = await deflateParts('xl/worksheets/sheet1.xml', [`${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${SHEET_TAIL}`]);
  return xlsxBytes(sheet, declaredSize === undefined ? strings : { ...strings, declaredSize });
}

/** Worksheet bomb: `megabytes` MB of identical rows of inline strings. */
export async function worksheetBomb(megabytes: number, declaredSize?: number): Promise<Buffer> {
  const row = '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>';
  const perMb = Math.floor((1 << 20) / row.length);
  const sheet = await deflateParts('xl/worksheets/sheet1.xml', [SHEET_HEAD, ...repeat(row.repeat(perMb), megabytes), SHEET_TAIL]);
  return xlsxBytes(declaredSize === undefined ? sheet : { ...sheet, declaredSize });
}

/** A valid one-sheet xlsx padded with `count` tiny extra entries. */
export async function manyEntryZip(count: number): Promise<Buffer> {
  const sheet = await deflateParts('xl/worksheets/sheet1.xml', [`${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>${SHEET_TAIL}`]);
  const filler = await deflateParts('xl/media/x.bin', ['x']);
  const extra = Array.from({ length: count }, (_, i) => ({ ...filler, name: `xl/media/image${i}.bin` }));
  return xlsxBytes(sheet, undefined, extra);
}

/** A sheet from rows of inline strings (cells given row-major from A1). */
export async function inlineSheet(rows: string[][]): Promise<ZipPart> {
  const xml = rows
    .map((cells, r) => `<row r="${r + 1}">${cells.map((text, c) => `<c r="${columnLettersOfIndex(c)}${r + 1}" t="inlineStr"><is><t>${text}</t></is></c>`).join('')}</row>`)
    .join('');
  return deflateParts('xl/worksheets/sheet1.xml', [SHEET_HEAD, xml, SHEET_TAIL]);
}

/** The fixed parts of a workbook of several sheets: sheet i is xl/worksheets/sheet{i+1}.xml. */
export async function workbookPartsOf(sheetNames: readonly string[]): Promise<ZipPart[]> {
  const sheets = sheetNames.map((name, i) => `<sheet name="${name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  const rels = sheetNames.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  return Promise.all([
    deflateParts('[Content_Types].xml', [
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
    ]),
    deflateParts('_rels/.rels', [
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ]),
    deflateParts('xl/workbook.xml', [`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL_NS}"><sheets>${sheets}</sheets></workbook>`]),
    deflateParts('xl/_rels/workbook.xml.rels', [`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`]),
  ]);
}

/**
 * A bomb spread over many sheets: `sheets` sheets, each a 医保 header then `rows` rows of inline
 * strings. Each sheet alone stays under the row cap (and, under 1 MB, is never refused for its
 * ratio); only the whole workbook's rows are over it.
 */
export async function manySheetRowsBomb(sheets: number, rows: number): Promise<Buffer> {
  const header = ['姓名', '身份证号', '个人自付费用'];
  const parts: ZipPart[] = [];
  for (let s = 0; s < sheets; s++) {
    const head = `<row r="1">${header.map((text, c) => `<c r="${columnLettersOfIndex(c)}1" t="inlineStr"><is><t>${text}</t></is></c>`).join('')}</row>`;
    function* body(): Iterable<string> {
      for (let r = 2; r < rows + 2; r++) yield `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>x</t></is></c></row>`;
    }
    parts.push(await deflateParts(`xl/worksheets/sheet${s + 1}.xml`, [SHEET_HEAD, head, ...body(), SHEET_TAIL]));
  }
  return zipBytes([...parts, ...(await workbookPartsOf(Array.from({ length: sheets }, (_, s) => `医院${s + 1}`)))]);
}
