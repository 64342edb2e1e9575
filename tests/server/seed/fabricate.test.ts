import { checkIdNumber, endsLikeExcelNumber } from '../../../ledger/id-number';
import { VOCABULARIES } from '../../../ledger/vocabularies';
import { LEDGER_COLUMNS } from '../../../ledger/columns';
import {
  CHUXIONG_COUNTY_CODES,
  createRng,
  fabricateIdNumber,
  fabricateLedgerSheet,
  fabricateLedgerValues,
  fabricatePerson,
  mulberry32,
} from '../../../server/seed/fabricate';

const TODAY = '2026-10-31';

describe('seeded PRNG', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  it('accepts string seeds', () => {
    expect(createRng('demo')()).toBe(createRng('demo')());
    expect(createRng('demo')()).not.toBe(createRng('other')());
  });
});

describe('fabricateIdNumber', () => {
  it('produces IDs that pass the GB 11643 checks, in the region and year range, with the gender asked for', () => {
    const rng = createRng(1);
    for (let i = 0; i < 500; i++) {
      const gender = i % 2 === 0 ? '男' : '女';
      const id = fabricateIdNumber(rng, { region: '532322', birthYearRange: [1950, 1960], gender });
      const check = checkIdNumber(id, TODAY);
      expect(check.problems).toEqual([]);
      expect(id.slice(0, 6)).toBe('532322');
      expect(Number(id.slice(6, 10))).toBeGreaterThanOrEqual(1950);
      expect(Number(id.slice(6, 10))).toBeLessThanOrEqual(1960);
      expect(check.gender).toBe(gender);
    }
  });

  it('never ends in 000 (what validation warns on as a possible Excel-damaged number), for either gender', () => {
    const rng = createRng(3);
    let women = 0;
    for (let i = 0; i < 20_000; i++) {
      const id = fabricateIdNumber(rng, { gender: '女' });
      expect(endsLikeExcelNumber(id)).toBe(false);
      if (checkIdNumber(id, TODAY).gender === '女') women++;
    }
    expect(women).toBe(20_000);
  });

  it('defaults to a Chuxiong county code', () => {
    const rng = createRng(2);
    const regions = new Set(Array.from({ length: 200 }, () => fabricateIdNumber(rng).slice(0, 6)));
    for (const region of regions) expect(CHUXIONG_COUNTY_CODES).toContain(region);
    expect(regions.size).toBeGreaterThan(3);
  });

  it('rejects a malformed region', () => {
    expect(() => fabricateIdNumber(createRng(3), { region: '5323' })).toThrow(/6-digit/);
  });
});

describe('fabricatePerson', () => {
  it('is consistent: gender matches the ID, valid mobile, household 1–6', () => {
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) {
      const person = fabricatePerson(rng);
      expect(checkIdNumber(person.idNumber, TODAY).gender).toBe(person.gender);
      expect(person.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(person.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(person.householdSize).toBeGreaterThanOrEqual(1);
      expect(person.householdSize).toBeLessThanOrEqual(6);
      expect(person.address).toContain(person.township);
    }
  });

  it('same seed → same person', () => {
    expect(fabricatePerson(createRng(9))).toEqual(fabricatePerson(createRng(9)));
  });
});

describe('fabricateLedgerValues', () => {
  it('fills plausible, internally consistent rows from the vocabularies', () => {
    const rng = createRng(5);
    let closed = 0;
    let declined = 0;
    for (let i = 0; i < 500; i++) {
      const v = fabricateLedgerValues(rng, { today: TODAY });
      expect(VOCABULARIES.channel).toContain(v.channel);
      for (const category of v.categories as string[]) expect(VOCABULARIES.categories).toContain(category);
      expect(String(v.foundOn) <= TODAY).toBe(true);
      expect(String(v.verifyBy) > String(v.foundOn)).toBe(true);
      if (v.verifiedOn) expect(String(v.verifiedOn) >= String(v.foundOn)).toBe(true);
      if (v.status === '已办结') {
        closed++;
        expect(v.closedOn).toBeTruthy();
        expect(String(v.closedOn) >= String(v.verifiedOn)).toBe(true);
        expect(String(v.closedOn) <= TODAY).toBe(true);
      }
      if (v.willingness === '不愿申请') {
        declined++;
        expect(v.routes).toEqual(['尊重意愿持续关注']);
      }
      if (v.verifyResult === '符合救助条件') expect((v.routes as string[]).length).toBeGreaterThan(0);
      if (v.channel === '部门比对') expect(v.leadNo).toMatch(/^XS-\d{6}-\d{6}-\d{5}$/);
      for (const key of ['gender', 'coverage', 'verifyResult', 'willingness', 'ability', 'status'] as const) {
        const column = LEDGER_COLUMNS.find((c) => c.key === key)!;
        if (v[key] !== null && v[key] !== undefined) expect(VOCABULARIES[column.vocabulary!]).toContain(v[key]);
      }
    }
    expect(closed).toBeGreaterThan(10);
    expect(declined).toBeGreaterThan(10);
  });

  it('fills machine columns only when asked', () => {
    expect(fabricateLedgerValues(createRng(6)).rowId).toBeUndefined();
    const v = fabricateLedgerValues(createRng(6), { machineColumns: true });
    expect(v.rowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(v.version).toBe(1);
  });
});

describe('fabricateLedgerSheet', () => {
  it('has the title row, the header row and the rows in column order', () => {
    const sheet = fabricateLedgerSheet(createRng(7), 20);
    expect(sheet.values).toHaveLength(22);
    expect(String(sheet.values[0][0])).toContain('社会救助主动发现监测工作台账');
    expect(sheet.values[1]).toEqual(LEDGER_COLUMNS.map((c) => c.header));
    const idIndex = LEDGER_COLUMNS.findIndex((c) => c.key === 'idNumber');
    expect(checkIdNumber(sheet.values[2][idIndex], TODAY).problems).toEqual([]);
    expect(sheet.values[21][0]).toBe(20);
  });
});
