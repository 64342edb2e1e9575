/**
 * Validation on sheets as village clerks really keep them (issue 9): one test per cause of a false
 * alarm or a missed defect, each on a sheet of that shape. (Real files of these shapes, written by
 * exceljs, SheetJS and LibreOffice, are in tests/fixtures/clerk-workbooks: tests/io/clerk-workbooks.test.ts.)
 */
import { LEDGER_COLUMNS, type ColumnKey } from '../../ledger/columns';
import { resolvePolicy } from '../../ledger/policy';
import { LEDGER_HEADER_ROW, valuesToCells } from '../../ledger/sheet';
import type { Finding, LedgerValues, SheetInput } from '../../ledger/types';
import { readLedgerRows, validateSheet } from '../../ledger/validate';
import { FINDING_MESSAGES } from '../../ledger/validation/messages';
import { locateLedgerHeader } from '../../ledger/sheet';
import { FEMALE_ID, makeId, MALE_ID, PLAIN_CALENDAR, TODAY, validRecord } from './validation-helpers';

const ctx = { today: TODAY, calendar: PLAIN_CALENDAR };
const at = (key: ColumnKey): number => LEDGER_COLUMNS.findIndex((c) => c.key === key);
const letter = (key: ColumnKey): string => String.fromCharCode(65 + at(key));

/** Title row, the template's header row, then the rows. */
function sheetOf(rows: unknown[][], extra: Partial<SheetInput> = {}): SheetInput {
  return { values: [['XX村10月社会救助主动发现监测工作台账'], [...LEDGER_HEADER_ROW], ...rows], ...extra };
}

function row(overrides: LedgerValues = {}, cells: Partial<Record<ColumnKey, unknown>> = {}): unknown[] {
  const out: unknown[] = valuesToCells(validRecord(overrides));
  for (const [key, value] of Object.entries(cells)) out[at(key as ColumnKey)] = value;
  return out;
}

