/**
 * UI strings of the add-in, zh-CN first with en-US beside (CONTRACTS.md). Panes add their own
 * keys here. The ribbon labels are repeated in manifest.xml; tests/addin/manifest.test.ts keeps
 * the two identical.
 */
export type Locale = 'zh-CN' | 'en-US';

export interface UiString {
  zh: string;
  en: string;
}

export const STRINGS = {
  'app.name': { zh: '社会救助主动发现', en: 'Social Assistance Proactive Discovery' },
  'app.description': {
    zh: '村（社区）社会救助主动发现监测工作台账：线索查询、台账校验与接办流程。',
    en: 'Village ledger for proactive discovery of people in hardship: leads, validation and handling routes.',
  },
  'ribbon.tab': { zh: '社会救助主动发现', en: 'Proactive Discovery' },
  'ribbon.group': { zh: '台账工作', en: 'Ledger work' },
  'pane.lookup.title': { zh: '线索查询', en: 'Lead lookup' },
  'pane.lookup.tooltip': {
    zh: '查询县级下发给本村的线索，选中后追加到台账（按身份证号去重）。',
    en: 'Look up the county’s leads for this village and append the chosen ones to the ledger (no duplicates by ID number).',
  },
  'pane.validate.title': { zh: '台账校验', en: 'Validation' },
  'pane.validate.tooltip': {
    zh: '按填报规则检查台账，逐条列出问题，点击即可定位到单元格。',
    en: 'Check the ledger against the rules, list the findings and jump to each cell.',
  },
  'pane.handling.title': { zh: '接办流程', en: 'Handling route' },
  'pane.handling.tooltip': {
    zh: '根据选中行的情况推荐处置方式（通知二（三）），并给出办理时限。',
    en: 'Recommend handling routes for the selected row (notice section 2.3), with their deadlines.',
  },
  'host.connecting': { zh: '正在连接…', en: 'Connecting…' },
  'host.excel': { zh: '已连接 Excel 工作簿', en: 'Connected to the Excel workbook' },
  'host.memory': {
    zh: '浏览器预览：未连接 Excel，使用内存中的示例台账（示例数据为虚构）。',
    en: 'Browser preview: not connected to Excel, using an in-memory demo ledger (made-up data).',
  },
  'placeholder.notice': {
    zh: '占位页面：本窗格的功能将在“任务窗格”议题中实现，此处仅显示宿主连接和台账读取情况。',
    en: 'Placeholder: this pane’s features arrive with the task-panes issue; it only shows the host connection and the ledger read.',
  },
  'ledger.summary': {
    zh: '工作表“{sheet}”：表头在第{headerRow}行，识别出{columns}列，共{rows}行数据。',
    en: 'Sheet “{sheet}”: header on row {headerRow}, {columns} columns recognised, {rows} data rows.',
  },
  'ledger.missingRequired': { zh: '缺少必填列：{columns}', en: 'Required columns missing: {columns}' },
  'ledger.notFound': {
    zh: '未找到台账表头：请打开台账工作表。',
    en: 'No ledger header found: open the ledger sheet.',
  },
  'error.generic': { zh: '出错了：{message}', en: 'Something went wrong: {message}' },
} as const satisfies Record<string, UiString>;

export type StringKey = keyof typeof STRINGS;

/** Office's display language (e.g. 'zh-CN', 'en-GB') → our locale; Chinese unless it is English. */
export function localeOf(language: string | undefined | null): Locale {
  return language && /^en\b/i.test(language) ? 'en-US' : 'zh-CN';
}

/** The string for a locale, with {name} placeholders filled in. */
export function t(key: StringKey, locale: Locale, params: Record<string, string | number> = {}): string {
  const entry: UiString = STRINGS[key];
  const text = locale === 'en-US' ? entry.en : entry.zh;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
