/** The village ledger row a lead becomes when the village pulls it (values keyed by LEDGER_COLUMNS keys). */
import { checkIdNumber } from '../../ledger/id-number';
import type { LedgerValues } from '../../ledger/types';
import type { LeadRow, UnitNames } from './lifecycle';

export function ledgerValuesForLead(row: LeadRow, units: UnitNames, today: string): LedgerValues {
  const id = checkIdNumber(row.id_number, today);
  return {
    township: units(row.township_code)?.name ?? null,
    village: units(row.village_code)?.name ?? null,
    name: row.name,
    gender: id.gender ?? null,
    idNumber: row.id_number,
    categories: row.category ? [row.category] : [],
    hardship: row.reason_zh,
    channel: row.channel ?? '部门比对',
    leadNo: row.lead_no,
    foundOn: today,
    coverage: row.coverage ?? null,
    verifyBy: row.due_on,
    status: '核实中',
  };
}
