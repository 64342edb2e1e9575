/**
 * The consolidated workbook and CSV, downloaded from a real server and opened: sheets, columns,
 * masking by role, frozen headers, the audit row — and proof that no cell is a formula even when
 * staff typed text that a spreadsheet would run (=HYPERLINK(…), +1+1, -2+3, @SUM(…), tab, CR).
 */
import * as XLSX from '@e965/xlsx';
import { randomUUID } from 'crypto';
import yauzl from 'yauzl';
import { LEDGER_COLUMNS } from '../../ledger/columns';
import { csvField, isFormulaLike, maskPhone, maskPhoneText } from '../../ledger/reports/export';
import type { LedgerValues } from '../../ledger/types';
import { createSqliteLedgerStore } from '../../server/ledger/sqlite-store';
import { syncLedger } from '../../server/ledger/sync';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { waitUntil } from '../wait';
import { startTestServer, type TestServer } from './helpers';

const NOW = new Date('2026-11-20T04:00:00Z');
const INJECTIONS = ['=HYPERLINK("http://example.invalid","点我")', '+1+1', '-2+3', '@SUM(A1:A2)', '\t=1+1', '\r=1+1', '=cmd|\' /C calc\'!A0'];
const VILLAGES = ['532301101201', '532301101202', '532301102201'];

let server: TestServer;
const written: Array<{ villageCode: string; values: LedgerValues }> = [];

async function push(villageCode: string, values: LedgerValues[]) {
  const store = createSqliteLedgerStore(server.deps.db);
  await syncLedger(
    { store, audit: server.deps.audit, now: server.deps.now },
    villageCode,
    { clientId: 'exports-test', requestId: randomUUID(), changes: values.map((v) => ({ rowId: randomUUID(), baseVersion: 0, values: v as Record<string, never> })) },
    { user: null, httpRequestId: 'exports-test' },
  );
  for (const v of values) written.push({ villageCode, values: v });
}

