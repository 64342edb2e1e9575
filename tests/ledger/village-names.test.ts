/** How a written village name is compared with the unit's (the sync's wrong-village stop, the village.other warning). */
import { villageOfTitle } from '../../ledger/columns';
import { sameVillageName, villageKindOfName } from '../../ledger/units';

describe('sameVillageName', () => {
  it.each([
    ['示范村', '示范村'],
    ['示范村村民委员会', '示范村'],
    ['鹿城镇示范村', '示范村'],
    ['示范村3组', '示范村'],
    ['示范村第三村民小组', '示范村'],
    ['鹿城镇示范村2组', '示范村'],
    ['示 范 村', '示范村'],
  ])('%s names %s', (written, unit) => expect(sameVillageName(written, unit)).toBe(true));

  it.each([
    ['东瓜示例村', '示范村'],
    ['示范村东', '示范村'],
  ])('%s does not name %s', (written, unit) => expect(sameVillageName(written, unit)).toBe(false));
});

describe('villageOfTitle', () => {
  it.each([
    ['示范村11月社会救助主动发现监测工作台账', '示范村'],
    ['示范村2024年11月社会救助主动发现监测工作台账', '示范村'],
    ['示范村 2026 年度 3 月社会救助主动发现监测工作台账', '示范村'],
    ['_____村（社区）__月社会救助主动发现监测工作台账', null],
  ])('%s → %s', (title, name) => expect(villageOfTitle(title)).toBe(name));
});

describe('villageKindOfName', () => {
  it.each([
    ['示范社区', '社区'],
    ['示范社区居委会', '社区'],
    ['东瓜居民委员会', '社区'],
    ['示范村', '村'],
    ['示范村委会', '村'],
    ['示范村民委员会', '村'],
    ['示范', undefined],
  ])('%s → %s', (name, kind) => expect(villageKindOfName(name)).toBe(kind));
});
