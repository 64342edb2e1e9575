/**
 * Import throughput: a generated 100k-row 医保 xlsx file through the whole county import — upload
 * (hash), streaming read, matching against a 50k roster, dry-run summary, then the commit that
 * numbers and writes the leads in one transaction — in rows/s, against the baseline of reading
 * the same file with the streaming reader alone (server/io streamTableRows, rows discarded).
 * ratio = import rows/s ÷ reader rows/s; goal ≥ 0.5 (the import costs at most twice the raw read).
 *
 * Data is fabricated (server/seed/fabricate.ts, seeded): valid-checksum IDs belonging to nobody.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ExcelJS from 'exceljs';
import pino from 'pino';
import type { ServerConfig } from '../server/app-deps';
import { buildDeps } from '../server/build-deps';
import type { AuthUser } from '../server/http/route-table';
import { commitImport, startImport, whenRead } from '../server/imports/service';
import { streamTableRows } from '../server/io/read-table';
import { seedUnits } from '../server/seed';
import { DEMO_UNITS } from '../server/seed/demo-units';
import { createRng, fabricateIdNumber, fabricateName, pick, randomInt } from '../server/seed/fabricate';
import { runWhenMain, type BenchResult } from './harness';

export const IMPORT_ROWS = 100_000;
/** The large-file case of the issue (300k rows): read + match + dry run only. BENCH_IMPORT_LARGE_ROWS=0 skips it. */
export const LARGE_IMPORT_ROWS = 300_000;
/** The large case must finish (generate + reader baseline + dry run) within this bound. */
const LARGE_IMPORT_BOUND_MS = 120_000;
export const ROSTER_PEOPLE = 50_000;
const COUNTY = '532301';
const PLACES = [
  ['鹿城镇', '示范村'],
  ['鹿城镇', '青松村'],
  ['东瓜镇', '红星村'],
  ['吕合镇', ''],
  ['', ''],
] as const;

const round = (n: number) => Math.round(n * 100) / 100;

