/**
 * Administrative units and their codes (统计用区划代码): province 2 + prefecture 2 + county 2 +
 * township 3 + village 3. Codes are hierarchical prefixes, so "is X in Y's subtree" is a prefix test
 * on codes of known length — the server's scoping and the roll-ups both rest on that.
 */
import type { LocalizedText } from './text';

export type UnitLevel = 'prefecture' | 'county' | 'township' | 'village';

export const UNIT_CODE_LENGTH: Record<UnitLevel, number> = {
  prefecture: 4,
  county: 6,
  township: 9,
  village: 12,
};

export const UNIT_LEVEL_LABEL: Record<UnitLevel, LocalizedText> = {
  prefecture: { zh: '州（市）', en: 'Prefecture' },
  county: { zh: '县（市）', en: 'County' },
  township: { zh: '乡镇（街道）', en: 'Township' },
  village: { zh: '村（社区）', en: 'Village' },
};

const LEVEL_BY_LENGTH = new Map<number, UnitLevel>(
  (Object.entries(UNIT_CODE_LENGTH) as [UnitLevel, number][]).map(([level, length]) => [length, level]),
);

/** Level of a unit code, or undefined when the code has no valid shape. */
export function unitLevelOf(code: string): UnitLevel | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  return LEVEL_BY_LENGTH.get(code.length);
}

/** Codes of the unit's ancestors, nearest last (e.g. 532301101201 → 5323, 532301, 532301101). */
export function ancestorCodes(code: string): string[] {
  const lengths = Object.values(UNIT_CODE_LENGTH).filter((length) => length < code.length);
  return lengths.map((length) => code.slice(0, length));
}

/** True when `code` is `scope` itself or lies in its subtree. */
export function isInSubtree(scope: string, code: string): boolean {
  return code.length >= scope.length && code.startsWith(scope) && unitLevelOf(code) !== undefined;
}

/** Kind of township from its 3-digit suffix: 0xx 街道, 1xx 镇, 2xx 乡. */
export function townshipKind(code: string): '街道' | '镇' | '乡' | undefined {
  if (unitLevelOf(code) !== 'township') return undefined;
  return ({ '0': '街道', '1': '镇', '2': '乡' } as const)[code[6] as '0' | '1' | '2'];
}

/** Kind of village from its suffix: 001–199 居委会/社区, 200–399 村委会. */
export function villageKind(code: string): '社区' | '村' | undefined {
  if (unitLevelOf(code) !== 'village') return undefined;
  const suffix = Number(code.slice(9));
  if (suffix >= 1 && suffix <= 199) return '社区';
  if (suffix >= 200 && suffix <= 399) return '村';
  return undefined;
}

/**
 * Endings a village's name is written with or without, longest first (示范村委会, 示范社区居委会 →
 * 示范), each with the kind of unit it names: 社区 / 居委会 are urban communities, 村 rural villages.
 */
const VILLAGE_NAME_ENDINGS: readonly { ending: string; kind: '社区' | '村' }[] = [
  { ending: '社区居民委员会', kind: '社区' },
  { ending: '村民委员会', kind: '村' },
  { ending: '居民委员会', kind: '社区' },
  { ending: '社区居委会', kind: '社区' },
  { ending: '村委会', kind: '村' },
  { ending: '居委会', kind: '社区' },
  { ending: '社区', kind: '社区' },
  { ending: '村', kind: '村' },
];

/** 社区 or 村 from a unit name's ending (示范社区 → 社区, 示范村委会 → 村); undefined when it ends otherwise. */
export function villageKindOfName(name: string): '社区' | '村' | undefined {
  const key = name.normalize('NFKC').replace(/[\s()（）]/g, '');
  return VILLAGE_NAME_ENDINGS.find(({ ending }) => key.endsWith(ending))?.kind;
}

/**
 * A village name as compared: full-width folded (NFKC), spaces and brackets of 村（社区） dropped,
 * the ending (村 / 社区 / 村委会 / 居委会…) removed. '' when nothing is left.
 */
export function villageNameKey(name: string): string {
  let key = name.normalize('NFKC').replace(/[\s()（）]/g, '');
  // twice: 示范村村民委员会 → 示范村 → 示范
  for (let pass = 0; pass < 2; pass++) {
    const found = VILLAGE_NAME_ENDINGS.find(({ ending }) => key.length > ending.length && key.endsWith(ending));
    if (found === undefined) break;
    key = key.slice(0, -found.ending.length);
  }
  return key;
}

/** A village group (村民小组) after the village's name: 示范村3组, 示范村三组, 示范村第3村民小组. */
const VILLAGE_GROUP = /(?:第?[\d一二三四五六七八九十]+(?:村民)?小?组)$/;

/**
 * Whether a village name as clerks write it names the given unit: same key, or the key with the
 * township or county in front (鹿城镇示范村 for 示范村), or with a village group after it (示范村3组).
 * Lenient on purpose: a false “same” only spares a warning, a false “different” stops a village's
 * own sync.
 */
export function sameVillageName(written: string, unitName: string): boolean {
  const compact = written.normalize('NFKC').replace(/\s/g, '');
  const withoutGroup = compact.replace(VILLAGE_GROUP, '');
  if (withoutGroup !== compact && withoutGroup !== '') return sameVillageName(withoutGroup, unitName);
  const a = villageNameKey(written);
  const b = villageNameKey(unitName);
  if (a === '' || b === '') return true;
  if (a === b) return true;
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.endsWith(shorter) && /(镇|乡|街道|县|市|区)$/.test(longer.slice(0, -shorter.length));
}
