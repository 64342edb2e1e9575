/**
 * Units of the demo: the real units (server/units/real-units.ts: 楚雄州, its 10 county-level units and
 * the real townships named in the domain notes) plus MADE-UP ones so every county has a subtree:
 * townships marked `invented: true` (names end in 示例镇) and ALL villages/communities (invented: true)
 * — no real village is named here. Village suffix 001–199 社区, 200–399 村.
 */
import { REAL_UNITS, unitNode, type UnitSeed } from '../units/real-units';
import type { UnitNode } from '../units/store';

/** MADE UP, one per county without a real township in REAL_UNITS. */
const INVENTED_TOWNSHIPS: UnitSeed[] = [
  ['532302101', '禄丰示例镇', true],
  ['532323101', '牟定示例镇', true],
  ['532324101', '南华示例镇', true],
  ['532325101', '姚安示例镇', true],
  ['532326101', '大姚示例镇', true],
  ['532327101', '永仁示例镇', true],
  ['532329101', '武定示例镇', true],
];

/** MADE-UP villages and communities (names invented for the demo). */
const VILLAGES: UnitSeed[] = [
  ['532301101001', '示例社区', true],
  ['532301101201', '示范村', true],
  ['532301101202', '青松村', true],
  ['532301102201', '东瓜示例村', true],
  ['532301102202', '红星村', true],
  ['532301103201', '吕合示例村', true],
  ['532322101201', '妥甸示例村', true],
  ['532322102201', '大庄示例村', true],
  ['532328101001', '元马示例社区', true],
  ['532328103201', '黄瓜园示例村', true],
  ['532302101201', '禄丰示例村', true],
  ['532323101201', '牟定示例村', true],
  ['532324101201', '南华示例村', true],
  ['532325101201', '姚安示例村', true],
  ['532326101201', '大姚示例村', true],
  ['532327101201', '永仁示例村', true],
  ['532329101201', '武定示例村', true],
];

/** Parents before children: the real units, then the invented townships and villages. */
export const DEMO_UNITS: UnitNode[] = [
  ...REAL_UNITS,
  ...INVENTED_TOWNSHIPS.map((seed) => unitNode(seed, 'township', 6)),
  ...VILLAGES.map((seed) => unitNode(seed, 'village', 9)),
];

export const DEMO_PASSWORD = 'demo1234';

export interface DemoAccount {
  username: string;
  role: 'village' | 'township' | 'county' | 'prefecture' | 'admin';
  unitCode: string;
  zh: string;
  en: string;
}

/** Demo accounts; the *2 accounts sit in other subtrees (foreign-unit tests). */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'demo-village', role: 'village', unitCode: '532301101201', zh: '村级协理员（示范村）', en: 'village assistant (示范村)' },
  { username: 'demo-township', role: 'township', unitCode: '532301101', zh: '乡镇民政（鹿城镇）', en: 'township civil affairs (鹿城镇)' },
  { username: 'demo-county', role: 'county', unitCode: '532301', zh: '县级民政局（楚雄市）', en: 'county bureau (楚雄市)' },
  { username: 'demo-prefecture', role: 'prefecture', unitCode: '5323', zh: '州民政局', en: 'prefecture bureau' },
  { username: 'demo-admin', role: 'admin', unitCode: '5323', zh: '系统管理员', en: 'administrator' },
  { username: 'demo-village2', role: 'village', unitCode: '532301102201', zh: '村级协理员（东瓜示例村）', en: 'village assistant (东瓜示例村)' },
  { username: 'demo-township2', role: 'township', unitCode: '532301102', zh: '乡镇民政（东瓜镇）', en: 'township civil affairs (东瓜镇)' },
  { username: 'demo-county2', role: 'county', unitCode: '532322', zh: '县级民政局（双柏县）', en: 'county bureau (双柏县)' },
];
