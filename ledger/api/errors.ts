/**
 * Every error code of the API, one registry per module: code → HTTP status and the zh-CN / en-US
 * message templates. The server throws `new AppError(code, params)` (server/http/errors.ts); the
 * add-in reads `error.code` with ErrorCodeSchema. Codes are spelled one way: lower-case words joined
 * by `_`, the module's noun first where the code is not the platform's (`lead_not_found`).
 *
 * Templates name their parameters in braces: `线索{leadNo}不存在`. A parameter may be a string, a
 * number, or {zh, en} when the value itself is language-specific (a state name, a joined list).
 * Adding a code = one entry in its module's registry (and a test that provokes it); see
 * docs/ARCHITECTURE.md, "Adding an error code".
 */
import { z } from 'zod';
import { LocalizedTextSchema, type LocalizedText } from '../text';

export interface ErrorDefinition {
  status: number;
  zh: string;
  en: string;
}

/** Raised by the platform itself: authentication, scoping, request parsing, the catch-all. */
export const PLATFORM_ERRORS = {
  unauthorized: { status: 401, zh: '未登录或登录已过期，请重新登录', en: 'Not signed in or the session has expired' },
  forbidden: { status: 403, zh: '无权访问该单位或该功能', en: 'Not allowed for this unit or role' },
  not_found: { status: 404, zh: '请求的资源不存在', en: 'Not found' },
  unit_not_found: { status: 404, zh: '单位{unitCode}不存在', en: 'Unit {unitCode} does not exist' },
  wrong_unit_level: { status: 400, zh: '单位级别不符合该接口要求', en: 'The unit is not of the level this endpoint needs' },
  invalid_request: { status: 400, zh: '请求内容不符合要求', en: 'The request is not valid' },
  malformed_json: { status: 400, zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  payload_too_large: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  unsupported_media_type: { status: 415, zh: '不支持的请求内容类型', en: 'Unsupported content type' },
  multipart_required: { status: 415, zh: '请以 multipart/form-data 上传文件（字段名 file）', en: 'Upload as multipart/form-data (field "file")' },
  invalid_upload: {
    status: 400,
    zh: '上传内容不符合要求：请以 multipart/form-data（含 boundary）上传一个名为 file 的文件',
    en: 'Invalid upload: send multipart/form-data (with its boundary) holding one file in field "file"',
  },
  malformed_body: {
    status: 400,
    zh: '请求体无法读取：压缩数据已损坏或与 Content-Encoding 不符',
    en: 'The request body cannot be read: the compressed data is corrupt or does not match Content-Encoding',
  },
  forbidden_key: {
    status: 400,
    zh: '请求体含有不允许的字段名（__proto__、constructor 或 prototype）',
    en: 'The request body has a forbidden key (__proto__, constructor or prototype)',
  },
  nul_character: {
    status: 400,
    zh: '请求中含有空字符（U+0000），无法保存：请删除该字符（多见于从其他系统复制的文字）后重新提交',
    en: 'The request contains a NUL character (U+0000), which cannot be stored: remove it (it usually comes with text copied from another system) and send again',
  },
  storage_full: {
    status: 503,
    zh: '服务器磁盘空间已满，本次操作未保存。请稍后重试；请联系管理员清理服务器磁盘（见运维说明 docs/operations.md）',
    en: 'The server disk is full; nothing of this request was saved. Try again later, and ask the administrator to free disk space (docs/operations.md)',
  },
  request_aborted: { status: 400, zh: '请求被中断', en: 'Request aborted' },
  internal_error: { status: 500, zh: '服务器内部错误，请联系管理员并提供请求编号', en: 'Internal server error; quote the request id' },
} as const satisfies Record<string, ErrorDefinition>;

export const AUTH_ERRORS = {
  too_many_attempts: { status: 429, zh: '登录尝试过多，请稍后再试（请 {seconds} 秒后再试）', en: 'Too many sign-in attempts, try again later (in {seconds} s)' },
  bad_credentials: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
} as const satisfies Record<string, ErrorDefinition>;

/** Uploading a ledger workbook (台账文件) to check it against the server's ledger. */
export const UPLOAD_ERRORS = {
  upload_no_file: { status: 400, zh: '请选择要上传的台账文件（字段名 file）', en: 'Choose the ledger file to upload (field "file")' },
  upload_unsupported: { status: 400, zh: '不支持 {extension} 文件：请上传 .xlsx、.xls、.et 或 .csv 台账', en: 'Unsupported file type {extension}: upload .xlsx, .xls, .et or .csv' },
  upload_unreadable: { status: 400, zh: '台账文件无法读取：{reason}', en: 'The ledger file cannot be read: {reason}' },
  upload_not_a_ledger: {
    status: 422,
    zh: '文件中没有找到台账表头（前10行内应有“姓名”“公民身份号码”“人员类别”等列名）：请使用台账模板',
    en: 'No ledger header found in the first 10 rows (姓名, 公民身份号码, 人员类别, …): use the ledger template',
  },
} as const satisfies Record<string, ErrorDefinition>;

/** Ledger sync, rows and monthly submissions. */
export const LEDGER_ERRORS = {
  row_not_found: { status: 404, zh: '该台账行不存在', en: 'No such ledger row' },
  submission_not_found: { status: 404, zh: '{month}月台账尚未报送', en: 'No submission of {month} for village {villageCode}' },
  submission_state: { status: 409, zh: '当前状态为“{state}”，不能{action}', en: 'The submission is {state}; cannot {action}' },
  month_in_future: { status: 422, zh: '不能报送尚未到来的月份（{month}）', en: 'Cannot submit a month that has not begun ({month})' },
  request_id_reused: {
    status: 409,
    zh: '该同步请求编号（requestId）已用于另一次内容不同的同步，本次修改未保存。请用新的请求编号重新同步：每次同步生成新编号，只有原样重试同一请求时才沿用旧编号。',
    en: 'This sync requestId was already used for a request with different content; nothing of this request was saved. Sync again with a new requestId: make a new one for every sync and reuse it only to retry the very same request.',
  },
  ledger_has_errors: { status: 422, zh: '台账有 {errorRows} 行存在错误，请修正后再报送', en: '{errorRows} row(s) of the ledger have errors; fix them before submitting' },
} as const satisfies Record<string, ErrorDefinition>;

export const LEAD_ERRORS = {
  lead_not_found: { status: 404, zh: '线索{leadNo}不存在', en: 'Lead {leadNo} does not exist' },
  lead_invalid_transition: { status: 409, zh: '线索{leadNo}当前状态为“{state}”，不能变更为“{to}”', en: 'Lead {leadNo} is {state}; it cannot become {to}' },
  lead_concurrent_change: { status: 409, zh: '线索{leadNo}已被他人修改，请刷新后重试', en: 'Lead {leadNo} was changed meanwhile; reload and retry' },
  lead_dispatch_target: { status: 400, zh: '请指定一个乡镇（9位代码）或一个村（社区）（12位代码）', en: 'Give a township (9-digit code) or a village (12-digit code)' },
  lead_dispatch_to_township_forbidden: { status: 403, zh: '只有县（市）可将线索派至乡镇，且只能派至本县（市）的乡镇', en: 'Only a county may send leads to its townships' },
  lead_dispatch_to_village_forbidden: { status: 403, zh: '只有乡镇可将线索下发到村（社区），且只能下发到本乡镇的村（社区）', en: 'Only a township may send leads to its villages' },
  lead_dispatch_outside_county: { status: 422, zh: '线索{leadNo}只能派至本县（市）的乡镇', en: 'Lead {leadNo} can only go to a township of its county' },
  lead_dispatch_outside_township: { status: 422, zh: '线索{leadNo}只能下发至所属乡镇的村（社区）', en: 'Lead {leadNo} can only go to a village of its township' },
  lead_dispatch_refused: { status: 409, zh: '{count}条线索无法派发，未派发任何线索：{first}', en: '{count} lead(s) cannot be dispatched; nothing was dispatched: {first}' },
  lead_not_sent_here: { status: 403, zh: '线索{leadNo}未下发到本村（社区）', en: 'Lead {leadNo} was not sent to your village' },
  lead_unmask_forbidden: { status: 403, zh: '只有线索下发到的村（社区）可查看完整身份证号', en: 'Only the village the lead was sent to may see the full ID number' },
} as const satisfies Record<string, ErrorDefinition>;

/** County policy settings (政策参数). */
export const POLICY_ERRORS = {
  policy_unknown_setting: { status: 400, zh: '未知的政策参数：{settings}', en: 'Unknown policy settings: {settings}' },
  policy_invalid: { status: 400, zh: '政策参数不合法', en: 'Invalid policy settings' },
} as const satisfies Record<string, ErrorDefinition>;

/** Departmental data and roster imports. */
export const IMPORT_ERRORS = {
  import_unknown_source: { status: 400, zh: '未知的数据来源“{source}”，应为 {sources}', en: 'Unknown source "{source}"; expected {sources}' },
  import_roster_period: { status: 400, zh: '名册期次应为 YYYY-MM 或 YYYY-MM-DD', en: 'Roster period must be YYYY-MM or YYYY-MM-DD' },
  import_period: { status: 400, zh: '期次“{period}”不符合{source}数据的格式（如 2026-10、2026-Q3、2026）', en: 'Period "{period}" does not fit source {source} (e.g. 2026-10, 2026-Q3, 2026)' },
  import_not_found: {
    status: 404,
    zh: '导入记录不存在（未提交的试运行结果超过保留期限后会被自动清除，请重新上传文件）',
    en: 'Import not found (uncommitted dry runs are purged after the retention period; upload the file again)',
  },
  import_no_file: { status: 400, zh: '请上传文件（字段名 file）', en: 'Upload a file in the field named file' },
  import_empty_file: { status: 400, zh: '上传的文件为空', en: 'The uploaded file is empty' },
  import_still_reading: { status: 409, zh: '文件仍在读取中，请稍后再提交', en: 'The file is still being read' },
  import_failed: { status: 409, zh: '该导入读取失败，不能提交', en: 'This import failed and cannot be committed' },
} as const satisfies Record<string, ErrorDefinition>;

/** The module registries; a code may stand in one only (tests/server/errors.test.ts). */
export const ERROR_REGISTRIES = {
  platform: PLATFORM_ERRORS,
  auth: AUTH_ERRORS,
  ledger: LEDGER_ERRORS,
  upload: UPLOAD_ERRORS,
  leads: LEAD_ERRORS,
  policy: POLICY_ERRORS,
  imports: IMPORT_ERRORS,
} as const;

export const ERRORS = {
  ...PLATFORM_ERRORS,
  ...AUTH_ERRORS,
  ...LEDGER_ERRORS,
  ...UPLOAD_ERRORS,
  ...LEAD_ERRORS,
  ...POLICY_ERRORS,
  ...IMPORT_ERRORS,
} as const;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** `{leadNo}` placeholders of a template, as a union of names. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
export type ErrorParamValue = string | number | LocalizedText;
export type ErrorParams<C extends ErrorCode> = { [Name in Placeholders<(typeof ERRORS)[C]['zh'] | (typeof ERRORS)[C]['en']>]: ErrorParamValue };

function fill(template: string, params: Readonly<Record<string, ErrorParamValue>>, language: 'zh' | 'en'): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? value[language] : String(value);
  });
}

