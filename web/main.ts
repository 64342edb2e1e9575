/**
 * The web page for staff without the add-in (WPS, LibreOffice, older Excel, a phone), served at
 * /web by the same server and signed in with the same accounts (bearer token of /api/v1/auth/login).
 *
 * Village: download the blank template or the village's current ledger; upload a filled ledger and
 * read the validation report before anything is stored; merge it through the sync API (conflicts
 * side by side, resolved here); see the village's leads; submit the month.
 * Township / county: 审核 — the submissions waiting for review (oldest first) or one month's villages,
 * a submission opened with its findings and history, approved or returned with a reason (township);
 * 线索分派 — the leads waiting for the unit, several sent at once to a township (county) or a village
 * (township).
 * Township / county / prefecture: the summary with drill-down, duplicates, the consolidated download.
 *
 * Plain DOM and fetch: everything is a native form control (keyboard-usable as is), tables scroll
 * sideways on a phone. Imports only the ledger core (web → ledger; never the server).
 */
import type { SummaryResponse, DuplicatesResponse } from '../ledger/api/reports';
import type { LeadState } from '../ledger/lead-states';
import type { ItemError } from '../ledger/api/errors';
import type { DispatchResponse, LeadListResponse, LeadWire } from '../ledger/api/leads';
import type {
  PendingSubmission,
  PendingSubmissionsResponse,
  SubmissionDetailResponse,
  SubmissionFindingsResponse,
  SubmissionResponse,
  SubmissionWire,
  UnitSubmissionsResponse,
} from '../ledger/api/submissions';
import type { UnitResponse } from '../ledger/api/units';
import { chinaDate } from '../ledger/dates';
import { REVIEWER_STATE_LABELS, REVIEWER_STATE_ORDER } from '../ledger/review-states';
import { periodLabel, sourceByCode } from '../ledger/sources';
import type { SyncConflict, SyncResponse } from '../ledger/api/sync';
import { LEDGER_COLUMNS } from '../ledger/columns';
import { DIMENSION_LABEL, SUMMARY_DIMENSIONS } from '../ledger/reports/facts';
import { changedKeys, valuesEqual } from '../ledger/sync-merge';
import { LEDGER_UPLOAD_LIMIT_BYTES } from '../ledger/upload-plan';
import type { LedgerValue, LedgerValues } from '../ledger/types';
import { defined } from '../ledger/defined';
import { monthsToOffer, submittableMonths } from '../ledger/submission-months';

// ---------------------------------------------------------------------------------------------
// Session and API

interface SessionUser {
  username: string;
  role: 'village' | 'township' | 'county' | 'prefecture' | 'admin';
  unit: { code: string; name: string; level: string };
}
interface Session {
  token: string;
  user: SessionUser;
}

const SESSION_KEY = 'ledger-web-session';
let session: Session | null = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** A detail the server sent beside an error's message (a refused submission's findings, a refused dispatch's failures). */
function errorDetail<T>(error: unknown, key: string): T | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const body = error.body as { error?: Record<string, unknown> } | null | undefined;
  return body?.error?.[key] as T | undefined;
}

async function api<T>(method: string, path: string, body?: unknown, form?: FormData): Promise<T> {
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  } catch {
    throw new ApiError(0, 'unreachable', '无法连接服务器，请检查网络后重试', null);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // not the API's answer (a proxy's error page, a gateway timeout): never the parser's English
    throw new ApiError(res.status, 'not_json', `服务器暂时无法处理（${res.status}），请稍后重试；多次出现请联系县级民政部门。`, null);
  }
  if (!res.ok) {
    const error = (json as { error?: { code: string; message: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
    if (res.status === 401 && path !== '/auth/login') {
      signOut('登录已过期或已在别处退出，请重新登录。未合并的文件需要重新上传检查。');
      throw new ApiError(401, 'signed_out', '登录已过期，请重新登录', json);
    }
    const issues = error?.issues?.map((issue) => issue.message).join('；');
    throw new ApiError(res.status, error?.code ?? 'http', `${error?.message ?? `请求失败（${res.status}）`}${issues ? `：${issues}` : ''}`, json);
  }
  return json as T;
}

/** Downloads a file with the session's token (a plain link could not carry it). */
async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${defined(session, 'the session').token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
    throw new ApiError(res.status, 'download', body?.error?.message ?? `下载失败（${res.status}）`, body);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Work that leaving the page would lose or cut short (a file being checked, a merge being sent,
 * conflicts not yet resolved, a return reason typed and not sent): while any is under way the browser asks before the page is left,
 * and 退出 asks too.
 */
const unfinished = new Set<string>();
function markUnfinished(what: string, on: boolean): void {
  if (on) unfinished.add(what);
  else unfinished.delete(what);
}
window.addEventListener('beforeunload', (event) => {
  if (unfinished.size === 0) return;
  event.preventDefault();
  event.returnValue = ''; // older Chromium and WPS's built-in browser show the prompt only with this set
});

/** Why the sign-in page is showing, when it is not the user's own 退出 (a session that ran out). */
let signedOutBecause: string | null = null;

function signOut(reason: string | null = null): void {
  signedOutBecause = reason;
  unfinished.clear();
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
  render();
}

// ---------------------------------------------------------------------------------------------
// DOM helpers

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | ((event: Event) => void)> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

function table(headers: readonly string[], rows: readonly (readonly (Child | number)[])[], rowClass?: (index: number) => string, className = ''): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, ...rows.map((cells, i) => h('tr', { class: rowClass?.(i) ?? '' }, ...cells.map((cell) => h('td', { class: typeof cell === 'number' ? 'num' : '' }, typeof cell === 'number' ? formatCount(cell) : cell))))),
    ),
  );
}

function status(kind: 'ok' | 'err' | 'info', text: string): HTMLElement {
  return h('p', { class: `status ${kind}`, role: kind === 'err' ? 'alert' : 'status' }, text);
}

/** Runs an action, showing its failure in `where` instead of losing it. */
async function guarded(where: HTMLElement, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    where.replaceChildren(status('err', error instanceof Error ? error.message : String(error)));
  }
}

function currentMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  return now.toISOString().slice(0, 7);
}

/** 2026-11 → 2026年11月 (a month as the page's Chinese text writes it). */
function monthZh(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  return match ? `${match[1]}年${Number(match[2])}月` : month;
}

/**
 * The month of a month picker, or null with a Chinese message in `where`: an emptied picker (or a
 * browser without one, where it is a text box) would otherwise reach the server's English format text.
 */
function pickedMonth(input: HTMLInputElement, where: HTMLElement): string | null {
  const value = input.value.trim();
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return value;
  where.replaceChildren(status('err', '请先选择月份（如 2026年11月；不能选择时请输入 2026-11 这样的格式）'));
  input.focus();
  return null;
}

/** A month picker labelled by the page itself: the chosen month in Chinese beside it, whatever language the browser draws it in. */
function monthPicker(id: string, labelText: string): { input: HTMLInputElement; field: HTMLElement } {
  const input = h('input', { type: 'month', id, value: currentMonth(), placeholder: '如 2026-11', 'aria-describedby': `${id}-zh` });
  const shown = h('span', { class: 'hint', id: `${id}-zh` });
  const update = () => (shown.textContent = /^\d{4}-\d{2}$/.test(input.value) ? `（${monthZh(input.value)}）` : '（未选择月份）');
  input.addEventListener('input', update);
  input.addEventListener('change', update);
  update();
  return { input, field: h('span', { class: 'row' }, h('label', { for: id, style: 'margin:0' }, labelText), input, shown) };
}

/** Header text by column key; keyed by string because conflict fields arrive as text from the server. */
const HEADER_OF = new Map<string, string>(LEDGER_COLUMNS.map((column) => [column.key, column.header]));

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '（空）';
  return Array.isArray(value) ? value.join('、') : String(value);
}

/** 1536 → 1.5 KB, as a file size. */
function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function tooLarge(bytes: number): string {
  return `文件太大（${fileSize(bytes)}），台账文件不能超过 ${fileSize(LEDGER_UPLOAD_LIMIT_BYTES)}：请删去多余的工作表、图片和空白行后另存，再上传。`;
}

/** 12345 → 12,345 (counts as Chinese statistical tables print them). */
function formatCount(n: number): string {
  return n.toLocaleString('zh-CN');
}

