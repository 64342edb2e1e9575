import { addCalendarDays, DEFAULT_CALENDAR } from '../../ledger/calendar';
import { columnByKey, LEDGER_COLUMNS, vocabularyOf, type ColumnKey } from '../../ledger/columns';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { checkIdNumber, idCheckChar, upgradeLegacy15 } from '../../ledger/id-number';
import { DEFAULT_POLICY, resolvePolicy } from '../../ledger/policy';
import { LEDGER_HEADER_ROW, valuesToCells } from '../../ledger/sheet';
import type { Finding, FindingCode, LedgerValues, SheetInput } from '../../ledger/types';
import { validateRecords, validateSheet } from '../../ledger/validate';
import { isValidIdFast } from '../../ledger/id-number';
import { COLUMN_CHECKS } from '../../ledger/validation/cells';
import { readIdNumber as readMatchingIdNumber } from '../../ledger/matching/cells';
import { codeOfMessage, FINDING_CODES, FINDING_MESSAGES, type MessageId } from '../../ledger/validation/messages';
import { DATE_ORDER, DUPLICATE_RULES, ROW_RULES, RULE_VOCABULARY_VALUES } from '../../ledger/validation/rules';
import { VOCABULARIES } from '../../ledger/vocabularies';
import { FEMALE_ID, idEndingInX, makeId, MALE_ID, PLAIN_CALENDAR, TODAY, validRecord } from './validation-helpers';

const ctx = { today: TODAY, calendar: PLAIN_CALENDAR };

/** The first 15 digits of a valid ID, then 000 (what Excel leaves), where the check character happens to be right. */
function damagedIdPassingCheck(): string {
  for (let day = 1; day <= 28; day++) {
    for (let order = 100; order < 1000; order += 100) {
      const damaged = `${makeId(order + 1, `198003${String(day).padStart(2, '0')}`).slice(0, 15)}000`;
      if (idCheckChar(damaged.slice(0, 17)) === '0') return damaged;
    }
  }
  throw new Error('no damaged ID passes the check');
}

/** Findings of one record (validated alone). */
function check(overrides: LedgerValues, context: Parameters<typeof validateRecords>[1] = ctx): Finding[] {
  return validateRecords([validRecord(overrides)], context)[0];
}

