import { LEDGER_COLUMNS } from '../../ledger/columns';
import { normalizeHeaderText, withoutTrailingParenthetical } from '../../ledger/header-text';
import {
  cellRef,
  columnLettersOfIndex,
  LEDGER_HEADER_ROW,
  locateColumns,
  locateLedgerHeader,
  valuesToCells,
  type ColumnSpec,
} from '../../ledger/sheet';
import { SOURCES } from '../../ledger/sources';
import type { SheetInput } from '../../ledger/types';
import { readLedgerRows, validateSheet } from '../../ledger/validate';
import { hasMultiSeparator, MULTI_VALUE_SEPARATORS, splitMultiValue } from '../../ledger/vocabularies';
import { FEMALE_ID, MALE_ID, TODAY, validRecord } from './validation-helpers';

describe('normalizeHeaderText', () => {
  it.each([
    ['乡镇（街道）', '乡镇(街道)'],
    ['乡镇(街道)', '乡镇(街道)'],
    [' 乡镇 （ 街道 ） ', '乡镇(街道)'],
    ['乡镇【街道】', '乡镇(街道)'],
    ['乡镇[街道]', '乡镇(街道)'],
    ['姓名*', '姓名'],
    ['＊姓名', '姓名'],
    ['姓\n名', '姓名'],
    ['姓\u3000名', '姓名'],
    ['记录ＩＤ', '记录id'],
    ['记录ID', '记录id'],
    ['救助金额（元）：', '救助金额(元)'],
  ])('%j → %j', (text, expected) => {
    expect(normalizeHeaderText(text)).toBe(expected);
  });

  it('drops a trailing parenthetical only on request', () => {
    expect(withoutTrailingParenthetical('家庭人口(人)')).toBe('家庭人口');
    expect(withoutTrailingParenthetical('家庭人口')).toBe('家庭人口');
    expect(withoutTrailingParenthetical('(备注)')).toBe('');
  });
});

describe('columnLettersOfIndex / cellRef', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [27, 'AB'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('column %d is %s', (index, letters) => {
    expect(columnLettersOfIndex(index)).toBe(letters);
  });

  it('builds A1 references', () => {
    expect(cellRef(5, 5)).toBe('F5');
    expect(cellRef(12, 27)).toBe('AB12');
  });
});

const SPECS: ColumnSpec[] = [
  { key: 'name', header: '姓名', aliases: ['户主姓名'], required: true },
  { key: 'id', header: '身份证号', aliases: ['公民身份号码', '身份证号码'], required: true },
  { key: 'amount', header: '救助金额（元）', aliases: ['金额'] },
  { key: 'note', header: '备注' },
];

