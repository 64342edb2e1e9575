import {
  canonicalIsoDate,
  dateObjectToIso,
  excelSerialToIso,
  isDateNumberFormat,
  isoToExcelSerial,
  parseDateCell,
  parseDateText,
  PLAUSIBLE_SERIAL_MAX,
  PLAUSIBLE_SERIAL_MIN,
} from '../../ledger/dates';

describe('parseDateText: the written forms staff use', () => {
  it.each([
    ['2026-10-05', '2026-10-05'],
    ['2026/10/5', '2026-10-05'],
    ['2026/1/5', '2026-01-05'],
    ['2026.10.05', '2026-10-05'],
    ['2026-10-5', '2026-10-05'],
    ['2026年10月5日', '2026-10-05'],
    ['2026年10月5号', '2026-10-05'],
    ['2026 年 10 月 5 日', '2026-10-05'],
    ['2026年10月5', '2026-10-05'],
    ['20261005', '2026-10-05'],
    ['  2026-10-05  ', '2026-10-05'],
    ['2026-10-05 00:00:00', '2026-10-05'],
    ['2026-10-05T08:30', '2026-10-05'],
    ['２０２６－１０－０５', '2026-10-05'],
    ['２０２６年１０月５日', '2026-10-05'],
    ['2024-02-29', '2024-02-29'],
  ])('%s → %s', (text, iso) => {
    expect(parseDateText(text)).toBe(iso);
  });

  it.each([
    '2026-02-29', // not a leap year
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026/10/32',
    '2026年2月30日',
    '20261305',
    '2026105',
    '26-10-05',
    '10/05/2026',
    'abc',
    '',
    '1899-12-31',
    '2100-01-01',
    '2026-10-05 abc',
  ])('rejects %j', (text) => {
    expect(parseDateText(text)).toBeUndefined();
  });

  it('passes canonical ISO text through unchanged, and still checks it is a real date', () => {
    expect(parseDateText('2026-12-31')).toBe('2026-12-31');
    expect(parseDateText('2026-12-32')).toBeUndefined();
    expect(parseDateText('2026-1a-01')).toBeUndefined();
  });
});

describe('Excel serials', () => {
  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [36526, '2000-01-01'],
    [45658, '2025-01-01'],
  ])('serial %d is %s (1900 date system, phantom 1900-02-29 skipped)', (serial, iso) => {
    expect(excelSerialToIso(serial)).toBe(iso);
    expect(isoToExcelSerial(iso)).toBe(serial);
  });

  it('drops the time fraction', () => {
    expect(excelSerialToIso(isoToExcelSerial('2026-10-05') + 0.75)).toBe('2026-10-05');
  });

  it('round-trips every day of 2024–2027', () => {
    const start = isoToExcelSerial('2024-01-01');
    const end = isoToExcelSerial('2027-12-31');
    for (let serial = start; serial <= end; serial++) expect(isoToExcelSerial(excelSerialToIso(serial))).toBe(serial);
    expect(end - start + 1).toBe(366 + 365 + 365 + 365);
  });

  it('isoToExcelSerial throws on text that is not a date', () => {
    expect(() => isoToExcelSerial('2026-02-30')).toThrow(RangeError);
  });
});

describe('isDateNumberFormat', () => {
  it.each([
    ['yyyy-mm-dd', true],
    ['yyyy/m/d', true],
    ['m/d/yyyy', true],
    ['yyyy"年"m"月"d"日"', true],
    ['[$-804]yyyy"年"m"月"d"日";@', true],
    ['d-mmm-yy', true],
    ['General', false],
    ['@', false],
    ['0', false],
    ['0.00', false],
    ['#,##0.00', false],
    ['h:mm:ss', false],
    ['"day"0', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (format, expected) => {
    expect(isDateNumberFormat(format)).toBe(expected);
  });
});

describe('parseDateCell', () => {
  const serial = isoToExcelSerial('2026-10-05');

  it('reads a Date object as its UTC calendar date (xlsx readers give UTC midnight)', () => {
    expect(parseDateCell(new Date(Date.UTC(2026, 9, 5)))).toEqual({ ok: true, iso: '2026-10-05' });
    // 23:30 UTC is still the 5th in UTC, whatever the machine's time zone.
    expect(parseDateCell(new Date(Date.UTC(2026, 9, 5, 23, 30)))).toEqual({ ok: true, iso: '2026-10-05' });
    expect(dateObjectToIso(new Date(NaN))).toBeUndefined();
    expect(parseDateCell(new Date(NaN))).toEqual({ ok: false });
  });

  it('reads a number with a date format as a serial, whatever its size', () => {
    expect(parseDateCell(serial, 'yyyy-mm-dd')).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell(1, 'yyyy-mm-dd')).toEqual({ ok: true, iso: '1900-01-01' });
  });

  it('reads a plain number as a serial only inside the plausible range', () => {
    expect(parseDateCell(serial)).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell(serial, 'General')).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell(PLAUSIBLE_SERIAL_MIN)).toEqual({ ok: true, iso: '1990-01-01' });
    expect(parseDateCell(PLAUSIBLE_SERIAL_MAX)).toEqual({ ok: true, iso: '2099-12-31' });
    expect(parseDateCell(PLAUSIBLE_SERIAL_MIN - 1)).toEqual({ ok: false });
    expect(parseDateCell(PLAUSIBLE_SERIAL_MAX + 1)).toEqual({ ok: false });
    expect(parseDateCell(3)).toEqual({ ok: false });
  });

  it('reads the number 20261005 as yyyymmdd', () => {
    expect(parseDateCell(20261005)).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell(20261305)).toEqual({ ok: false });
  });

  it('reads text in every accepted form and rejects the rest', () => {
    expect(parseDateCell('2026年10月5日')).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell('2026/10/5', '@')).toEqual({ ok: true, iso: '2026-10-05' });
    expect(parseDateCell('下周')).toEqual({ ok: false });
  });

  it('rejects non-finite numbers, booleans, objects and blanks', () => {
    expect(parseDateCell(NaN)).toEqual({ ok: false });
    expect(parseDateCell(Infinity, 'yyyy-mm-dd')).toEqual({ ok: false });
    expect(parseDateCell(true)).toEqual({ ok: false });
    expect(parseDateCell({})).toEqual({ ok: false });
    expect(parseDateCell('')).toEqual({ ok: false });
    expect(parseDateCell(null)).toEqual({ ok: false });
  });
});

describe('canonicalIsoDate (the allocation-free path of date cells)', () => {
  it('answers the text itself exactly when parseDateText would give the same text', () => {
    const samples = ['2026-10-05', '2026-02-29', '2024-02-29', '1900-01-01', '2099-12-31', '1899-12-31', '2100-01-01', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-05', '2026/10/05', '２026-10-05', '2026-10-0x', ' 2026-10-05', '20261005'];
    for (const text of samples) {
      const canonical = canonicalIsoDate(text);
      if (canonical !== undefined) expect(canonical).toBe(text);
      expect(canonical !== undefined).toBe(parseDateText(text) === text);
    }
    expect(canonicalIsoDate('2026-10-05')).toBe('2026-10-05');
    expect(canonicalIsoDate('2026-02-29')).toBeUndefined();
  });
});
