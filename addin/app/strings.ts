/**
 * The shell's own texts (app name, ribbon, host line, errors, requirement-set notes). Pane texts
 * live in each pane's strings.ts; pane titles and ribbon tooltips in addin/app/panes.ts.
 * manifest.xml is generated from these (addin/app/manifest.ts), so ribbon text exists once.
 */
import { defineStrings } from './i18n';

export const APP_STRINGS = defineStrings({
  'app.name': { zh: '社会救助主动发现', en: 'Social Assistance Proactive Discovery' },
  'app.description': {
    zh: '村（社区）社会救助主动发现监测工作台账：台账校验、线索查询、接办流程、同步提交，乡镇县级汇总与审核。',
    en: 'Village ledger for proactive discovery of people in hardship: validation, leads, handling, sync; township and county summary and review.',
  },
  'ribbon.tab': { zh: '主动发现', en: 'Proactive Discovery' },
  'ribbon.group': { zh: '台账工作', en: 'Ledger work' },
  'host.connecting': { zh: '正在连接 Excel…', en: 'Connecting to Excel…' },
  'host.excel': { zh: 'Excel 工作簿', en: 'Excel workbook' },
  'host.memory': {
    zh: '浏览器预览：示例台账（数据为虚构）',
    en: 'Browser preview: demo ledger (made-up data)',
  },
  'host.failed': { zh: '无法连接工作簿', en: 'Could not connect to the workbook' },
  'busy.working': { zh: '正在处理…', en: 'Working…' },
  'error.title': { zh: '出错了', en: 'Something went wrong' },
  'error.dismiss': { zh: '关闭提示', en: 'Dismiss' },
  'error.generic': { zh: '操作未完成：{message}', en: 'The action did not finish: {message}' },
  'stale.sheet': {
    zh: '表格内容已改动，下面的结果可能已过时。',
    en: 'The sheet has changed since; the results below may be out of date.',
  },
  'capability.missing': {
    zh: '当前 Excel 版本不支持：{features}。其余功能可正常使用；升级到 Microsoft 365 或 Excel 2021 后可用。',
    en: 'This Excel version cannot offer: {features}. Everything else works; Microsoft 365 or Excel 2021 offers them.',
  },
  'capability.conditionalFormats': { zh: '问题单元格着色标注', en: 'colouring the cells with findings' },
  'capability.dataValidation': { zh: '下拉选项（数据验证）', en: 'drop-down lists (data validation)' },
  'capability.multiAreas': { zh: '一次标注多个不相邻区域（逐块标注，速度较慢）', en: 'marking many separate areas at once (marked area by area, slower)' },
  // names the panes' real buttons: there is no “刷新” in 台账校验 or 接办流程
  'capability.events': {
    zh: '自动跟随选中行和表格改动（改选行后请点“读取选中行”，改动表格后请点“重新校验”）',
    en: 'following the selection and sheet changes automatically (after selecting another row press “Read the selected row”; after editing the sheet, “Check again”)',
  },
  'capability.merges': { zh: '读取合并单元格', en: 'reading merged cells' },
  'capability.freezePanes': { zh: '冻结标题行和表头', en: 'freezing the title and header rows' },
  'capability.printSetup': { zh: '打印设置（A3横向、每页重复表头、签字栏）', en: 'the print setup (A3 landscape, header on every page, signature footer)' },
  'capability.headerNotes': { zh: '表头批注（每列的填写说明）', en: 'header notes (each column’s instructions)' },
});

export type AppStringKey = keyof typeof APP_STRINGS;