/** An instant the server sends (ISO, UTC) as a clerk in Yunnan reads it: 2026-11-05 10:00, China time. */
function chinaMinute(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** How long a submission has waited, by the China calendar: 今天报送, 已等 3 天 (the add-in's 审核 pane's words). */
function waitedText(submittedAt: string): string {
  const days = Math.max(0, Math.round((Date.parse(chinaDate(new Date())) - Date.parse(chinaDate(new Date(submittedAt)))) / 86_400_000));
  return days === 0 ? '今天报送' : `已等 ${days} 天`;
}

/** A lead's 核实时限 on one line, red with 已逾期 when past it; a lead still with the county has none yet. */
function dueCell(lead: Pick<LeadWire, 'dueOn' | 'overdue' | 'state'>): HTMLElement {
  if (lead.dueOn === null) return h('span', { class: 'nowrap hint' }, lead.state === '待分派' ? '派至乡镇后起算' : '—');
  return h('span', { class: lead.overdue ? 'nowrap sev-error' : 'nowrap' }, lead.overdue ? `${lead.dueOn}（已逾期）` : lead.dueOn);
}

/** A lead's source as the county names it: 残联 2026年第3季度. */
function leadSource(lead: Pick<LeadWire, 'source' | 'period'>): string {
  return `${sourceByCode(lead.source).name.zh} ${periodLabel(lead.period).zh}`;
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

// ---------------------------------------------------------------------------------------------
// Sign-in

function loginView(): HTMLElement {
  const message = h('div', {}, signedOutBecause ? status('info', signedOutBecause) : '');
  const username = h('input', { type: 'text', id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { class: 'primary', type: 'submit' }, '登录');
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        // A second tap on a slow line would send a second guess, which the login throttle counts
        if (submit.disabled) return;
        submit.disabled = true;
        submit.textContent = '正在登录…';
        void guarded(message, async () => {
          const answer = await api<Session>('POST', '/auth/login', { username: username.value.trim(), password: password.value });
          session = { token: answer.token, user: answer.user };
          signedOutBecause = null;
          sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
          render();
        }).finally(() => {
          submit.disabled = false;
          submit.textContent = '登录';
        });
      },
    },
    h('label', { for: 'username' }, '用户名'),
    username,
    h('label', { for: 'password' }, '密码'),
    password,
    h('p', {}, submit),
    message,
  );
  return h(
    'section',
    {},
    h('h2', {}, '登录'),
    h('p', { class: 'hint' }, '使用与 Excel 加载项相同的账号。未安装加载项（WPS、LibreOffice、旧版 Excel、手机）时在此下载、上传台账并报送。'),
    form,
  );
}

// ---------------------------------------------------------------------------------------------
// Village: files, upload, merge, conflicts, leads, submission

interface UploadCheck {
  fileName: string;
  sheetName: string;
  rows: number;
  errors: number;
  warnings: number;
  findings: Array<{ row: number; column: string; cell?: string; severity: 'error' | 'warning'; code: string; message: string; hint: string }>;
  plan: {
    changes: Array<{ rowId: string; baseVersion: number; values: LedgerValues; excelRow: number; match: 'rowId' | 'idNumber' | 'new' }>;
    unchanged: number;
    notInFile: number;
  };
}

function clientId(villageCode: string): string {
  const key = `ledger-web-client-${villageCode}`;
  let id = localStorage.getItem(key);
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(key, id);
  }
  return id;
}

function villageView(user: SessionUser): HTMLElement {
  const village = user.unit.code;
  // months the township returned, said first: the web page is where a WPS clerk learns of them
  const returnedBanner = h('div', { id: 'returned-banner' });
  const root = h('div', {}, returnedBanner);

  // Files
  const fileMessage = h('div');
  root.append(
    h(
      'section',
      {},
      h('h2', {}, '台账文件'),
      h('p', { class: 'hint' }, '下载后在 WPS、LibreOffice 或 Excel 中填写。本村当前台账含隐藏的“记录ID”“版本号”列，请勿删除，上传时据此对应到服务器上的记录。'),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', id: 'download-template', onclick: () => void guarded(fileMessage, () => download('/templates/village-ledger.xlsx', '村台账模板.xlsx')) }, '下载空白模板'),
        h('button', { type: 'button', id: 'download-ledger', onclick: () => void guarded(fileMessage, () => download(`/ledgers/${village}/workbook.xlsx`, '本村台账.xlsx')) }, '下载本村当前台账'),
      ),
      fileMessage,
    ),
  );

  // Upload → report → merge → conflicts
  const report = h('div', { id: 'report' });
  // The native file input stays (keyboard, screen readers) but is drawn by the page's own Chinese
  // button and file-name line: a browser in another language would label it "Choose File".
  const fileInput = h('input', { type: 'file', id: 'upload-file', class: 'file-native', accept: '.xlsx,.xls,.et,.csv', 'aria-describedby': 'upload-hint upload-chosen' });
  const chosen = h('span', { id: 'upload-chosen', class: 'hint' }, '未选择文件');
  const checkButton = h('button', { type: 'button', class: 'primary', id: 'check-upload' }, '检查文件');
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    chosen.textContent = file ? `已选择：${file.name}（${fileSize(file.size)}）` : '未选择文件';
    // a report (and its 合并 button) belongs to the file it was made from, never to a newly chosen one
    report.replaceChildren(file ? status('info', '请点击“检查文件”。') : '');
    markUnfinished('冲突处理', false);
  });
  checkButton.addEventListener('click', () => {
    const file = fileInput.files?.[0];
    if (!file) {
      report.replaceChildren(status('err', '请先点击“选择台账文件”，选择要上传的台账文件'));
      return;
    }
    if (file.size > LEDGER_UPLOAD_LIMIT_BYTES) {
      // said before a slow village line spends minutes sending what the server refuses (“请求体过大”)
      report.replaceChildren(status('err', tooLarge(file.size)));
      return;
    }
    checkButton.disabled = true;
    markUnfinished('文件检查', true);
    void guarded(report, async () => {
      report.replaceChildren(status('info', `正在上传并检查“${file.name}”（${fileSize(file.size)}），请勿关闭或离开本页……`));
      const form = new FormData();
      form.append('file', file, file.name);
      const check = await api<UploadCheck>('POST', `/ledgers/${village}/uploads`, undefined, form).catch((error: unknown) => {
        throw error instanceof ApiError && error.status === 413 ? new Error(tooLarge(file.size)) : error; // a proxy's lower limit
      });
      showReport(village, check, report);
    }).finally(() => {
      checkButton.disabled = false;
      markUnfinished('文件检查', false);
      // The checked file is let go: choosing it again after editing it in WPS/Excel is then a change
      // (a browser fires none for the same file chosen twice) that drops this report, and a check never
      // reads a file edited since it was chosen (Chromium refuses that read, which looked like a network failure).
      fileInput.value = '';
      chosen.textContent = `已检查：${file.name}。修改文件后请重新选择再检查。`;
    });
  });
  root.append(
    h(
      'section',
      {},
      h('h2', {}, '上传台账'),
      h('p', { class: 'hint', id: 'upload-hint' }, '支持 .xlsx、.xls、.et、.csv。先检查：列出每个问题所在的行、列和改法；检查不保存任何数据。没有错误后才能合并到服务器。'),
      h('div', { class: 'row' }, fileInput, h('label', { for: 'upload-file', class: 'button', id: 'pick-file' }, '选择台账文件'), chosen),
      h('p', {}, checkButton),
      report,
    ),
  );

  // Leads
  const leads = h('div', { id: 'leads' });
  root.append(
    h(
      'section',
      {},
      h('h2', {}, '本村线索'),
      h('button', {
        type: 'button',
        id: 'load-leads',
        onclick: () =>
          void guarded(leads, async () => {
            // the nearest time limit first (overdue at the top), as many as one page holds
            const answer = await api<LeadListResponse>('GET', `/units/${village}/leads?pageSize=${VILLAGE_LEADS_PAGE}&order=due`);
            leads.replaceChildren(
              answer.leads.length === 0
                ? status('info', '暂无下发到本村的线索')
                : h(
                    'div',
                    {},
                    h(
                      'p',
                      { class: 'hint' },
                      answer.total > answer.leads.length
                        ? `共 ${answer.total} 条，按核实时限先列出最紧的 ${answer.leads.length} 条；核实、办结一些后再查看其余的。`
                        : `共 ${answer.total} 条，核实时限最近的在前。`,
                    ),
                    table(
                    // as in 线索分派: the name and the time limit first (what a clerk on a phone sees
                    // without scrolling sideways), the lead number last
                    ['姓名', '核实时限', '原因', '状态', '线索编号'],
                    answer.leads.map((lead) => [
                      h('span', { class: 'nowrap' }, lead.name),
                      dueCell(lead),
                      lead.reason.zh,
                      h('span', { class: 'nowrap' }, lead.state),
                      h('span', { class: 'nowrap' }, lead.leadNo),
                    ]),
                    undefined,
                    'village-leads',
                  ),
                  ),
            );
          }),
      }, '查看线索'),
      leads,
    ),
  );

  // Submission: the months the add-in offers (ledger/submission-months.ts), the month just ended first
  const [previousMonth, thisMonth] = submittableMonths(chinaDate(new Date()));
  const month = h(
    'select',
    { id: 'submit-month' },
    h('option', { value: previousMonth }, `${monthZh(previousMonth)}（上月）`),
    h('option', { value: thisMonth }, `${monthZh(thisMonth)}（本月，尚未结束）`),
  );
  const submitted = h('div', { id: 'submission' });
  const records = h('div', { id: 'submission-list' });
  let known: SubmissionWire[] = [];
  /** The months the village submitted (the add-in's 报送记录, same API), newest first, and the returned ones at the top of the page. */
  const loadSubmissions = () =>
    guarded(records, async () => {
      const { submissions } = await api<{ submissions: SubmissionWire[] }>('GET', `/ledgers/${village}/submissions`);
      known = [...submissions].sort((a, b) => b.month.localeCompare(a.month));
      // who returned a month: the township's name from the month's history (the list names only a login)
      const returned = known.filter((s) => s.state === '已退回');
      const returnedBy = new Map<string, string>();
      await Promise.all(
        returned.map(async (s) => {
          try {
            // a page past the last row: the history without any person's row (nothing unmasked is sent for a name)
            const detail = await api<SubmissionDetailResponse>('GET', `/ledgers/${village}/submissions/${s.month}?page=${s.rowCount + 1}&pageSize=1`);
            const entry = [...detail.history].reverse().find((e) => e.toState === '已退回');
            if (entry?.unitName) returnedBy.set(s.month, entry.unitName);
          } catch {
            // the name is a help; the state and the reason are the answer
          }
        }),
      );
      const decider = (s: SubmissionWire) => returnedBy.get(s.month) ?? '乡镇（街道）';
      const decision = (s: SubmissionWire) =>
        s.state === '已提交'
          ? '等待乡镇（街道）审核'
          : `${decider(s)}${s.decidedAt ? ` ${chinaMinute(s.decidedAt)}` : ''} ${s.state === '已审核' ? '审核通过' : '退回'}`;
      records.replaceChildren(
        known.length === 0
          ? h('p', { class: 'hint' }, '本村还没有报送记录。')
          : h(
              'div',
              {},
              h('h3', {}, '报送记录'),
              table(
                ['月份', '状态', '经过'],
                known.slice(0, 12).map((s) => [
                  h('span', {}, monthZh(s.month), h('br'), h('span', { class: 'hint' }, `第 ${s.revision} 次 · ${formatCount(s.rowCount)} 行`)),
                  stateTag(s.state),
                  h(
                    'span',
                    {},
                    h('span', { class: 'hint' }, `${chinaMinute(s.submittedAt)} 报送`),
                    h('br'),
                    decision(s),
                    s.state === '已退回' && s.returnReason ? h('span', { class: 'reason' }, h('br'), `退回原因：${s.returnReason}`) : '',
                  ),
                ]),
                (i) => (known[i].state === '已退回' ? 'returned' : ''),
                'submissions',
              ),
            ),
      );
      returnedBanner.replaceChildren(
        ...returned.map((s) =>
          h(
            'div',
            { class: 'status err returned', role: 'alert' },
            h('strong', {}, `${monthZh(s.month)}台账已被退回`),
            `（${decider(s)}${s.decidedAt ? ` ${chinaMinute(s.decidedAt)}` : ''}）。`,
            h('br'),
            `退回原因：${s.returnReason ?? '（未写明）'}`,
            h('br'),
            '请按原因改正台账，上传检查并合并后，在下方',
            h('a', { href: '#submission-section' }, '“月度报送”'),
            `重新报送${monthZh(s.month)}。`,
          ),
        ),
      );
      // the months offered say where they stand; an older month returned is offered too (monthsToOffer,
      // the add-in's rule as well), or the banner's “重新报送” could not be done
      const chosen = month.value;
      month.replaceChildren(
        ...monthsToOffer(chinaDate(new Date()), returned.map((s) => s.month)).map((value) => {
          const record = known.find((s) => s.month === value);
          const base = value === previousMonth ? '上月' : value === thisMonth ? '本月，尚未结束' : '';
          const where = record ? { 已退回: '已退回，待重新报送', 已提交: '已报送，待审核', 已审核: '已审核' }[record.state] : '';
          return h('option', { value }, `${monthZh(value)}（${[base, where].filter(Boolean).join('，')}）`);
        }),
      );
      month.value = chosen;
    });
  root.append(
    h(
      'section',
      { id: 'submission-section' },
      h('h2', {}, '月度报送'),
      h('p', { class: 'hint' }, '合并无误后，报送所选月份的台账；报送后由乡镇审核，被退回的可改正后重新报送。每月初报送上个月的台账。'),
      h('span', { class: 'row' }, h('label', { for: 'submit-month', style: 'margin:0' }, '月份'), month),
      h(
        'p',
        {},
        h('button', {
          type: 'button',
          class: 'primary',
          id: 'submit',
          onclick: () =>
            void guarded(submitted, async () => {
              const chosen = month.value;
              try {
                const { submission } = await api<SubmissionResponse>('POST', `/ledgers/${village}/submissions`, { month: chosen });
                submitted.replaceChildren(
                  status('ok', `${monthZh(submission.month)}台账已报送（第 ${submission.revision} 次报送，${formatCount(submission.rowCount)} 行），状态：${submission.state}，等待乡镇审核。`),
                );
              } catch (error) {
                submitted.replaceChildren(status('err', (error as Error).message));
                const findings = errorDetail<BlockingRow[]>(error, 'findings');
                if (findings && findings.length > 0) submitted.append(await blockingRowsTable(village, findings));
              }
              await loadSubmissions();
            }),
        }, '报送该月台账'),
      ),
      submitted,
      records,
      h('p', {}, h('button', { type: 'button', id: 'submission-refresh', onclick: () => void loadSubmissions() }, '刷新报送状态')),
    ),
  );
  queueMicrotask(() => void loadSubmissions());
  return root;
}

