/**
 * THE list of task panes. Everything else is derived from it: webpack's entries and pages
 * (webpack.config.js), the manifest's ribbon buttons and TaskpaneIds (addin/app/manifest.ts),
 * PaneName, each pane's title and ribbon tooltip, and the preview index (dist/addin/panes.json).
 * Order = order of the ribbon buttons. Imports nothing, so webpack.config.js can load it as is.
 *
 * A pane's code lives in addin/panes/<name>/ with main.tsx as its entry (see addin/README.md).
 */
export interface PaneDef {
  /** Folder under addin/panes/, page <name>.html, entry addin/panes/<name>/main.tsx. */
  readonly name: string;
  /** Stem of the manifest ids: button Chuxiong.<id>, pane Chuxiong.<id>Pane, resids <id>.Label … */
  readonly id: string;
  /** Ribbon label and pane title (≤ 125 characters). */
  readonly title: { readonly zh: string; readonly en: string };
  /** Ribbon supertip (≤ 250 characters). */
  readonly tooltip: { readonly zh: string; readonly en: string };
}

export const PANES = [
  {
    name: 'validate',
    id: 'Validate',
    title: { zh: '台账校验', en: 'Validation' },
    tooltip: {
      zh: '按填报规则检查整张台账或选中区域，先看汇总，再逐行看问题，点击即可定位到单元格，可一键修正。',
      en: 'Check the whole ledger or the selection against the rules: a summary first, then the findings by row; click one to go to its cell, fix the safe ones in one click.',
    },
  },
  {
    name: 'lookup',
    id: 'Lookup',
    title: { zh: '线索查询', en: 'Lead lookup' },
    tooltip: {
      zh: '查询县级下发给本村的线索，选中后追加到台账（按身份证号去重）。',
      en: 'Look up the county’s leads for this village and append the chosen ones to the ledger (no duplicates by ID number).',
    },
  },
  {
    name: 'handling',
    id: 'Handling',
    title: { zh: '接办流程', en: 'Handling' },
    tooltip: {
      zh: '根据选中行的情况推荐处置方式（通知二（三）），说明依据和办理时限，确认后写回台账。',
      en: 'Recommend handling routes for the selected row (notice section 2.3) with the clause and the deadline, and write the choice back.',
    },
  },
  {
    name: 'sync',
    id: 'Sync',
    title: { zh: '同步提交', en: 'Sync & submit' },
    tooltip: {
      zh: '与县级系统同步台账，处理冲突，按月提交并查看审核结果。',
      en: 'Sync the ledger with the county system, resolve conflicts, submit the month and see the review.',
    },
  },
  {
    name: 'summary',
    id: 'Summary',
    title: { zh: '汇总', en: 'Summary' },
    tooltip: {
      zh: '乡镇、县级查看辖区某月汇总：线索按来源的按时核实率、逾期、办结率，各村报送情况，跨村重复；点下级单位下钻，可把汇总明细写入新工作表。',
      en: 'Township and county summary for a month: leads by source (on time, overdue, closed), villages’ submissions, cross-village duplicates; drill down, and pull the consolidated rows into a new sheet.',
    },
  },
  {
    name: 'review',
    id: 'Review',
    title: { zh: '审核', en: 'Review' },
    tooltip: {
      zh: '乡镇审核各村的月度报送：查看报送的台账行和问题，审核通过，或填写原因退回（村在“同步提交”中看到原因）。',
      en: 'Townships review the villages’ monthly submissions: read the rows and findings, approve, or return with a reason the village sees in Sync & submit.',
    },
  },
] as const satisfies readonly PaneDef[];

export type PaneName = (typeof PANES)[number]['name'];

export const PANE_NAMES: readonly PaneName[] = PANES.map((pane) => pane.name);

export function paneByName(name: PaneName): (typeof PANES)[number] {
  const pane = PANES.find((p) => p.name === name);
  if (!pane) throw new Error(`unknown pane ${name}`);
  return pane;
}
