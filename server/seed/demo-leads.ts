/**
 * Demo departmental files for 楚雄市 (532301): the roster of covered people, 医保 2026-10,
 * 残联 2026-Q3 and 教育 2026 — all people FABRICATED (server/seed/fabricate.ts), villages made up.
 * The files live in templates/demo/ (committed); regenerate them with
 *   npx tsx server/seed/demo-leads.ts [dir]
 * The demo seed imports the roster and the 残联 file through the real import pipeline (so the
 * leads panes have data) and leaves 医保 and 教育 for a new user to try an import.
 */
import { existsSync, mkdirSync } from 'fs';
import { join, resolve } from 'path';
import ExcelJS from 'exceljs';
import type { AppDeps } from '../app-deps';
import type { AuthUser } from '../http/route-table';
import { createRng, fabricatePerson, pick, randomInt, type FabricatedPerson, type Rng } from './fabricate';

export const DEMO_COUNTY = { code: '532301', name: '楚雄市' };
/** Townships and villages of the demo unit tree (server/seed/demo-units.ts) used in the files. */
const PLACES: readonly { township: string; villages: readonly string[] }[] = [
  { township: '鹿城镇', villages: ['示范村', '青松村', '示例社区'] },
  { township: '东瓜镇', villages: ['东瓜示例村', '红星村'] },
  { township: '吕合镇', villages: ['吕合示例村'] },
];

export interface DemoFile {
  fileName: string;
  source: 'roster' | 'medical' | 'disability' | 'education';
  period: string;
  title: string;
  header: string[];
  rows: (string | number)[][];
}

function person(rng: Rng): FabricatedPerson {
  const place = pick(rng, PLACES);
  return fabricatePerson(rng, { region: DEMO_COUNTY.code, township: place.township, village: pick(rng, place.villages) });
}

/** The demo files as data (deterministic). */
export function buildDemoFiles(seed = 20261031): DemoFile[] {
  const rng = createRng(seed);
  const covered = Array.from({ length: 160 }, () => person(rng));
  const categories = ['低保', '低保', '低保', '特困供养', '低保边缘', '临时救助'];
  const rosterRows = covered.map((p, i) => [
    p.name, p.idNumber, categories[i % categories.length], p.township, p.village, i % 17 === 5 ? '停保' : '在保',
  ]);
  const roster: DemoFile = {
    fileName: 'roster-532301.xlsx', source: 'roster', period: '2026-10',
    title: '楚雄市保障对象名册（演示数据，人员均为虚构）',
    header: ['序号', '姓名', '身份证号', '保障类别', '乡镇（街道）', '村（社区）', '保障状态'],
    rows: rosterRows.map((r, i) => [i + 1, ...r]),
  };
  const tekun = covered.filter((_p, i) => i % categories.length === 3 && i % 17 !== 5);
  const dibao = covered.filter((_p, i) => i % categories.length === 0 && i % 17 !== 5);

  // 医保 2026-10: uncovered people with high self-paid costs (some in several stays), people below
  // the threshold, covered 低保 people with high costs (excluded), 特困 inpatients, two bad IDs.
  const hospitals = ['楚雄州人民医院', '楚雄市人民医院', '楚雄州中医医院', '鹿城镇卫生院'];
  const medicalRows: (string | number)[][] = [];
  const stay = (p: FabricatedPerson, selfPaid: number, day: number, place = true) => {
    const total = Math.round(selfPaid * (2 + rng()) * 100) / 100;
    medicalRows.push([p.name, p.idNumber, `2026-10-${String(day).padStart(2, '0')}`, `2026-10-${String(Math.min(day + randomInt(rng, 2, 9), 31)).padStart(2, '0')}`, total, selfPaid, pick(rng, hospitals), place ? p.township : '', place ? p.village : '']);
  };
  for (let i = 0; i < 30; i++) stay(person(rng), randomInt(rng, 10000, 38000), randomInt(rng, 1, 20), i % 6 !== 0);
  for (let i = 0; i < 8; i++) {
    const p = person(rng);
    stay(p, randomInt(rng, 5200, 7000), randomInt(rng, 1, 10));
    stay(p, randomInt(rng, 4800, 6000), randomInt(rng, 12, 22));
  }
  for (let i = 0; i < 50; i++) stay(person(rng), randomInt(rng, 200, 9999), randomInt(rng, 1, 25));
  for (const p of dibao.slice(0, 6)) stay(p, randomInt(rng, 12000, 20000), randomInt(rng, 1, 20));
  for (const p of tekun.slice(0, 5)) stay(p, randomInt(rng, 300, 3000), randomInt(rng, 1, 20));
  const bad = person(rng);
  medicalRows.push([bad.name, bad.idNumber.slice(0, 17) + (bad.idNumber[17] === '1' ? '2' : '1'), '2026-10-08', '2026-10-15', 30000, 12000, hospitals[0], bad.township, bad.village]);
  medicalRows.push([person(rng).name, '53230119', '2026-10-09', '2026-10-12', 20000, 11000, hospitals[1], '', '']);
  const medical: DemoFile = {
    fileName: 'medical-532301-2026-10.xlsx', source: 'medical', period: '2026-10',
    title: '楚雄市2026年10月医保住院结算数据（演示数据，人员均为虚构）',
    header: ['姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构', '乡镇（街道）', '村（社区）'],
    rows: medicalRows,
  };

  const types = ['视力', '听力', '言语', '肢体', '智力', '精神', '多重'];
  const grades = ['一级', '二级', '三级', '四级'];
  const disabilityRows: (string | number)[][] = [];
  for (let i = 0; i < 60; i++) {
    const p = i < 6 ? covered[i * 7] : person(rng);
    // some rows without 乡镇/村 (and not on the roster): they wait in the county queue 待分派
    const unplaced = i >= 6 && i % 15 === 14;
    disabilityRows.push([p.name, p.idNumber, pick(rng, types), grades[i % 4], unplaced ? '' : p.township, i % 10 === 9 || unplaced ? '' : p.village]);
  }
  const disability: DemoFile = {
    fileName: 'disability-532301-2026-Q3.xlsx', source: 'disability', period: '2026-Q3',
    title: '楚雄市2026年第3季度持证残疾人数据（演示数据，人员均为虚构）',
    header: ['姓名', '身份证号', '残疾类别', '残疾等级', '乡镇（街道）', '村（社区）'],
    rows: disabilityRows,
  };

  const levels = ['专科', '本科', '本科', '高中', '硕士研究生', '中职'];
  const schools = ['云南大学', '楚雄师范学院', '云南民族大学', '楚雄医药高等专科学校', '楚雄第一中学'];
  const educationRows: (string | number)[][] = [];
  for (let i = 0; i < 50; i++) {
    const young = fabricatePerson(rng, { region: DEMO_COUNTY.code, birthYearRange: [2003, 2008], ...(() => { const pl = pick(rng, PLACES); return { township: pl.township, village: pick(rng, pl.villages) }; })() });
    educationRows.push([young.name, young.idNumber, pick(rng, schools), levels[i % levels.length], 2023 + (i % 4), young.township, young.village]);
  }
  const education: DemoFile = {
    fileName: 'education-532301-2026.xlsx', source: 'education', period: '2026',
    title: '楚雄市2026年秋季学期在读学生数据（演示数据，人员均为虚构）',
    header: ['姓名', '身份证号', '学校名称', '学历层次', '入学年份', '乡镇（街道）', '村（社区）'],
    rows: educationRows,
  };
  return [roster, medical, disability, education];
}