const NAME_PAGE = 500;

/** The village's own leads listed at once (the most urgent first; the total is said when there are more). */
const VILLAGE_LEADS_PAGE = 200;

/**
 * Names and places (1-based, in the order the server keeps the rows) of the wanted rows, read page
 * by page until every one is found: findings name a row by its id, a clerk searches by the name.
 * A failed read leaves the rest unnamed (the list still helps without names).
 */
async function rowsNamed(
  wanted: ReadonlySet<string>,
  readPage: (page: number) => Promise<{ rows: ReadonlyArray<{ rowId: string; values: { name?: unknown } }>; total: number }>,
): Promise<Map<string, { name: string; place: number }>> {
  const found = new Map<string, { name: string; place: number }>();
  try {
    for (let page = 1; page <= 40 && found.size < wanted.size; page++) {
      const answer = await readPage(page);
      answer.rows.forEach((row, i) => {
        if (wanted.has(row.rowId)) found.set(row.rowId, { name: show(row.values.name), place: (page - 1) * NAME_PAGE + i + 1 });
      });
      if (page * NAME_PAGE >= answer.total) break;
    }
  } catch {
    // names are a help, not the answer
  }
  return found;
}

interface BlockingRow {
  rowId: string;
  errors: number;
  findings: Array<{ column: string; severity: 'error' | 'warning'; message: string; hint: string }>;
}

/**
 * The rows that stop a submission, by the person's name (the server's row numbers are not the
 * clerk's file's): the name is what is searched for in the sheet. Names come from the village's own
 * rows, read page by page until every blocking row is found.
 */
async function blockingRowsTable(village: string, blocking: BlockingRow[]): Promise<HTMLElement> {
  const found = await rowsNamed(new Set(blocking.map((row) => row.rowId)), (page) =>
    api<{ rows: Array<{ rowId: string; values: { name?: unknown } }>; total: number }>('GET', `/ledgers/${village}/rows?page=${page}&pageSize=${NAME_PAGE}`),
  );
  const lines = blocking.flatMap((row) =>
    row.findings.filter((f) => f.severity === 'error').map((f) => [found.get(row.rowId)?.name ?? '（未找到）', f.column, f.message, f.hint]),
  );
  return h(
    'div',
    {},
    h('p', {}, `以下 ${blocking.length} 人的记录有错误：请在台账文件中找到这些人，按“改法”改正后重新上传、检查并合并，再报送。`),
    table(['姓名', '列', '问题', '改法'], lines, () => 'error', 'findings'),
  );
}

