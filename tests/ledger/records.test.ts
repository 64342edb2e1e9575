import { LEDGER_COLUMNS } from '../../ledger/columns';
import { FIRST_RECORD_ROW, recordsToSheet, validateRecords } from '../../ledger/records';
import { LEDGER_HEADER_ROW, locateLedgerHeader, valuesToCells } from '../../ledger/sheet';
import { readLedgerRows } from '../../ledger/validate';
import type { LedgerValues } from '../../ledger/types';
import * as facade from '../../ledger/validate';
import { validateSheet } from '../../ledger/validate';
import { FEMALE_ID, makeId, PLAIN_CALENDAR, TODAY, validRecord } from './validation-helpers';

const ctx = { today: TODAY, calendar: PLAIN_CALENDAR };

describe('recordsToSheet', () => {
  it('is the header row from LEDGER_COLUMNS, then one row per record', () => {
    const records = [validRecord(), validRecord({ idNumber: FEMALE_ID, gender: '女' })];
    const sheet = recordsToSheet(records);
    expect(sheet.values[0]).toEqual(LEDGER_COLUMNS.map((c) => c.header));
    expect(sheet.values.slice(1)).toEqual(records.map(valuesToCells));
    expect(LEDGER_HEADER_ROW).toEqual(sheet.values[0]);
  });

  it('round-trips: reading the synthetic sheet gives the records back', () => {
    const records = [validRecord(), validRecord({ idNumber: FEMALE_ID, gender: '女', categories: ['残疾人'], routes: null, amount: null })];
    const sheet = recordsToSheet(records);
    const rows = readLedgerRows(sheet, locateLedgerHeader(sheet)!);
    expect(rows.map((r) => r.values)).toEqual(records.map((r) => ({ ...Object.fromEntries(LEDGER_COLUMNS.map((c) => [c.key, null])), ...r })));
  });
});

describe('validateRecords', () => {
  it('is exported from ledger/validate too (the server loads it from there)', () => {
    expect(facade.validateRecords).toBe(validateRecords);
  });

  it('returns the findings of each record, in record order', () => {
    const records: LedgerValues[] = [
      validRecord(),
      validRecord({ idNumber: FEMALE_ID, gender: '男', leadNo: null }),
      validRecord({ idNumber: makeId(3), name: null, leadNo: null }),
    ];
    const result = validateRecords(records, ctx);
    expect(result).toHaveLength(3);
    expect(result[0]).toEqual([]);
    expect(result[1].map((f) => f.code)).toEqual(['gender.mismatch']);
    expect(result[2].map((f) => f.code)).toEqual(['required']);
    expect(result[2][0].row).toBe(2 + FIRST_RECORD_ROW);
  });

  it('gives the same findings as validateSheet on the equivalent sheet (one code path)', () => {
    const records: LedgerValues[] = [
      validRecord({ gender: '女', phone: '123' }),
      validRecord({ householdSize: 30, foundOn: '2026-13-01', status: '已办结' }),
      validRecord({ willingness: '不愿申请', leadNo: 'XS-532301-202610-00001', idNumber: makeId(9) }),
    ];
    const fromRecords = validateRecords(records, ctx).flat();
    const fromSheet = validateSheet(recordsToSheet(records), ctx).findings;
    expect(fromRecords).toEqual(fromSheet);
    expect(fromRecords.length).toBeGreaterThan(5);
  });

  it('takes sync values: dates YYYY-MM-DD, multi-values as arrays, numbers as numbers', () => {
    const [findings] = validateRecords(
      [validRecord({ categories: ['老年人', '残疾人', '重大疾病'], householdSize: 4, amount: 250.5, foundOn: '2026-10-12' })],
      ctx,
    );
    expect(findings).toEqual([]);
  });

  it('finds duplicates across the records given', () => {
    const result = validateRecords([validRecord({ leadNo: null }), validRecord({ leadNo: null })], ctx);
    expect(result.map((fs) => fs.map((f) => f.code))).toEqual([['id.duplicate'], ['id.duplicate']]);
  });

  it('skips blank records and copes with no records', () => {
    expect(validateRecords([{}, { notes: null, categories: [] }, validRecord()], ctx)).toEqual([[], [], []]);
    expect(validateRecords([], ctx)).toEqual([]);
  });

  it('a record with only machine columns is skipped like a blank row', () => {
    expect(validateRecords([{ rowId: 'abc', version: 3 }], ctx)).toEqual([[]]);
  });

  it('an ID sent as a number is id.excel_number', () => {
    const [findings] = validateRecords([validRecord({ idNumber: 532301198001010000, gender: null })], ctx);
    expect(findings.map((f) => f.code)).toEqual(['id.excel_number']);
  });
});
