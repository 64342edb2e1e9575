import { columnByKey } from '../../ledger/columns';
import { cellA1, parseAddress, parseCell } from '../../addin/host/a1';
import { columnIndexOfLetters, columnLettersOfIndex, type LedgerHeader } from '../../ledger/sheet';
import { excelWouldCoerce, planMarks, planWrite, toCell, utf8Length } from '../../addin/host/write-plan';

describe('a1', () => {
  it('converts columns and addresses both ways', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLettersOfIndex)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
    expect(['A', 'Z', 'AA', 'ZZ', 'AAA', 'ab'].map(columnIndexOfLetters)).toEqual([0, 25, 26, 701, 702, 27]);
    expect(() => columnLettersOfIndex(-1)).toThrow(RangeError);
    expect(parseCell("'台账 10月'!$F$5")).toEqual({ excelRow: 5, column: 5 });
    expect(parseCell('5F')).toBeNull();
    expect(parseAddress("'台账'!C3:AD5002")).toEqual({ excelRow: 3, column: 2, rows: 5000, columns: 28 });
    expect(parseAddress('Sheet1!B7')).toEqual({ excelRow: 7, column: 1, rows: 1, columns: 1 });
    expect(cellA1(12, 27)).toBe('AB12');
  });
});

describe('cell values', () => {
  it('text Excel would turn into numbers, dates, booleans or formulas gets the text format', () => {
    for (const text of ['=SUM(A1)', '+86 138', '-3', '@x', '0012', '1.5e3', '2026/10/5', '10:30', 'TRUE', '50%']) expect([text, excelWouldCoerce(text)]).toEqual([text, true]);
    for (const text of ['张三', '楚雄市鹿城镇1号', 'XS-532301-202610-00001', 'abc']) expect([text, excelWouldCoerce(text)]).toEqual([text, false]);
  });

  it('maps values by column type', () => {
    expect(toCell(columnByKey('routes'), ['协助申请', '纳入低保'])).toEqual({ value: '协助申请、纳入低保', text: false });
    expect(toCell(columnByKey('idNumber'), '53230119800101123X')).toEqual({ value: '53230119800101123X', text: true });
    expect(toCell(columnByKey('phone'), '0878-3123456')).toEqual({ value: '0878-3123456', text: true });
    expect(toCell(columnByKey('foundOn'), '2026-10-05')).toEqual({ value: '2026-10-05', text: false });
    expect(toCell(columnByKey('amount'), 300)).toEqual({ value: 300, text: false });
    expect(toCell(columnByKey('notes'), null)).toEqual({ value: '', text: false });
  });

  it('counts UTF-8 bytes like Buffer does', () => {
    for (const s of ['abc', '社会救助', '𠮷x', 'é']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});

describe('planWrite', () => {
  // located in values that start at column B (firstColumn 1): name → D, status → B, notes → G
  const header: LedgerHeader = {
    rowIndex: 1,
    excelRow: 2,
    unrecognized: [],
    columns: [
      { key: 'status', header: '办理状态', index: 0 },
      { key: 'name', header: '姓名', index: 2 },
      { key: 'notes', header: '备注', index: 5 },
    ],
    missingRequired: [],
    indexByKey: { status: 0, name: 2, notes: 5 },
    headerRows: 1,
  };

  it('spans contiguous rows as one block with null for untouched cells; separate runs make separate blocks', () => {
    const plan = planWrite({ header, firstColumn: 1, lastRow: 10, lastColumn: 8 }, [
      { excelRow: 4, values: { status: '已办结' } },
      { excelRow: 5, values: { name: '甲', notes: '' } },
      { excelRow: 8, values: { name: '乙' } },
    ]);
    expect(plan.rowNumbers).toEqual([4, 5, 8]);
    const blocks = plan.chunks.flat();
    expect(blocks.map((b) => [b.excelRow, b.column, b.values.length, b.values[0].length])).toEqual([[4, 1, 2, 6], [8, 3, 1, 1]]);
    expect(blocks[0].values).toEqual([['已办结', null, null, null, null, null], [null, null, '甲', null, null, '']]);
    expect(blocks[0].numberFormats).toBeNull();
    expect(plan.newColumns.map((c) => [c.key, c.column, c.hidden])).toEqual([['rowId', 9, true], ['version', 10, true]]);
    expect(plan.chunks).toHaveLength(1);
  });

  it('creates a visible column for a value the sheet has no column for, left of the machine columns', () => {
    const plan = planWrite({ header, firstColumn: 1, lastRow: 3, lastColumn: 6 }, [{ values: { leadNo: 'XS-1', gender: null } }]);
    expect(plan.newColumns.map((c) => [c.header, c.column, c.hidden])).toEqual([['线索编号', 7, false], ['记录ID', 8, true], ['版本号', 9, true]]);
    expect(plan.rowNumbers).toEqual([4]);
  });

  it('appends after the last used row or the furthest updated row, whichever is lower down', () => {
    const plan = planWrite({ header, firstColumn: 1, lastRow: 6, lastColumn: 6 }, [{ values: { name: 'a' } }, { excelRow: 20, values: { name: 'b' } }, { values: { name: 'c' } }]);
    expect(plan.rowNumbers).toEqual([21, 20, 22]);
  });

  it('splits by bytes: no chunk over the budget, all rows kept in order', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ values: { name: `名字${i}`, notes: '很长的备注'.repeat(20) } }));
    const plan = planWrite({ header, firstColumn: 1, lastRow: 2, lastColumn: 6 }, rows, { maxRequestBytes: 20_000 });
    expect(plan.chunks.length).toBeGreaterThan(5);
    for (const chunk of plan.chunks) expect(chunk.reduce((s, b) => s + b.bytes, 0)).toBeLessThanOrEqual(20_000);
    const firstRows = plan.chunks.flat().map((b) => b.excelRow);
    expect(firstRows).toEqual([...firstRows].sort((a, b) => a - b));
    expect(plan.chunks.flat().reduce((n, b) => n + b.values.length, 0)).toBe(500);
    // the estimate bounds the real JSON size of what is sent
    for (const block of plan.chunks.flat()) {
      expect(Buffer.byteLength(JSON.stringify(block.values)) + Buffer.byteLength(JSON.stringify(block.numberFormats ?? []))).toBeLessThanOrEqual(block.bytes);
    }
  });

  it('rejects unknown keys', () => {
    expect(() => planWrite({ header, firstColumn: 1, lastRow: 2, lastColumn: 6 }, [{ values: { nope: 1 } as never }])).toThrow(/unknown ledger column/);
  });
});

describe('planMarks', () => {
  it('merges vertical runs into areas, splits long address lists, errors take precedence', () => {
    const findings = [
      ...['F5', 'F6', 'F7', 'F9', 'B2'].map((cell) => ({ cell, severity: 'error' as const })),
      ...['F6', 'G6', 'G7'].map((cell) => ({ cell, severity: 'warning' as const })),
    ];
    expect(planMarks(findings)).toEqual({ error: ['B2,F5:F7,F9'], warning: ['G6:G7'] });
    const many = Array.from({ length: 1000 }, (_, i) => ({ cell: cellA1(2 + i * 2, 3), severity: 'warning' as const }));
    const { warning } = planMarks(many, 300);
    expect(warning.length).toBeGreaterThan(10);
    for (const group of warning) expect(group.length).toBeLessThanOrEqual(300);
    expect(warning.join(',').split(',')).toHaveLength(1000);
  });
});
