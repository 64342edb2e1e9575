/**
 * The matching's numeric person index: idNumberKey packs an ID number into one exact number, and
 * IdKeyTable finds people by it. Both must agree with a Map of the ID strings — a collision would
 * give one person another's coverage (a privacy breach and a missed person).
 */
import { idNumberKey, isValidIdFast } from '../../ledger/id-number';
import { buildRosterIndex, createSourceMatcher } from '../../ledger/matching';
import { IdKeyTable } from '../../ledger/id-key-table';
import { DEFAULT_POLICY } from '../../ledger/policy';
import { makeId, TODAY } from './validation-helpers';

/** Valid IDs over many regions, birth dates (1880 …) and sequence numbers, X check characters included. */
function manyIds(): string[] {
  const ids: string[] = [];
  const births = ['18800101', '19000228', '19800101', '19991231', '20000229', '20261030'];
  for (const region of ['110101', '532301', '532324', '654325', '810000']) {
    for (const birth of births) for (let order = 0; order < 200; order += 7) ids.push(makeId(order, birth, region));
  }
  return ids;
}

describe('idNumberKey', () => {
  it('gives every distinct valid ID its own exact key below 2^53 (no collisions)', () => {
    const ids = manyIds();
    expect(ids.every((id) => isValidIdFast(id, TODAY))).toBe(true);
    expect(ids.some((id) => id.endsWith('X'))).toBe(true);
    const keys = new Map<number, string>();
    for (const id of ids) {
      const key = idNumberKey(id);
      expect(Number.isSafeInteger(key) && key >= 0).toBe(true);
      expect(keys.get(key) ?? id).toBe(id);
      keys.set(key, id);
    }
    expect(keys.size).toBe(new Set(ids).size);
  });

  it('tells IDs apart that differ in one character anywhere, the check character included', () => {
    const id = makeId(17, '19800101');
    for (let i = 0; i < 18; i++) {
      const other = id.slice(0, i) + (id[i] === '1' ? '2' : '1') + id.slice(i + 1);
      expect(idNumberKey(other)).not.toBe(idNumberKey(id));
    }
    expect(idNumberKey(`${id.slice(0, 17)}X`)).not.toBe(idNumberKey(`${id.slice(0, 17)}0`));
  });

  it('is -1 for anything not shaped like a normalised 18-character ID', () => {
    const id = makeId(1);
    for (const bad of ['', id.slice(0, 17), `${id}1`, `${id.slice(0, 17)}x`, `${id.slice(0, 5)}a${id.slice(6)}`, '532301187912310011', '532301198099010011', '532301198001990011']) {
      expect(idNumberKey(bad)).toBe(-1);
    }
  });
});

describe('IdKeyTable', () => {
  it('answers like a Map through many growths, with replaced values and absent keys', () => {
    const table = new IdKeyTable(4);
    const reference = new Map<number, number>();
    const ids = manyIds();
    ids.forEach((id, i) => {
      table.set(idNumberKey(id), i);
      reference.set(idNumberKey(id), i);
    });
    table.set(idNumberKey(ids[3]), 99_999);
    reference.set(idNumberKey(ids[3]), 99_999);
    expect(table.size).toBe(reference.size);
    for (const [key, value] of reference) expect(table.get(key)).toBe(value);
    expect(table.get(idNumberKey(makeId(1, '19800101', '430101')))).toBe(-1);
  });
});

describe('the matcher finds roster people the same way with and without the numeric index', () => {
  it('covered, 特困 and unknown people come out alike', () => {
    const covered = makeId(1, '19600101');
    const tekun = makeId(2, '19500101');
    const stranger = makeId(3, '19700101');
    const roster = buildRosterIndex([
      { idNumber: covered, name: '张三', category: '低保', status: '在保', township: '鹿城镇', village: '村1' },
      { idNumber: tekun, name: '李四', category: '特困供养', status: '在保', township: '鹿城镇', village: '村2' },
    ]);
    expect(roster.byIdKey?.entries).toHaveLength(2);
    const header = { rowIndex: 0, excelRow: 1, indexByKey: { seq: 0, name: 1, idNumber: 2, admittedOn: 3, dischargedOn: 4, total: 5, selfPaid: 6, hospital: 7 } };
    const rows = [
      [1, '张三', covered, '2026-10-01', '2026-10-05', 60000, 20000, '医院'],
      [2, '李四', tekun, '2026-10-01', '2026-10-05', 3000, 1000, '医院'],
      [3, '王五', stranger, '2026-10-01', '2026-10-05', 60000, 20000, '医院'],
    ];
    const run = (index: typeof roster) => {
      const matcher = createSourceMatcher({ source: 'medical', period: '2026-10', roster: index, policy: DEFAULT_POLICY, today: TODAY, header });
      rows.forEach((row, i) => matcher.addRow(row, i + 2));
      return matcher.finish();
    };
    const withKeys = run(roster);
    const withMapOnly = run({ people: roster.people, size: roster.size });
    expect(withKeys.leads.map((lead) => `${lead.name} ${lead.rule} ${lead.coverage}`).sort()).toEqual(['李四 medical.tekun_inpatient 特困供养', '王五 medical.high_self_paid 无']);
    expect(withKeys).toEqual(withMapOnly);
  });
});
