/**
 * Full validation of 100k fabricated ledger rows (validateSheet: header location, every cell check,
 * row rules, duplicate detection, findings), against a bare loop that only computes the GB 11643
 * check character of each row's ID number over the same rows in the same process.
 * Goal (issues 3, 9): ≥ 150k rows/s with the typed-value normalisation. Ratio = validation rate /
 * checksum-loop rate. Beside it: the time to read the same 100k rows from an xlsx (readTableFile, the
 * CLI's reader) — goal: validation adds ≤ 25 % to the read.
 *
 * About 2% of the rows carry a typical mistake (wrong check character, impossible date, a value not
 * in the dropdown, a 15-digit ID, a phone number with a digit missing) so findings are produced too.
 */
import { columnByKey, LEDGER_COLUMNS, type ColumnKey } from '../ledger/columns';
import { idCheckChar } from '../ledger/id-number';
import type { SheetInput } from '../ledger/types';
import { validateSheet } from '../ledger/validate';
import { createRng, fabricateLedgerSheet, FABRICATE_DEFAULT_TODAY, randomInt } from '../server/seed/fabricate';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { readTableFile } from '../server/io/read-table';
import { runWhenMain, collectGarbage, perSecond, round, timeOnce, timeSync, type BenchResult } from './harness';

export const VALIDATION_ROWS = Number(process.env.BENCH_VALIDATION_ROWS ?? 100_000);
const GOAL_ROWS_PER_SECOND = 150_000;
const TODAY = FABRICATE_DEFAULT_TODAY;

function columnIndex(key: ColumnKey): number {
  return LEDGER_COLUMNS.indexOf(columnByKey(key));
}

/** The bench sheet: title + header + `rows` fabricated rows, ~2% of them with a mistake. */
export function benchSheet(rows: number, seed = 20261031): SheetInput {
  const rng = createRng(seed);
  const sheet = fabricateLedgerSheet(rng, rows, { today: TODAY, maxAgeDays: 60 });
  const values = sheet.values as (string | number)[][];
  const id = columnIndex('idNumber');
  const foundOn = columnIndex('foundOn');
  const channel = columnIndex('channel');
  const phone = columnIndex('phone');
  for (let r = 2; r < values.length; r++) {
    if (rng() >= 0.02) continue;
    const row = values[r];
    switch (randomInt(rng, 0, 4)) {
      case 0: {
        const text = String(row[id]);
        row[id] = text.slice(0, 17) + (text[17] === '0' ? '1' : '0');
        break;
      }
      case 1:
        row[foundOn] = '2026-02-30';
        break;
      case 2:
        row[channel] = '走访';
        break;
      case 3:
        row[id] = String(row[id]).slice(0, 6) + String(row[id]).slice(8, 17);
        break;
      default:
        row[phone] = String(row[phone]).slice(0, 10);
    }
  }
  return sheet;
}

/** The baseline: compute the check character of every row's ID (nothing else). */
export function checksumLoop(sheet: SheetInput, idColumn: number): number {
  let valid = 0;
  const values = sheet.values;
  for (let r = 2; r < values.length; r++) {
    const text = values[r][idColumn];
    if (typeof text === 'string' && text.length === 18 && idCheckChar(text) === text[17]) valid++;
  }
  return valid;
}

export async function run(): Promise<BenchResult[]> {
  const rows = VALIDATION_ROWS;
  const sheet = benchSheet(rows);
  const id = columnIndex('idNumber');

  collectGarbage();
  const validation = timeSync(() => validateSheet(sheet, { today: TODAY }), { warmup: 1, repeats: 5 });
  const result = validation.result;
  if (!result.header || result.rows.length !== rows) {
    throw new Error(`validation bench: expected ${rows} rows, got ${result.rows.length}`);
  }
  if (result.errors === 0) throw new Error('validation bench: the injected mistakes were not found');

  collectGarbage();
  const baseline = timeSync(() => checksumLoop(sheet, id), { warmup: 3, repeats: 15 });
  if (baseline.result < rows * 0.9) throw new Error(`validation bench: only ${baseline.result} valid IDs`);

  const rate = perSecond(rows, validation.ms);
  const baseRate = perSecond(rows, baseline.ms);

  // The same rows as an xlsx (fabricated IDs only, removed after), read once the way the CLI reads it.
  const dir = mkdtempSync(join(tmpdir(), 'bench-validation-'));
  let readMs: number;
  try {
    const path = join(dir, 'ledger.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
    const ws = writer.addWorksheet('台账');
    for (const row of sheet.values) ws.addRow(row as unknown[]).commit();
    await ws.commit();
    await writer.commit();
    collectGarbage();
    const read = await timeOnce(() => readTableFile(path));
    if (read.result[0].values.length < rows) throw new Error('validation bench: the xlsx read lost rows');
    readMs = read.ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    {
      name: `validation: ${rows / 1000}k rows, time added by full validation to reading the same xlsx (validateSheet ms vs. readTableFile ms)`,
      value: round(validation.ms, 1),
      unit: 'ms',
      baseline: round(readMs, 1),
      ratio: round(validation.ms / readMs, 3),
      goal: 'ratio ≤ 0.25',
    },
    {
      name: `validation: ${rows / 1000}k fabricated ledger rows, full validateSheet (vs. bare ID-checksum loop)`,
      value: Math.round(rate),
      unit: 'rows/s',
      baseline: Math.round(baseRate),
      ratio: round(rate / baseRate, 4),
      goal: `≥ ${GOAL_ROWS_PER_SECOND} rows/s`,
    },
    {
      name: `validation: ${rows / 1000}k rows, median time of one full validateSheet (vs. checksum loop)`,
      value: round(validation.ms, 1),
      unit: 'ms',
      baseline: round(baseline.ms, 1),
      ratio: round(validation.ms / baseline.ms, 1),
      goal: `≤ ${Math.round((rows / GOAL_ROWS_PER_SECOND) * 1000)} ms`,
    },
    {
      // The machine may be shared: CPU time is what the work costs without waiting for a core.
      name: `validation: ${rows / 1000}k rows, rows per CPU-second (process CPU time, vs. checksum loop)`,
      value: Math.round(perSecond(rows, validation.cpuMs)),
      unit: 'rows/CPU-s',
      baseline: Math.round(perSecond(rows, baseline.cpuMs)),
      ratio: round(baseline.cpuMs / validation.cpuMs, 4),
      goal: 'informational',
    },
  ];
}

runWhenMain(module, run);
