/** Shared fixtures of the leads/imports suites: fabricated people, csv/xlsx files, upload + poll. */
import ExcelJS from 'exceljs';
import { createRng, fabricateIdNumber, fabricateName, type Rng } from '../../server/seed/fabricate';
import { waitUntil } from '../wait';
import { startTestServer, type TestServer } from './helpers';

export const COUNTY = '532301';
export const LUCHENG = '532301101';
export const SHIFAN = '532301101201';
export const QINGSONG = '532301101202';
export const DONGGUA = '532301102';
export const DONGGUA_VILLAGE = '532301102201';

export interface Person {
  name: string;
  id: string;
}

export function people(seed: number, count: number, region = COUNTY): Person[] {
  const rng: Rng = createRng(seed);
  const out: Person[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const id = fabricateIdNumber(rng, { region, birthYearRange: [1950, 2000] });
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ name: fabricateName(rng), id });
  }
  return out;
}

export const MEDICAL_HEADER = ['姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构', '乡镇（街道）', '村（社区）'];
export const ROSTER_HEADER = ['姓名', '身份证号', '保障类别', '乡镇（街道）', '村（社区）', '保障状态'];
export const DISABILITY_HEADER = ['姓名', '身份证号', '残疾类别', '残疾等级', '乡镇（街道）', '村（社区）'];

/** A 医保 row; dated in October 2026 only when `day` is given (an undated row counts in any period). */
export function medicalRow(p: Person, selfPaid: number | string, township = '', village = '', day?: number): string[] {
  const d = day === undefined ? '' : `2026-10-${String(day).padStart(2, '0')}`;
  return [p.name, p.id, d, d, String(Number(selfPaid) * 2 || 0), String(selfPaid), '楚雄州人民医院', township, village];
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A UTF-8 csv with an optional title row above the header (header then at Excel row 2). */
export function csvFile(header: string[], rows: string[][], title?: string): Buffer {
  const lines = [...(title ? [title] : []), header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/**
 * A 医保 csv: `leads` people over the threshold in 鹿城镇 示范村 (each a new lead), then `filler` rows
 * of 0 self-paid (no lead; short rows, so a large file stays under the upload limit).
 */
export function medicalFile(seed: number, leads: number, filler = 0): Buffer {
  const over = people(seed, leads).map((p) => medicalRow(p, 15000, '鹿城镇', '示范村'));
  const fillerPeople = people(seed + 1, Math.min(filler, 200));
  const below = Array.from({ length: filler }, (_, i) => {
    const p = fillerPeople[i % fillerPeople.length];
    return [p.name, p.id, '', '', '0', '0', '', '', ''];
  });
  return csvFile(MEDICAL_HEADER, [...over, ...below]);
}

export async function xlsxFile(header: string[], rows: (string | number)[][], title?: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据');
  if (title) sheet.addRow([title]);
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function upload(
  server: TestServer,
  token: string,
  file: { buffer: Buffer; fileName: string; source: string; period?: string },
  county = COUNTY,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; requestId: string | null }> {
  const form = new FormData();
  form.append('source', file.source);
  if (file.period !== undefined) form.append('period', file.period);
  form.append('file', new Blob([new Uint8Array(file.buffer)]), file.fileName);
  const res = await fetch(`${server.baseUrl}/api/v1/counties/${county}/imports`, {
    method: 'POST',
    headers: { ...headers, authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  // requestId: the server-made id the request's audit entries are filed under.
  return { status: res.status, body: text ? JSON.parse(text) : undefined, requestId: res.headers.get('x-request-id') };
}

/** Polls the import until it is no longer reading (a deadline, not a number of polls: a loaded machine answers each poll slower). */
export async function waitForImport(server: TestServer, token: string, importId: string, county = COUNTY): Promise<any> {
  return waitUntil(
    `import ${importId} no longer reading`,
    async () => {
      const res = await server.request('GET', `/api/v1/counties/${county}/imports/${importId}`, { token });
      if (res.status !== 200) throw new Error(`status ${res.status}: ${res.text}`);
      return res.body.state !== 'reading' ? res.body : false;
    },
    { timeoutMs: 60_000, everyMs: 25 },
  );
}

/** Upload → dry run (ready) → commit; returns the dry run and the committed status. */
export async function importFile(
  server: TestServer,
  token: string,
  file: { buffer: Buffer; fileName: string; source: string; period?: string },
  county = COUNTY,
): Promise<{ dryRun: any; committed: any }> {
  const up = await upload(server, token, file, county);
  if (up.status !== 202) throw new Error(`upload ${up.status}: ${JSON.stringify(up.body)}`);
  const dryRun = await waitForImport(server, token, up.body.importId, county);
  if (dryRun.state !== 'ready') throw new Error(`import ${dryRun.state}: ${JSON.stringify(dryRun.error)}`);
  const res = await server.request('POST', `/api/v1/counties/${county}/imports/${up.body.importId}/commit`, { token });
  if (res.status !== 200) throw new Error(`commit ${res.status}: ${res.text}`);
  return { dryRun, committed: res.body };
}

export async function leadsOf(server: TestServer, token: string, unit: string, query = ''): Promise<any> {
  const res = await server.request('GET', `/api/v1/units/${unit}/leads${query ? `?${query}` : ''}`, { token });
  if (res.status !== 200) throw new Error(`leads ${res.status}: ${res.text}`);
  return res.body;
}

/** A mutable clock for startTestServer({ now }). */
export function clock(iso: string): TestClock {
  let current = new Date(iso);
  return { now: () => current, set: (next: string) => (current = new Date(next)) };
}

export interface TestClock {
  now: () => Date;
  set(iso: string): void;
}

/**
 * The import suites' server: demo seed, the clock `time` (tokens follow it), the county signed in.
 *   beforeAll(async () => ({ server, county } = await startCountyServer(time)));
 */
export async function startCountyServer(time: TestClock): Promise<{ server: TestServer; county: string }> {
  const server = await startTestServer({ now: time.now });
  return { server, county: await server.login('demo-county') };
}