const codes = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.row}:${f.code}@${f.key ?? ''}`);

describe('blank markers', () => {
  it.each(['/', '／', '无', '—', '-', '暂无', '不详', ' / '])('“%s” in optional cells is empty: no date, number or phone finding, no lead.duplicate', (marker) => {
    const cells = { phone: marker, householdSize: marker, amount: marker, verifyBy: marker, leadNo: marker, notes: marker, address: marker };
    const result = validateSheet(sheetOf([row({ leadNo: null }, cells), row({ idNumber: FEMALE_ID, gender: '女' }, cells)]), ctx);
    expect(result.findings).toEqual([]);
    expect(result.rows[0].values.phone).toBeNull();
    expect(result.rows[0].values.leadNo).toBeNull();
  });

  it('in a required cell is “not filled in”, and says which marker it saw', () => {
    const result = validateSheet(sheetOf([row({}, { name: '/', channel: '无' })]), ctx);
    expect(codes(result.findings)).toEqual(['3:required@name', '3:required@channel']);
    expect(result.findings[0].message).toContain('“/”');
    expect(result.findings[0].message).toContain('未填写');
  });

  it('a vocabulary value stays a value: 已纳入保障 “无” means no assistance, not empty', () => {
    const result = validateSheet(sheetOf([row({ coverage: '无' })]), ctx);
    expect(result.findings).toEqual([]);
    expect(result.rows[0].values.coverage).toBe('无');
  });

  it('the marker list is policy data', () => {
    const policy = resolvePolicy({ blankMarkers: ['（空）'] });
    const sheet = sheetOf([row({}, { phone: '（空）', amount: '/' })]);
    expect(codes(validateSheet(sheet, { ...ctx, policy }).findings)).toEqual(['3:number.format@amount']);
    expect(() => resolvePolicy({ blankMarkers: [''] })).toThrow();
  });

  it('a row of nothing but markers is not a record', () => {
    const markers = LEDGER_HEADER_ROW.map(() => '/');
    expect(validateSheet(sheetOf([row(), markers]), ctx).rows).toHaveLength(1);
  });
});

describe('rows that are not records, recognised by shape', () => {
  const signOffs: unknown[][] = [
    ['合计', '', '', '', '', '', '', 3],
    ['本月合计：3户'],
    ['小计'],
    ['填表人：王五', '', '', '', '', '', '审核人：赵六'],
    ['经办人：王五　　审核人：赵六　　报送日期：2026年10月31日'],
    ['村（社区）负责人（签字）：'],
    ['联系人：王五', '', '', '', '', '', '联系电话：0878-3123456'],
    ['日期：2026-10-31'],
    ['注：本表每月5日前报送乡镇。'],
    ['说明:人员类别可多选'],
  ];

  it.each(signOffs.map((cells) => [String(cells[0]), cells]))('%s → no finding, not a row', (_label, cells) => {
    const result = validateSheet(sheetOf([row(), cells as unknown[]]), ctx);
    expect(result.findings).toEqual([]);
    expect(result.rows).toHaveLength(1);
  });

  it('a 栏次 row (1, 2, 3 … under the header) is not a record', () => {
    const numbers = LEDGER_HEADER_ROW.map((_, i) => i + 1);
    const withLabel = LEDGER_HEADER_ROW.map((_, i) => (i === 0 ? '栏次' : i));
    for (const columnNumbers of [numbers, withLabel]) {
      const result = validateSheet(sheetOf([columnNumbers, row()]), ctx);
      expect(result.findings).toEqual([]);
      expect(result.rows.map((r) => r.excelRow)).toEqual([4]);
    }
  });

  it('a record whose note has a colon is still a record', () => {
    const result = validateSheet(sheetOf([row({ notes: '说明：已电话回访' }), row({ idNumber: FEMALE_ID, gender: '女', leadNo: null, name: null, notes: '注：待补' })]), ctx);
    expect(codes(result.findings)).toEqual(['4:required@name']);
  });

  it('a row with an ID number is a person even when it opens like a label (李四：, 备注：…) — never skipped as a sign-off row', () => {
    const sparse = (cells: Partial<Record<ColumnKey, unknown>>): unknown[] => {
      const out: unknown[] = LEDGER_HEADER_ROW.map(() => '');
      for (const [key, value] of Object.entries(cells)) out[at(key as ColumnKey)] = value;
      return out;
    };
    const sheet = sheetOf([
      sparse({ name: '李四：', idNumber: MALE_ID }),
      sparse({ township: '经办人：王五', idNumber: FEMALE_ID }),
      sparse({ township: '填表人：王五', phone: '13812345678' }), // a sign-off row with a phone: still skipped
    ]);
    const result = validateSheet(sheet, ctx);
    expect(result.rows.map((r) => r.excelRow)).toEqual([3, 4]);
    expect(result.rows.map((r) => r.values.idNumber)).toEqual([MALE_ID, FEMALE_ID]);
    expect(codes(result.findings).filter((c) => c.startsWith('3:'))).toEqual(['3:required@categories', '3:required@channel', '3:required@foundOn']);
    // The same through readLedgerRows (the upload and the sync read rows this way).
    const header = locateLedgerHeader(sheet);
    expect(header && readLedgerRows(sheet, header).map((r) => r.excelRow)).toEqual([3, 4]);
  });
});

describe('vertically merged cells carry the top value', () => {
  it('a household on three rows with 发现渠道, 发现日期 and 家庭住址 merged is not “未填写”', () => {
    const rows = [row({ leadNo: null }), row({ leadNo: null, idNumber: FEMALE_ID, gender: '女' }, { channel: '', foundOn: '', address: '' }), row({ leadNo: null, idNumber: makeId(3) }, { channel: '', foundOn: '', address: '' })];
    const merges = (['channel', 'foundOn', 'address'] as ColumnKey[]).map((key) => `${letter(key)}3:${letter(key)}5`);
    const unmerged = validateSheet(sheetOf(rows), ctx);
    expect(codes(unmerged.findings).filter((c) => c.includes('required'))).toHaveLength(4);
    const merged = validateSheet(sheetOf(rows, { merges }), ctx);
    expect(merged.findings).toEqual([]);
    expect(merged.rows[2].values.foundOn).toBe('2026-10-12');
    // Office.js and some readers give sheet-qualified absolute addresses.
    const qualified = (['channel', 'foundOn', 'address'] as ColumnKey[]).map((key) => `台账!$${letter(key)}$3:$${letter(key)}$5`);
    const read = readLedgerRows(sheetOf(rows, { merges: qualified }), locateLedgerHeader(sheetOf(rows))!);
    expect(read[1].values.channel).toBe('部门比对');
  });
});

describe('headers', () => {
  it('a canonical header wins over an alias wherever it sits; 户主姓名 is an extra column, not the name', () => {
    const header = ['户主姓名', '风险线索人员', '公民身份号码', '人员类别', '发现渠道', '发现日期', '姓名'];
    const values = [header, ['李大', '错名', MALE_ID, '老年人', '入户走访', '2026-10-12', '张三']];
    const result = validateSheet({ values }, ctx);
    expect(result.header!.columns.find((c) => c.key === 'name')).toMatchObject({ index: 6, header: '姓名' });
    expect(result.rows[0].values.name).toBe('张三');
    // 风险线索人员 (an alias of 姓名) is not used either: the sheet has 姓名 itself. Both are named as not checked.
    expect(result.unrecognizedColumns.map((c) => [c.header, c.cell])).toEqual([['户主姓名', 'A1'], ['风险线索人员', 'B1']]);
  });

  it('findings show the normalised header: no line break, no trailing * or spaces', () => {
    const header = LEDGER_HEADER_ROW.map((text) => (text === '公民身份号码' ? '公民身份\n号码*' : text === '姓名' ? '姓　名 ' : text));
    const result = validateSheet({ values: [header, row({ name: null }, { idNumber: '123' })] }, ctx);
    expect(result.findings.map((f) => f.column)).toEqual(['姓名', '公民身份号码']);
  });

  it.each([
    ['是否纳入保障', 'coverage'],
    ['核实结论', 'verifyResult'],
    ['姓　名', 'name'],
    ['联系方式', 'phone'],
  ])('recognises the variant %s', (text, key) => {
    const header = LEDGER_HEADER_ROW.map((h) => (h === LEDGER_COLUMNS[at(key as ColumnKey)].header ? text : h));
    const located = locateLedgerHeader({ values: [header] });
    expect(located!.columns.some((c) => c.key === key)).toBe(true);
  });

  it('reports unrecognised columns once, as a note with their cell', () => {
    const header = [...LEDGER_HEADER_ROW.slice(0, 26), '联系人', '帮扶责任人'];
    const result = validateSheet({ values: [['标题'], header, row(), row({ idNumber: FEMALE_ID, gender: '女', leadNo: null })] }, ctx);
    expect(result.unrecognizedColumns.map((c) => c.header)).toEqual(['联系人', '帮扶责任人']);
    expect(result.findings).toEqual([]);
  });
});

describe('values as people type them', () => {
  const fullWidth = (text: string) => text.replace(/[0-9A-Za-z-]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

  it('full-width digits, Ｘ, quotes, an apostrophe, ="…" and zero-width marks are read as meant, with the fix offered', () => {
    const cases: [ColumnKey, unknown, string][] = [
      ['idNumber', fullWidth(MALE_ID), MALE_ID],
      ['idNumber', `'${MALE_ID}`, MALE_ID],
      ['idNumber', `="${MALE_ID}"`, MALE_ID],
      ['idNumber', `\u200b${MALE_ID}\u00a0`, MALE_ID],
      ['phone', fullWidth('0878-1234567'), '0878-1234567'],
      ['householdSize', '３', '3'],
      ['amount', '１５００', '1500'],
    ];
    for (const [key, typed, fixed] of cases) {
      const [finding, ...rest] = validateSheet(sheetOf([row({}, { [key]: typed })]), ctx).findings;
      expect([key, typed, finding?.code, finding?.severity, finding?.fix, rest]).toEqual([key, typed, 'cell.retyped', 'warning', fixed, []]);
      expect(`${finding.message}${finding.hint}`).not.toContain(MALE_ID); // the fix field carries it, not the text
    }
  });

  it('“4口人” reads as 4 with a warning; “4人” is fine', () => {
    const result = validateSheet(sheetOf([row({}, { householdSize: '4口人' })]), ctx);
    expect(codes(result.findings)).toEqual([`3:number.format@householdSize`]);
    expect(result.findings[0]).toMatchObject({ severity: 'warning', fix: '4' });
    expect(result.rows[0].values.householdSize).toBe(4);
    expect(validateSheet(sheetOf([row({}, { householdSize: '4人' })]), ctx).findings).toEqual([]);
  });

  it('two phone numbers in one cell (space, 、, line break) are both checked', () => {
    for (const phones of ['13812345678 0878-3123456', '13812345678、13912345678', '13812345678\n0878-3123456']) {
      expect(validateSheet(sheetOf([row({}, { phone: phones })]), ctx).findings).toEqual([]);
    }
    expect(codes(validateSheet(sheetOf([row({}, { phone: '13812345678 12345' })]), ctx).findings)).toEqual(['3:phone.format@phone']);
  });

  it('a right number with words around it (whose phone it is) is read as the number with a warning and the fix, not an error that blocks the month; a cell without any digit is empty, said so', () => {
    const cases: [string, string][] = [
      ['13812345678（儿子）', '13812345678'],
      ['儿子13812345678', '13812345678'],
      ['13812345678 张三', '13812345678'],
      ['本人无，儿子13812345678', '13812345678'],
      ['女儿13812345678、0878-3123456（村委会）', '13812345678、0878-3123456'],
    ];
    for (const [phone, numbers] of cases) {
      const result = validateSheet(sheetOf([row({}, { phone })]), ctx);
      expect([phone, result.findings.map((f) => [f.code, f.severity, f.fix])]).toEqual([phone, [['phone.format', 'warning', numbers]]]);
      expect(result.findings[0].message).toContain(`带有文字，已按 ${numbers} 读取`);
      expect(result.rows[0].values.phone).toBe(numbers);
    }
    const none = validateSheet(sheetOf([row({}, { phone: '无电话' })]), ctx);
    expect(none.findings.map((f) => [f.code, f.severity])).toEqual([['phone.format', 'warning']]);
    expect(none.findings[0].message).toContain('没有电话号码，按未填写处理');
    expect(none.rows[0].values.phone).toBeNull();
    // Other digits beside a number are a mistyped number, still an error.
    for (const phone of ['13812345678 12345', '儿子1381234567', '138123456789（本人）']) {
      expect([phone, validateSheet(sheetOf([row({}, { phone })]), ctx).findings.map((f) => [f.code, f.severity])]).toEqual([phone, [['phone.format', 'error']]]);
    }
  });

  it('Chinese punctuation typed with the IME between or around numbers (，；（0878）) is no full-width warning; full-width digits and dashes still are', () => {
    for (const phones of ['13812345678，13912345678', '13812345678；0878-3123456', '（0878）3123456', '（0878）3123456，13812345678']) {
      expect([phones, validateSheet(sheetOf([row({}, { phone: phones })]), ctx).findings]).toEqual([phones, []]);
    }
    const [finding] = validateSheet(sheetOf([row({}, { phone: '0878－3123456，１３８12345678' })]), ctx).findings;
    expect([finding.code, finding.fix]).toEqual(['cell.retyped', '0878-3123456,13812345678']);
  });

  it('multi-value cells split on / ／ space, full-width space and a line break', () => {
    for (const text of ['老年人/残疾人', '老年人／残疾人', '老年人 残疾人', '老年人\u3000残疾人', '老年人\n残疾人']) {
      const result = validateSheet(sheetOf([row({}, { categories: text })]), ctx);
      expect([text, result.findings]).toEqual([text, []]);
      expect(result.rows[0].values.categories).toEqual(['老年人', '残疾人']);
    }
  });

  it('values joined with 和/及/与 in one cell are read as those values, with a warning saying so; a join of a non-value stays an error', () => {
    const result = validateSheet(sheetOf([row({}, { categories: '老年人和残疾人、重大疾病' })]), ctx);
    expect(codes(result.findings)).toEqual(['3:enum.synonym@categories']);
    expect(result.findings[0].severity).toBe('warning');
    expect(result.findings[0].message).toContain('老年人和残疾人→老年人+残疾人');
    expect(result.findings[0].fix).toBe('老年人、残疾人、重大疾病');
    expect(result.rows[0].values.categories).toEqual(['老年人', '残疾人', '重大疾病']);
    // a synonym inside the join is read too (老人 → 老年人)
    expect(validateSheet(sheetOf([row({}, { categories: '老人及残疾人' })]), ctx).rows[0].values.categories).toEqual(['老年人', '残疾人']);
    // 和 joining something that is no value: still the enum error, nothing assumed
    expect(codes(validateSheet(sheetOf([row({}, { categories: '老年人和小孩' })]), ctx).findings)).toEqual(['3:enum@categories']);
  });

  it.each([
    ['channel', '走访', '入户走访'],
    ['coverage', '低保户', '低保'],
    ['categories', '残疾人员', '残疾人'],
    ['categories', '老人', '老年人'],
    ['status', '办结', '已办结'],
    ['willingness', '不愿意', '不愿申请'],
  ] as [ColumnKey, string, string][])('synonym %s “%s” is accepted as “%s” with a warning saying so', (key, typed, meant) => {
    const overrides: LedgerValues = key === 'status' ? { closedOn: '2026-10-21' } : key === 'willingness' ? { routes: ['尊重意愿持续关注'], amount: null } : {};
    const result = validateSheet(sheetOf([row(overrides, { [key]: typed })]), ctx);
    expect(codes(result.findings)).toEqual([`3:enum.synonym@${key}`]);
    expect(result.findings[0].severity).toBe('warning');
    expect(result.findings[0].message).toContain(meant);
    expect(result.findings[0].fix).toContain(meant);
  });

  it('a misspelt value gets the nearest allowed value as a suggestion (edit distance), still an error', () => {
    const [finding] = validateSheet(sheetOf([row({}, { channel: '部门比队' })]), ctx).findings;
    expect(finding).toMatchObject({ code: 'enum', severity: 'error' });
    expect(finding.message).toContain('是否应为“部门比对”');
    const [multi] = validateSheet(sheetOf([row({}, { categories: '老年人、因病支出形困难' })]), ctx).findings;
    expect(multi.message).toContain('因病支出形困难→因病支出型困难');
  });

  it('synonyms are policy data, and a synonym to a value outside the vocabulary is refused', () => {
    const policy = resolvePolicy({ vocabularySynonyms: { channel: { 上门: '入户走访' } } });
    expect(codes(validateSheet(sheetOf([row({}, { channel: '上门' })]), { ...ctx, policy }).findings)).toEqual(['3:enum.synonym@channel']);
    expect(codes(validateSheet(sheetOf([row({}, { channel: '走访' })]), { ...ctx, policy }).findings)).toEqual(['3:enum@channel']);
    expect(() => resolvePolicy({ vocabularySynonyms: { channel: { 上门: '上门走访' } } })).toThrow(/上门走访/);
  });
});