describe('locateColumns (generic)', () => {
  it('finds the header under a title row, in any column order, ignoring extra columns', () => {
    const values = [['XX村10月台账'], ['无关列', '备注', '公民身份号码', '户主姓名', '其他'], ['x', '', MALE_ID, '张三', 'y']];
    const located = locateColumns(values, SPECS);
    expect(located).not.toBeNull();
    expect(located!.rowIndex).toBe(1);
    expect(located!.excelRow).toBe(2);
    expect(located!.columns).toEqual([
      { key: 'note', index: 1, header: '备注' },
      { key: 'id', index: 2, header: '公民身份号码' },
      { key: 'name', index: 3, header: '户主姓名' },
    ]);
    expect(located!.indexByKey).toEqual({ note: 1, id: 2, name: 3 });
    expect(located!.missingRequired).toEqual([]);
    expect(located!.headerRows).toBe(1);
  });

  it('matches normalised texts: full/half-width brackets, spaces, marks, a trailing unit', () => {
    const located = locateColumns([[' 姓 名 *', '身份证号码', '救助金额(元)']], SPECS);
    expect(located!.columns.map((c) => c.key)).toEqual(['name', 'id', 'amount']);
    expect(located!.columns[0].header).toBe('姓名'); // displayed without spaces and marks
    const withUnit = locateColumns([['姓名', '身份证号', '金额（万元）']], SPECS);
    expect(withUnit!.indexByKey.amount).toBe(2);
  });

  it('reports missing required columns', () => {
    const located = locateColumns([['姓名', '备注', '金额']], SPECS);
    expect(located!.missingRequired).toEqual(['id']);
  });

  it('takes the first of two columns with the same header', () => {
    const located = locateColumns([['姓名', '身份证号', '姓名']], SPECS);
    expect(located!.indexByKey.name).toBe(0);
  });

  it('scans only the first maxScanRows rows (default 10)', () => {
    const header = ['姓名', '身份证号'];
    const padded = (blank: number): unknown[][] => [...Array.from({ length: blank }, () => ['说明文字']), header];
    expect(locateColumns(padded(9), SPECS)!.excelRow).toBe(10);
    expect(locateColumns(padded(10), SPECS)).toBeNull();
    expect(locateColumns(padded(10), SPECS, 11)!.excelRow).toBe(11);
  });

  it('returns null when no row matches enough columns', () => {
    expect(locateColumns([['标题'], ['姓名', '年龄']], SPECS)).toBeNull();
    expect(locateColumns([], SPECS)).toBeNull();
    expect(locateColumns([['姓名', '年龄']], SPECS, 10, { minMatches: 1 })).not.toBeNull();
  });

  it('prefers the row matching the most columns', () => {
    const values = [['姓名', '说明'], ['姓名', '身份证号', '备注']];
    expect(locateColumns(values, SPECS)!.rowIndex).toBe(1);
  });

  it('applies firstRow to excelRow', () => {
    expect(locateColumns([['姓名', '身份证号']], SPECS, 10, { firstRow: 5 })!.excelRow).toBe(5);
  });

  it('reads a two-level header: group cells above, sub-headers below (lower row wins)', () => {
    const values = [
      ['台账'],
      ['姓名', '身份证号', '救助情况', '救助情况'],
      ['姓名', '身份证号', '金额', '备注'],
      ['张三', MALE_ID, 100, ''],
    ];
    const located = locateColumns(values, SPECS)!;
    expect(located.rowIndex).toBe(2);
    expect(located.headerRows).toBe(2);
    expect(located.indexByKey).toEqual({ name: 0, id: 1, amount: 2, note: 3 });

    // Vertically merged cells keep their text in the upper row only.
    const merged = [['姓名', '身份证号', '救助情况', ''], ['', '', '金额', '备注']];
    const m = locateColumns(merged, SPECS)!;
    expect(m.rowIndex).toBe(1);
    expect(m.indexByKey).toEqual({ name: 0, id: 1, amount: 2, note: 3 });
  });

  it('works for the county source files with their own specs', () => {
    const medical = SOURCES.find((source) => source.code === 'medical')!;
    const header = medical.columns.map((column) => column.header);
    const located = locateColumns([['医保数据'], header.slice().reverse()], medical.columns);
    expect(located).not.toBeNull();
    expect(located!.missingRequired).toEqual([]);
    expect(located!.columns).toHaveLength(header.length);
  });
});

describe('locateLedgerHeader', () => {
  it('finds the template header (every column) below the title row', () => {
    const header = locateLedgerHeader({ values: [['_____村（社区）__月社会救助主动发现监测工作台账'], [...LEDGER_HEADER_ROW]] })!;
    expect(header.excelRow).toBe(2);
    expect(header.columns.map((c) => c.key)).toEqual(LEDGER_COLUMNS.map((c) => c.key));
    expect(header.missingRequired).toEqual([]);
  });

  it('accepts aliases and reports missing required columns by key', () => {
    const header = locateLedgerHeader({ values: [['姓名', '身份证号', '人员类别', '联系方式']] })!;
    expect(header.indexByKey).toMatchObject({ name: 0, idNumber: 1, categories: 2, phone: 3 });
    expect(header.missingRequired).toEqual(['channel', 'foundOn']);
  });

  it('is null for a sheet that is not a ledger', () => {
    expect(locateLedgerHeader({ values: [['品名', '数量', '单价'], ['苹果', 1, 2]] })).toBeNull();
    expect(locateLedgerHeader({ values: [['姓名', '年龄']] })).toBeNull();
  });
});