/** The zh-CN and en-US message of a code with its parameters. */
export function errorText<C extends ErrorCode>(code: C, params: ErrorParams<C>): LocalizedText {
  const definition: ErrorDefinition = ERRORS[code];
  const values = params as Readonly<Record<string, ErrorParamValue>>;
  return { zh: fill(definition.zh, values, 'zh'), en: fill(definition.en, values, 'en') };
}

export function errorStatus(code: ErrorCode): number {
  return ERRORS[code].status;
}

export const ApiIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ApiIssue = z.infer<typeof ApiIssueSchema>;

export const ApiErrorBodySchema = z.object({
  error: z
    .object({
      code: ErrorCodeSchema,
      /** zh-CN message for the user. */
      message: z.string(),
      /** en-US message beside it. */
      en: z.string(),
      issues: z.array(ApiIssueSchema),
      requestId: z.string().optional(),
    })
    // Some errors carry details beside the message (a refused submission's findings, a refused dispatch's failures).
    .catchall(z.unknown()),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** One entry of a refused batch (e.g. dispatch): which item, which code, its message. */
export const ItemErrorSchema = z.object({ leadNo: z.string(), code: ErrorCodeSchema, message: z.string(), en: z.string() });
export type ItemError = z.infer<typeof ItemErrorSchema>;

export { LocalizedTextSchema };