describe('messages that were wrong', () => {
  it('a 15-digit old ID stored as a number keeps all digits: offer the 18-digit form, not “digits lost”', () => {
    const [finding] = validateSheet(sheetOf([row({}, { idNumber: 532301800101001 })]), ctx).findings;
    expect(finding.code).toBe('id.legacy15');
    expect(finding.hint).toContain('532301198001010019'.slice(0, 17));
    expect(`${finding.message}${finding.hint}`).not.toContain('丢失');
  });

  it('a short number such as 6 in the ID column is not an Excel precision loss', () => {
    const [finding] = validateSheet(sheetOf([row({}, { idNumber: 6 })]), ctx).findings;
    expect(finding.code).toBe('id.format');
    expect(finding.message).toContain('位数不足');
    expect(finding.message).not.toContain('Excel');
  });

  it('a 0 or empty string in a date cell never prints empty quotes', () => {
    const [finding] = validateSheet(sheetOf([row({}, { verifiedOn: 0 })]), ctx).findings;
    expect(finding.code).toBe('date.format');
    expect(finding.message).not.toContain('“”');
    expect(finding.en.message).not.toContain('""');
    expect(validateSheet(sheetOf([row({}, { verifyBy: '' })]), ctx).findings).toEqual([]); // a formula giving "" is blank
  });

  it('a date without a year (10月3日, 10.3) or with a two-digit year (26.10.3) says so, instead of “请填写实际存在的日期”', () => {
    const result = validateSheet(sheetOf([row({}, { foundOn: '10月3日' }), row({ idNumber: FEMALE_ID, gender: '女', leadNo: null }, { foundOn: '26.10.3', verifiedOn: '10.20' })]), ctx);
    expect(result.findings.map((f) => [f.row, f.code, f.message])).toEqual([
      [3, 'date.format', '「发现日期」的“10月3日”没有写年份。'],
      [4, 'date.format', '「发现日期」的“26.10.3”年份只写了两位。'],
      [4, 'date.format', '「核实日期」的“10.20”没有写年份。'],
    ]);
    expect(result.findings[0].hint).toContain('请写上年份');
    expect(result.findings[1].hint).toContain('四位年份');
    // A date that does not exist keeps its own message.
    const [bad] = validateSheet(sheetOf([row({}, { foundOn: '2026-02-30' })]), ctx).findings;
    expect(bad.hint).toContain('实际存在的日期');
    // A month without its day says so.
    const [noDay] = validateSheet(sheetOf([row({}, { foundOn: '2026年10月' })]), ctx).findings;
    expect([noDay.code, noDay.message]).toEqual(['date.format', '「发现日期」的“2026年10月”只写到月份，没有写日。']);
  });

  it('a real date with a full stop after it is read silently; with words after it (周六), read with a warning and the fix; digits after it stay an error', () => {
    const stop = validateSheet(sheetOf([row({}, { foundOn: '2026.10.12.' })]), ctx);
    expect(stop.findings).toEqual([]);
    expect(stop.rows[0].values.foundOn).toBe('2026-10-12');
    const words = validateSheet(sheetOf([row({}, { foundOn: '2026-10-12（周一）' })]), ctx);
    expect(words.findings.map((f) => [f.code, f.severity, f.fix, f.message])).toEqual([['date.format', 'warning', '2026-10-12', '「发现日期」的“2026-10-12（周一）”带有文字，已按 2026-10-12 读取。']]);
    expect(words.rows[0].values.foundOn).toBe('2026-10-12');
    for (const foundOn of ['2026-10-12至2026-10-14', '2026-10-12（第2次）']) {
      expect([foundOn, validateSheet(sheetOf([row({}, { foundOn })]), ctx).findings.map((f) => [f.code, f.severity])]).toEqual([foundOn, [['date.format', 'error']]]);
    }
    // Still checked against today.
    expect(validateSheet(sheetOf([row({}, { foundOn: '2027-01-05（周二）' })]), ctx).findings.map((f) => f.code)).toContain('date.future');
  });

  it('a misspelt 尊重意愿持续关注 is reported as a spelling, not also as consent.declined_route', () => {
    const result = validateSheet(sheetOf([row({ willingness: '不愿申请', amount: null }, { routes: '尊重意原持续关注' })]), ctx);
    expect(codes(result.findings)).toEqual(['3:enum@routes']);
    expect(result.findings[0].message).toContain('尊重意愿持续关注');
  });

  it('a landline that lost its leading 0 says so', () => {
    for (const value of ['878-3123456', 8783123456]) {
      const [finding] = validateSheet(sheetOf([row({}, { phone: value })]), ctx).findings;
      expect(finding.code).toBe('phone.format');
      expect(finding.message).toContain('0878-3123456'.replace('-', '') === String(value) ? '' : '开头0');
    }
  });

  it('a mobile number short of a digit is not called a landline that lost its 0 (no area code starts 01 but 010)', () => {
    for (const value of ['1381234567', 1391234567]) {
      const [finding] = validateSheet(sheetOf([row({}, { phone: value })]), ctx).findings;
      expect(finding.code).toBe('phone.format');
      expect(finding.message).not.toContain('开头0');
      expect(finding.hint).toContain('11位手机号');
    }
    // Beijing's 010 and a 2x area code are still recognised.
    for (const [value, expected] of [['10-62345678', '010-62345678'], ['2162345678', '02162345678']]) {
      const [finding] = validateSheet(sheetOf([row({}, { phone: value })]), ctx).findings;
      expect(finding.message).toContain(`应为 ${expected}`);
    }
  });

  it('a formula error (#N/A, #REF!, #VALUE!) in any cell is cell.formula_error', () => {
    const result = validateSheet(sheetOf([row({}, { name: '#N/A', foundOn: '#REF!', notes: '#VALUE!' })]), ctx);
    expect(codes(result.findings)).toEqual(['3:cell.formula_error@name', '3:cell.formula_error@foundOn', '3:cell.formula_error@notes']);
    expect(result.findings.every((f) => f.severity === 'error')).toBe(true);
  });

  it('hints never mention features the CLI does not have', () => {
    const result = validateSheet(sheetOf([row({ routes: null, amount: null })]), ctx);
    expect(result.findings.map((f) => f.code)).toEqual(['route.missing']);
    expect(result.findings[0].hint).not.toContain('功能');
    // No hint speaks of a fix value to apply: the add-in has such a button, the CLI and the server do not.
    for (const [id, build] of Object.entries(FINDING_MESSAGES)) {
      const texts = build({ column: '列', value: 'x', expected: 'y', allowed: ['a'], items: ['b'], suggestions: ['c'], rows: [1], date: '2026-10-01', otherDate: '2026-10-02', other: '列2', days: 1, min: 0, max: 1 });
      expect([id, texts.hint, texts.en.hint]).toEqual([id, expect.not.stringMatching(/修正值|一键|按钮|点击|suggested fix|button/), expect.not.stringMatching(/suggested fix|button|click/i)]);
    }
  });
});

describe('no column limit', () => {
  it('reads a sheet whatever the number of columns (no 31-column bitmask)', () => {
    const extra = Array.from({ length: 40 }, (_, i) => `附加${i + 1}`);
    const result = validateSheet({ values: [[...LEDGER_HEADER_ROW, ...extra], [...row({}, { phone: '12' }), ...extra]] }, ctx);
    expect(codes(result.findings)).toEqual(['2:phone.format@phone']);
    expect(result.unrecognizedColumns).toHaveLength(40);
  });
});