function showReport(village: string, check: UploadCheck, where: HTMLElement): void {
  const { plan } = check;
  const added = plan.changes.filter((change) => change.match === 'new').length;
  const updated = plan.changes.length - added;
  const parts: Child[] = [
    h('h3', {}, `检查结果：${check.fileName}（工作表“${check.sheetName}”，${check.rows} 行）`),
    check.errors > 0
      ? status('err', `发现 ${check.errors} 个错误、${check.warnings} 个提示。请在文件中按“改法”修改后重新上传；有错误时不能合并。`)
      : check.rows === 0
        ? status('err', '文件中没有数据行（可能选错了文件，如空白模板）：请选择填好的本村台账文件。')
        : plan.changes.length === 0 && plan.notInFile === 0
          ? status('ok', `没有错误${check.warnings > 0 ? `（${check.warnings} 个提示）` : ''}。文件与服务器上的台账一致（${formatCount(plan.unchanged)} 行），无需合并；可直接在下方“月度报送”报送。`)
          : plan.changes.length === 0
            ? // the file lacks rows the server has: not the same ledger, and submitting would send rows the clerk has not seen in it
              status('info', `没有错误${check.warnings > 0 ? `（${check.warnings} 个提示）` : ''}。文件中的 ${formatCount(plan.unchanged)} 行与服务器上的相同，无需合并；但服务器上另有 ${formatCount(plan.notInFile)} 行不在此文件中。报送前请先“下载本村当前台账”核对。`)
            : status('ok', `没有错误${check.warnings > 0 ? `（${check.warnings} 个提示，可合并）` : ''}。将新增 ${formatCount(added)} 行、更新 ${formatCount(updated)} 行，${formatCount(plan.unchanged)} 行无变化。请点击“合并到服务器”。`),
  ];
  if (plan.notInFile > 0) parts.push(h('p', { class: 'hint' }, `服务器上另有 ${formatCount(plan.notInFile)} 行不在此文件中：合并不会删除它们。`));
  if (check.findings.length > 0) {
    parts.push(
      table(
        ['行', '列', '级别', '问题', '改法'],
        check.findings.map((f) => [String(f.row), f.cell ? h('span', {}, f.column, h('br'), h('span', { class: 'hint' }, `单元格 ${f.cell}`)) : f.column, h('span', { class: `sev-${f.severity}` }, f.severity === 'error' ? '错误' : '提示'), f.message, f.hint]),
        (i) => check.findings[i].severity,
        'findings',
      ),
    );
  }
  const result = h('div', { id: 'merge-result' });
  if (check.errors === 0 && plan.changes.length > 0) {
    const merge = h('button', { type: 'button', class: 'primary', id: 'merge' }, `合并到服务器（${plan.changes.length} 行）`);
    merge.addEventListener('click', () => {
      merge.disabled = true;
      void guarded(result, () => mergeChanges(village, plan.changes, result));
    });
    parts.push(h('p', {}, merge));
  }
  parts.push(result);
  where.replaceChildren(...parts.filter((part): part is Node | string => Boolean(part)));
}

/** Pushes changes through the sync API (chunks of 1,000), then lists conflicts for resolution. */
async function mergeChanges(village: string, changes: UploadCheck['plan']['changes'], where: HTMLElement): Promise<void> {
  const bar = h('progress', { max: String(changes.length), value: '0', id: 'merge-progress', 'aria-label': '合并进度' });
  const text = h('span', {});
  where.replaceChildren(h('div', { class: 'status info', role: 'status' }, text, ' ', bar));
  let applied = 0;
  const conflicts: SyncConflict[] = [];
  const excelRowOf = new Map(changes.map((change) => [change.rowId, change.excelRow]));
  markUnfinished('合并', true);
  try {
    for (let i = 0; i < changes.length; i += 1000) {
      text.textContent = `正在合并：已发送 ${formatCount(i)} / ${formatCount(changes.length)} 行，请勿关闭或离开本页……`;
      bar.value = i;
      const chunk = changes.slice(i, i + 1000);
      const answer = await api<SyncResponse>('POST', `/ledgers/${village}/sync`, {
        clientId: clientId(village),
        requestId: crypto.randomUUID(),
        pullLimit: 1,
        changes: chunk.map((change) => ({ rowId: change.rowId, baseVersion: change.baseVersion, values: change.values })),
      });
      applied += answer.applied.length;
      conflicts.push(...answer.conflicts);
    }
  } catch (error) {
    // the chunks already sent are on the server: say so, the file can be checked and merged again (nothing doubles)
    const sent = applied > 0 ? `已合并 ${formatCount(applied)} 行；` : '';
    throw new Error(`合并中断：${error instanceof Error ? error.message : String(error)}。${sent}请重新检查文件后再合并，已合并的行不会重复。`);
  } finally {
    markUnfinished('合并', false);
  }
  where.replaceChildren(status(conflicts.length > 0 ? 'info' : 'ok', `已合并 ${formatCount(applied)} 行。${conflicts.length > 0 ? `${conflicts.length} 行与服务器上的修改冲突，请逐项选择保留哪一方：` : ''}`));
  if (conflicts.length > 0) {
    markUnfinished('冲突处理', true);
    where.append(conflictForm(village, conflicts, excelRowOf, where));
  }
}

/**
 * Conflicts side by side: per field the file's value and the server's, a choice for each (no default:
 * nothing is decided for the user). Saved with the server's version as base, keeping the file's other
 * changes (its own edits since the version it was downloaded at, fetched from the row's history).
 */
function conflictForm(village: string, conflicts: SyncConflict[], excelRowOf: Map<string, number>, where: HTMLElement): HTMLElement {
  const form = h('form', { id: 'conflicts' });
  conflicts.forEach((conflict, index) => {
    const fields = conflict.reason === 'fields' ? conflict.fields : ['__row'];
    const name = show(conflict.server.values.name ?? conflict.client.values.name);
    const rows = fields.map((field) => {
      const group = `c${index}-${field}`;
      const label = field === '__row' ? (conflict.reason === 'deleted' ? '整行（服务器上已删除）' : '整行') : (HEADER_OF.get(field) ?? field);
      const mine = field === '__row' ? '恢复并使用文件中的内容' : show(conflict.client.values[field]);
      const theirs = field === '__row' ? '保持服务器上的状态' : show(conflict.server.values[field]);
      return [
        label,
        h('label', {}, h('input', { type: 'radio', name: group, value: 'mine', required: true }), ` ${mine}`),
        h('label', {}, h('input', { type: 'radio', name: group, value: 'theirs', required: true }), ` ${theirs}`),
      ];
    });
    const block = h(
      'div',
      { class: 'conflict' },
      h('h3', {}, `文件第 ${excelRowOf.get(conflict.rowId) ?? '?'} 行：${name}（服务器版本 ${conflict.serverVersion}）`),
      table(['字段', '文件中的值（我的）', '服务器上的值'], rows),
    );
    block.querySelectorAll('tbody tr').forEach((tr) => {
      tr.children[1]?.classList.add('mine');
      tr.children[2]?.classList.add('theirs');
    });
    form.append(block);
  });
  const message = h('div');
  form.append(h('p', {}, h('button', { type: 'submit', class: 'primary', id: 'resolve' }, '保存选择')), message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void guarded(message, async () => {
      const data = new FormData(form);
      const resolved = [];
      for (const [index, conflict] of conflicts.entries()) {
        const choice = (field: string) => data.get(`c${index}-${field}`);
        if (conflict.reason !== 'fields') {
          if (choice('__row') === 'mine') resolved.push({ rowId: conflict.rowId, baseVersion: conflict.serverVersion, values: conflict.client.values });
          continue;
        }
        // The file's own edits: against its base version (empty for a row matched by ID number).
        let base: LedgerValues = {};
        if (conflict.baseVersion > 0) {
          const history = await api<{ versions: Array<{ version: number; values: LedgerValues }> }>('GET', `/ledgers/${village}/rows/${conflict.rowId}/versions`);
          base = history.versions.find((v) => v.version === conflict.baseVersion)?.values ?? {};
        }
        const client = conflict.client.values as LedgerValues;
        const server = conflict.server.values as LedgerValues;
        const values: Record<string, LedgerValue> = { ...(server as Record<string, LedgerValue>) };
        for (const key of changedKeys(base, client)) values[key] = (client as Record<string, LedgerValue>)[key] ?? null;
        for (const field of conflict.fields) values[field] = ((choice(field) === 'mine' ? client : server) as Record<string, LedgerValue>)[field] ?? null;
        if (Object.keys(values).some((key) => !valuesEqual(values[key], (server as Record<string, LedgerValue>)[key]))) {
          resolved.push({ rowId: conflict.rowId, baseVersion: conflict.serverVersion, values });
        }
      }
      if (resolved.length === 0) {
        markUnfinished('冲突处理', false);
        where.replaceChildren(status('ok', '已保留服务器上的内容，没有需要保存的修改。'));
        return;
      }
      const answer = await api<SyncResponse>('POST', `/ledgers/${village}/sync`, { clientId: clientId(village), requestId: crypto.randomUUID(), pullLimit: 1, changes: resolved });
      if (answer.conflicts.length > 0) {
        where.replaceChildren(status('info', '服务器上又有新的修改，请重新选择：'), conflictForm(village, answer.conflicts, excelRowOf, where));
      } else {
        markUnfinished('冲突处理', false);
        where.replaceChildren(status('ok', `冲突已解决，已保存 ${answer.applied.length} 行。`));
      }
    });
  });
  return form;
}

// ---------------------------------------------------------------------------------------------
// Township and county: 审核 (monthly submissions) and 线索分派 (leads waiting for the unit)

/**
 * A decision asked twice: `where` shows the question with 确认 and 取消. 确认 is disabled from the
 * first tap until the server has answered, so a second tap (or a double click) on a slow line sends
 * nothing; a failure is shown under the question, as the server said it, and 确认 can be tapped again.
 */
