/**
 * Fabricated people and ledger rows for demo data, tests and benchmarks.
 *
 * Everything here is made up: names come from surname / given-name lists, village names are invented,
 * ID numbers are built from a Chuxiong county code, a random birth date and a random order number, with
 * a correct GB 11643 check character (so they pass validation but belong to nobody in particular).
 * All output is a pure function of the seeded PRNG: the same seed gives the same data on every machine.
 */
import { addCalendarDays, DEFAULT_CALENDAR, type WorkingDayCalendar } from '../../ledger/calendar';
import { LEDGER_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { leadVerifyDueDate } from '../../ledger/deadlines';
import { idCheckChar } from '../../ledger/id-number';
import { DEFAULT_POLICY, type Policy } from '../../ledger/policy';
import type { LedgerValues, SheetInput } from '../../ledger/types';
import { joinMultiValue, VOCABULARIES } from '../../ledger/vocabularies';
import { defined } from '../../ledger/defined';

/** A seeded generator of floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for fabricated data; deterministic for a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded PRNG; a string seed is hashed (FNV-1a) first. */
export function createRng(seed: number | string = 1): Rng {
  if (typeof seed === 'number') return mulberry32(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mulberry32(hash >>> 0);
}

/** Integer in [min, max] (both inclusive). */
export function randomInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** `count` distinct items in their original order. */
export function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const chosen = new Set<number>();
  const n = Math.min(count, items.length);
  while (chosen.size < n) chosen.add(Math.floor(rng() * items.length));
  return [...chosen].sort((a, b) => a - b).map((index) => items[index]);
}

function chance(rng: Rng, probability: number): boolean {
  return rng() < probability;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** County-level units of 楚雄州 (GB/T 2260), with a few real townships each for addresses. */
export const CHUXIONG_COUNTIES: readonly { code: string; name: string; townships: readonly string[] }[] = [
  { code: '532301', name: '楚雄市', townships: ['鹿城镇', '东瓜镇', '吕合镇', '紫溪镇', '东华镇', '子午镇', '苍岭镇'] },
  { code: '532302', name: '禄丰市', townships: ['金山镇', '广通镇', '一平浪镇', '勤丰镇', '土官镇'] },
  { code: '532322', name: '双柏县', townships: ['妥甸镇', '大庄镇', '法脿镇', '鄂嘉镇'] },
  { code: '532323', name: '牟定县', townships: ['共和镇', '新桥镇', '江坡镇'] },
  { code: '532324', name: '南华县', townships: ['龙川镇', '沙桥镇', '五街镇'] },
  { code: '532325', name: '姚安县', townships: ['栋川镇', '光禄镇', '前场镇'] },
  { code: '532326', name: '大姚县', townships: ['金碧镇', '石羊镇', '六苴镇'] },
  { code: '532327', name: '永仁县', townships: ['永定镇', '宜就镇', '中和镇'] },
  { code: '532328', name: '元谋县', townships: ['元马镇', '黄瓜园镇', '羊街镇'] },
  { code: '532329', name: '武定县', townships: ['狮山镇', '高桥镇', '猫街镇'] },
];

export const CHUXIONG_COUNTY_CODES: readonly string[] = CHUXIONG_COUNTIES.map((county) => county.code);

/** Common surnames in 楚雄 (Han and Yi family names). */
const SURNAMES = [
  '李', '王', '张', '杨', '刘', '陈', '赵', '罗', '普', '者', '鲁', '字', '起', '自', '何', '周',
  '黄', '吴', '徐', '孙', '马', '朱', '胡', '郭', '高', '林', '钱', '施', '苏', '毕', '段', '许',
];
const GIVEN_CHARS_MALE = [
  '志', '国', '建', '文', '明', '华', '永', '春', '海', '云', '光', '荣', '德', '富', '贵', '发',
  '学', '忠', '昌', '绍', '金', '正', '家', '顺', '成', '有', '平', '林', '兴', '祥', '亮', '俊',
];
const GIVEN_CHARS_FEMALE = [
  '玉', '兰', '秀', '英', '红', '梅', '春', '丽', '芳', '云', '琼', '珍', '凤', '莲', '艳', '燕',
  '静', '婷', '华', '菊', '桂', '萍', '慧', '娟', '霞', '敏', '琴', '仙', '美', '月', '金', '平',
];
/** Made-up village names (demo data; not real places). */
const VILLAGE_STEMS = [
  '青山', '石岭', '大坪', '小河', '松林', '新庄', '马鞍', '清水', '龙潭', '白塔',
  '桃园', '梨树', '岔河', '上营', '下村', '凤鸣', '高峰', '中和', '永安', '合心',
];
const VERIFIERS_GIVEN = ['志强', '丽华', '建国', '春梅', '永福', '海燕', '文斌', '秀英'];

export type Gender = '男' | '女';

export interface IdNumberOptions {
  /** 6-digit county code (default: one of CHUXIONG_COUNTY_CODES). */
  region?: string;
  /** Inclusive birth year range (default [1940, 2010]). */
  birthYearRange?: readonly [number, number];
  /** Gender: the 17th digit is odd for 男, even for 女. Random when omitted. */
  gender?: Gender;
}

/** A valid-checksum 18-character ID number. */
export function fabricateIdNumber(rng: Rng, options: IdNumberOptions = {}): string {
  const region = options.region ?? pick(rng, CHUXIONG_COUNTY_CODES);
  if (!/^\d{6}$/.test(region)) throw new Error(`region must be a 6-digit address code: ${region}`);
  const [fromYear, toYear] = options.birthYearRange ?? [1940, 2010];
  const year = randomInt(rng, fromYear, toYear);
  const month = randomInt(rng, 1, 12);
  const day = randomInt(rng, 1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const gender = options.gender ?? (chance(rng, 0.5) ? '男' : '女');
  const orderHigh = randomInt(rng, 0, 99);
  let genderDigit = randomInt(rng, 0, 4) * 2; // even
  if (gender === '男') genderDigit += 1;
  let first17 = `${region}${year}${pad(month, 2)}${pad(day, 2)}${pad(orderHigh, 2)}${genderDigit}`;
  // Never …000: validation warns on it as a possible Excel-damaged number (id.excel_suspect), and
  // clean fabricated data must raise nothing. Same gender, no extra random draw.
  if (first17.endsWith('00') && idCheckChar(first17) === '0') first17 = `${first17.slice(0, 16)}${genderDigit + 2}`;
  return first17 + idCheckChar(first17);
}

/** A made-up Chinese name (surname + one or two given-name characters typical for the gender). */
export function fabricateName(rng: Rng, gender?: Gender): string {
  const chars = (gender ?? (chance(rng, 0.5) ? '男' : '女')) === '男' ? GIVEN_CHARS_MALE : GIVEN_CHARS_FEMALE;
  const given = chance(rng, 0.75) ? pick(rng, chars) + pick(rng, chars) : pick(rng, chars);
  return pick(rng, SURNAMES) + given;
}

/** A mobile number: 1, then 3–9, then 9 digits. */
export function fabricatePhone(rng: Rng): string {
  let digits = `1${randomInt(rng, 3, 9)}`;
  for (let i = 0; i < 9; i++) digits += randomInt(rng, 0, 9);
  return digits;
}

export interface PersonOptions extends IdNumberOptions {
  /** Township name for the address (default: a real township of the county). */
  township?: string;
  /** Village name (default: a made-up one). */
  village?: string;
}

export interface FabricatedPerson {
  name: string;
  gender: Gender;
  idNumber: string;
  birthDate: string;
  phone: string;
  region: string;
  township: string;
  village: string;
  address: string;
  householdSize: number;
}

export function fabricateVillageName(rng: Rng): string {
  return pick(rng, VILLAGE_STEMS) + (chance(rng, 0.8) ? '村委会' : '社区');
}

export function fabricatePerson(rng: Rng, options: PersonOptions = {}): FabricatedPerson {
  const county = options.region
    ? CHUXIONG_COUNTIES.find((c) => c.code === options.region)
    : pick(rng, CHUXIONG_COUNTIES);
  const region = options.region ?? defined(county, 'the county').code;
  const gender: Gender = options.gender ?? (chance(rng, 0.5) ? '男' : '女');
  const idNumber = fabricateIdNumber(rng, { region, birthYearRange: options.birthYearRange, gender });
  const township = options.township ?? (county ? pick(rng, county.townships) : '城关镇');
  const village = options.village ?? fabricateVillageName(rng);
  const address = `${county?.name ?? ''}${township}${village}${randomInt(rng, 1, 12)}组${randomInt(rng, 1, 120)}号`;
  return {
    name: fabricateName(rng, gender),
    gender,
    idNumber,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    phone: fabricatePhone(rng),
    region,
    township,
    village,
    address,
    householdSize: randomInt(rng, 1, 6),
  };
}

/** Fixed default "today" so fabricated data does not depend on the clock. */
export const FABRICATE_DEFAULT_TODAY = '2026-10-31';

export interface LedgerValuesOptions extends PersonOptions {
  /** Rows are found within `maxAgeDays` calendar days before this date (default FABRICATE_DEFAULT_TODAY). */
  today?: string;
  maxAgeDays?: number;
  policy?: Policy;
  calendar?: WorkingDayCalendar;
  /** Running number for 序号. */
  seq?: number;
  /** Fill the hidden machine columns (rowId, version). */
  machineColumns?: boolean;
  /** Use this person instead of fabricating one. */
  person?: FabricatedPerson;
}

function fabricateUuid(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rng() * 16).toString(16);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function minIso(a: string, b: string): string {
  return a < b ? a : b;
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

/**
 * A plausible, internally consistent ledger row: gender agrees with the ID, dates are in order and
 * not in the future, 核实时限 follows the policy, a person who declines only gets 尊重意愿持续关注,
 * 已办结 rows have a 办结日期, and eligible rows have a handling route.
 */
export function fabricateLedgerValues(rng: Rng, options: LedgerValuesOptions = {}): LedgerValues {
  const today = options.today ?? FABRICATE_DEFAULT_TODAY;
  const policy = options.policy ?? DEFAULT_POLICY;
  const calendar = options.calendar ?? DEFAULT_CALENDAR;
  const person = options.person ?? fabricatePerson(rng, options);
  const foundOn = addCalendarDays(today, -randomInt(rng, 0, options.maxAgeDays ?? 90));
  const channel = pick(rng, VOCABULARIES.channel);
  const categories = pickSome(rng, VOCABULARIES.categories, randomInt(rng, 1, 2));
  const verifyBy = leadVerifyDueDate(foundOn, policy, calendar);
  const values: LedgerValues = {
    seq: options.seq ?? null,
    township: person.township,
    village: person.village,
    name: person.name,
    gender: person.gender,
    idNumber: person.idNumber,
    phone: person.phone,
    householdSize: person.householdSize,
    address: person.address,
    categories,
    hardship: null,
    channel,
    leadNo:
      channel === '部门比对'
        ? `XS-${person.region}-${foundOn.slice(0, 4)}${foundOn.slice(5, 7)}-${pad(randomInt(rng, 1, 99999), 5)}`
        : null,
    foundOn,
    coverage: chance(rng, 0.7) ? '无' : pick(rng, VOCABULARIES.coverage),
    verifyBy,
    verifiedOn: null,
    verifier: null,
    verifyResult: null,
    willingness: null,
    ability: null,
    routes: null,
    amount: null,
    status: '待核实',
    closedOn: null,
    notes: null,
  };
  if (categories.includes('因病支出型困难') || categories.includes('重大疾病')) values.hardship = '住院自付费用较高';
  else if (categories.includes('突发意外事故')) values.hardship = '家庭成员突发意外受伤';
  else if (chance(rng, 0.3)) values.hardship = '家庭收入低，生活困难';

  // Rows whose time limit has passed are (almost always) verified; recent ones may still be open.
  const lastVerifyDay = minIso(verifyBy, today);
  const verified = verifyBy < today ? chance(rng, 0.97) : chance(rng, 0.5);
  if (!verified) {
    values.status = chance(rng, 0.5) ? '待核实' : '核实中';
  } else {
    const verifiedOn = addCalendarDays(foundOn, randomInt(rng, 0, Math.max(0, daysBetween(foundOn, lastVerifyDay))));
    values.verifiedOn = verifiedOn;
    values.verifier = pick(rng, SURNAMES) + pick(rng, VERIFIERS_GIVEN);
    const result = pick(rng, ['符合救助条件', '符合救助条件', '不符合但需关注', '不符合救助条件'] as const);
    values.verifyResult = result;
    const willingness = chance(rng, 0.85) ? '愿意申请' : '不愿申请';
    values.willingness = willingness;
    values.ability = chance(rng, 0.6) ? '能自行申请' : '需协助申请';
    let routes: string[] = [];
    if (willingness === '不愿申请') routes = ['尊重意愿持续关注'];
    else if (result === '符合救助条件') {
      if (values.ability === '需协助申请') routes.push('协助申请');
      routes.push(pick(rng, ['纳入低保', '临时救助', '医疗救助', '先行救助', '纳入特困供养']));
    } else if (result === '不符合但需关注') routes = ['纳入低收入人口动态监测'];
    values.routes = routes.length > 0 ? routes : null;
    if (routes.some((route) => route === '临时救助' || route === '先行救助')) values.amount = randomInt(rng, 5, 60) * 100;
    const closable = result === '不符合救助条件' || routes.length > 0;
    if (closable && verifiedOn < today && chance(rng, 0.5)) {
      values.status = '已办结';
      values.closedOn = addCalendarDays(verifiedOn, randomInt(rng, 0, Math.max(0, daysBetween(verifiedOn, today))));
    } else {
      values.status = routes.length === 0 || routes.includes('尊重意愿持续关注') || result === '不符合但需关注' ? '持续关注' : '办理中';
    }
  }
  if (options.machineColumns) {
    values.rowId = fabricateUuid(rng);
    values.version = 1;
  }
  return values;
}

/** One ledger row as cells in LEDGER_COLUMNS order: multi values joined with 、, blanks as ''. */
export function ledgerValuesToCells(values: LedgerValues): (string | number)[] {
  return LEDGER_COLUMNS.map((column) => {
    const value = values[column.key as keyof LedgerValues];
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return joinMultiValue(value);
    return value;
  });
}

export interface LedgerSheetOptions extends LedgerValuesOptions {
  /** Village name for the title row. */
  titleVillage?: string;
  month?: number;
  /** Include the hidden machine columns in the header (default true). */
  withMachineColumns?: boolean;
}

/**
 * A whole ledger sheet as the readers give it: title row (Excel row 1), header row (row 2), then
 * `rowCount` fabricated rows numbered from 1. ID and phone cells are text; dates are ISO strings.
 */
export function fabricateLedgerSheet(rng: Rng, rowCount: number, options: LedgerSheetOptions = {}): SheetInput {
  const withMachine = options.withMachineColumns ?? true;
  const columns = withMachine ? LEDGER_COLUMNS : LEDGER_COLUMNS.filter((column) => !column.hidden);
  const width = columns.length;
  const title: string[] = new Array(width).fill('');
  title[0] = ledgerTitle(options.titleVillage, options.month);
  const values: (string | number)[][] = [title, columns.map((column) => column.header)];
  for (let i = 0; i < rowCount; i++) {
    const cells = ledgerValuesToCells(fabricateLedgerValues(rng, { ...options, seq: i + 1, machineColumns: withMachine }));
    values.push(cells.slice(0, width));
  }
  return { name: '台账', values };
}
