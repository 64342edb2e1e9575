import { execFileSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import ExcelJS from 'exceljs';
import {
  decodeText,
  detectTextEncoding,
  readTableFile,
  streamTableRows,
  TableReadError,
  type StreamProgress,
} from '../../server/io/read-table';
import { cellValue } from '../../ledger/cell';
import { encodeGbk, toCsv, writeXlsx } from './helpers';
import { makeTestDir } from '../temp-dirs';

const tmp = makeTestDir('io');
afterAll(() => tmp.remove());

async function readError(promise: Promise<unknown>): Promise<TableReadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TableReadError);
    return error as TableReadError;
  }
  throw new Error('expected a TableReadError');
}

describe('cellValue (ledger/cell.ts) on what exceljs gives', () => {
  it('flattens what exceljs gives into what Office.js range.values shows', () => {
    const date = new Date(Date.UTC(2026, 9, 5));
    expect(cellValue(null)).toBe('');
    expect(cellValue(undefined)).toBe('');
    expect(cellValue(42)).toBe(42);
    expect(cellValue('文本')).toBe('文本');
    expect(cellValue(true)).toBe(true);
    expect(cellValue(date)).toBe(date);
    expect(cellValue({ richText: [{ text: '张' }, { font: { bold: true }, text: '三' }] })).toBe('张三');
    expect(cellValue({ formula: 'A1+1', result: 7 })).toBe(7);
    expect(cellValue({ sharedFormula: 'B2', result: '是' })).toBe('是');
    expect(cellValue({ formula: 'TODAY()', result: date })).toBe(date);
    expect(cellValue({ formula: 'X()' })).toBe('');
    expect(cellValue({ text: '链接', hyperlink: 'http://example.org' })).toBe('链接');
    expect(cellValue({ error: '#N/A' })).toBe('#N/A');
  });
});

describe('text encoding of csv files', () => {
  it('recognises UTF-8 and falls back to GB18030 for GBK bytes', () => {
    const utf8 = Buffer.from('姓名,公民身份号码', 'utf8');
    const gbk = encodeGbk('姓名,公民身份号码');
    expect(detectTextEncoding(utf8)).toBe('utf-8');
    expect(detectTextEncoding(gbk)).toBe('gb18030');
    expect(decodeText(gbk)).toBe('姓名,公民身份号码');
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('姓名,公民身份号码');
  });

  it('does not mistake a UTF-8 sequence cut at the end of the sniffed bytes for GBK', () => {
    const bytes = Buffer.from('台账', 'utf8');
    expect(detectTextEncoding(bytes.subarray(0, 4))).toBe('utf-8');
  });
});

describe('readTableFile — xlsx', () => {
  it('reads every sheet with values as the sheet holds them and their number formats', async () => {
    const path = tmp.path('book.xlsx');
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('台账');
    ws.getCell('A1').value = '青山村10月社会救助主动发现监测工作台账';
    ws.mergeCells('A1:E1');
    ws.getRow(2).values = ['姓名', '公民身份号码', '发现日期', '家庭人口', '合计'];
    ws.getCell('A3').value = { richText: [{ text: '李' }, { text: '玉兰', font: { bold: true } }] };
    ws.getCell('B3').numFmt = '@';
    ws.getCell('B3').value = '53230119720918123X';
    ws.getCell('C3').value = new Date(Date.UTC(2026, 9, 5));
    ws.getCell('C3').numFmt = 'yyyy-mm-dd';
    ws.getCell('D3').value = 3;
    ws.getCell('E3').value = { formula: 'D3*2', result: 6 };
    ws.getCell('B4').value = 532301197209181000; // what Excel does to a typed 18-digit number
    ws.getCell('A8').value = null; // trailing formatted-but-empty rows are dropped
    ws.getCell('A8').numFmt = '@';
    workbook.addWorksheet('字典').getCell('A1').value = '男';
    await workbook.xlsx.writeFile(path);

    const sheets = await readTableFile(path);
    expect(sheets.map((s) => s.name)).toEqual(['台账', '字典']);
    const [ledger] = sheets;
    expect(ledger.firstRow).toBe(1);
    expect(ledger.values).toHaveLength(4);
    expect(ledger.values[0][0]).toBe('青山村10月社会救助主动发现监测工作台账');
    expect(ledger.values[0][1]).toBe(''); // merged-away cells are empty, like Office.js
    expect(ledger.values[1]).toEqual(['姓名', '公民身份号码', '发现日期', '家庭人口', '合计']);
    expect(ledger.values[2][0]).toBe('李玉兰');
    expect(ledger.values[2][1]).toBe('53230119720918123X');
    expect(ledger.values[2][2]).toBeInstanceOf(Date);
    expect((ledger.values[2][2] as Date).toISOString().slice(0, 10)).toBe('2026-10-05');
    expect(ledger.values[2][3]).toBe(3);
    expect(ledger.values[2][4]).toBe(6);
    expect(typeof ledger.values[3][1]).toBe('number');
    expect(ledger.numberFormats![2][1]).toBe('@');
    expect(ledger.numberFormats![2][2]).toBe('yyyy-mm-dd');
    expect(ledger.numberFormats![2][3]).toBe('General');
  });

  it('returns only the sheet asked for, and names the sheets when it is missing', async () => {
    const path = tmp.path('two.xlsx');
    await writeXlsx(path, [
      { name: '说明', rows: [['说明']] },
      { name: '十月', rows: [['姓名'], ['张三']] },
    ]);
    const sheets = await readTableFile(path, { sheet: '十月' });
    expect(sheets).toHaveLength(1);
    expect(sheets[0].values[1][0]).toBe('张三');
    const error = await readError(readTableFile(path, { sheet: '九月' }));
    expect(error.code).toBe('sheet_not_found');
    expect(error.message).toContain('说明、十月');
  });
});

