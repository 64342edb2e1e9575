/**
 * The demo workbook the plain-browser preview opens in the memory host: a small village ledger
 * with a title row, made-up people (names and ID numbers are fabricated; the ID numbers carry a
 * valid GB 11643 check character) and one extra column staff added.
 */
import { VISIBLE_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { idCheckChar } from '../../ledger/idnumber';
import type { MemoryHostOptions } from './memory-host';

const PEOPLE: Record<string, string | number>[] = [
  { name: '示例甲', gender: '男', birth: '19520314', order: '011', categories: '老年人、因病支出型困难', channel: '入户走访', foundOn: '2026-10-08', status: '待核实' },
  { name: '示例乙', gender: '女', birth: '19860722', order: '024', categories: '残疾人', channel: '部门比对', foundOn: '2026-10-12', status: '核实中' },
  { name: '示例丙', gender: '男', birth: '20040105', order: '037', categories: '因学支出型困难', channel: '部门比对', foundOn: '2026-10-15', status: '办理中' },
];

export function demoWorkbook(): MemoryHostOptions {
  const headers = [...VISIBLE_COLUMNS.map((column) => column.header), '走访记录'];
  const rows = PEOPLE.map((person, i) => {
    const first17 = `532301${person.birth}${person.order}`; // 楚雄市 + birth date + order (odd = male)
    const id = first17 + idCheckChar(first17);
    const byHeader: Record<string, string | number> = {
      序号: i + 1,
      '乡镇（街道）': '鹿城镇',
      '村（社区）': '示例村委会',
      姓名: person.name,
      性别: person.gender,
      公民身份号码: id,
      人员类别: person.categories,
      发现渠道: person.channel,
      发现日期: person.foundOn,
      办理状态: person.status,
      走访记录: '示例',
    };
    return headers.map((header) => byHeader[header] ?? '');
  });
  const title = [ledgerTitle('示例村委会', 10), ...headers.slice(1).map(() => '')];
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