function codesOf(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}@${f.key ?? ''}`);
}

/** A sheet with every template column: title row, header row, then rows (cells as given). */
function sheetOf(rows: unknown[][]): SheetInput {
  return { values: [['台账'], [...LEDGER_HEADER_ROW], ...rows] };
}

const at = (key: ColumnKey): number => LEDGER_COLUMNS.findIndex((c) => c.key === key);

describe('the fixture row is clean (every other test changes one thing)', () => {
  it('has no finding', () => {
    expect(check({})).toEqual([]);
  });
});

describe('cell rules (one row per case, incl. boundaries)', () => {
  type Case = [label: string, overrides: LedgerValues, code: FindingCode | null, key?: string, severity?: 'error' | 'warning'];
  const cases: Case[] = [
    // required
    ['name blank', { name: null }, 'required', 'name'],
    ['name whitespace', { name: '   ' }, 'required', 'name'],
    ['categories empty list', { categories: [] }, 'required', 'categories'],
    ['channel blank', { channel: '' }, 'required', 'channel'],
    ['foundOn blank', { foundOn: null, verifyBy: null }, 'required', 'foundOn'],
    ['idNumber blank', { idNumber: null }, 'required', 'idNumber'],
    ['optional blank is fine', { address: null, hardship: null, phone: null }, null],
    // enum
    ['gender not in vocabulary', { gender: 'M' }, 'enum', 'gender'],
    ['channel synonym', { channel: '走访' }, 'enum.synonym', 'channel', 'warning'],
    ['status synonym', { status: '办结', closedOn: '2026-10-21' }, 'enum.synonym', 'status', 'warning'],
    ['coverage synonym', { coverage: '低保户' }, 'enum.synonym', 'coverage', 'warning'],
    ['enum with spaces around is fine', { channel: ' 部门比对 ' }, null],
    ['multi with one synonym', { categories: ['老年人', '老人'] }, 'enum.synonym', 'categories', 'warning'],
    ['multi with one bad value', { categories: ['老年人', '外星人'] }, 'enum', 'categories'],
    ['channel misspelt', { channel: '入户走仿' }, 'enum', 'channel'],
    ['routes with one bad value', { routes: ['临时救助', '发钱'] }, 'enum', 'routes'],
    // dates
    ['foundOn impossible', { foundOn: '2026-02-30' }, 'date.format', 'foundOn'],
    ['verifiedOn words', { verifiedOn: '上周' }, 'date.format', 'verifiedOn'],
    ['foundOn slash form is fine', { foundOn: '2026/10/12' }, null],
    ['foundOn chinese form is fine', { foundOn: '2026年10月12日' }, null],
    ['foundOn compact form is fine', { foundOn: '20261012' }, null],
    ['closedOn today is fine', { status: '已办结', closedOn: TODAY }, null],
    ['closedOn tomorrow', { status: '已办结', closedOn: addCalendarDays(TODAY, 1) }, 'date.future', 'closedOn'],
    ['verifiedOn tomorrow', { verifiedOn: addCalendarDays(TODAY, 1) }, 'date.future', 'verifiedOn'],
    ['foundOn tomorrow', { foundOn: addCalendarDays(TODAY, 1), verifyBy: null, verifiedOn: null, verifyResult: null, routes: null, willingness: null, status: '待核实' }, 'date.future', 'foundOn'],
    ['verifyBy in the future is fine (a due date)', { verifyBy: addCalendarDays(TODAY, 30) }, null],
    // phone
    ['mobile with spaces', { phone: '138 1234 5678' }, null],
    ['mobile with +86', { phone: '+8613812345678' }, null],
    ['landline with dash', { phone: '0878-3123456' }, null],
    ['landline without dash', { phone: '08783123456' }, null],
    ['landline in brackets', { phone: '(0878)3123456' }, null],
    ['landline 8 digits', { phone: '010-12345678' }, null],
    ['two numbers', { phone: '13812345678、0878-3123456' }, null],
    ['mobile as a number', { phone: 13812345678 }, null],
    ['mobile starting 12', { phone: '12812345678' }, 'phone.format', 'phone'],
    ['mobile 10 digits', { phone: '1381234567' }, 'phone.format', 'phone'],
    ['mobile 12 digits', { phone: '138123456789' }, 'phone.format', 'phone'],
    ['landline without area code', { phone: '3123456' }, 'phone.format', 'phone'],
    ['words without any number: empty, said so', { phone: '打不通' }, 'phone.format', 'phone', 'warning'],
    ['a number with words around it: read, said so', { phone: '13812345678（本人）' }, 'phone.format', 'phone', 'warning'],
    ['blank marker 无 is empty', { phone: '无' }, null],
    ['one of two bad', { phone: '13812345678、123' }, 'phone.format', 'phone'],
    // numbers
    ['household 1 (min)', { householdSize: 1 }, null],
    ['household 20 (max)', { householdSize: 20 }, null],
    ['household 0', { householdSize: 0 }, 'number.range', 'householdSize'],
    ['household 21', { householdSize: 21 }, 'number.range', 'householdSize'],
    ['household as text', { householdSize: '4' }, null],
    ['household with unit', { householdSize: '4人' }, null],
    ['household 2.5', { householdSize: 2.5 }, 'number.format', 'householdSize'],
    ['household in words', { householdSize: '四口' }, 'number.format', 'householdSize'],
    ['amount 0 (min)', { amount: 0 }, null],
    ['amount with decimals and separators', { amount: '1,500.50' }, null],
    ['amount with yuan sign and unit', { amount: '￥1500元' }, null],
    ['amount -1', { amount: -1 }, 'number.range', 'amount'],
    ['amount -0.01 as text', { amount: '-0.01' }, 'number.range', 'amount'],
    ['amount in words', { amount: '约一千' }, 'number.format', 'amount'],
    // ID numbers
    ['lower-case x accepted', { idNumber: idEndingInX().toLowerCase() }, null],
    ['ID with spaces accepted', { idNumber: ` ${MALE_ID.slice(0, 6)} ${MALE_ID.slice(6)} ` }, null],
    ['ID too short', { idNumber: '53230119800101' }, 'id.format', 'idNumber'],
    ['ID with letters', { idNumber: `53230119800101A01${idCheckChar('53230119800101001')}` }, 'id.format', 'idNumber'],
    ['ID wrong check char', { idNumber: MALE_ID.slice(0, 17) + (MALE_ID[17] === '0' ? '1' : '0') }, 'id.checksum', 'idNumber'],
    ['ID impossible birth date', { idNumber: makeId(1, '19801340') }, 'id.birthdate', 'idNumber'],
    ['ID born in the future', { idNumber: makeId(1, '20301001'), gender: null }, 'id.birthdate', 'idNumber'],
    ['ID born today is fine', { idNumber: makeId(1, TODAY.replace(/-/g, '')) }, null],
    ['ID bad province', { idNumber: makeId(1, '19800101', '992301') }, 'id.region', 'idNumber'],
    ['ID stored as a number', { idNumber: 5.32301198001011e17 }, 'id.excel_number', 'idNumber'],
    ['ID as E+ text (csv)', { idNumber: '5.32301198001011E+17' }, 'id.excel_number', 'idNumber'],
    ['15-digit old number', { idNumber: '532301800101001' }, 'id.legacy15', 'idNumber', 'warning'],
    ['15-digit old number with an impossible birth date (80-02-30)', { idNumber: '532301800230123' }, 'id.birthdate', 'idNumber'],
    ['15-digit old number with an unknown province', { idNumber: '992301800101001' }, 'id.region', 'idNumber'],
    ['15-digit old number born on 29 February of a leap year', { idNumber: '532301800229001' }, 'id.legacy15', 'idNumber', 'warning'],
  ];

  // Rest parameters: jest would take a 5th declared parameter of a shorter row for a `done` callback.
  it.each(cases)('%s', (...row) => {
    const [, overrides, code, key, severity] = row as Case;
    const findings = check(overrides);
    if (code === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(codesOf(findings)).toEqual([`${code}@${key}`]);
    expect(findings[0].severity).toBe(severity ?? 'error');
  });
});

describe('ID number messages', () => {
  it('id.excel_number says Excel dropped the last digits and how to fix it', () => {
    const [finding] = check({ idNumber: 5.32301197209181e17, gender: null });
    expect(finding.message).toContain('5.32301197209181E+17');
    expect(finding.message).toContain('丢失');
    expect(finding.hint).toContain('文本');
    expect(finding.hint).toContain('重新录入');
    expect(finding.en.hint).toMatch(/Text/);
  });

  it('a 15-digit old number with an impossible birth date is an error at 第7–12位, and no 18-digit form is offered as a fix', () => {
    const findings = check({ idNumber: '532301800230123' });
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['id.birthdate', 'error']]);
    expect(findings[0].message).toContain('第7–12位');
    expect(findings[0].fix).toBeUndefined();
    expect(`${findings[0].message}${findings[0].hint}`).not.toMatch(/\d{17}[\dX]/);
    expect(checkIdNumber('532301800230123', TODAY).upgraded).toBeUndefined();
    // Stored as a number (all 15 digits kept): the same.
    expect(check({ idNumber: 532301800230123 }).map((f) => f.code)).toEqual(['id.birthdate']);
  });

  it('id.legacy15 offers the 18-digit form', () => {
    const old = '532301800101001';
    const [finding] = check({ idNumber: old });
    expect(finding.hint).toContain(upgradeLegacy15(old));
    expect(finding.en.hint).toContain(upgradeLegacy15(old));
  });

  it('an ID typed back from an Excel number (…000, wrong check character) gets the Excel message, not id.checksum', () => {
    const truncated = '532301197209181000';
    const findings = check({ idNumber: truncated, gender: '男' });
    expect(findings.map((f) => f.code)).toEqual(['id.excel_number']); // no checksum finding, no gender from lost digits
    const [finding] = findings;
    expect(finding.message).toContain('丢失');
    expect(finding.hint).toContain('文本');
    expect(finding.hint).toContain('重新录入');
    expect(`${finding.message}${finding.hint}${finding.en.message}${finding.en.hint}`).not.toContain(truncated);
    expect(checkIdNumber(truncated, TODAY).problems).toEqual(['excelNumber']);
    // The same message the matching gives for that cell (one rule, ledger/id-number.ts).
    const matched = readMatchingIdNumber(truncated, TODAY);
    expect(matched.ok ? '' : matched.code).toBe('id.excel_number');
    // A wrong check character elsewhere is still a checksum error, without the Excel hint.
    const [plain] = check({ idNumber: MALE_ID.slice(0, 17) + (MALE_ID[17] === '0' ? '1' : '0') });
    expect(plain.code).toBe('id.checksum');
    expect(plain.hint).not.toContain('文本');
  });

  it('an ID typed back from an Excel number whose check character happens to be right (…000) is a warning with the Excel hint, without a gender from the lost digit', () => {
    const damaged = damagedIdPassingCheck();
    expect(isValidIdFast(damaged, TODAY)).toBe(true); // every other check passes
    // Digit 17 of the damaged number is 0 (“female”): a man's row must not also get gender.mismatch.
    const findings = check({ idNumber: damaged, gender: '男' });
    expect(codesOf(findings)).toEqual(['id.excel_suspect@idNumber']);
    const [finding] = findings;
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('末三位是000');
    expect(finding.message).toContain('Excel');
    expect(finding.hint).toContain('文本');
    expect(finding.en.hint).toMatch(/Text/);
    expect(`${finding.message}${finding.hint}${finding.en.message}${finding.en.hint}`).not.toContain(damaged);
    // The same through the sheet reader, typed with full-width digits (slow path): retyped and the Excel warning.
    const fullWidth = damaged.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const cells = valuesToCells(validRecord({ gender: '女' }));
    cells[at('idNumber')] = fullWidth;
    expect(validateSheet(sheetOf([cells]), ctx).findings.map((f) => f.code)).toEqual(['cell.retyped', 'id.excel_suspect']);
    // An ID that does not end in 000 is untouched, and one ending in 0 or 00 is no suspect.
    expect(check({})).toEqual([]);
    for (const id of [makeId(100, '19800101'), makeId(200, '19750303')]) expect(check({ idNumber: id, gender: Number(id[16]) % 2 ? '男' : '女' }).map((f) => f.code)).not.toContain('id.excel_suspect');
  });

  it('never repeats a whole ID number in a message (personal data)', () => {
    const findings = validateRecords(
      [validRecord(), validRecord({ idNumber: MALE_ID.slice(0, 17) + (MALE_ID[17] === '0' ? '1' : '0') }), validRecord({ seq: 3 })],
      ctx,
    ).flat();
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(`${f.message}${f.hint}${f.en.message}${f.en.hint}`).not.toMatch(/\d{17}[\dX]/);
  });

  it('the fast ID path agrees with checkIdNumber (valid ⇔ no problems)', () => {
    const samples: string[] = [MALE_ID, FEMALE_ID, idEndingInX(), makeId(5, '20261030'), makeId(5, '20261031'), makeId(7, '18791231'), makeId(7, '18800101')];
    // Every single-character mutation of a valid ID, and a few shapes.
    for (let i = 0; i < 18; i++) {
      for (const ch of ['0', '5', '9', 'X', 'x', 'a']) samples.push(MALE_ID.slice(0, i) + ch + MALE_ID.slice(i + 1));
    }
    samples.push('', '5323011980010100', `${MALE_ID}1`, makeId(1, '20000229'), makeId(1, '19000229'), makeId(1, '19800100'));
    for (const text of samples) {
      const canonical = checkIdNumber(text, TODAY);
      const valid = canonical.problems.length === 0 && canonical.normalized === text;
      expect([text, isValidIdFast(text, TODAY)]).toEqual([text, valid]);
    }
  });
});

describe('enum messages list the allowed values', () => {
  it.each(LEDGER_COLUMNS.filter((c) => c.vocabulary).map((c) => [c.key] as const))('%s', (key) => {
    const column = columnByKey(key);
    const bad = column.type === 'multi' ? ['不存在的值'] : '不存在的值';
    const finding = check({ [key]: bad }).find((f) => f.code === 'enum');
    expect(finding).toBeDefined();
    for (const value of vocabularyOf(column)) expect(finding!.hint).toContain(value);
    expect(finding!.message).toContain('不存在的值');
  });
});

describe('cross-field rules', () => {
  type Case = [label: string, overrides: LedgerValues, expected: string[]];
  const cases: Case[] = [
    // gender.mismatch
    ['gender against an odd 17th digit', { gender: '女' }, ['gender.mismatch@gender']],
    ['gender against an even 17th digit', { idNumber: FEMALE_ID, gender: '男' }, ['gender.mismatch@gender']],
    ['female ID, female gender', { idNumber: FEMALE_ID, gender: '女' }, []],
    ['legacy 15-digit ID checks gender too', { idNumber: '532301800101002', gender: '男' }, ['gender.mismatch@gender', 'id.legacy15@idNumber']],
    ['no gender check against a wrong check char', { idNumber: FEMALE_ID.slice(0, 17) + (FEMALE_ID[17] === '0' ? '1' : '0'), gender: '男' }, ['id.checksum@idNumber']],
    // date.order
    ['verified the day it was found', { verifiedOn: '2026-10-12' }, []],
    ['verified before found', { verifiedOn: '2026-10-11' }, ['date.order@verifiedOn']],
    ['closed the day it was verified', { status: '已办结', closedOn: '2026-10-20' }, []],
    ['closed before verified', { status: '已办结', closedOn: '2026-10-19' }, ['date.order@closedOn']],
    ['closed before found, never verified', { status: '已办结', closedOn: '2026-10-11', verifiedOn: null, verifyResult: null }, ['date.order@closedOn', 'status.inconsistent@status']],
    ['due before found', { verifyBy: '2026-10-11' }, ['date.order@verifyBy']],
    ['unreadable dates are not compared', { verifiedOn: '2026-10-99' }, ['date.format@verifiedOn']],
    // consent.declined_route
    ['declined, respected', { willingness: '不愿申请', routes: ['尊重意愿持续关注'], amount: null }, []],
    ['declined, monitored', { willingness: '不愿申请', routes: ['尊重意愿持续关注', '纳入低收入人口动态监测'], amount: null }, []],
    ['declined but enrolled', { willingness: '不愿申请', routes: ['尊重意愿持续关注', '纳入低保'] }, ['consent.declined_route@routes']],
    ['willing, any route', { willingness: '愿意申请', routes: ['纳入低保'] }, []],
    // route.ineligible
    ['not eligible but enrolled', { verifyResult: '不符合救助条件', routes: ['纳入低保', '临时救助'], status: '已办结', closedOn: '2026-10-21' }, ['route.ineligible@routes']],
    ['needs watching, monitored (no enrolment)', { verifyResult: '不符合但需关注', routes: ['纳入低收入人口动态监测'], amount: null }, []],
    ['eligible and enrolled', { routes: ['纳入特困供养'] }, []],
    // route.missing
    ['eligible without a route', { routes: null, amount: null }, ['route.missing@routes']],
    ['not eligible, no route needed', { verifyResult: '不符合救助条件', routes: null, amount: null, status: '已办结', closedOn: '2026-10-21' }, []],
    // status.inconsistent
    ['closed without a closing date', { status: '已办结', closedOn: null }, ['status.inconsistent@closedOn']],
    ['closing date but still in progress', { status: '办理中', closedOn: '2026-10-25' }, ['status.inconsistent@status']],
    ['closing date with blank status', { status: null, closedOn: '2026-10-25' }, ['status.inconsistent@status']],
    ['closing date with a misspelt status (enum only)', { status: '办完', closedOn: '2026-10-25' }, ['enum@status']],
    ['pending but verified', { status: '待核实' }, ['status.inconsistent@status']],
    ['result without a verification date', { verifiedOn: null }, ['status.inconsistent@verifiedOn']],
    ['verification date without a result', { verifyResult: null, routes: null, amount: null, willingness: null, ability: null, status: '核实中' }, ['status.inconsistent@verifyResult']],
    ['in progress but never verified', { verifiedOn: null, verifyResult: null, willingness: null, ability: null, routes: null, amount: null, verifyBy: '2026-11-10' }, ['status.inconsistent@status']],
    ['pending and unverified is fine', { verifiedOn: null, verifyResult: null, willingness: null, ability: null, routes: null, amount: null, status: '待核实', verifyBy: '2026-11-10' }, []],
  ];

  it.each(cases)('%s', (_label, overrides, expected) => {
    expect(codesOf(check(overrides)).sort()).toEqual([...expected].sort());
  });

  it('consent.declined_route names the offending routes only', () => {
    const [finding] = check({ willingness: '不愿申请', routes: ['尊重意愿持续关注', '纳入低保', '临时救助'] });
    expect(finding.message).toContain('纳入低保、临时救助');
    expect(finding.message).not.toContain('尊重意愿持续关注”');
    expect(finding.severity).toBe('error');
  });

  it('a rule about an empty column stays silent when the sheet has no such column', () => {
    const keys: ColumnKey[] = ['name', 'idNumber', 'categories', 'channel', 'foundOn', 'status', 'verifyResult'];
    const record = validRecord({ status: '已办结' });
    const sheet: SheetInput = {
      values: [keys.map((k) => columnByKey(k).header), keys.map((k) => valuesToCells(record)[at(k)])],
    };
    // No 办结日期, 核实日期 or 处置方式 column: nothing to say about them.
    expect(validateSheet(sheet, ctx).findings).toEqual([]);
  });
});

describe('deadline.overdue', () => {
  const open: LedgerValues = { verifiedOn: null, verifyResult: null, willingness: null, ability: null, routes: null, amount: null, status: '核实中', verifyBy: null };

  it('uses 发现日期 + the policy working days when 核实时限 is blank (boundary: due today is not late)', () => {
    const foundOn = '2026-10-12';
    const due = leadVerifyDueDate(foundOn, DEFAULT_POLICY, PLAIN_CALENDAR);
    expect(check({ ...open, foundOn }, { today: due, calendar: PLAIN_CALENDAR })).toEqual([]);
    const late = check({ ...open, foundOn }, { today: addCalendarDays(due, 1), calendar: PLAIN_CALENDAR });
    expect(codesOf(late)).toEqual(['deadline.overdue@verifiedOn']);
    expect(late[0].severity).toBe('warning');
    expect(late[0].message).toContain(due);
  });

  it('follows the policy (4 working days in some counties)', () => {
    const policy = resolvePolicy({ leadVerifyWorkingDays: 4 });
    const foundOn = '2026-10-12';
    const due4 = leadVerifyDueDate(foundOn, policy, PLAIN_CALENDAR);
    const today = addCalendarDays(due4, 1);
    expect(check({ ...open, foundOn }, { today, calendar: PLAIN_CALENDAR })).toEqual([]);
    expect(codesOf(check({ ...open, foundOn }, { today, policy, calendar: PLAIN_CALENDAR }))).toEqual(['deadline.overdue@verifiedOn']);
  });

  it('follows the calendar (holidays push the due date)', () => {
    // 2026-09-30 + 10 working days: the National Day week is off in DEFAULT_CALENDAR but not in PLAIN_CALENDAR.
    const foundOn = '2026-09-30';
    const duePlain = leadVerifyDueDate(foundOn, DEFAULT_POLICY, PLAIN_CALENDAR);
    const dueHolidays = leadVerifyDueDate(foundOn, DEFAULT_POLICY, DEFAULT_CALENDAR);
    expect(dueHolidays > duePlain).toBe(true);
    const today = addCalendarDays(duePlain, 1);
    expect(codesOf(check({ ...open, foundOn }, { today, calendar: PLAIN_CALENDAR }))).toEqual(['deadline.overdue@verifiedOn']);
    expect(check({ ...open, foundOn }, { today })).toEqual([]); // default calendar = DEFAULT_CALENDAR
  });

  it('uses an explicit 核实时限 when given', () => {
    expect(codesOf(check({ ...open, verifyBy: '2026-10-29' }))).toEqual(['deadline.overdue@verifiedOn']);
    expect(check({ ...open, verifyBy: TODAY })).toEqual([]);
  });

  it('counts the working days overdue', () => {
    const [finding] = check({ ...open, verifyBy: '2026-10-23' }); // Friday; TODAY is the next Friday
    expect(finding.message).toContain(`${PLAIN_CALENDAR.workingDaysBetween('2026-10-23', TODAY)}个工作日`);
    // the column first, as every other message: the cell it points at is 核实日期
    expect(finding.message).toMatch(/^「核实日期」仍为空：核实时限为2026-10-23，/);
    expect(finding.en.message).toMatch(/^"核实日期" is still empty: verification was due on 2026-10-23/);
  });

  it('is silent once verified or closed', () => {
    expect(check({ ...open, verifyBy: '2026-10-20', verifiedOn: '2026-10-19', verifyResult: '不符合救助条件', status: '持续关注' })).toEqual([]);
    expect(check({ ...open, verifyBy: '2026-10-20', status: '已办结', closedOn: '2026-10-21' }).map((f) => f.code)).not.toContain('deadline.overdue');
  });
});

describe('cross-row rules', () => {
  it('id.duplicate marks every row of the group and names the other rows', () => {
    const result = validateSheet(sheetOf([valuesToCells(validRecord()), valuesToCells(validRecord({ idNumber: FEMALE_ID, gender: '女', leadNo: null })), valuesToCells(validRecord({ leadNo: null })), valuesToCells(validRecord({ leadNo: 'XS-2' }))]), ctx);
    const dups = result.findings.filter((f) => f.code === 'id.duplicate');
    expect(dups.map((f) => f.row)).toEqual([3, 5, 6]);
    expect(dups[0].message).toContain('与第5、6行相同：');
    expect(dups[1].message).toContain('与第3、6行相同：');
    expect(dups[0].en.message).toContain('row(s) 5, 6:');
    expect(dups[0].severity).toBe('error');
  });

  it('id.duplicate sees a 15-digit number and its 18-digit form, and lower-case x, as the same person', () => {
    const old = '532301800101001';
    const x = idEndingInX();
    const records = [validRecord({ idNumber: old, leadNo: null }), validRecord({ idNumber: upgradeLegacy15(old), leadNo: null }), validRecord({ idNumber: x, leadNo: null }), validRecord({ idNumber: x.toLowerCase(), leadNo: null })];
    const perRecord = validateRecords(records, ctx).map((fs) => fs.filter((f) => f.code === 'id.duplicate').length);
    expect(perRecord).toEqual([1, 1, 1, 1]);
  });

  it('a large group names a few other rows and counts the rest: linear, not quadratic', () => {
    const n = 2_000;
    const records = Array.from({ length: n }, (_, i) => validRecord({ leadNo: `XS-1-${i}` }));
    const perRecord = validateRecords(records, ctx);
    const dups = perRecord.map((fs) => fs.filter((f) => f.code === 'id.duplicate'));
    expect(dups.every((fs) => fs.length === 1)).toBe(true);
    // records[i] is Excel row i + 2 of the synthetic sheet
    expect(dups[0][0].message).toBe(
      `「${columnByKey('idNumber').header}」与第3、4、5行等其他${n - 1}行相同（共${n}行）：同一人在台账中出现多次。`,
    );
    expect(dups[0][0].en.message).toContain(`row(s) 3, 4, 5 and ${n - 4} more (${n} rows in all)`);
    expect(dups[2][0].message).toContain(`与第2、3、5行等其他${n - 1}行相同（共${n}行）`);
    expect(dups[n - 1][0].message).toContain(`与第2、3、4行等其他${n - 1}行相同`);
    // every message has the same bounded size whatever the group's size
    const longest = Math.max(...dups.map((fs) => fs[0].message.length + fs[0].en.message.length));
    expect(longest).toBeLessThan(300);
    expect(dups[0][0].message).not.toContain(MALE_ID);
  });

  it('a group of exactly four rows names the three others without a count', () => {
    const records = Array.from({ length: 4 }, (_, i) => validRecord({ leadNo: `XS-2-${i}` }));
    const first = validateRecords(records, ctx)[0].find((f) => f.code === 'id.duplicate')!;
    expect(first.message).toContain('与第3、4、5行相同：');
    expect(first.message).not.toContain('共');
    const five = validateRecords([...records, validRecord({ leadNo: 'XS-2-9' })], ctx)[0].find((f) => f.code === 'id.duplicate')!;
    expect(five.message).toContain('与第3、4、5行等其他4行相同（共5行）');
  });

  it('lead.duplicate counts a large group the same way, showing the lead number', () => {
    const records = Array.from({ length: 50 }, (_, i) => validRecord({ idNumber: makeId(i + 1), gender: i % 2 === 0 ? '男' : '女', leadNo: 'XS-532301-202610-00009' }));
    const findings = validateRecords(records, ctx).map((fs) => fs.filter((f) => f.code === 'lead.duplicate'));
    expect(findings.every((fs) => fs.length === 1)).toBe(true);
    expect(findings[10][0].message).toBe(
      `「${columnByKey('leadNo').header}」“XS-532301-202610-00009”与第2、3、4行等其他49行重复（共50行）。`,
    );
    expect(findings[10][0].en.message).toContain('row(s) 2, 3, 4 and 46 more (50 rows in all)');
  });

  it('lead.duplicate ignores case and spaces, and blanks never collide', () => {
    const records = [
      validRecord({ leadNo: 'XS-532301-202610-00001' }),
      validRecord({ idNumber: FEMALE_ID, gender: '女', leadNo: ' xs-532301-202610-00001 ' }),
      validRecord({ idNumber: makeId(3), leadNo: null }),
      validRecord({ idNumber: makeId(5), leadNo: null }),
    ];
    const findings = validateRecords(records, ctx);
    expect(findings.map((fs) => codesOf(fs))).toEqual([['lead.duplicate@leadNo'], ['lead.duplicate@leadNo'], [], []]);
    expect(findings[0][0].message).toContain('XS-532301-202610-00001');
  });
});

describe('header.missing', () => {
  it('reports each missing required column once, at the header row, and validates the rest', () => {
    const keys: ColumnKey[] = ['name', 'idNumber', 'categories', 'gender'];
    const sheet: SheetInput = {
      values: [['标题'], keys.map((k) => columnByKey(k).header), ['张三', MALE_ID, '老年人', '女']],
    };
    const result = validateSheet(sheet, ctx);
    expect(result.findings.map((f) => [f.row, f.code, f.key, f.column])).toEqual([
      [2, 'header.missing', 'channel', '发现渠道'],
      [2, 'header.missing', 'foundOn', '发现日期'],
      [3, 'gender.mismatch', 'gender', '性别'],
    ]);
    expect(result.errors).toBe(3);
  });

  it('a sheet that is not a ledger gives header null and no findings', () => {
    const result = validateSheet({ values: [['品名', '数量'], ['苹果', 1]] }, ctx);
    expect(result).toEqual({ header: null, rows: [], findings: [], errors: 0, warnings: 0, unrecognizedColumns: [] });
  });
});

describe('validateSheet', () => {
  it('sorts findings by row, then by column position in the sheet', () => {
    const rows = [
      valuesToCells(validRecord({ gender: '女', routes: ['发钱'], leadNo: null })),
      valuesToCells(validRecord({ idNumber: FEMALE_ID, name: null, phone: '1', leadNo: null })),
    ];
    const { findings } = validateSheet(sheetOf(rows), ctx);
    const positions = findings.map((f) => [f.row, at(f.key!)]);
    expect(positions).toEqual([...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(findings.map((f) => f.code)).toEqual(['gender.mismatch', 'enum', 'required', 'gender.mismatch', 'phone.format']);
  });

  it('counts errors and warnings and returns the parsed rows', () => {
    const rows = [valuesToCells(validRecord({ gender: '女' })), valuesToCells(validRecord({ idNumber: FEMALE_ID, gender: '女', routes: null, amount: null, leadNo: null }))];
    const result = validateSheet(sheetOf(rows), ctx);
    expect([result.errors, result.warnings]).toEqual([1, 1]);
    expect(result.rows.map((r) => r.excelRow)).toEqual([3, 4]);
    expect(result.rows[1].values.idNumber).toBe(FEMALE_ID);
  });

  it('reads Excel serials with a date format, and ID text in a text-formatted column', () => {
    const cells = valuesToCells(validRecord());
    cells[at('foundOn')] = 46307; // 2026-10-12
    const formats = [[], [], cells.map((_, i) => (i === at('foundOn') ? 'yyyy-mm-dd' : i === at('idNumber') ? '@' : 'General'))];
    expect(validateSheet({ ...sheetOf([cells]), numberFormats: formats }, ctx).findings).toEqual([]);
  });

  it('reads Date objects from xlsx readers', () => {
    const cells: unknown[] = valuesToCells(validRecord());
    cells[at('foundOn')] = new Date(Date.UTC(2026, 9, 12));
    cells[at('verifiedOn')] = new Date(Date.UTC(2026, 9, 20));
    const result = validateSheet(sheetOf([cells]), ctx);
    expect(result.findings).toEqual([]);
    expect(result.rows[0].values.foundOn).toBe('2026-10-12');
  });

  it('uses DEFAULT_POLICY and DEFAULT_CALENDAR when none are given', () => {
    const record = validRecord({ verifiedOn: null, verifyResult: null, willingness: null, ability: null, routes: null, amount: null, status: '核实中', verifyBy: null });
    const due = leadVerifyDueDate(record.foundOn as string, DEFAULT_POLICY, DEFAULT_CALENDAR);
    expect(validateRecords([record], { today: due })[0]).toEqual([]);
    expect(codesOf(validateRecords([record], { today: addCalendarDays(due, 1) })[0])).toEqual(['deadline.overdue@verifiedOn']);
  });

  it('rejects a malformed today, and a today that is no real date (one strict date reader: ledger/calendar isIsoDate)', () => {
    expect(() => validateSheet(sheetOf([]), { today: '2026/10/30' })).toThrow(RangeError);
    expect(() => validateSheet(sheetOf([]), { today: '2026-02-30' })).toThrow(RangeError);
    expect(() => validateSheet(sheetOf([]), { today: '2026-02-28' })).not.toThrow();
  });
});

describe('the rule tables', () => {
  it('every code the rule tables name has a message entry (FINDING_CODES is derived from FINDING_MESSAGES)', () => {
    for (const rule of [...ROW_RULES, ...DUPLICATE_RULES]) expect(FINDING_CODES).toContain(rule.code);
    for (const code of FINDING_CODES) expect(code).toMatch(/^[a-z]+(?:\.[a-z0-9_]+)?$/);
  });

  it('every message is zh-CN and en-US, message and hint, for every rule entry', () => {
    for (const id of Object.keys(FINDING_MESSAGES) as MessageId[]) {
      const texts = FINDING_MESSAGES[id]({ column: '列', value: 'v', allowed: ['a'], items: ['b'], other: '另一列', date: '2026-10-01', otherDate: '2026-10-02', rows: [3], min: 1, max: 2, days: 1, expected: '男' });
      expect(texts.message).toMatch(/[\u4e00-\u9fff]/);
      expect(texts.hint).toMatch(/[\u4e00-\u9fff]/);
      expect(texts.en.message).toMatch(/[A-Za-z]{3,}/);
      expect(texts.en.hint).toMatch(/[A-Za-z]{3,}/);
      expect(texts.message).not.toBe(texts.en.message);
    }
  });

  it('every message names its column the same way: 「column」 in zh-CN, "column" in en-US', () => {
    for (const id of Object.keys(FINDING_MESSAGES) as MessageId[]) {
      const texts = FINDING_MESSAGES[id]({ column: '某列', other: '另一列', date: '2026-10-01', otherDate: '2026-10-02', days: 1, rows: [3], value: 'v', expected: '男' });
      expect([id, texts.message]).toEqual([id, expect.stringContaining('「某列」')]);
      expect([id, texts.en.message]).toEqual([id, expect.stringContaining('"某列"')]);
    }
  });

  it('row rules are consistent: unique ids, code matches message entry, columns exist', () => {
    const ids = ROW_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ROW_RULES) {
      expect(codeOfMessage(rule.message ?? (rule.code as MessageId))).toBe(rule.code);
      expect(FINDING_MESSAGES[rule.message ?? (rule.code as MessageId)]).toBeDefined();
      for (const key of [...rule.columns, ...(rule.requires ?? [])]) expect(() => columnByKey(key)).not.toThrow();
    }
    for (const pair of DATE_ORDER) {
      expect(columnByKey(pair.later).type).toBe('date');
      expect(columnByKey(pair.earlier).type).toBe('date');
    }
    for (const rule of DUPLICATE_RULES) expect(() => columnByKey(rule.column)).not.toThrow();
  });

  it('the vocabulary values rules speak of exist in VOCABULARIES', () => {
    for (const [name, values] of Object.entries(RULE_VOCABULARY_VALUES)) {
      const vocabulary = VOCABULARIES[name as keyof typeof VOCABULARIES] as readonly string[];
      for (const value of values) expect(vocabulary).toContain(value);
    }
  });

  it('column checks are derived from LEDGER_COLUMNS (required, vocabulary, range)', () => {
    expect(COLUMN_CHECKS.map((c) => c.key)).toEqual(LEDGER_COLUMNS.map((c) => c.key));
    for (const check of COLUMN_CHECKS) {
      expect(check.required).toBe(check.def.required);
      expect(check.min).toBe(check.def.min);
      expect(check.max).toBe(check.def.max);
      if (check.def.vocabulary) expect([...check.allowed!]).toEqual([...vocabularyOf(check.def)]);
    }
  });
});
