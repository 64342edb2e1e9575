/**
 * THE demo workbook: what the browser preview (/preview) and the memory host outside Excel open,
 * and what the pane and browser tests run on. The 台账 of 示范村 (鹿城镇) — the village of the
 * server's demo account demo-village, so leads pulled and rows synced in the preview land where
 * they belong — with one column staff added (走访记录) and, with `plantedDefects`, rows the
 * 台账校验 pane has something to find and fix:
 *   示例丙 — ID number typed with a lower-case x (one-click fix x → X);
 *   示例丁 — 15-digit old-style ID (fix: 18 digits), categories joined with "," (fix: 、);
 *   示例戊 — ID number with a wrong check character (the clerk must re-type it);
 *   示例己 — no 发现渠道 (required);
 *   示例庚 — phone typed with full-width digits (fix), 发现渠道 written “走访” (synonym: one click
 *            writes 入户走访), declined to apply (the 接办流程 pane offers only 尊重意愿持续关注).
 * Every person is MADE UP (names 示例…, ID numbers fabricated for 楚雄市 532301 with valid check
 * characters except where the defect says otherwise). Dates are relative to `today`.
 *
 * `layout: 'noLedger'` is a workbook staff already use without a ledger (a visit log and a sheet
 * named 台账 holding a supplies list): the pane offers to add the template's sheets;
 * `layout: 'missingColumns'` a ledger without 发现渠道 and 备注: the pane offers to add them.
 */
import { VISIBLE_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { chinaDate } from '../../ledger/dates';
import { idCheckChar } from '../../ledger/id-number';
import type { MemoryHostOptions } from './memory-host';

export const DEMO_VILLAGE = { code: '532301101201', name: '示范村', township: '鹿城镇' };

/** A fabricated 18-character ID of 楚雄市 for a birth date; the order number is searched for a wanted check character. */
function fabricatedId(birth: string, male: boolean, wantCheck?: string): string {
  for (let order = male ? 11 : 12; order < 999; order += 2) {
    const first17 = `532301${birth}${String(order).padStart(3, '0')}`;
    const check = idCheckChar(first17);
    if (wantCheck === undefined || check === wantCheck) return first17 + check;
  }
  throw new Error('no ID number found');
}

/** Cells of one person by header text. */
type Cells = Record<string, string | number>;

interface Person {
  /** In the clean workbook too (tests that count rows use these). */
  clean: boolean;
  cells: Cells;
  /** The planted defects: cells that replace the clean ones. */
  defects?: Cells;
}

/** YYYY-MM-DD `days` before `today`. */
function daysBefore(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

function people(today: string): Person[] {
  const found = (days: number) => daysBefore(today, days);
  const withX = fabricatedId('19570412', true, 'X');
  const legacy = fabricatedId('19480203', false);
  const badCheck = fabricatedId('19790918', true);
  const wrongCheck = badCheck.slice(0, 17) + (badCheck[17] === '1' ? '2' : '1');
  return [
    { clean: true, cells: { 姓名: '示例甲', 性别: '男', 公民身份号码: fabricatedId('19520314', true), 联系电话: '13887800011', 人员类别: '老年人、因病支出型困难', 发现渠道: '入户走访', 发现日期: found(25), 办理状态: '待核实', 困难情形: '独居，慢性病长期服药' } },
    { clean: true, cells: { 姓名: '示例乙', 性别: '女', 公民身份号码: fabricatedId('19860722', false), 联系电话: '13887800022', 人员类别: '残疾人', 发现渠道: '部门比对', 发现日期: found(14), 办理状态: '核实中', 困难情形: '肢体残疾二级，无固定收入', 申请意愿: '愿意申请', 申请能力: '需协助申请' } },
    { clean: true, cells: { 姓名: '示例丙', 性别: '男', 公民身份号码: withX, 联系电话: '13887800033', 人员类别: '老年人', 发现渠道: '入户走访', 发现日期: found(9), 办理状态: '待核实', 困难情形: '子女外出务工，无人照料' }, defects: { 公民身份号码: withX.slice(0, 17) + 'x' } },
    { clean: false, cells: { 姓名: '示例丁', 性别: '女', 公民身份号码: legacy.slice(0, 6) + legacy.slice(8, 17), 联系电话: '13887800044', 人员类别: '低保边缘家庭,老年人', 发现渠道: '救助热线', 发现日期: found(8), 办理状态: '待核实', 困难情形: '家庭收入略高于低保标准' } },
    { clean: false, cells: { 姓名: '示例戊', 性别: '男', 公民身份号码: wrongCheck, 联系电话: '13887800055', 人员类别: '突发严重困难户', 发现渠道: '网络求助', 发现日期: found(6), 办理状态: '待核实', 困难情形: '房屋因暴雨受损' } },
    { clean: false, cells: { 姓名: '示例己', 性别: '女', 公民身份号码: fabricatedId('20050610', false), 联系电话: '13887800066', 人员类别: '因学支出型困难', 发现渠道: '', 发现日期: found(4), 办理状态: '待核实', 困难情形: '大学在读，学费负担重' } },
    { clean: false, cells: { 姓名: '示例庚', 性别: '男', 公民身份号码: fabricatedId('19650101', true), 联系电话: '１３８８７８０００７７', 人员类别: '城镇零就业家庭', 发现渠道: '走访', 发现日期: found(2), 办理状态: '待核实', 困难情形: '夫妻均失业', 申请意愿: '不愿申请' } },
  ];
}

export const DEMO_LAYOUTS = ['ledger', 'noLedger', 'missingColumns'] as const;
export type DemoLayout = (typeof DEMO_LAYOUTS)[number];
/** Headers the 'missingColumns' layout leaves out. */
const LEFT_OUT: readonly string[] = ['发现渠道', '备注'];

export interface DemoOptions {
  /** Add the rows with planted defects (the preview does; tests that count rows use the three clean ones). */
  plantedDefects?: boolean;
  /** YYYY-MM-DD the dates are relative to; default today in China. */
  today?: string;
  /** 'noLedger': a workbook without a ledger (the add-the-template offer); 'missingColumns': the ledger without 发现渠道 and 备注 (the add-columns offer). */
  layout?: DemoLayout;
}

export function demoWorkbook(options: DemoOptions = {}): MemoryHostOptions {
  if (options.layout === 'noLedger') {
    return {
      sheets: [
        { name: '走访记录', values: [['日期', '户主', '走访情况'], ['2026-10-02', '示例甲', '已入户，独居']] },
        { name: '台账', values: [['救灾物资台账'], ['物资', '数量', '单位'], ['大米', 20, '袋']] },
      ],
      activeSheet: '走访记录',
    };
  }
  const today = options.today ?? chinaDate(new Date());
  const planted = options.plantedDefects === true;
  const headers = [...VISIBLE_COLUMNS.map((column) => column.header), '走访记录'].filter((h) => options.layout !== 'missingColumns' || !LEFT_OUT.includes(h));
  const chosen = people(today).filter((person) => planted || person.clean);
  const rows = chosen.map((person, i) => {
    const byHeader: Cells = {
      序号: i + 1,
      '乡镇（街道）': DEMO_VILLAGE.township,
      '村（社区）': DEMO_VILLAGE.name,
      家庭人口: 2 + (i % 3),
      已纳入保障: '无',
      走访记录: '已入户',
      ...person.cells,
      ...(planted ? person.defects : {}),
    };
    return headers.map((header) => byHeader[header] ?? '');
  });
  const title = [ledgerTitle(DEMO_VILLAGE.name, Number(today.slice(5, 7))), ...headers.slice(1).map(() => '')];
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