/** A sheet with the template's columns: title row, header row, then the given rows. */
function ledgerSheet(rows: unknown[][], extra: Partial<SheetInput> = {}): SheetInput {
  return { values: [['台账'], [...LEDGER_HEADER_ROW], ...rows], ...extra };
}

describe('readLedgerRows', () => {
  it('normalises values: dates ISO, multi-values arrays, numbers, trimmed text, blanks null', () => {
    const record = validRecord();
    const cells = valuesToCells(record);
    const at = (key: string): number => LEDGER_COLUMNS.findIndex((c) => c.key === key);
    cells[at('foundOn')] = '2026/10/12';
    cells[at('categories')] = '老年人，因病支出型困难';
    cells[at('name')] = '  张三 ';
    cells[at('householdSize')] = '3';
    cells[at('amount')] = '1,500.00';
    cells[at('idNumber')] = MALE_ID.toLowerCase();
    const sheet = ledgerSheet([cells]);
    const rows = readLedgerRows(sheet, locateLedgerHeader(sheet)!);
    expect(rows).toHaveLength(1);
    expect(rows[0].excelRow).toBe(3);
    expect(rows[0].raw).toBe(sheet.values[2]);
    expect(rows[0].values).toEqual(record);
  });

  it('keeps unreadable cells as typed (the user sees what they wrote)', () => {
    const cells = valuesToCells(validRecord({ foundOn: '下周一', householdSize: '三口', idNumber: null }));
    cells[LEDGER_COLUMNS.findIndex((c) => c.key === 'idNumber')] = 5.32301197209181e17;
    const sheet = ledgerSheet([cells]);
    const [row] = readLedgerRows(sheet, locateLedgerHeader(sheet)!);
    expect(row.values.foundOn).toBe('下周一');
    expect(row.values.householdSize).toBe('三口');
    expect(row.values.idNumber).toBe(5.32301197209181e17);
  });

  it('gives only the columns present, in any order', () => {
    const sheet: SheetInput = { values: [['备注', '发现日期', '姓名', '其他'], ['x', 46300, '王五', 'ignored']] };
    const [row] = readLedgerRows(sheet, locateLedgerHeader(sheet)!);
    expect(row.values).toEqual({ notes: 'x', foundOn: '2026-10-05', name: '王五' });
  });

  it('skips blank rows, rows with only 序号 or machine columns, and footer rows', () => {
    const empty: (string | number)[] = LEDGER_HEADER_ROW.map(() => '');
    const seqOnly = [...empty];
    seqOnly[0] = 7;
    const machineOnly = [...empty];
    machineOnly[LEDGER_HEADER_ROW.length - 2] = 'row-id';
    machineOnly[LEDGER_HEADER_ROW.length - 1] = 3;
    const footer = [...empty];
    footer[1] = '填表人：王五';
    footer[5] = '审核人：';
    const total = [...empty];
    total[0] = '合计';
    total[LEDGER_COLUMNS.findIndex((c) => c.key === 'amount')] = 3000;
    const sheet = ledgerSheet([
      empty,
      [],
      ['  ', null, undefined],
      seqOnly,
      valuesToCells(validRecord()),
      machineOnly,
      footer,
      total,
    ]);
    const rows = readLedgerRows(sheet, locateLedgerHeader(sheet)!);
    expect(rows.map((r) => r.excelRow)).toEqual([7]);
  });

  it('reads rows with a single content cell (they are records with gaps, not blanks)', () => {
    const cells = LEDGER_HEADER_ROW.map(() => '');
    cells[3] = '张三';
    const sheet = ledgerSheet([cells]);
    expect(readLedgerRows(sheet, locateLedgerHeader(sheet)!)).toHaveLength(1);
  });
});