describe('readTableFile — csv', () => {
  const rows = [
    ['青山村10月台账'],
    ['姓名', '公民身份号码', '备注'],
    ['张三', '53230119720918123X', '住院，自付"较高"'],
    ['李四', '532301198001010012', '第一行\n第二行'],
  ];

  it('reads UTF-8 with a BOM', async () => {
    const path = tmp.path('bom.csv');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(toCsv(rows), 'utf8')]));
    const [sheet] = await readTableFile(path);
    expect(sheet.name).toBe('bom');
    expect(sheet.values[1][0]).toBe('姓名');
    expect(sheet.values[2]).toEqual(['张三', '53230119720918123X', '住院，自付"较高"']);
    expect(sheet.values[3][2]).toBe('第一行\n第二行');
    expect(sheet.numberFormats).toBeUndefined();
  });

  it('reads GBK (as Excel on Chinese Windows saves csv)', async () => {
    const path = tmp.path('gbk.csv');
    writeFileSync(path, encodeGbk(toCsv(rows)));
    const [sheet] = await readTableFile(path);
    expect(sheet.values[0][0]).toBe('青山村10月台账');
    expect(sheet.values[2][0]).toBe('张三');
    expect(sheet.values[3][2]).toBe('第一行\n第二行');
  });

  it('detects semicolon and tab delimiters', async () => {
    const semi = tmp.path('semi.csv');
    writeFileSync(semi, toCsv(rows, ';'));
    expect((await readTableFile(semi))[0].values[2][1]).toBe('53230119720918123X');
    const tab = tmp.path('tab.txt');
    writeFileSync(tab, toCsv(rows, '\t'));
    expect((await readTableFile(tab))[0].values[2][1]).toBe('53230119720918123X');
  });

  it('keeps blank lines so row numbers match what Excel shows', async () => {
    const path = tmp.path('blank.csv');
    writeFileSync(path, '姓名\n\n张三\n');
    const [sheet] = await readTableFile(path);
    expect(sheet.values).toHaveLength(3);
    expect(sheet.values[2][0]).toBe('张三');
  });
});

describe('readTableFile — errors with one-line Chinese messages', () => {
  it('missing file', async () => {
    const error = await readError(readTableFile(tmp.path('nope.xlsx')));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('找不到文件：nope.xlsx');
    expect(error.en).toContain('not found');
  });

  it('corrupt xlsx (not a zip, and a truncated zip)', async () => {
    const notZip = tmp.path('bad.xlsx');
    writeFileSync(notZip, 'hello');
    expect((await readError(readTableFile(notZip))).code).toBe('corrupt');
    const good = tmp.path('good.xlsx');
    await writeXlsx(good, [{ name: 'S', rows: [['a']] }]);
    const truncated = tmp.path('truncated.xlsx');
    const bytes = readFileSync(good);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await readError(readTableFile(truncated));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^无法读取 truncated\.xlsx/);
  });

  it('a broken old-format file, encrypted workbooks (only those get a password message), other file types', async () => {
    const ole = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0];
    const xls = tmp.path('old.xls');
    writeFileSync(xls, Buffer.from(ole));
    const error = await readError(readTableFile(xls));
    expect(error.code).toBe('corrupt');
    expect(error.message).toContain('.xlsx');
    expect(error.message).not.toContain('密码');
    const encrypted = tmp.path('locked.xlsx');
    writeFileSync(encrypted, Buffer.concat([Buffer.from(ole), Buffer.alloc(500), Buffer.from('EncryptedPackage', 'utf16le'), Buffer.alloc(100)]));
    expect((await readError(readTableFile(encrypted))).message).toContain('密码');
    const pdf = tmp.path('x.pdf');
    writeFileSync(pdf, '%PDF-1.7\n');
    expect((await readError(readTableFile(pdf))).message).toMatch(/PDF.*另存为/);
    const html = tmp.path('export.xls');
    writeFileSync(html, '<html><head><meta charset="utf-8"></head><body><table><tr><td>姓名</td></tr></table></body></html>');
    const htmlError = await readError(readTableFile(html));
    expect(htmlError.message).toMatch(/^export\.xls 实际上是网页（HTML）文件.*另存为.*\.xlsx/);
    expect(htmlError.message).not.toContain('密码');
  });

  it('a directory', async () => {
    expect((await readError(readTableFile(tmp.dir))).code).toBe('not_a_file');
  });
});

