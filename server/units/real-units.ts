/**
 * The real units of 楚雄州 (codes and names as published): the prefecture, its 10 county-level units
 * and the townships the domain notes name. What a production install starts from (`npm run admin --
 * seed-units`); the demo adds invented townships and villages on top (server/seed/demo-units.ts).
 * No village is listed: villages are added by each county.
 */
import type { UnitNode } from './store';

/** [code, name, invented]: invented = MADE UP for the demo (never true in this file). */
export type UnitSeed = [code: string, name: string, invented: boolean];

const PREFECTURE: UnitSeed = ['5323', '楚雄彝族自治州', false];

const COUNTIES: UnitSeed[] = [
  ['532301', '楚雄市', false],
  ['532302', '禄丰市', false],
  ['532322', '双柏县', false],
  ['532323', '牟定县', false],
  ['532324', '南华县', false],
  ['532325', '姚安县', false],
  ['532326', '大姚县', false],
  ['532327', '永仁县', false],
  ['532328', '元谋县', false],
  ['532329', '武定县', false],
];

const TOWNSHIPS: UnitSeed[] = [
  ['532301101', '鹿城镇', false],
  ['532301102', '东瓜镇', false],
  ['532301103', '吕合镇', false],
  ['532322101', '妥甸镇', false],
  ['532322102', '大庄镇', false],
  ['532328101', '元马镇', false],
  ['532328103', '黄瓜园镇', false],
];

/** A unit node from its seed; the parent is the code's first `parentLength` digits. */
export function unitNode([code, name, invented]: UnitSeed, level: UnitNode['level'], parentLength: number | null): UnitNode {
  return { code, name, level, parentCode: parentLength ? code.slice(0, parentLength) : null, invented };
}

/** Parents before children. */
export const REAL_UNITS: UnitNode[] = [
  unitNode(PREFECTURE, 'prefecture', null),
  ...COUNTIES.map((seed) => unitNode(seed, 'county', 4)),
  ...TOWNSHIPS.map((seed) => unitNode(seed, 'township', 6)),
];
