/** Fabricated people and sheets for the matching tests (IDs are made up, with valid check characters). */
import { idCheckChar } from '../../ledger/id-number';
import type { SheetInput } from '../../ledger/types';

export const TODAY = '2026-11-20';

/** A valid fabricated ID: 532301 + birth date + 3-digit order + check character. */
export function fakeId(n: number, birth = '19800101'): string {
  const first17 = `532301${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** A sheet with a title row above the header (Excel row 1 = title, row 2 = header, data from row 3). */
export function sheetOf(header: string[], rows: unknown[][], title = '楚雄市2026年10月数据'): SheetInput {
  return { name: 'Sheet1', values: [[title], header, ...rows] };
}

export const ROSTER_HEADER = ['姓名', '身份证号', '保障类别', '乡镇（街道）', '村（社区）', '保障状态'];
export const MEDICAL_HEADER = ['序号', '姓名', '身份证号', '入院日期', '出院日期', '医疗总费用', '个人自付费用', '医疗机构'];
