/**
 * The demo workbook the plain-browser preview opens in the memory host: a small village ledger
 * with a title row, made-up people (names and ID numbers are fabricated; valid ID numbers carry a
 * correct GB 11643 check character), one extra column staff added, and a few planted defects
 * so the 台账校验 pane has something to find and fix:
 *   示例丁 — 15-digit old ID (fix: 18 digits), categories joined with "," (fix: 、), phone in full-width digits;
 *   示例戊 — ID ending in a lowercase x with a trailing space (fix: X), gender contradicting the ID;
 *   示例己 — status 已办结 without 办结日期, 发现日期 in the future;
 *   示例庚 — declined to apply but routed to 纳入低保 (consent rule).
 */
import { VISIBLE_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { idCheckChar } from '../../ledger/id-number';
import type { MemoryHostOptions } from './memory-host';

type Person = Record<string, string | number>;

/** An 18-character ID: 楚雄市 + birth date + order (odd = male) + check character. */
function id18(birth: string, order: string): string {
  const first17 = `532301${birth}${order}`;
  return first17 + idCheckChar(first17);
}

function people(plantedDefects: boolean): Person[] {
  const xId = (() => {
    // an order whose check character is X, so the lowercase-x defect is a real one
    for (let n = 100; n < 999; n++) {
      const id = id18('19700618', String(n));
      if (id.endsWith('X') && n % 2 === 0) return id;
    }
    return id18('19700618', '102');
  })();
  const clean: Person[] = [
    { 姓名: '示例甲', 性别: '男', 公民身份号码: id18('19520314', '011'), 人员类别: '老年人、因病支出型困难', 发现渠道: '入户走访', 发现日期: '2026-10-08', 办理状态: '待核实', 联系电话: '13800001111' },
    { 姓名: '示例乙', 性别: '女', 公民身份号码: id18('19860722', '024'), 人员类别: '残疾人', 发现渠道: '部门比对', 发现日期: '2026-10-12', 办理状态: '核实中', 申请意愿: '愿意申请', 申请能力: '需协助申请' },
    { 姓名: '示例丙', 性别: '男', 公民身份号码: id18('20040105', '037'), 人员类别: '因学支出型困难', 发现渠道: '部门比对', 发现日期: '2026-10-15', 办理状态: '办理中' },
  ];
  if (!plantedDefects) return clean;
  return [
    ...clean,
    { 姓名: '示例丁', 性别: '男', 公民身份号码: '532301550310031', 人员类别: '老年人,重大疾病', 发现渠道: '入户走访', 发现日期: '2026-10-16', 办理状态: '待核实', 联系电话: '１３９００００２２２２' },
    { 姓名: '示例戊', 性别: '男', 公民身份号码: `${xId.slice(0, 17)}x `, 人员类别: '残疾人', 发现渠道: '救助热线', 发现日期: '2026-10-18', 办理状态: '核实中' },
    { 姓名: '示例己', 性别: '女', 公民身份号码: id18('19911102', '046'), 人员类别: '因病支出型困难', 发现渠道: '部门比对', 发现日期: '2099-01-01', 办理状态: '已办结' },
    { 姓名: '示例庚', 性别: '女', 公民身份号码: id18('19650909', '028'), 人员类别: '老年人', 发现渠道: '入户走访', 发现日期: '2026-10-20', 办理状态: '办理中', 申请意愿: '不愿申请', 处置方式: '纳入低保' },
  ];
}

export interface DemoOptions {
  /** Add the rows with planted defects (the preview does; tests that count rows use the three clean ones). */
  plantedDefects?: boolean;
}

export function demoWorkbook(options: DemoOptions = {}): MemoryHostOptions {
  const headers = [...VISIBLE_COLUMNS.map((column) => column.header), '走访记录'];
  const rows = people(options.plantedDefects === true).map((person, i) => {
    const byHeader: Person = { 序号: i + 1, '乡镇（街道）': '鹿城镇', '村（社区）': '示例村委会', 走访记录: '示例', ...person };
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
