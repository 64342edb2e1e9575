/** Server answers for the 汇总 and 审核 pane tests, shaped by the shared ledger/api schemas. */
import type { SessionUser } from '../../../ledger/api/auth';
import { LEAD_STATE_LABELS, type ConsolidatedRowsResponse, type SummaryResponse } from '../../../ledger/api/reports';
import type { PendingSubmissionsResponse, SubmissionDetailResponse, SubmissionFindingsResponse, SubmissionWire, UnitSubmissionsResponse } from '../../../ledger/api/submissions';
import { SUMMARY_DIMENSIONS } from '../../../ledger/reports/facts';
import type { Handler } from './fake-api';

export const COUNTY_USER: SessionUser = { username: 'demo-county', role: 'county', unit: { code: '532301', name: '楚雄市', level: 'county' } };
export const TOWNSHIP_USER: SessionUser = { username: 'demo-township', role: 'township', unit: { code: '532301101', name: '鹿城镇', level: 'township' } };

export const loginAs = (user: SessionUser): Handler => () => ({ status: 200, body: { token: `tok-${user.username}`, expiresAt: '2099-01-01T00:00:00Z', user } });

type Figures = SummaryResponse['figures'];
type UnitRef = SummaryResponse['unit'];

export function figures(rows: number, overdue: number, month: string, notSubmitted: number, villages: number): Figures {
  const lead = { total: 4, verified: 2, verifiedOnTime: 1, overdue, closed: 1, verifyWorkingDaysSum: 9, verifyWorkingDaysCount: 2, onTimeRate: 0.5, averageWorkingDaysToVerify: 4.5, closureRate: 0.25, byState: { 待分派: 0, 已派至乡镇: 1, 已下发村: 0, 核实中: 1, 已核实: 1, 已办结: 1 } };
  return {
    rows: {
      total: rows,
      byDimension: Object.fromEntries(SUMMARY_DIMENSIONS.map((d): [string, Record<string, number>] => [d, d === 'categories' ? { 老年人: Math.max(0, rows - 1), 残疾人: rows > 0 ? 1 : 0 } : { 未填写: rows }])),
    },
    leads: { all: lead, bySource: { disability: lead } },
    submissions: { [month]: { villages, 未提交: notSubmitted, 已提交: villages - notSubmitted, 已退回: 0, 已审核: 0 } },
    duplicates: 1,
  };
}

export function summary(unit: UnitRef, month: string, children: UnitRef[], villageStates: Array<[string, string, '未提交' | '已提交']>): SummaryResponse {
  const notSubmitted = villageStates.filter(([, , state]) => state === '未提交').length;
  return {
    unit,
    window: { from: month, to: month },
    asOf: '2026-11-20T04:00:00Z',
    figures: figures(30, 2, month, notSubmitted, villageStates.length),
    children: children.map((child, i) => ({ unit: child, figures: figures(10 + i * 5, i, month, i, 3) })),
    unitItself: figures(0, 0, month, 0, 0),
    villages: villageStates.map(([code, name, state]) => ({ code, name, townshipCode: code.slice(0, 9), townshipName: '鹿城镇', states: { [month]: state } })),
    labels: {
      dimensions: Object.fromEntries(SUMMARY_DIMENSIONS.map((d) => [d, { zh: d === 'categories' ? '人员类别' : d, en: d }])),
      sources: { disability: { zh: '残联', en: 'Disability federation' } },
      states: LEAD_STATE_LABELS,
    },
  };
}

export function rowsPage(after: string | null, total: number, limit: number): ConsolidatedRowsResponse {
  const start = after === null ? 0 : Number(after.split('.')[2]);
  const count = Math.min(limit, total - start);
  return {
    unit: COUNTY_USER.unit,
    columns: ['序号', '姓名', '公民身份号码'],
    rows: Array.from({ length: count }, (_, i) => [start + i + 1, `人员${start + i + 1}`, '532301********123X']),
    next: start + count < total ? `532301101201.${start + count}.${start + count}` : null,
    progress: { villages: 2, villagesDone: start + count < total ? 1 : 2 },
    masked: true,
  };
}

export function submission(villageCode: string, month: string, state: SubmissionWire['state']): SubmissionWire {
  return {
    villageCode,
    month,
    state,
    stateEn: state,
    revision: 1,
    rowCount: 2,
    submittedAt: '2026-11-05T02:00:00Z',
    submittedBy: 'demo-village',
    decidedAt: null,
    decidedBy: null,
    returnReason: null,
  };
}

export function unitSubmissions(month: string): UnitSubmissionsResponse {
  const village = (code: string, name: string, state: UnitSubmissionsResponse['villages'][number]['state']) => ({
    villageCode: code,
    villageName: name,
    townshipCode: '532301101',
    townshipName: '鹿城镇',
    state,
    revision: state === '未提交' ? null : 1,
    submittedAt: state === '未提交' ? null : '2026-11-05T02:00:00Z',
    decidedAt: null,
  });
  const villages = [village('532301101200', '示例社区', '未提交'), village('532301101201', '示范村', '已提交'), village('532301101202', '青松村', '已审核')];
  return { unitCode: '532301101', month, counts: { villages: 3, submitted: 1, approved: 1, returned: 0, notSubmitted: 1 }, villages, missing: ['532301101200'] };
}

/** The review queue: the given months of 示范村 (and of 青松村 for a second one), as listed, waiting. */
export function pending(entries: Array<[string, string, string]>): PendingSubmissionsResponse {
  return {
    unitCode: '532301101',
    pending: entries.map(([villageCode, villageName, month]) => ({
      villageCode,
      villageName,
      townshipCode: '532301101',
      townshipName: '鹿城镇',
      month,
      revision: 1,
      rowCount: 2,
      submittedAt: '2026-11-05T02:00:00Z',
      submittedBy: 'demo-village',
    })),
  };
}

export function detail(month: string): SubmissionDetailResponse {
  return {
    submission: submission('532301101201', month, '已提交'),
    history: [{ revision: 1, fromState: null, toState: '已提交', userName: 'demo-village', role: 'village', unitCode: '532301101201', unitName: '示范村', at: '2026-11-05T02:00:00Z', reason: null }],
    rows: [
      { rowId: 'r-1', version: 1, values: { name: '张三', idNumber: '532301********0011', status: '核实中' } },
      { rowId: 'r-2', version: 1, values: { name: '李四', idNumber: '532301********0022', status: '已办结' } },
    ],
    page: 1,
    pageSize: 100,
    masked: true,
  };
}

export function findings(month: string): SubmissionFindingsResponse {
  return {
    villageCode: '532301101201',
    month,
    revision: 1,
    rowCount: 2,
    findings: [
      {
        rowId: 'r-2',
        errors: 0,
        warnings: 1,
        findings: [
          { row: 2, column: '人员类别', cell: 'D4', severity: 'warning', code: 'enum.synonym', message: '“老人”按“老年人”处理。', hint: '改为“老年人”。', en: { message: '“老人” read as “老年人”.', hint: 'Write 老年人.' } },
        ],
      },
    ],
    findingsTruncated: false,
    findingCounts: { rows: 1, errors: 0, warnings: 1, byCode: { 'enum.synonym': 1 } },
  };
}
