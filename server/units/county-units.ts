/**
 * Resolving the 乡镇/村 names a departmental file carries to units of the county's tree.
 * Names are compared after normalisation, with or without their suffix (鹿城 = 鹿城镇,
 * 示范 = 示范村 = 示范村委会), and only inside the county.
 */
import type { SqlDatabase } from '../db/database';
import { unitLevelOf } from '../../ledger/units';
import { unitsWithPrefix } from './store';

export interface UnitRef {
  code: string;
  name: string;
}

const SUFFIXES = /(街道办事处|街道|镇|乡|村民委员会|居民委员会|村委会|居委会|社区|村)$/;

export function normalizeUnitName(name: string): string {
  return name.replace(/[\s\u3000]/g, '').replace(/（/g, '(').replace(/）/g, ')');
}

function stem(name: string): string {
  const n = normalizeUnitName(name);
  const s = n.replace(SUFFIXES, '');
  return s.length > 0 ? s : n;
}

export class CountyUnits {
  private readonly townshipsByName = new Map<string, UnitRef[]>();
  private readonly villagesByName = new Map<string, UnitRef[]>();
  private readonly byCode = new Map<string, UnitRef>();

  constructor(readonly countyCode: string, units: readonly UnitRef[]) {
    for (const unit of units) {
      this.byCode.set(unit.code, unit);
      const level = unitLevelOf(unit.code);
      const map = level === 'township' ? this.townshipsByName : level === 'village' ? this.villagesByName : undefined;
      if (!map) continue;
      for (const key of new Set([normalizeUnitName(unit.name), stem(unit.name)])) {
        const list = map.get(key) ?? [];
        list.push(unit);
        map.set(key, list);
      }
    }
  }

  static async load(db: SqlDatabase, countyCode: string): Promise<CountyUnits> {
    return new CountyUnits(countyCode, await unitsWithPrefix(db, countyCode));
  }

  get(code: string | null | undefined): UnitRef | undefined {
    return code ? this.byCode.get(code) : undefined;
  }

  private find(map: Map<string, UnitRef[]>, name: string): UnitRef[] {
    return map.get(normalizeUnitName(name)) ?? map.get(stem(name)) ?? [];
  }

  /**
   * The units named by a file row: the township when its name is unique in the county, the village
   * when its name is unique within that township (or, with no township given, in the county).
   */
  resolve(townshipName?: string | null, villageName?: string | null): { township?: UnitRef; village?: UnitRef } {
    let township: UnitRef | undefined;
    if (townshipName && townshipName.trim()) {
      const found = this.find(this.townshipsByName, townshipName);
      if (found.length === 1) township = found[0];
    }
    let village: UnitRef | undefined;
    if (villageName && villageName.trim()) {
      const found = this.find(this.villagesByName, villageName).filter((v) => !township || v.code.startsWith(township.code));
      if (found.length === 1 && (township || !(townshipName && townshipName.trim()))) village = found[0];
    }
    if (village && !township) township = this.byCode.get(village.code.slice(0, 9));
    return { township, village };
  }
}