function confirmStep(where: HTMLElement, question: string, labels: { yes: string; busy: string }, action: () => Promise<void>): void {
  const yes = h('button', { type: 'button', class: 'primary', id: 'confirm-yes' }, labels.yes);
  const no = h('button', { type: 'button', id: 'confirm-no', onclick: () => where.replaceChildren() }, '取消');
  const message = h('div');
  yes.addEventListener('click', () => {
    if (yes.disabled) return;
    yes.disabled = true;
    no.disabled = true;
    yes.textContent = labels.busy;
    message.replaceChildren();
    void guarded(message, action).finally(() => {
      yes.disabled = false;
      no.disabled = false;
      yes.textContent = labels.yes;
    });
  });
  where.replaceChildren(h('div', { class: 'confirm', role: 'group', 'aria-label': '请确认' }, h('p', {}, question), h('div', { class: 'row' }, yes, no), message));
  yes.focus();
}

type VillageSubmissionState = UnitSubmissionsResponse['villages'][number]['state'];

const REVIEW_STATE_CLASS: Record<VillageSubmissionState, string> = { 已提交: 'state wait', 已审核: 'state ok', 已退回: 'state warn', 未提交: 'state none' };

function stateTag(state: VillageSubmissionState): HTMLElement {
  return h('span', { class: REVIEW_STATE_CLASS[state] }, REVIEWER_STATE_LABELS[state].zh);
}

type VillageRef = Pick<PendingSubmission, 'villageCode' | 'villageName' | 'townshipName'>;

/**
 * 审核: the months waiting for review across months, oldest first (or one month's villages); one
 * opened shows its summary, history and findings; a township approves it or returns it with a
 * reason. County accounts read the same without the buttons (the server refuses them too).
 */
function reviewSection(user: SessionUser): HTMLElement {
  const unit = user.unit.code;
  const mayDecide = user.role === 'township';
  const body = h('div', { id: 'review' });
  // the outcome of the last decision stays above the refreshed list
  const notice = h('div', { id: 'review-notice' });
  const queueTab = h('button', { type: 'button', id: 'review-queue-tab', 'aria-pressed': 'true' }, '待审核');
  const monthTab = h('button', { type: 'button', id: 'review-month-tab', 'aria-pressed': 'false' }, '按月查看');
  const { input: month, field: monthField } = monthPicker('review-month', '报送月份');
  const monthBar = h('div', { class: 'row hidden' }, monthField, h('button', { type: 'button', id: 'review-month-load', onclick: () => void showMonth() }, '查看'));
  let view: 'queue' | 'month' = 'queue';
  // a county reads many townships' villages: each with its township
  const villageText = (v: VillageRef) => (user.unit.level !== 'township' && v.townshipName ? `${v.villageName}（${v.townshipName}）` : v.villageName);
  const openButton = (v: VillageRef, m: string) =>
    h('button', { type: 'button', class: 'open', 'aria-label': `打开 ${v.villageName} ${monthZh(m)}`, onclick: () => void open(v, m) }, '打开');

  const select = (next: 'queue' | 'month') => {
    view = next;
    markUnfinished('退回原因', false); // the detail (and its reason) is left, on purpose or once decided
    queueTab.setAttribute('aria-pressed', String(next === 'queue'));
    monthTab.setAttribute('aria-pressed', String(next === 'month'));
    monthBar.classList.toggle('hidden', next !== 'month');
    return next === 'queue' ? showQueue() : showMonth();
  };
  // another view: the last decision's outcome belongs to the list it was made from
  queueTab.addEventListener('click', () => void (notice.replaceChildren(), select('queue')));
  monthTab.addEventListener('click', () => void (notice.replaceChildren(), select('month')));

  const showQueue = () =>
    guarded(body, async () => {
      body.replaceChildren(status('info', '正在读取待审核的报送……'));
      const { pending } = await api<PendingSubmissionsResponse>('GET', `/units/${unit}/submissions/pending`);
      queueTab.textContent = `待审核（${pending.length}）`;
      body.replaceChildren(
        pending.length === 0
          ? status('ok', '没有等待审核的报送。')
          : h(
              'div',
              {},
              h('p', { class: 'hint' }, `各月份共 ${pending.length} 份报送等待审核，最早的在前。`),
              table(
                ['村（社区）', '报送月份', '等待', ''],
                pending.map((entry) => [
                  h('span', {}, villageText(entry), h('br'), h('span', { class: 'hint' }, `第 ${entry.revision} 次报送 · ${formatCount(entry.rowCount)} 行`)),
                  h('span', { class: 'nowrap' }, monthZh(entry.month)),
                  h('span', { class: 'nowrap waited' }, waitedText(entry.submittedAt)),
                  openButton(entry, entry.month),
                ]),
                undefined,
                'review-queue',
              ),
            ),
      );
    });

  const showMonth = () =>
    guarded(body, async () => {
      const chosen = pickedMonth(month, body);
      if (!chosen) return;
      body.replaceChildren(status('info', '正在读取各村报送……'));
      const answer = await api<UnitSubmissionsResponse>('GET', `/units/${unit}/submissions?month=${chosen}`);
      const { counts } = answer;
      const villages = [...answer.villages].sort((a, b) => REVIEWER_STATE_ORDER[a.state] - REVIEWER_STATE_ORDER[b.state] || a.villageCode.localeCompare(b.villageCode));
      body.replaceChildren(
        h('p', { role: 'status' }, `${monthZh(chosen)}：待审核 ${counts.submitted} · 已退回 ${counts.returned} · 已审核 ${counts.approved} · 未提交 ${counts.notSubmitted}`),
        villages.length === 0
          ? status('info', '本单位下没有村（社区）。')
          : table(
              ['村（社区）', '状态', '报送', ''],
              villages.map((v) => [
                villageText(v),
                stateTag(v.state),
                v.submittedAt ? h('span', { class: 'nowrap' }, `${chinaDate(new Date(v.submittedAt))} 第 ${v.revision ?? 1} 次`) : '—',
                v.state === '未提交' ? '' : openButton(v, chosen),
              ]),
              undefined,
              'review-month',
            ),
      );
    });

  const open = (village: VillageRef, opened: string) =>
    guarded(body, async () => {
      notice.replaceChildren();
      body.replaceChildren(status('info', `正在读取 ${village.villageName} ${monthZh(opened)} 的报送……`));
      const base = `/ledgers/${village.villageCode}/submissions/${opened}`;
      const [detail, findings] = await Promise.all([
        api<SubmissionDetailResponse>('GET', `${base}?page=1&pageSize=${NAME_PAGE}`),
        api<SubmissionFindingsResponse>('GET', `${base}/findings`),
      ]);
      // findings name rows by id: the reviewer reads the row's place in the submission and the person's name
      const named = await rowsNamed(new Set(findings.findings.map((entry) => entry.rowId)), async (page) =>
        page === 1 ? { rows: detail.rows, total: detail.submission.rowCount } : { ...(await api<SubmissionDetailResponse>('GET', `${base}?page=${page}&pageSize=${NAME_PAGE}`)), total: detail.submission.rowCount },
      );
      showDetail(village, detail, findings, named);
    });

  const showDetail = (village: VillageRef, detail: SubmissionDetailResponse, findings: SubmissionFindingsResponse, named: Map<string, { name: string; place: number }>) => {
    const { submission } = detail;
    const counts = findings.findingCounts;
    const lines = findings.findings.flatMap((entry) =>
      entry.findings.map((finding) => {
        const row = named.get(entry.rowId);
        return {
          severity: finding.severity,
          // three columns, each two lines: the message keeps its width at phone width instead of scrolling away
          cells: [
            h('span', {}, row ? `第 ${row.place} 行` : '—', h('br'), row?.name ?? '（未找到）'),
            h('span', {}, finding.column, h('br'), h('span', { class: `sev-${finding.severity}` }, finding.severity === 'error' ? '错误' : '提示')),
            finding.message,
          ],
        };
      }),
    );
    const meta = [`第 ${submission.revision} 次报送`, `${formatCount(submission.rowCount)} 行`, `${chinaMinute(submission.submittedAt)} 报送`, submission.state === '已提交' ? waitedText(submission.submittedAt) : ''];
    const actions = h('div', { id: 'review-actions' });
    if (mayDecide && submission.state !== '已退回') actions.append(decisionForm(village, submission.month, submission.state === '已提交'));
    body.replaceChildren(
      h('p', {}, h('button', { type: 'button', class: 'link', id: 'review-back', onclick: () => void select(view) }, '‹ 返回列表')),
      h('h3', { id: 'review-title' }, `${villageText(village)} · ${monthZh(submission.month)}`),
      // short facts joined by “ · ”, each on one line: lines break between them only (a date never splits)
      h('p', { class: 'hint' }, stateTag(submission.state), ' ', ...meta.filter(Boolean).flatMap((text, i) => [i > 0 ? ' · ' : '', h('span', { class: 'nowrap' }, text)])),
      submission.state === '已退回' && submission.returnReason ? status('info', `退回原因：${submission.returnReason}`) : '',
      h('h3', {}, counts.rows === 0 ? '问题：无' : `问题（${counts.rows} 行：${counts.errors} 个错误，${counts.warnings} 个提示）`),
      lines.length === 0
        ? h('p', { class: 'hint' }, '按现行填报规则检查，报送的台账行没有问题。')
        : table(['行 / 姓名', '列 / 级别', '问题'], lines.map((line) => line.cells), (i) => lines[i].severity, 'findings review-findings'),
      findings.findingsTruncated ? h('p', { class: 'hint' }, '问题较多，仅列出前一部分；计数包含全部。') : '',
      submittedRows(village, detail),
      h('h3', {}, '流转记录'),
      h(
        'ul',
        { class: 'history' },
        ...detail.history.map((entry) =>
          h(
            'li',
            {},
            `${chinaMinute(entry.at)} ${entry.fromState ? `${entry.fromState}→` : ''}${entry.toState}（${entry.unitName ? `${entry.unitName} 经办人` : (entry.userName ?? '系统')}）${entry.reason ? `：${entry.reason}` : ''}`,
          ),
        ),
      ),
      mayDecide ? '' : h('p', { class: 'hint' }, '当前账号可查看各村报送，审核通过或退回由乡镇（街道）账号操作。'),
      actions,
    );
  };

  /**
   * The frozen rows of the submission, as the add-in's 审核 lists them (序号, 姓名, 身份证号 as the
   * server masks it, 人员类别, 办理状态), a page at a time: a reviewer decides on the rows, not only
   * on the findings.
   */
  const submittedRows = (village: VillageRef, detail: SubmissionDetailResponse): HTMLElement => {
    const total = detail.submission.rowCount;
    const shown: SubmissionDetailResponse['rows'] = [...detail.rows];
    const plain = (value: unknown) => (value === null || value === undefined || value === '' ? '' : show(value));
    const heading = h('h3', { id: 'review-rows-title' });
    const list = h('div');
    const more = h('div');
    const draw = () => {
      heading.textContent = `报送的台账行（${formatCount(shown.length)}/${formatCount(total)}）`;
      list.replaceChildren(
        table(
          ['序号', '姓名', '身份证号', '人员类别', '办理状态'],
          shown.map((row, i) => [i + 1, h('span', { class: 'nowrap' }, plain(row.values.name)), h('span', { class: 'nowrap' }, plain(row.values.idNumber)), plain(row.values.categories), plain(row.values.status)]),
          undefined,
          'review-rows',
        ),
      );
      more.replaceChildren();
      if (shown.length < total) {
        const count = Math.min(NAME_PAGE, total - shown.length);
        const button = h('button', { type: 'button', id: 'review-more-rows' }, `再显示 ${formatCount(count)} 行`);
        button.addEventListener('click', () =>
          void guarded(more, async () => {
            button.disabled = true;
            const next = await api<SubmissionDetailResponse>('GET', `/ledgers/${village.villageCode}/submissions/${detail.submission.month}?page=${Math.floor(shown.length / NAME_PAGE) + 1}&pageSize=${NAME_PAGE}`);
            shown.push(...next.rows);
            draw();
          }),
        );
        more.append(button);
      }
    };
    draw();
    return h('div', {}, heading, list, detail.masked ? h('p', { class: 'hint' }, '身份证号已脱敏。') : '', more);
  };

  /** 审核通过 (a month still waiting) and 退回 with a required reason (an approved month too): each asked once more before it is sent. */
  const decisionForm = (village: VillageRef, decided: string, mayApprove: boolean) => {
    const what = `${village.villageName} ${monthZh(decided)}`;
    const reason = h('textarea', { id: 'return-reason', rows: '3', maxlength: '500', 'aria-describedby': 'return-reason-hint' });
    // a reason typed and not yet sent is lost when the page is left: the browser asks first
    reason.addEventListener('input', () => markUnfinished('退回原因', reason.value.trim() !== ''));
    const reasonHint = h('div', { id: 'return-reason-hint' });
    const confirmArea = h('div', { id: 'review-confirm' });
    const after = async (done: string) => {
      const line = status('ok', done);
      line.tabIndex = -1;
      notice.replaceChildren(line);
      await select(view);
      // the clerk decided at the foot of a long detail; the list drawn instead is shorter, which left
      // the outcome above the screen: brought into view and focused (a screen reader reads it too)
      line.focus({ preventScroll: true });
      line.scrollIntoView({ block: 'center' });
    };
    const approve = h('button', {
      type: 'button',
      class: 'primary',
      id: 'approve',
      onclick: () =>
        confirmStep(confirmArea, `确认将 ${what} 的报送审核通过？`, { yes: '确认审核通过', busy: '正在审核通过…' }, async () => {
          await api<SubmissionResponse>('POST', `/ledgers/${village.villageCode}/submissions/${decided}/approve`, {});
          await after(`${what} 已审核通过。`);
        }),
    }, '审核通过');
    const sendBack = h('button', {
      type: 'button',
      id: 'return',
      onclick: () => {
        const text = reason.value.trim();
        if (text === '') {
          confirmArea.replaceChildren();
          reasonHint.replaceChildren(status('err', '请在上面的“退回原因”中写明要修改什么（如：第3行核实结果未填写），再点“退回”。'));
          reason.focus();
          return;
        }
        reasonHint.replaceChildren();
        confirmStep(confirmArea, `确认退回 ${what} 的报送？退回原因：${text}`, { yes: '确认退回', busy: '正在退回…' }, async () => {
          await api<SubmissionResponse>('POST', `/ledgers/${village.villageCode}/submissions/${decided}/return`, { reason: text });
          await after(`${what} 已退回，原因已通知该村。`);
        });
      },
    }, '退回');
    return h(
      'div',
      { class: 'decide' },
      h('label', { for: 'return-reason' }, '退回原因（退回时必填，该村修改后重新报送）'),
      reason,
      reasonHint,
      h('div', { class: 'row' }, mayApprove ? approve : '', sendBack),
      confirmArea,
    );
  };

  queueMicrotask(() => void showQueue());
  return h(
    'section',
    { id: 'review-section' },
    h('h2', {}, '审核'),
    h('p', { class: 'hint' }, mayDecide ? '各村报送的月度台账：打开后查看问题清单，审核通过或退回（退回须写明原因）。' : '下属各村报送的月度台账及审核情况。'),
    h('div', { class: 'row tabs', role: 'group', 'aria-label': '查看方式' }, queueTab, monthTab),
    monthBar,
    notice,
    body,
  );
}