describe('streamTableRows', () => {
  const header = ['姓名', '公民身份号码', '金额'];
  const body = (n: number) => Array.from({ length: n }, (_, i) => [`人员${i + 1}`, `5323011990010${String(i).padStart(5, '0')}`, i]);

  it('streams an xlsx row by row below the header found by onHeaderSearch, with progress', async () => {
    const path = tmp.path('big.xlsx');
    await writeXlsx(path, [{ name: '医保', rows: [['某县医保住院数据'], [], header, ...body(2500)] }]);
    const seen: { values: unknown[]; row: number }[] = [];
    const progress: StreamProgress[] = [];
    let head: unknown[][] = [];
    let headName: string | undefined;
    const result = await streamTableRows(path, {
      onHeaderSearch(sheet) {
        head = sheet.values as unknown[][];
        headName = sheet.name;
        const index = sheet.values.findIndex((row) => row[0] === '姓名');
        return index < 0 ? null : index + 1;
      },
      onRow: (values, row) => seen.push({ values, row }),
      onProgress: (p) => progress.push(p),
    });
    expect(head[0][0]).toBe('某县医保住院数据');
    expect(headName).toBe('医保');
    expect(head[1]).toEqual([]); // the empty row 2 is kept as a placeholder
    expect(result.headerRow).toBe(3);
    expect(result.sheetName).toBe('医保');
    expect(result.rowsEmitted).toBe(2500);
    expect(seen[0]).toEqual({ values: ['人员1', '532301199001000000', 0], row: 4 });
    expect(seen[2499].row).toBe(2503);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const last = progress[progress.length - 1];
    expect(last.bytesRead).toBe(last.totalBytes);
    expect(progress[0].bytesRead).toBeLessThanOrEqual(last.bytesRead);
  });

  it('streams a GBK csv', async () => {
    const path = tmp.path('big.csv');
    writeFileSync(path, encodeGbk(toCsv([header, ...body(3000)])));
    const names: unknown[] = [];
    const result = await streamTableRows(path, {
      onHeaderSearch: (sheet) => (sheet.values[0][0] === '姓名' ? 1 : null),
      onRow: (values) => names.push(values[0]),
    });
    expect(result.rowsRead).toBe(3001);
    expect(names).toHaveLength(3000);
    expect(names[2999]).toBe('人员3000');
  });

  it('gives the event loop a turn at every progress report (polls and other requests are answered during a long read)', async () => {
    const csv = tmp.path('turns.csv');
    writeFileSync(csv, toCsv([header, ...body(6000)])); // well under one 1 MiB read chunk: no I/O wait inside
    const xlsx = tmp.path('turns.xlsx');
    await writeXlsx(xlsx, [{ name: 'S', rows: [header, ...body(6000)] }]);
    for (const path of [csv, xlsx]) {
      let turns = 0;
      let reading = true;
      const tick = () => {
        turns++;
        if (reading) setImmediate(tick);
      };
      setImmediate(tick);
      const turnsAtReport: number[] = [];
      await streamTableRows(path, { onRow: () => undefined, onProgress: () => turnsAtReport.push(turns), progressEvery: 1000 });
      reading = false;
      // 6 reports inside the read plus the final one; between two reports inside the read the loop turned
      const inside = turnsAtReport.slice(0, 6);
      expect(inside).toHaveLength(6);
      for (let i = 1; i < inside.length; i++) expect([path, inside[i] > inside[i - 1]]).toEqual([path, true]);
    }
  });

  it('passes every row when there is no header search; short files still get the header search', async () => {
    const path = tmp.path('short.csv');
    writeFileSync(path, toCsv([header, ['张三', 'x', 1]]));
    const all: unknown[][] = [];
    await streamTableRows(path, { onRow: (values) => all.push(values) });
    expect(all).toHaveLength(2);
    const below: unknown[][] = [];
    await streamTableRows(path, { onHeaderSearch: () => 1, onRow: (values) => below.push(values) });
    expect(below).toEqual([['张三', 'x', '1']]);
  });

  it('fails with header_not_found, and lets errors thrown by callbacks through unchanged', async () => {
    const path = tmp.path('nohead.xlsx');
    await writeXlsx(path, [{ name: 'S', rows: body(30) }]);
    const error = await readError(streamTableRows(path, { onHeaderSearch: () => null, onRow: () => undefined }));
    expect(error.code).toBe('header_not_found');
    const mine = new Error('stop');
    await expect(
      streamTableRows(path, {
        onRow: () => {
          throw mine;
        },
      }),
    ).rejects.toBe(mine);
  });

  it('reports a truncated xlsx as corrupt instead of hanging', async () => {
    const full = tmp.path('stream-full.xlsx');
    await writeXlsx(full, [{ name: 'S', rows: body(3000) }]);
    const bytes = readFileSync(full);
    const cut = tmp.path('stream-cut.xlsx');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await readError(streamTableRows(cut, { onRow: () => undefined }));
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe('无法读取 stream-cut.xlsx：文件已损坏或不是 Excel 工作簿');
  });

  it('chooses a sheet by name and reports a missing one', async () => {
    const path = tmp.path('sheets.xlsx');
    await writeXlsx(path, [
      { name: 'A', rows: [['a1']] },
      { name: 'B', rows: [['b1'], ['b2']] },
    ]);
    const rows: unknown[] = [];
    const result = await streamTableRows(path, { sheet: 'B', onRow: (values) => rows.push(values[0]) });
    expect(rows).toEqual(['b1', 'b2']);
    expect(result.sheetName).toBe('B');
    expect((await readError(streamTableRows(path, { sheet: 'C', onRow: () => undefined }))).code).toBe('sheet_not_found');
  });

  it('allSheets: every sheet in order as one file, the header searched in each, a sheet without it skipped and named; rows numbered per sheet', async () => {
    const path = tmp.path('all-sheets.xlsx');
    await writeXlsx(path, [
      { name: '说明', rows: [['按医院分表'], ['单位：元']] },
      { name: '一院', rows: [['标题'], ['姓名', '金额'], ['甲', 1], ['乙', 2]] },
      { name: '二院', rows: [['金额', '姓名'], [3, '丙']] },
    ]);
    const rows: unknown[][] = [];
    const heads: [string | undefined, number][] = [];
    const result = await streamTableRows(path, {
      allSheets: true,
      onHeaderSearch: (head, file) => {
        heads.push([head.name, file.sheetCount]);
        const r = head.values.findIndex((row) => row.includes('姓名'));
        return r < 0 ? null : r + 1;
      },
      onRow: (values, excelRow, sheet) => rows.push([sheet, excelRow, ...values]),
    });
    expect(heads).toEqual([['说明', 3], ['一院', 3], ['二院', 3]]);
    expect(rows).toEqual([['一院', 3, '甲', 1], ['一院', 4, '乙', 2], ['二院', 2, 3, '丙']]);
    expect(result.sheets).toEqual([
      { name: '说明', rowsEmitted: 0, skipped: true },
      { name: '一院', headerRow: 2, rowsEmitted: 2, skipped: false },
      { name: '二院', headerRow: 1, rowsEmitted: 1, skipped: false },
    ]);
    expect(result).toMatchObject({ sheetName: '一院', headerRow: 2, sheetCount: 3, rowsEmitted: 3 });
    // Without allSheets: the first sheet only, and no header there is an error.
    expect((await readError(streamTableRows(path, { onHeaderSearch: () => null, onRow: () => undefined }))).code).toBe('header_not_found');
  });

  it('skipping sheets leaves no stream on a deleted exceljs tmp file (no stray ENOENT after the read)', async () => {
    // exceljs writes sheets before sharedStrings, so its streaming reader parks each sheet in a tmp file
    // and deletes it when the consumer moves on; an unread stream on it used to fail later, uncaught.
    const path = tmp.path('three-sheets.xlsx');
    const workbook = new ExcelJS.Workbook();
    for (const name of ['A', 'B', 'C']) {
      const sheet = workbook.addWorksheet(name);
      for (let i = 0; i < 500; i++) sheet.addRow([`${name}${i}`, i]);
    }
    await workbook.xlsx.writeFile(path);
    // In a real Node process (jest's sandbox swallows such errors): the built reader from dist/.
    const script = `
      const { streamTableRows } = require(${JSON.stringify(resolve(__dirname, '..', '..', 'dist', 'server', 'io', 'read-table.js'))});
      let uncaught = 0;
      process.on('uncaughtException', () => uncaught++);
      (async () => {
        for (let run = 0; run < 15; run++) {
          let rows = 0;
          await streamTableRows(${JSON.stringify(path)}, { sheet: 'C', onRow: () => void rows++ });
          if (rows !== 500) throw new Error('rows ' + rows);
        }
      })();
      // Once nothing is left to run (a stray stream's error would come before), say what was seen.
      process.once('beforeExit', () => process.stdout.write(JSON.stringify({ uncaught })));`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out)).toEqual({ uncaught: 0 });
  });
});