/** Writes one demo file as xlsx: a title row, then the header; ID numbers as text. */
export async function writeDemoXlsx(file: DemoFile, path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'demo';
  workbook.created = new Date(Date.UTC(2026, 9, 31));
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow([file.title]);
  sheet.addRow(file.header);
  const idIndex = file.header.indexOf('身份证号') + 1;
  sheet.getColumn(idIndex).numFmt = '@';
  for (const row of file.rows) sheet.addRow(row);
  sheet.columns.forEach((column, i) => {
    column.width = i + 1 === idIndex ? 21 : 14;
  });
  await workbook.xlsx.writeFile(path);
}

export async function writeDemoFiles(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const file of buildDemoFiles()) {
    const path = join(dir, file.fileName);
    await writeDemoXlsx(file, path);
    written.push(path);
  }
  return written;
}

/** templates/demo from the source tree (tsx, ts-jest) or the build (dist/server/seed). */
export function demoFilesDir(): string | undefined {
  for (const candidate of [resolve(__dirname, '../../templates/demo'), resolve(__dirname, '../../../templates/demo')]) {
    if (existsSync(join(candidate, 'roster-532301.xlsx'))) return candidate;
  }
  return undefined;
}

/**
 * Demo seed: imports the roster and the 残联 2026-Q3 file for 楚雄市 as demo-county (idempotent:
 * the same files are recognised by their hash and create nothing new).
 */
export async function seedDemoLeads(deps: AppDeps): Promise<void> {
  const dir = demoFilesDir();
  if (!dir) return;
  const { accountStore } = await import('../auth/account-store');
  const row = await accountStore(deps.db).findUser('demo-county');
  if (!row) return;
  const user: AuthUser = { id: row.id, username: row.username, role: 'county', unit: { code: row.unit_code, name: row.unit_name, level: 'county' } };
  const { readFile } = await import('fs/promises');
  // Loaded lazily so the file generator (npx tsx server/seed/demo-leads.ts) needs only exceljs.
  const { commitImport, startImport, whenRead } = await import('../imports/service');
  for (const file of buildDemoFiles().filter((f) => f.source === 'roster' || f.source === 'disability')) {
    try {
      const buffer = await readFile(join(dir, file.fileName));
      const started = await startImport(deps, user, DEMO_COUNTY.code, { source: file.source, period: file.period, fileName: file.fileName, buffer });
      if (!started.created) continue;
      await whenRead(started.status.importId);
      await commitImport(deps, user, DEMO_COUNTY.code, started.status.importId, 'demo-seed');
      if (file.source === 'disability') await sendOneToDemoVillage(deps);
    } catch (error) {
      // The demo leads are a convenience: never let them stop the server from starting.
      deps.logger.warn({ file: file.fileName, err: error instanceof Error ? error.name : 'unknown' }, 'demo leads not seeded');
    }
  }
}

/** 鹿城镇 sends 示范村 the leads suggested for it, so demo-village has leads to pull into its ledger. */
async function sendOneToDemoVillage(deps: AppDeps): Promise<void> {
  const { dispatchLeads } = await import('../leads/lifecycle');
  const { seedStore } = await import('./seed-store');
  const leadNos = await seedStore(deps.db).leadsSuggestedFor('532301101', '532301101201', 3);
  if (leadNos.length === 0) return;
  await deps.db.transaction((tx) =>
    dispatchLeads(tx, { username: 'demo-township', unitCode: '532301101', role: 'township' }, { leadNos, toUnitCode: '532301101201', note: '演示：请核实' }, deps.now()),
  );
}

if (require.main === module) {
  const dir = process.argv[2] ?? resolve(__dirname, '../../templates/demo');
  writeDemoFiles(dir).then(
    (paths) => process.stdout.write(`${paths.join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