/**
 * 线索分派: the leads waiting for this unit (a county: 待分派, found without a township; a township:
 * 已派至乡镇, sent by the county), ID numbers masked as the server sends them; several are chosen
 * and sent to one township (county) or village (township). The server sends all or none: a refusal
 * lists each lead it refused, by number, with its reason.
 */
function dispatchSection(user: SessionUser): HTMLElement {
  const unit = user.unit.code;
  const county = user.role === 'county';
  const waiting: LeadWire['state'] = county ? '待分派' : '已派至乡镇';
  const targetWord = county ? '乡镇（街道）' : '村（社区）';
  const PAGE = 200;
  const list = h('div', { id: 'dispatch-leads' });
  const result = h('div', { id: 'dispatch-result' });
  const confirmArea = h('div', { id: 'dispatch-confirm' });
  const target = h('select', { id: 'dispatch-target' }, h('option', { value: '' }, `请选择${targetWord}`));
  const note = h('input', { type: 'text', id: 'dispatch-note', maxlength: '500', placeholder: '选填，如：请于时限内入户核实' });
  // kept in view at the bottom of the screen while a long list is scrolled and ticked
  // one line, so it covers little of the list
  const sendButton = h('button', { type: 'button', class: 'primary', id: 'dispatch', onclick: () => send() }, '派发所选线索');
  const bar = h(
    'div',
    { class: 'action-bar', id: 'dispatch-bar' },
    h('div', { class: 'row' }, h('label', { for: 'dispatch-target', style: 'margin:0' }, '派发到'), target, sendButton),
    confirmArea,
  );
  let shown: LeadWire[] = [];
  const boxes = () => Array.from(list.querySelectorAll<HTMLInputElement>('input.pick'));
  // 派发到 set by the page from the ticked leads' 建议村 (never over a village the clerk chose)
  let suggestedPick = false;
  target.addEventListener('change', () => (suggestedPick = false));
  const countPicked = () => {
    const picked = boxes().filter((box) => box.checked);
    const n = picked.length;
    sendButton.textContent = n === 0 ? '派发所选线索' : `派发所选（${n} 条）`;
    if (county || (target.value !== '' && !suggestedPick)) return;
    const suggestedOf = new Map(shown.map((lead) => [lead.leadNo, lead.suggestedVillageCode ?? null]));
    const suggested = new Set(picked.map((box) => suggestedOf.get(box.value) ?? null));
    const only = suggested.size === 1 ? [...suggested][0] : null;
    const offered = only !== null && Array.from(target.options).some((option) => option.value === only);
    target.value = offered ? only : '';
    suggestedPick = offered;
  };
  list.addEventListener('change', countPicked);

  const load = () =>
    guarded(list, async () => {
      list.replaceChildren(status('info', '正在读取线索……'));
      const [answer, units] = await Promise.all([
        // the most urgent first (LeadListQuery.order): with more than a page waiting, the page holds those
        api<LeadListResponse>('GET', `/units/${unit}/leads?state=${encodeURIComponent(waiting)}&pageSize=${PAGE}&order=due`),
        target.options.length > 1 ? null : api<UnitResponse>('GET', `/units/${unit}`),
      ]);
      if (units) target.append(...units.children.map((child) => h('option', { value: child.code }, child.name)));
      shown = answer.leads;
      list.replaceChildren(
        answer.total === 0
          ? status('ok', county ? '没有待分派的线索。' : '没有等待下发到村的线索。')
          : h(
              'div',
              {},
              h('p', { class: 'hint' }, `${answer.total > answer.leads.length ? `共 ${answer.total} 条，先列出最紧的 ${answer.leads.length} 条，派发后再列出其余的；` : `共 ${answer.total} 条，`}${county ? '等待最久的在前' : '核实时限最近的在前'}。`),
              table(
                // the name, (for a township) the village the county's file names, and the time limit first —
                // what a clerk on a phone sees without scrolling sideways — the codes last
                ['选择', '姓名', ...(county ? [] : ['建议村']), '核实时限', '原因', '来源', '身份证号（脱敏）', '线索编号'],
                shown.map((lead) => [
                  h('input', { type: 'checkbox', class: 'pick', value: lead.leadNo, 'aria-label': `选择 ${lead.name} ${lead.leadNo}` }),
                  h('span', { class: 'nowrap' }, lead.name),
                  ...(county ? [] : [h('span', { class: 'nowrap suggested' }, lead.suggestedVillageName ?? lead.suggestedVillageCode ?? '—')]),
                  dueCell(lead),
                  lead.reason.zh,
                  h('span', { class: 'nowrap' }, leadSource(lead)),
                  h('span', { class: 'nowrap' }, lead.idNumber),
                  h('span', { class: 'nowrap' }, lead.leadNo),
                ]),
                undefined,
                county ? 'dispatch' : 'dispatch by-village',
              ),
            ),
      );
      countPicked();
      bar.classList.toggle('hidden', answer.total === 0);
    });

  // what is missing is said in the bar itself, beside the button the clerk just tapped
  const send = () => {
    confirmArea.replaceChildren();
    result.replaceChildren();
    const leadNos = boxes().filter((box) => box.checked).map((box) => box.value);
    if (leadNos.length === 0) {
      confirmArea.replaceChildren(status('err', '请先在上表“选择”一列勾选要派发的线索（可点“全选”）。'));
      return;
    }
    const to = target.selectedOptions[0];
    if (!target.value || !to) {
      confirmArea.replaceChildren(status('err', `请先在“派发到”中选择${targetWord}。`));
      target.focus();
      return;
    }
    const toName = to.textContent ?? '';
    confirmStep(confirmArea, `确认将所选 ${leadNos.length} 条线索派发到 ${toName}？`, { yes: '确认派发', busy: '正在派发…' }, async () => {
      try {
        const answer = await api<DispatchResponse>('POST', '/leads/dispatch', { leadNos, toUnitCode: target.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
        confirmArea.replaceChildren();
        note.value = '';
        if (suggestedPick) target.value = '';
        suggestedPick = false;
        result.replaceChildren(status('ok', `已将 ${answer.dispatched.length} 条线索派发到 ${toName}${county ? '，核实时限自今日起算' : ''}。`));
        result.scrollIntoView({ block: 'nearest' });
        await load();
      } catch (error) {
        const failed = errorDetail<ItemError[]>(error, 'failed');
        if (!failed || failed.length === 0) throw error;
        const nameOf = new Map(shown.map((lead) => [lead.leadNo, lead.name]));
        // nothing was sent: each refused lead with the server's reason, the list as it is now
        confirmArea.replaceChildren();
        // the server's own words are in the table, one line per refused lead
        result.replaceChildren(
          status('err', `未派发任何线索：以下 ${failed.length} 条无法派发，原因见下表。列表已刷新，请重新勾选后再派发。`),
          table(['线索编号', '姓名', '未能派发的原因'], failed.map((item) => [item.leadNo, nameOf.get(item.leadNo) ?? '', item.message]), () => 'error', 'dispatch-failed'),
        );
        result.scrollIntoView({ block: 'nearest' });
        await load();
      }
    });
  };

  queueMicrotask(() => void load());
  return h(
    'section',
    { id: 'dispatch-section' },
    h('h2', {}, '线索分派'),
    h(
      'p',
      { class: 'hint' },
      county
        ? '待分派：部门数据比对发现、但未能确定所属乡镇的线索。勾选后选择乡镇（街道）派发，核实时限自派发之日起算。'
        : '已派至乡镇：县（市）派来的线索。勾选后选择村（社区）下发，由村入户核实。身份证号已脱敏。',
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', id: 'dispatch-all', onclick: () => { const all = boxes(); const on = all.some((box) => !box.checked); all.forEach((box) => (box.checked = on)); countPicked(); } }, '全选 / 全不选'),
      h('button', { type: 'button', id: 'dispatch-reload', onclick: () => void load() }, '刷新'),
    ),
    h('div', { class: 'row' }, h('label', { for: 'dispatch-note', style: 'margin:0' }, '附言'), note),
    list,
    bar,
    // below the bar, not in it: a long list of refusals would cover the leads
    result,
  );
}

// ---------------------------------------------------------------------------------------------
// Township, county, prefecture: summary with drill-down, duplicates, consolidated download

function upperView(user: SessionUser): HTMLElement {
  const trail: Array<{ code: string; name: string }> = [{ code: user.unit.code, name: user.unit.name }];
  const { input: month, field: monthField } = monthPicker('summary-month', '月份');
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': '单位层级' });
  const body = h('div', { id: 'summary' });
  const downloads = h('div');

  const load = () =>
    void guarded(body, async () => {
      const unit = trail[trail.length - 1];
      const chosen = pickedMonth(month, body);
      if (!chosen) return;
      body.replaceChildren(status('info', '正在汇总……'));
      const summary = await api<SummaryResponse>('GET', `/reports/summary?unit=${unit.code}&month=${chosen}`);
      crumbs.replaceChildren(
        ...trail.flatMap((step, i) => [
          i > 0 ? ' › ' : '',
          i === trail.length - 1
            ? h('strong', {}, step.name)
            : h('button', { type: 'button', class: 'link', onclick: () => { trail.splice(i + 1); load(); } }, step.name),
        ]),
      );
      renderSummary(summary, body, (child) => {
        trail.push(child);
        load();
      });
    });

  const exportOf = (extension: 'xlsx' | 'csv') => () =>
    void guarded(downloads, async () => {
      const chosen = pickedMonth(month, downloads);
      if (!chosen) return;
      downloads.replaceChildren(status('info', '正在生成文件，行数多时需要一些时间……'));
      await download(`/exports/consolidated.${extension}?unit=${trail[trail.length - 1].code}&month=${chosen}`, `汇总.${extension}`);
      downloads.replaceChildren(status('ok', `已下载 ${trail[trail.length - 1].name} ${monthZh(chosen)}的汇总${extension === 'xlsx' ? '工作簿' : '明细'}。`));
    });
  const exportButtons = h(
    'div',
    { class: 'row' },
    h('button', { type: 'button', id: 'export-xlsx', onclick: exportOf('xlsx') }, '下载汇总工作簿（.xlsx）'),
    h('button', { type: 'button', id: 'export-csv', onclick: exportOf('csv') }, '下载明细（.csv）'),
  );
  const duplicates = h('div', { id: 'duplicates' });
  // a township's and a county's daily work first; the page is long on a phone, so a line of links leads to each part
  const daily = user.role === 'township' || user.role === 'county' ? [reviewSection(user), dispatchSection(user)] : [];
  const parts: Array<[string, string]> = [
    ...(daily.length > 0 ? ([['review-section', '审核'], ['dispatch-section', '线索分派']] as Array<[string, string]>) : []),
    ['summary-section', '汇总'],
    ['export-section', '汇总下载'],
    ['duplicates-section', '跨村重复人员'],
  ];
  const root = h(
    'div',
    {},
    h('nav', { class: 'jump', 'aria-label': '本页内容' }, ...parts.map(([id, text]) => h('a', { href: `#${id}` }, text))),
    ...daily,
    h(
      'section',
      { id: 'summary-section' },
      h('h2', {}, '汇总'),
      h('div', { class: 'row' }, monthField, h('button', { type: 'button', class: 'primary', id: 'load-summary', onclick: load }, '查看汇总')),
      crumbs,
      body,
    ),
    h('section', { id: 'export-section' }, h('h2', {}, '汇总下载'), h('p', { class: 'hint' }, '当前单位及全部下级：各级汇总表和全部台账行；身份证号、电话已脱敏；导出留痕。'), exportButtons, downloads),
    h(
      'section',
      { id: 'duplicates-section' },
      h('h2', {}, '跨村重复人员'),
      h('button', {
        type: 'button',
        id: 'load-duplicates',
        onclick: () =>
          void guarded(duplicates, async () => {
            const answer = await api<DuplicatesResponse>('GET', `/reports/duplicates?unit=${trail[trail.length - 1].code}`);
            duplicates.replaceChildren(
              answer.groups.length === 0
                ? status('ok', '没有同一身份证号在两个村同时未办结的情况')
                : table(
                    ['身份证号（脱敏）', '应由哪级处理', '涉及的村', '姓名', '发现日期'],
                    answer.groups.map((group) => [
                      group.idNumberMasked,
                      group.lowestCommonUnit.name,
                      group.villages.map((v) => `${v.townshipName ?? ''}${v.name}`).join('；'),
                      group.rows.map((r) => r.name ?? '').join('；'),
                      group.rows.map((r) => r.foundOn ?? '').join('；'),
                    ]),
                  ),
            );
          }),
      }, '查看'),
      duplicates,
    ),
  );
  queueMicrotask(load);
  return root;
}

/** A colour per lead state (the add-in's Fluent palette tokens, as plain colours); every segment is also named with its number. */
const LEAD_STATE_COLOR: Record<LeadState, string> = {
  待分派: '#eaa300',
  已派至乡镇: '#7160e8',
  已下发村: '#4f6bed',
  核实中: '#00b7c3',
  已核实: '#00cc6a',
  已办结: '#107c10',
};

type LeadFiguresOf = SummaryResponse['figures']['leads']['all'];

/** A stacked bar of one source's leads by state (length = share of the largest total) and the states named with their numbers. */
function stateBar(summary: SummaryResponse, name: string, lead: LeadFiguresOf, max: number): HTMLElement {
  const parts = summary.labels.states.filter((entry) => lead.byState[entry.state] > 0);
  const sentence = `${name}：共 ${lead.total} 条；${parts.map((entry) => `${entry.zh} ${lead.byState[entry.state]}`).join('，')}`;
  return h(
    'div',
    { class: 'stack' },
    h(
      'span',
      { class: 'bar-track', role: 'img', 'aria-label': sentence },
      h(
        'span',
        { style: `display:flex;height:10px;width:${Math.round((lead.total / Math.max(1, max)) * 100)}%` },
        ...parts.map((entry) => h('span', { title: `${entry.zh} ${lead.byState[entry.state]}`, style: `flex:${lead.byState[entry.state]} 0 0;background:${LEAD_STATE_COLOR[entry.state]};min-width:2px` })),
      ),
    ),
    h(
      'span',
      { class: 'hint', 'aria-hidden': 'true' },
      ...parts.map((entry) => h('span', { class: 'part', style: 'white-space:nowrap;margin-right:8px' }, h('span', { style: `display:inline-block;width:8px;height:8px;margin-right:3px;background:${LEAD_STATE_COLOR[entry.state]}` }), `${entry.zh} ${lead.byState[entry.state]}`)),
    ),
  );
}

function renderSummary(summary: SummaryResponse, where: HTMLElement, drill: (unit: { code: string; name: string }) => void): void {
  const monthKey = summary.window.to;
  const line = (label: Child, f: SummaryResponse['figures']) => [
    label,
    f.rows.total,
    f.leads.all.total,
    percent(f.leads.all.onTimeRate),
    f.leads.all.overdue,
    f.leads.all.averageWorkingDaysToVerify === null ? '—' : f.leads.all.averageWorkingDaysToVerify.toFixed(1),
    percent(f.leads.all.closureRate),
    `${f.submissions[monthKey]?.['未提交'] ?? 0} / ${f.submissions[monthKey]?.villages ?? 0}`,
    f.duplicates,
  ];
  const headers = ['单位', '台账行数', '线索', '按时核实率', '逾期', '平均核实工作日', '办结率', '未报送村 / 村数', '跨村重复'];
  const rows = summary.children.map((child) =>
    line(child.unit.level === 'village' ? child.unit.name : h('button', { type: 'button', class: 'link', onclick: () => drill(child.unit) }, child.unit.name), child.figures),
  );
  const itself = summary.unitItself;
  if (itself.leads.all.total > 0 || itself.duplicates > 0) rows.push(line(`${summary.unit.name}（本级）`, itself));
  rows.push(line(h('strong', {}, '合计'), summary.figures));

  const dims = SUMMARY_DIMENSIONS.map((dimension) => {
    const counts = Object.entries(summary.figures.rows.byDimension[dimension] ?? {}).sort((a, b) => b[1] - a[1]);
    const max = Math.max(1, ...counts.map(([, n]) => n));
    // a bar per value (CSS width): a chart without a chart library
    const bar = (n: number) => h('span', { class: 'bar', style: `width:${Math.round((n / max) * 100)}%`, 'aria-hidden': 'true' });
    return h('div', {}, h('h3', {}, DIMENSION_LABEL[dimension].zh), table(['取值', '行数', ''], counts.map(([value, n]) => [value, n, h('span', { class: 'bar-track' }, bar(n))]), undefined, 'dim'));
  });
  const sources = Object.entries(summary.figures.leads.bySource);
  const leadTable = sources.length === 0
    ? h('p', { class: 'hint' }, '本期没有线索。')
    : table(
        ['来源', '线索', '已核实', '按时核实率', '逾期', '平均核实工作日', '办结率'],
        sources.map(([source, f]) => [
          summary.labels.sources[source]?.zh ?? source,
          f.total,
          f.verified,
          percent(f.onTimeRate),
          f.overdue,
          f.averageWorkingDaysToVerify === null ? '—' : f.averageWorkingDaysToVerify.toFixed(1),
          percent(f.closureRate),
        ]),
      );
  const maxSource = Math.max(1, ...sources.map(([, f]) => f.total));
  const stateRows: Array<[string, LeadFiguresOf]> = sources.map(([source, f]) => [summary.labels.sources[source]?.zh ?? source, f]);
  if (sources.length > 1) stateRows.unshift(['全部来源', summary.figures.leads.all]);
  const stateTable = sources.length === 0
    ? h('p', { class: 'hint' }, '本期没有线索。')
    : table(['来源', `所处环节（截至 ${summary.asOf.slice(0, 10)}）`, '合计'], stateRows.map(([name, f]) => [name, stateBar(summary, name, f, sources.length > 1 ? summary.figures.leads.all.total : maxSource), f.total]), undefined, 'states');
  const childLevel = summary.children[0]?.unit.level;
  const levelName = childLevel === 'village' ? '村' : childLevel === 'township' ? '乡镇' : '县市';
  const overdueLines: Array<[string, number]> = summary.children.map((child) => [child.unit.name, child.figures.leads.all.overdue]);
  if (summary.unitItself.leads.all.overdue > 0) overdueLines.push([`${summary.unit.name}本级（未下发）`, summary.unitItself.leads.all.overdue]);
  overdueLines.sort((a, b) => b[1] - a[1]);
  const maxOverdue = Math.max(1, ...overdueLines.map(([, n]) => n));
  const overdueTable = summary.figures.leads.all.overdue === 0
    ? h('p', { class: 'hint' }, '没有逾期未核实的线索。')
    : table(
        [levelName, '逾期条数', ''],
        overdueLines.map(([name, n]) => [name, n, h('span', { class: 'bar-track' }, h('span', { class: 'bar', style: `width:${Math.round((n / maxOverdue) * 100)}%;background:#d13438`, 'aria-hidden': 'true' }))]),
        undefined,
        'dim overdue',
      );
  const villages = table(
    ['乡镇', '村（社区）', `${monthZh(monthKey)}报送状态`],
    summary.villages.map((v) => [v.townshipName ?? '', v.name, h('span', { class: v.states[monthKey] === '未提交' ? 'sev-warning' : '' }, v.states[monthKey])]),
  );
  where.replaceChildren(
    h('p', { class: 'hint' }, `${summary.unit.name} · ${monthZh(monthKey)}（截至 ${summary.asOf}）：当月仍在台账上的行（当月底前发现、当月初前未办结）。点击下级单位名称可下钻。`),
    table(headers, rows),
    h('h3', {}, '线索（按来源）'),
    leadTable,
    h('h3', {}, '线索按来源与状态'),
    stateTable,
    ...(summary.children.length > 0 ? [h('h3', {}, `逾期未核实线索（按${levelName}）`), overdueTable] : []),
    h('div', { class: 'dims' }, ...dims),
    h('h3', {}, '各村报送情况'),
    villages,
  );
}

// ---------------------------------------------------------------------------------------------

function render(): void {
  const app = defined(document.getElementById('app'), '#app');
  const who = defined(document.getElementById('who'), '#who');
  const logout = defined(document.getElementById('logout'), '#logout');
  if (!session) {
    who.textContent = '';
    logout.classList.add('hidden');
    app.replaceChildren(loginView());
    return;
  }
  const user = session.user;
  who.textContent = `${user.unit.name} · ${user.username}`;
  logout.classList.remove('hidden');
  app.replaceChildren(user.role === 'village' ? villageView(user) : upperView(user));
}

defined(document.getElementById('logout'), '#logout').addEventListener('click', () => {
  if (unfinished.size > 0 && !window.confirm(`${[...unfinished].join('、')}尚未完成，退出后将丢失，需要重新操作。确定退出吗？`)) return;
  void api('POST', '/auth/logout', {}).catch(() => undefined).finally(() => signOut());
});
render();