async function download(path: string, user: string): Promise<{ status: number; buffer: Buffer; headers: Headers }> {
  const token = await server.login(user);
  const res = await fetch(server.baseUrl + path, { headers: { authorization: `Bearer ${token}`, 'x-request-id': `export-${randomUUID()}` } });
  return { status: res.status, buffer: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** Every entry of a zip as text. */
function unzipText(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) return reject(error);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            out.set(entry.fileName.replace(/^\//, ''), Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeAll(async () => {
  server = await startTestServer({ now: () => NOW, seed: 'platform' });
  const rng = createRng('exports-test');
  for (const village of VILLAGES) {
    const rows = Array.from({ length: INJECTIONS.length }, () => fabricateLedgerValues(rng, { region: village.slice(0, 6), today: '2026-11-15', maxAgeDays: 60 }));
    INJECTIONS.forEach((text, i) => {
      rows[i % rows.length] = { ...rows[i % rows.length], notes: text, hardship: text, address: text };
    });
    await push(village, rows);
  }
}, 60_000);

afterAll(() => server.close());

describe('formula-injection rules', () => {
  it('flags = + - @ tab CR at the start, and CSV fields are quoted and prefixed', () => {
    for (const text of INJECTIONS) expect(isFormulaLike(text)).toBe(true);
    expect(isFormulaLike('正常文本 =1')).toBe(false);
    expect(csvField('=1+1')).toBe(`"'=1+1"`);
    expect(csvField('他说"你好"')).toBe('"他说""你好"""');
    expect(csvField(-5)).toBe('"-5"'); // numbers are numbers, not text a cell would evaluate
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0878-3123456')).toBe('0878-***3456');
  });

  it('masks a phone however it was typed: spaces, full-width digits, brackets, several in a cell', () => {
    expect(maskPhoneText('138 1234 5678')).toBe('138 **** 5678');
    expect(maskPhoneText('１３８１２３４５６７８')).toBe('138****5678');
    expect(maskPhoneText('0878 3123456')).toBe('0878 ***3456');
    expect(maskPhoneText('(0878)3123456')).toBe('(0878)***3456');
    expect(maskPhoneText('13812345678、0878-3123456（分机 123）')).toBe('138****5678、0878-***3456(分机 123)');
    for (const typed of ['138 1234 5678', '１３８１２３４５６７８', '0878 3123456', '(0878)3123456']) expect(maskPhoneText(typed)).not.toMatch(/\d{5,}|\d{3} \d{4} \d{4}/);
  });
});

describe('GET /api/v1/exports/consolidated.xlsx', () => {
  let buffer: Buffer;
  let workbook: XLSX.WorkBook;
  beforeAll(async () => {
    const res = await download('/api/v1/exports/consolidated.xlsx?unit=532301&month=2026-11', 'demo-county');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('台账汇总_楚雄市_2026-11.xlsx'));
    buffer = res.buffer;
    workbook = XLSX.read(buffer, { cellFormula: true, cellNF: true, cellStyles: true });
  });

  it('no cell anywhere is a formula: no <f> element in any sheet, no cell with a formula when opened', async () => {
    const entries = await unzipText(buffer);
    const sheets = [...entries.keys()].filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name));
    expect(sheets.length).toBe(3);
    for (const name of sheets) expect(entries.get(name)).not.toMatch(/<f[\s>]/);
    let injected = 0;
    for (const sheetName of workbook.SheetNames) {
      for (const [address, cell] of Object.entries(workbook.Sheets[sheetName])) {
        if (address.startsWith('!')) continue;
        const c = cell as XLSX.CellObject;
        expect({ address, f: c.f }).toEqual({ address, f: undefined });
        if (typeof c.v === 'string' && isFormulaLike(c.v)) {
          injected++;
          expect({ address, t: c.t, z: c.z }).toEqual({ address, t: 's', z: '@' });
        }
      }
    }
    expect(injected).toBeGreaterThanOrEqual(INJECTIONS.length * 2 * 3); // three text columns × villages of 楚雄市
  });

  it('Chinese sheet names: a 汇总 per level, then every row in the ledger column order with 乡镇/村 filled', () => {
    expect(workbook.SheetNames).toEqual(['县（市）汇总', '乡镇（街道）汇总', '台账明细']);
    const rows = XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets['台账明细'], { header: 1, defval: null });
    expect(rows[0]).toEqual(LEDGER_COLUMNS.map((column) => column.header));
    const data = rows.slice(1);
    const mine = written.filter((w) => w.villageCode.startsWith('532301'));
    expect(data).toHaveLength(mine.length);
    const col = (key: string) => LEDGER_COLUMNS.findIndex((column) => column.key === key);
    expect(new Set(data.map((row) => `${row[col('township')]}/${row[col('village')]}`))).toEqual(new Set(['鹿城镇/示范村', '鹿城镇/青松村', '东瓜镇/东瓜示例村']));
    expect(data.map((row) => row[col('seq')])).toEqual(data.map((_, i) => i + 1));
  });

  it('ID numbers and phones are masked for the county (a file leaves the system, unlike the API view): no full ID or phone in the file', () => {
    const text = JSON.stringify(workbook.SheetNames.map((name) => XLSX.utils.sheet_to_json(workbook.Sheets[name], { header: 1 })));
    const phones = written.filter((w) => w.villageCode.startsWith('532301')).map(({ values }) => values.phone).filter((phone) => Boolean(phone));
    expect(phones.length).toBeGreaterThan(0);
    for (const { values } of written) {
      expect(text).not.toContain(String(values.idNumber));
      if (values.phone) expect(text).not.toContain(String(values.phone));
    }
    expect(text).toMatch(/532301\*{8}\d{3}[\dX]/);
    expect(text).toMatch(/1\d{2}\*{4}\d{4}/);
  });

  it('the prefecture gets phones masked as well: no full ID or phone in the file', async () => {
    const res = await download('/api/v1/exports/consolidated.csv?unit=532301&month=2026-11', 'demo-prefecture');
    expect(res.status).toBe(200);
    const text = res.buffer.toString('utf8');
    for (const { values } of written) {
      expect(text).not.toContain(String(values.idNumber));
      if (values.phone) expect(text).not.toContain(String(values.phone));
    }
    expect(text).toMatch(/1\d{2}\*{4}\d{4}/);
  });

  it('frozen header rows and widths that fit the header', async () => {
    const entries = await unzipText(buffer);
    for (const name of ['xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'xl/worksheets/sheet3.xml']) {
      expect(entries.get(name)).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
    }
    const cols = workbook.Sheets['台账明细']['!cols']!;
    LEDGER_COLUMNS.forEach((column, i) => expect(cols[i].wch ?? 0).toBeGreaterThanOrEqual(column.header.length * 2));
  });

  it('the 汇总 sheets hold each child unit and a 合计 equal to the summary API', async () => {
    const county = XLSX.utils.sheet_to_json<Record<string, unknown>>(workbook.Sheets['县（市）汇总']);
    const api = await server.request('GET', '/api/v1/reports/summary?unit=532301&month=2026-11', { token: await server.login('demo-county') });
    const total = county.find((row) => row['单位名称'] === '楚雄市 合计')!;
    expect(total['台账行数']).toBe(api.body.figures.rows.total);
    expect(total['2026-11报送：未提交']).toBe(api.body.figures.submissions['2026-11']['未提交']);
    const townships = county.filter((row) => String(row['单位代码']).length === 9).map((row) => row['单位名称']);
    expect(townships).toEqual(['鹿城镇', '东瓜镇', '吕合镇']);
    const township = XLSX.utils.sheet_to_json<Record<string, unknown>>(workbook.Sheets['乡镇（街道）汇总']);
    expect(township.filter((row) => row['上级代码'] === '532301101' && String(row['单位代码']).length === 12).map((row) => row['单位名称'])).toEqual(['示例社区', '示范村', '青松村']);
  });

  it('the export is audited: who, unit, month, row count', async () => {
    const audit = await server.deps.db.all<{ user: string; unit: string; target: string; detail: string }>(
      "SELECT user, unit, target, detail FROM audit_log WHERE action = 'export.consolidated' AND target = '532301'",
    );
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0].user).toBe('demo-county');
    expect(JSON.parse(audit[0].detail)).toEqual({ from: '2026-11', to: '2026-11', rows: 21, format: 'xlsx', masked: true });
  });
});

