/**
 * The corpus of workbooks made the way clerks make them (tests/fixtures/clerk-workbooks, written by
 * generate.ts with exceljs, SheetJS and LibreOffice): every file is read by content, every ledger
 * sheet is checked, and the findings are exactly the planted defects — no false alarm, none missed.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import ExcelJS from 'exceljs';
import { validateLedgerFile } from '../../server/cli/validate-command';
import { readTableFile } from '../../server/io/read-table';
import { CORPUS_TODAY } from '../fixtures/clerk-workbooks/generate';

const DIR = join(__dirname, '..', 'fixtures', 'clerk-workbooks');

interface Entry {
  file: string;
  made: string;
  expected: string[];
  skipped?: string[];
  unreadable?: string;
}

const CORPUS: Entry[] = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));

describe('the clerk-workbook corpus', () => {
  it('covers every format: xlsx (exceljs, SheetJS, LibreOffice, openpyxl notes), .xls, .et, .ods, xlsx named .xls, Unicode text, HTML as .xls', () => {
    const names = CORPUS.map((entry) => entry.file);
    for (const file of ['template-copy.xlsx', 'months-with-summary.xlsx', 'old-excel.xls', 'wps.et', 'sheetjs.ods', 'xlsx-named.xls', 'sheetjs.xlsx', 'openpyxl-comments.xlsx', 'unicode-text.txt', 'html-export.xls']) {
      expect(names).toContain(file);
    }
  });

  it.each(CORPUS.filter((entry) => !entry.unreadable).map((entry) => [entry.file, entry] as const))('%s: exactly the planted findings', async (_file, entry) => {
    const report = await validateLedgerFile(entry.file, { cwd: DIR, today: CORPUS_TODAY });
    const found = report.findings.map((f) => `${f.sheet}:${f.row}:${f.code}`);
    const falseAlarms = found.filter((f) => !entry.expected.includes(f));
    const missed = entry.expected.filter((e) => !found.includes(e));
    expect({ falseAlarms, missed }).toEqual({ falseAlarms: [], missed: [] });
    expect(report.skippedSheets.map((s) => s.sheet)).toEqual(entry.skipped ?? []);
  });

  it.each(CORPUS.filter((entry) => entry.unreadable).map((entry) => [entry.file, entry] as const))('%s: one line saying what the file is and how to save it', async (_file, entry) => {
    await expect(validateLedgerFile(entry.file, { cwd: DIR, today: CORPUS_TODAY })).rejects.toMatchObject({ message: expect.stringMatching(new RegExp(entry.unreadable!)) });
  });

  it('the openpyxl file really is one exceljs refuses (so the SheetJS path is what reads it)', async () => {
    await expect(new ExcelJS.Workbook().xlsx.readFile(join(DIR, 'openpyxl-comments.xlsx'))).rejects.toThrow();
    const [sheet] = await readTableFile(join(DIR, 'openpyxl-comments.xlsx'));
    expect(sheet.values.length).toBeGreaterThan(20);
  });

  it('merges come through from xlsx, .xls and .ods alike', async () => {
    for (const file of ['template-copy.xlsx', 'old-excel.xls', 'sheetjs.ods', 'libreoffice.xlsx']) {
      const [sheet] = await readTableFile(join(DIR, file));
      expect([file, sheet.merges?.length ?? 0]).toEqual([file, 3]);
    }
  });
});
