/**
 * Matching benchmark: 100k 医保 rows against a 300k roster, the pure matcher (Maps keyed by the
 * normalised ID) against a raw SQL join doing the same selection in SQLite (indexed tables,
 * GROUP BY sum, LEFT JOIN roster where not covered, plus the 特困 inpatient rule).
 * Goal: ≤ 1.2× the SQL query (issue 14) and under 1 s. Both must select the same people. The matcher
 * also does what the SQL does not (settlement fingerprints over whole rows, row dates, name checks).
 *
 * Data is fabricated (server/seed/fabricate.ts, seeded): valid-checksum IDs belonging to nobody.
 */
import sqlite3 from 'sqlite3';
import { buildRosterIndex, createRosterBuilder, createSourceMatcher, type RosterRecord } from '../ledger/matching';
import { DEFAULT_POLICY } from '../ledger/policy';
import { sourceByCode } from '../ledger/sources';
import { createRng, fabricateIdNumber, randomInt, type Rng } from '../server/seed/fabricate';
import { median, nowMs, round, type BenchResult } from './harness';

export const ROSTER_SIZE = 300_000;
export const MEDICAL_ROWS = 100_000;
const TODAY = '2026-11-20';
const PERIOD = '2026-10';
const REPEATS = 5;

const CATEGORIES = ['低保', '低保', '低保', '低保', '低保', '低保', '特困供养', '低保边缘', '低保边缘', '临时救助'];
const HOSPITALS = ['楚雄州人民医院', '楚雄市人民医院', '禄丰市人民医院', '元谋县人民医院'];

export interface MatchingBenchData {
  roster: RosterRecord[];
  /** Header row then data rows, as an xlsx reader gives them. */
  medical: (string | number)[][];
}

function uniqueIds(rng: Rng, count: number): string[] {
  const seen = new Set<string>();
  while (seen.size < count) seen.add(fabricateIdNumber(rng));
  return [...seen];
}

/** Deterministic data: 300k roster people, 100k hospital stays (about 40% of them by roster people). */
export function fabricateMatchingData(rosterSize = ROSTER_SIZE, medicalRows = MEDICAL_ROWS, seed = 20261031): MatchingBenchData {
  const rng = createRng(seed);
  const patientsCount = Math.round(medicalRows * 0.7);
  const ids = uniqueIds(rng, rosterSize + Math.round(patientsCount * 0.6));
  const roster: RosterRecord[] = new Array(rosterSize);
  for (let i = 0; i < rosterSize; i++) {
    roster[i] = {
      idNumber: ids[i],
      name: `对象${i}`,
      category: CATEGORIES[randomInt(rng, 0, CATEGORIES.length - 1)],
      status: rng() < 0.85 ? '在保' : '停保',
      township: '鹿城镇',
      village: `村${i % 200}`,
    };
  }
  // Patients: 40% roster people, 60% people not on the roster.
  // Roster people are named in the hospital file as on the roster (a different name is id.name_mismatch).
  const patients: string[] = new Array(patientsCount);
  const patientNames: string[] = new Array(patientsCount);
  for (let i = 0; i < patientsCount; i++) {
    if (i % 5 < 2) {
      const r = randomInt(rng, 0, rosterSize - 1);
      patients[i] = ids[r];
      patientNames[i] = `对象${r}`;
    } else {
      patients[i] = ids[rosterSize + (i % (ids.length - rosterSize))];
      patientNames[i] = `患者${i}`;
    }
  }
  const medical: (string | number)[][] = [['序号', '姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构']];
  for (let r = 0; r < medicalRows; r++) {
    const patient = r < patientsCount ? r : randomInt(rng, 0, patientsCount - 1);
    const id = patients[patient];
    const day = randomInt(rng, 1, 28);
    const selfPaid = Math.round(rng() * rng() * 2_500_000) / 100; // cents-exact yuan, skewed low
    medical.push([r + 1, patientNames[patient], id, `2026-10-${String(day).padStart(2, '0')}`, `2026-10-${String(Math.min(31, day + 3)).padStart(2, '0')}`, selfPaid * 3, selfPaid, HOSPITALS[r % HOSPITALS.length]]);
  }
  return { roster, medical };
}

function ms(start: number): number {
  return nowMs() - start;
}

export interface PureRun {
  ms: number;
  counts: Record<string, number>;
  /** Selected ID numbers, sorted (only with `withIds`). */
  ids?: string[];
}

/** The pure matcher over the in-memory rows (roster index already built, like the SQL indexes). */
export function runPure(data: MatchingBenchData, index = buildRosterIndex(data.roster), withIds = false): PureRun {
  const header = { rowIndex: 0, excelRow: 1, indexByKey: indexByKeyOf(data.medical[0]) };
  const start = nowMs();
  const matcher = createSourceMatcher({ source: 'medical', period: PERIOD, roster: index, policy: DEFAULT_POLICY, today: TODAY, header });
  const rows = data.medical;
  for (let r = 1; r < rows.length; r++) matcher.addRow(rows[r], r + 1);
  const result = matcher.finish();
  const elapsed = ms(start);
  const counts: Record<string, number> = {};
  for (const lead of result.leads) counts[lead.rule] = (counts[lead.rule] ?? 0) + 1;
  return { ms: elapsed, counts, ids: withIds ? result.leads.map((lead) => `${lead.idNumber} ${lead.rule}`).sort() : undefined };
}

function indexByKeyOf(headerRow: readonly unknown[]): Record<string, number> {
  const columns = sourceByCode('medical').columns;
  const out: Record<string, number> = {};
  headerRow.forEach((text, i) => {
    const column = columns.find((c) => c.header === text || c.aliases.includes(String(text)));
    if (column) out[column.key] = i;
  });
  return out;
}

