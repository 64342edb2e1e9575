/**
 * The browser preview's workbook: the 台账 of 示范村 (鹿城镇) — the village of the server's demo
 * account demo-village, so leads pulled and rows synced in the preview land where they belong —
 * with a few planted defects so the 台账校验 pane has something to find and fix:
 *   - an ID number typed with a lower-case x (one-click fix x → X),
 *   - a 15-digit old-style ID number (one-click fix 15 → 18),
 *   - an ID number with a wrong check character (the clerk must re-type it),
 *   - a row without 发现渠道 (required),
 *   - a phone number typed with full-width digits (one-click fix).
 * Every person is MADE UP (names 示例…, ID numbers fabricated for 楚雄市 532301 with valid check
 * characters except where the defect says otherwise).
 */
import { VISIBLE_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { idCheckChar } from '../../ledger/id-number';
import type { MemoryHostOptions } from '../host/memory-host';

/** A fabricated 18-character ID of 楚雄市 for a birth date; the order number is searched for a wanted check character. */
function fabricatedId(birth: string, male: boolean, wantCheck?: string): string {
  for (let order = male ? 11 : 12; order < 999; order += 2) {
    const first17 = `532301${birth}${String(order).padStart(3, '0')}`;
    const check = idCheckChar(first17);
    if (wantCheck === undefined || check === wantCheck) return first17 + check;
  }
  throw new Error('no ID number found');
}

interface Person {
  name: string;
  gender: '男' | '女';
  id: string;
  phone: string;
  categories: string;
  channel: string;
  foundOn: string;
  status: string;
  hardship: string;
  willingness?: string;
  ability?: string;
}

export const PREVIEW_VILLAGE = { code: '532301101201', name: '示范村', township: '鹿城镇' };

/** YYYY-MM-DD `days` before `today`. */
function daysBefore(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** Today in China (UTC+8). */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function people(today: string): Person[] {
  const found = (days: number) => daysBefore(today, days);
  const withX = fabricatedId('19570412', true, 'X');
  const legacy = fabricatedId('19480203', false);
  const badCheck = fabricatedId('19790918', true);
  const wrongCheck = badCheck.slice(0, 17) + (badCheck[17] === '1' ? '2' : '1');
  return [
    { name: '示例甲', gender: '男', id: fabricatedId('19520314', true), phone: '13887800011', categories: '老年人、因病支出型困难', channel: '入户走访', foundOn: found(25), status: '待核实', hardship: '独居，慢性病长期服药' },
    { name: '示例乙', gender: '女', id: fabricatedId('19860722', false), phone: '13887800022', categories: '残疾人', channel: '部门比对', foundOn: found(14), status: '核实中', hardship: '肢体残疾二级，无固定收入', willingness: '愿意申请', ability: '需协助申请' },
    { name: '示例丙', gender: '男', id: withX.slice(0, 17) + 'x', phone: '13887800033', categories: '老年人', channel: '入户走访', foundOn: found(9), status: '待核实', hardship: '子女外出务工，无人照料' },
    { name: '示例丁', gender: '女', id: legacy.slice(0, 6) + legacy.slice(8, 17), phone: '13887800044', categories: '低保边缘家庭', channel: '救助热线', foundOn: found(8), status: '待核实', hardship: '家庭收入略高于低保标准' },
    { name: '示例戊', gender: '男', id: wrongCheck, phone: '13887800055', categories: '突发严重困难户', channel: '网络求助', foundOn: found(6), status: '待核实', hardship: '房屋因暴雨受损' },
    { name: '示例己', gender: '女', id: fabricatedId('20050610', false), phone: '13887800066', categories: '因学支出型困难', channel: '', foundOn: found(4), status: '待核实', hardship: '大学在读，学费负担重' },
    { name: '示例庚', gender: '男', id: fabricatedId('19650101', true), phone: '１３８８７８０００７７', categories: '城镇零就业家庭', channel: '入户走访', foundOn: found(2), status: '待核实', hardship: '夫妻均失业' },
  ];
}

export function previewWorkbook(today: string = chinaToday()): MemoryHostOptions {
  const headers = [...VISIBLE_COLUMNS.map((column) => column.header), '走访记录'];
  const rows = people(today).map((person, i) => {
    const byHeader: Record<string, string | number> = {
      序号: i + 1,
      '乡镇（街道）': PREVIEW_VILLAGE.township,
      '村（社区）': PREVIEW_VILLAGE.name,
      姓名: person.name,
      性别: person.gender,
      公民身份号码: person.id,
      联系电话: person.phone,
      家庭人口: 2 + (i % 3),
      人员类别: person.categories,
      困难情形: person.hardship,
      发现渠道: person.channel,
      发现日期: person.foundOn,
      已纳入保障: '无',
      申请意愿: person.willingness ?? '',
      申请能力: person.ability ?? '',
      办理状态: person.status,
      走访记录: '已入户',
    };
    return headers.map((header) => byHeader[header] ?? '');
  });
  const title = [ledgerTitle(PREVIEW_VILLAGE.name, Number(today.slice(5, 7))), ...headers.slice(1).map(() => '')];
  const formats = [title, headers, ...rows].map((row, r) =>
    row.map((_, c) => (r >= 2 && (headers[c] === '公民身份号码' || headers[c] === '联系电话') ? '@' : 'General')),
  );
  return {
    sheets: [
      { name: '台账', values: [title, headers, ...rows], numberFormats: formats },
      { name: '填表说明', values: VISIBLE_COLUMNS.map((column) => [column.header, column.help.zh]) },
    ],
    activeSheet: '台账',
  };
}
