/** Builds ledger sheets for the host tests: title row, header row in a shuffled order with extra columns. */
import { LEDGER_COLUMNS, VISIBLE_COLUMNS } from '../../ledger/columns';

export interface FixtureOptions {
  rows: number;
  /** Header texts in sheet order; default: a fixed shuffle of the visible columns plus two extras. */
  headers?: string[];
  withMachineColumns?: boolean;
  title?: boolean;
}

/** A fixed permutation (deterministic) of the visible headers, with staff's own extra columns mixed in. */
export const SHUFFLED_HEADERS: string[] = (() => {
  const headers = VISIBLE_COLUMNS.map((c) => c.header);
  let seed = 7;
  for (let i = headers.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [headers[i], headers[j]] = [headers[j], headers[i]];
  }
  headers.splice(3, 0, '联系人备注'); // extra column staff added
  headers.splice(10, 0, '走访照片编号'); // another one
  // staff wrote the ID header with an alias and half-width spacing
  headers[headers.indexOf('公民身份号码')] = '身份证号码';
  headers[headers.indexOf('乡镇（街道）')] = '乡镇 (街道)';
  return headers;
})();

const ID = (i: number) => `5323011990${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(100 + (i % 900)).padStart(3, '0')}X`;

export function cellFor(header: string, i: number): unknown {
  switch (header) {
    case '序号': return i + 1;
    case '姓名': return `测试${i}`;
    case '身份证号码':
    case '公民身份号码': return ID(i);
    case '人员类别': return '老年人、残疾人';
    case '发现渠道': return '入户走访';
    case '发现日期': return 46300 + (i % 30); // a real date cell: Excel serial
    case '家庭人口': return 1 + (i % 6);
    case '联系人备注': return `staff-note-${i}`;
    case '走访照片编号': return `P${i}`;
    case '家庭住址': return `楚雄市鹿城镇示例村${i}号`;
    case '记录ID': return `row-${i}`;
    case '版本号': return 1;
    default: return '';
  }
}

export function ledgerValues(options: FixtureOptions): { values: unknown[][]; formats: string[][]; headers: string[] } {
  const headers = [...(options.headers ?? SHUFFLED_HEADERS)];
  if (options.withMachineColumns) for (const c of LEDGER_COLUMNS.filter((x) => x.hidden)) headers.push(c.header);
  const values: unknown[][] = [];
  const formats: string[][] = [];
  if (options.title !== false) {
    values.push(['楚雄市鹿城镇示例村10月社会救助主动发现监测工作台账', ...headers.slice(1).map(() => '')]);
    formats.push(headers.map(() => 'General'));
  }
  values.push(headers);
  formats.push(headers.map(() => 'General'));
  for (let i = 0; i < options.rows; i++) {
    values.push(headers.map((h) => cellFor(h, i)));
    formats.push(headers.map((h) => (h === '身份证号码' || h === '联系电话' ? '@' : h === '发现日期' ? 'yyyy-mm-dd' : 'General')));
  }
  return { values, formats, headers };
}
