/** Fabricated rows for the validation tests (IDs are made up, with check characters computed by idCheckChar). */
import { createCalendar } from '../../ledger/calendar';
import { idCheckChar } from '../../ledger/id-number';
import type { LedgerValues } from '../../ledger/types';

export const TODAY = '2026-10-30';

/** Weekends only, no holidays: deadlines in the tests are easy to follow. */
export const PLAIN_CALENDAR = createCalendar({});

/** A valid ID: 532301 + birth date + 3-digit order + check character (odd order = male). */
export function makeId(order: number, birth = '19800101', region = '532301'): string {
  const first17 = `${region}${birth}${String(order).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

export const MALE_ID = makeId(1);
export const FEMALE_ID = makeId(2, '19850202');

/** An ID whose check character is X (searching the order numbers). */
export function idEndingInX(): string {
  for (let order = 1; order < 1000; order++) {
    const id = makeId(order, '19700101');
    if (id.endsWith('X')) return id;
  }
  throw new Error('no order number gives X');
}

/** A complete, consistent row that raises no finding on TODAY. */
export function validRecord(overrides: LedgerValues = {}): LedgerValues {
  return {
    seq: 1,
    township: '鹿城镇',
    village: '示例社区',
    name: '张三',
    gender: '男',
    idNumber: MALE_ID,
    phone: '13812345678',
    householdSize: 3,
    address: '鹿城镇示例社区1号',
    categories: ['老年人', '因病支出型困难'],
    hardship: '住院自付费用较高',
    channel: '部门比对',
    leadNo: 'XS-532301-202610-00001',
    foundOn: '2026-10-12',
    coverage: '无',
    verifyBy: '2026-10-26',
    verifiedOn: '2026-10-20',
    verifier: '李四',
    verifyResult: '符合救助条件',
    willingness: '愿意申请',
    ability: '需协助申请',
    routes: ['协助申请', '临时救助'],
    amount: 1500,
    status: '办理中',
    closedOn: null,
    notes: null,
    rowId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    version: 1,
    ...overrides,
  };
}