describe('GET /api/v1/exports/consolidated.csv', () => {
  it('UTF-8 with BOM, every field quoted, formula-like text prefixed with a quote', async () => {
    const res = await download('/api/v1/exports/consolidated.csv?unit=532301101&month=2026-11', 'demo-township');
    expect(res.status).toBe(200);
    expect([...res.buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.buffer.toString('utf8').slice(1);
    const lines = text.split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe(LEDGER_COLUMNS.map((column) => `"${column.header}"`).join(','));
    expect(lines).toHaveLength(1 + 14);
    expect(text).toContain(`"'=HYPERLINK(""http://example.invalid"",""点我"")"`);
    expect(text).toContain(`"'+1+1"`);
    expect(text).toContain(`"'@SUM(A1:A2)"`);
    expect(text).toContain(`"'\t=1+1"`);
    // no field opens with a formula character outside the quote prefix
    expect(text).not.toMatch(/(^|,)"[=+\-@]/m);
  });

  it('a village exporting its own ledger sees full ID numbers, audited as an unmasked export; others get 403', async () => {
    const res = await download('/api/v1/exports/consolidated.csv?unit=532301101201&month=2026-11', 'demo-village');
    const own = written.find((w) => w.villageCode === '532301101201')!;
    expect(res.buffer.toString('utf8')).toContain(String(own.values.idNumber));
    // the entry is written once the last row has gone out (it holds the row count): it may land just after the download ends
    const audit = await waitUntil('the unmasked export audited', async () => {
      const found = await server.deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export.consolidated.unmasked' AND target = '532301101201'");
      return found!.n > 0 ? found : undefined;
    });
    expect(audit.n).toBe(1);
    expect((await download('/api/v1/exports/consolidated.csv?unit=532301101202&month=2026-11', 'demo-village')).status).toBe(403);
    expect((await download('/api/v1/exports/consolidated.xlsx?unit=532322&month=2026-11', 'demo-county')).status).toBe(403);
  });
});