/** Writes the medical file (streaming writer) and a roster csv; returns their paths. */
export async function generateImportBenchFiles(dir: string, rows: number): Promise<{ medical: string; roster: string; leadsExpectedMin: number }> {
  const rng = createRng(20261101);
  const ids = new Set<string>();
  while (ids.size < ROSTER_PEOPLE + rows * 0.6) ids.add(fabricateIdNumber(rng, { region: COUNTY }));
  const all = [...ids];
  const rosterIds = all.slice(0, ROSTER_PEOPLE);
  const roster = join(dir, 'roster.csv');
  const lines = ['姓名,身份证号,保障类别,乡镇（街道）,村（社区）,保障状态'];
  for (const id of rosterIds) lines.push(`${fabricateName(rng)},${id},${pick(rng, ['低保', '低保', '低保', '低保', '低保', '低保', '低保', '低保', '特困供养', '低保边缘'])},鹿城镇,示范村,${rng() < 0.9 ? '在保' : '停保'}`);
  require('fs').writeFileSync(roster, `${lines.join('\n')}\n`);

  const medical = join(dir, 'medical-2026-10.xlsx');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: medical, useSharedStrings: true, useStyles: false });
  const sheet = workbook.addWorksheet('医保');
  sheet.addRow(['楚雄市2026年10月住院结算（基准测试数据，人员均为虚构）']).commit();
  sheet.addRow(['姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构', '乡镇（街道）', '村（社区）']).commit();
  let high = 0;
  for (let r = 0; r < rows; r++) {
    // 30% roster people (10% of them 特困), the rest not covered; about 3% of the stays cost ≥ 10,000 self-paid
    const id = r % 10 < 3 ? rosterIds[randomInt(rng, 0, rosterIds.length - 1)] : all[ROSTER_PEOPLE + randomInt(rng, 0, all.length - ROSTER_PEOPLE - 1)];
    const selfPaid = rng() < 0.03 ? randomInt(rng, 10000, 60000) : randomInt(rng, 50, 9000);
    if (selfPaid >= 10000) high++;
    const [township, village] = PLACES[r % PLACES.length];
    const day = randomInt(rng, 1, 28);
    sheet
      .addRow([fabricateName(rng), id, `2026-10-${String(day).padStart(2, '0')}`, `2026-10-${String(Math.min(day + 3, 31)).padStart(2, '0')}`, selfPaid * 3, selfPaid, '楚雄州人民医院', township, village])
      .commit();
  }
  sheet.commit();
  await workbook.commit();
  return { medical, roster, leadsExpectedMin: Math.round(high * 0.3) };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? IMPORT_ROWS);
  try {
    const files = await generateImportBenchFiles(dir, rows);
    const config: ServerConfig = { host: '127.0.0.1', port: 0, dbFile: join(dir, 'bench.sqlite'), demo: false, bodyLimitBytes: 5 << 20, tokenTtlHours: 1 };
    const deps = await buildDeps(config, { logger: pino({ level: 'silent' }), now: () => new Date('2026-11-03T02:00:00Z') });
    try {
      await seedUnits(deps, DEMO_UNITS);
      const user: AuthUser = { id: 0, username: 'bench-county', role: 'county', unit: { code: COUNTY, name: '楚雄市', level: 'county' } };

      const rosterBuffer = readFileSync(files.roster);
      const rosterStart = performance.now();
      const roster = await startImport(deps, user, COUNTY, { source: 'roster', period: '2026-10', fileName: 'roster.csv', buffer: rosterBuffer });
      await whenRead(roster.status.importId);
      await commitImport(deps, user, COUNTY, roster.status.importId, 'bench');
      const rosterMs = performance.now() - rosterStart;

      // Baseline: the streaming reader alone over the same file.
      const readStart = performance.now();
      let readRows = 0;
      await streamTableRows(files.medical, { onRow: () => void readRows++ });
      const readMs = performance.now() - readStart;

      const buffer = readFileSync(files.medical);
      const start = performance.now();
      const started = await startImport(deps, user, COUNTY, { source: 'medical', period: '2026-10', fileName: 'medical-2026-10.xlsx', buffer });
      await whenRead(started.status.importId);
      const dryRunMs = performance.now() - start;
      const committed = await commitImport(deps, user, COUNTY, started.status.importId, 'bench');
      const totalMs = performance.now() - start;
      const commitMs = totalMs - dryRunMs;
      if (committed.state !== 'committed' || committed.summary!.rowsRead !== rows) {
        throw new Error(`import bench: unexpected outcome ${committed.state}, ${committed.summary?.rowsRead} rows`);
      }
      const leads = committed.summary!.leadsNew;
      if (leads < files.leadsExpectedMin) throw new Error(`import bench: only ${leads} leads`);

      const importRate = rows / (totalMs / 1000);
      const readRate = readRows / (readMs / 1000);
      const large = await largeDryRun(deps, user, dir);
      return [
        {
          name: `import: ${rows / 1000}k-row 医保 xlsx, read + match + dry run + commit (rows/s)`,
          value: Math.round(importRate),
          unit: 'rows/s',
          baseline: Math.round(readRate),
          ratio: round(importRate / readRate),
          goal: 'ratio ≥ 0.5 (at most 2× the raw streaming read)',
        },
        { name: 'import: dry run (read + match + summary)', value: Math.round(dryRunMs), unit: 'ms', baseline: Math.round(readMs), ratio: round(dryRunMs / readMs), goal: 'informational' },
        { name: 'import: commit of the leads in one transaction', value: Math.round(commitMs), unit: 'ms', baseline: null, ratio: null, goal: `informational (${leads} leads)` },
        { name: `import: roster of ${ROSTER_PEOPLE / 1000}k people (csv), replace in one transaction`, value: Math.round(rosterMs), unit: 'ms', baseline: null, ratio: null, goal: 'informational' },
        ...large,
      ];
    } finally {
      await deps.db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A 300k-row 医保 xlsx through read + match + dry run (no commit), in rows/s against the streaming
 * reader alone on the same file. The file is handed over by path (as an upload on disk is), so it
 * is hashed by streaming and never held in memory. Fails if the whole case exceeds its time bound.
 */
async function largeDryRun(deps: Awaited<ReturnType<typeof buildDeps>>, user: AuthUser, dir: string): Promise<BenchResult[]> {
  const rows = Number(process.env.BENCH_IMPORT_LARGE_ROWS ?? LARGE_IMPORT_ROWS);
  if (!(rows > 0)) return [];
  const caseStart = performance.now();
  const sub = join(dir, 'large');
  mkdirSync(sub);
  const files = await generateImportBenchFiles(sub, rows);
  const readStart = performance.now();
  let readRows = 0;
  await streamTableRows(files.medical, { onRow: () => void readRows++ });
  const readMs = performance.now() - readStart;
  const start = performance.now();
  const started = await startImport(deps, user, COUNTY, { source: 'medical', period: '2026-09', fileName: 'medical-2026-09-large.xlsx', path: files.medical });
  await whenRead(started.status.importId);
  const dryRunMs = performance.now() - start;
  const status = (await deps.db.get<{ state: string; rows_read: number }>('SELECT state, rows_read FROM imports WHERE id = ?', [started.status.importId]))!;
  if (status.state !== 'ready' || status.rows_read !== rows) throw new Error(`large import bench: unexpected outcome ${status.state}, ${status.rows_read} rows`);
  const caseMs = performance.now() - caseStart;
  if (caseMs > LARGE_IMPORT_BOUND_MS) throw new Error(`large import bench took ${Math.round(caseMs)} ms (bound ${LARGE_IMPORT_BOUND_MS} ms)`);
  const rate = rows / (dryRunMs / 1000);
  const readRate = readRows / (readMs / 1000);
  return [
    {
      name: `import: ${rows / 1000}k-row 医保 xlsx, read + match + dry run (rows/s)`,
      value: Math.round(rate),
      unit: 'rows/s',
      baseline: Math.round(readRate),
      ratio: round(rate / readRate),
      goal: `ratio ≥ 0.5; whole case < ${LARGE_IMPORT_BOUND_MS / 1000} s (this run ${Math.round(caseMs / 1000)} s incl. generation)`,
    },
  ];
}

runWhenMain(module, run);