describe('valuesToCells', () => {
  it('lays a record out in LEDGER_COLUMNS order, multi-values joined with 、, blanks as empty text', () => {
    const cells = valuesToCells({ name: '张三', categories: ['老年人', '残疾人'], householdSize: 2, notes: null });
    expect(cells).toHaveLength(LEDGER_COLUMNS.length);
    const at = (key: string): string | number => cells[LEDGER_COLUMNS.findIndex((c) => c.key === key)];
    expect(at('name')).toBe('张三');
    expect(at('categories')).toBe('老年人、残疾人');
    expect(at('householdSize')).toBe(2);
    expect(at('notes')).toBe('');
    expect(at('idNumber')).toBe('');
  });
});

describe('findings point at the right cell', () => {
  const withGenderMismatch = valuesToCells(validRecord({ gender: '女' }));

  it('uses Excel row numbers and the header text as it appears in the sheet', () => {
    const sheet: SheetInput = { values: [['台账'], ['说明'], ['姓名', '性 别', '身份证号码', '人员类别', '发现渠道', '发现日期'], ['张三', '女', MALE_ID, '老年人', '入户走访', '2026-10-28']] };
    const { findings } = validateSheet(sheet, { today: TODAY });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ row: 4, column: '性别', key: 'gender', cell: 'B4', code: 'gender.mismatch' });
  });

  it('honours firstRow and firstColumn (a used range that starts at C5)', () => {
    const sheet: SheetInput = { values: [['台账'], [...LEDGER_HEADER_ROW], withGenderMismatch], firstRow: 5, firstColumn: 2 };
    const { findings } = validateSheet(sheet, { today: TODAY });
    const genderColumn = LEDGER_COLUMNS.findIndex((c) => c.key === 'gender');
    expect(findings.map((f) => [f.code, f.row, f.cell])).toEqual([['gender.mismatch', 7, `${columnLettersOfIndex(genderColumn + 2)}7`]]);
  });

  it('handles columns beyond Z', () => {
    const padding = Array.from({ length: 30 }, (_, i) => `附加${i}`);
    const sheet: SheetInput = {
      values: [
        [...padding, '姓名', '性别', '身份证号', '人员类别', '发现渠道', '发现日期'],
        [...padding.map(() => ''), '李娟', '男', FEMALE_ID, '老年人', '入户走访', '2026-10-28'],
      ],
    };
    const { findings } = validateSheet(sheet, { today: TODAY });
    expect(findings.map((f) => f.cell)).toEqual(['AF2']);
  });
});

describe('multi-value cells', () => {
  it.each([
    ['老年人', ['老年人']],
    ['老年人、残疾人', ['老年人', '残疾人']],
    ['老年人，残疾人', ['老年人', '残疾人']],
    ['老年人,残疾人;重大疾病；信访求助', ['老年人', '残疾人', '重大疾病', '信访求助']],
    [' 老年人 、、 残疾人 ', ['老年人', '残疾人']],
    ['老年人/残疾人', ['老年人', '残疾人']],
    ['老年人／残疾人', ['老年人', '残疾人']],
    ['老年人 残疾人', ['老年人', '残疾人']],
    ['老年人\u3000残疾人', ['老年人', '残疾人']],
    ['老年人\n残疾人', ['老年人', '残疾人']],
    ['、', []],
    ['', []],
  ])('splitMultiValue(%j)', (text, expected) => {
    expect(splitMultiValue(text)).toEqual(expected);
  });

  it('the fast separator test agrees with MULTI_VALUE_SEPARATORS', () => {
    for (const text of ['老年人', '老年人、残疾人', 'a/b', 'a／b', 'a b', 'a\u3000b', 'a\nb', 'a\tb', '老年人;', 'ab']) {
      expect([text, hasMultiSeparator(text)]).toEqual([text, MULTI_VALUE_SEPARATORS.test(text)]);
    }
  });
});