type Db = sqlite3.Database;

function exec(db: Db, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
}
function runSqlStatement(db: Db, sql: string, params: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
}
function all<T>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

async function insertBatched(db: Db, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const batch = Math.floor(900 / columns.length);
  await exec(db, 'BEGIN');
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const placeholders = chunk.map(() => `(${columns.map(() => '?').join(',')})`).join(',');
    await runSqlStatement(db, `INSERT INTO ${table} (${columns.join(',')}) VALUES ${placeholders}`, chunk.flat());
  }
  await exec(db, 'COMMIT');
}

/**
 * Same selection as the two medical rules, in SQL, returning what a lead needs (ID, name, rule,
 * summed amount and stays, township and village from the roster). Amounts in cents, as the matcher sums them.
 */
export const MATCH_SQL = `
SELECT p.id_number, p.name, p.cents, p.stays, r.township, r.village,
       CASE WHEN t.id_number IS NOT NULL THEN 'medical.tekun_inpatient' ELSE 'medical.high_self_paid' END AS rule
FROM (SELECT id_number, MIN(name) AS name, SUM(self_paid_cents) AS cents, COUNT(*) AS stays FROM medical GROUP BY id_number) p
LEFT JOIN roster c ON c.id_number = p.id_number AND c.status = '在保' AND c.category IN ('低保', '特困供养')
LEFT JOIN roster t ON t.id_number = p.id_number AND t.status = '在保' AND t.category = '特困供养'
LEFT JOIN roster r ON r.id_number = p.id_number
WHERE (t.id_number IS NOT NULL AND p.cents > 0)
   OR (c.id_number IS NULL AND p.cents >= ?)`;

export async function openSqlBaseline(data: MatchingBenchData): Promise<Db> {
  const db = new sqlite3.Database(':memory:');
  await exec(db, `
    CREATE TABLE roster (id_number TEXT NOT NULL, name TEXT, category TEXT NOT NULL, status TEXT NOT NULL, township TEXT, village TEXT);
    CREATE TABLE medical (excel_row INTEGER, name TEXT, id_number TEXT NOT NULL, self_paid_cents INTEGER NOT NULL);`);
  await insertBatched(db, 'roster', ['id_number', 'name', 'category', 'status', 'township', 'village'],
    data.roster.map((r) => [r.idNumber, r.name, r.category, r.status, r.township, r.village]));
  await insertBatched(db, 'medical', ['excel_row', 'name', 'id_number', 'self_paid_cents'],
    data.medical.slice(1).map((row, i) => [i + 2, row[1], row[2], Math.round(Number(row[6]) * 100)]));
  await exec(db, `
    CREATE INDEX roster_id ON roster (id_number, status, category);
    CREATE INDEX medical_id ON medical (id_number, self_paid_cents, name);
    ANALYZE;`);
  return db;
}

export async function runSql(db: Db, withIds = false): Promise<PureRun> {
  const start = nowMs();
  const rows = await all<{ rule: string; id_number: string }>(db, MATCH_SQL, [Math.round(DEFAULT_POLICY.matching.medicalSelfPaidMin * 100)]);
  const elapsed = ms(start);
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.rule] = (counts[row.rule] ?? 0) + 1;
  return { ms: elapsed, counts, ids: withIds ? rows.map((row) => `${row.id_number} ${row.rule}`).sort() : undefined };
}

export async function run(): Promise<BenchResult[]> {
  const data = fabricateMatchingData();

  // Roster index from roster rows as read from a file (ID checks included), 300k.
  const rosterStart = nowMs();
  const builder = createRosterBuilder(TODAY, { rowIndex: 0, excelRow: 1, indexByKey: { name: 0, idNumber: 1, category: 2, status: 3, township: 4, village: 5 } });
  for (let i = 0; i < data.roster.length; i++) {
    const r = data.roster[i];
    builder.addRow([r.name, r.idNumber, r.category, r.status ?? '', r.township ?? '', r.village ?? ''], i + 2);
  }
  const index = builder.finish().index;
  const rosterMs = ms(rosterStart);

  const db = await openSqlBaseline(data);
  try {
    const pure: PureRun[] = [];
    const sql: PureRun[] = [];
    runPure(data, index); // warm-up
    await runSql(db);
    for (let i = 0; i < REPEATS; i++) {
      pure.push(runPure(data, index));
      sql.push(await runSql(db));
    }
    const same = JSON.stringify(sortKeys(pure[0].counts)) === JSON.stringify(sortKeys(sql[0].counts));
    if (!same) {
      throw new Error(`matching bench: matcher and SQL disagree: ${JSON.stringify(pure[0].counts)} vs ${JSON.stringify(sql[0].counts)}`);
    }
    const pureMs = median(pure.map((p) => p.ms));
    const sqlMs = median(sql.map((p) => p.ms));
    
    return [
      {
        name: `matching: ${MEDICAL_ROWS / 1000}k 医保 rows vs ${ROSTER_SIZE / 1000}k roster, vs SQL join`,
        value: round(pureMs),
        unit: 'ms',
        baseline: round(sqlMs),
        ratio: round(pureMs / sqlMs),
        goal: 'ratio ≤ 1.2, value < 1000 ms',
      },
      {
        name: `matching: roster index of ${ROSTER_SIZE / 1000}k rows (ID checks included)`,
        value: round(rosterMs),
        unit: 'ms',
        baseline: null,
        ratio: null,
        goal: 'informational',
      },
    ];
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

