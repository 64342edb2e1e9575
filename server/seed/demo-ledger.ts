/**
 * Demo ledger rows for 示范村 (532301101201, 鹿城镇) and 东瓜示例村 (532301102201, 东瓜镇):
 * FABRICATED people (server/seed/fabricate.ts: valid check characters, made-up names), pushed
 * through the real sync service so they have versions, history and findings like any other row.
 * Idempotent: a fixed request id per village, so a second run is answered from the first.
 * Only rows without error findings are used, so the demo village can submit its month.
 */
import { DEFAULT_POLICY } from '../../ledger/policy';
import type { LedgerValues } from '../../ledger/types';
import type { AppDeps } from '../app-deps';
import { checkRows } from '../ledger/revalidate';
import { chinaDate } from '../../ledger/dates';
import { createSqliteLedgerStore } from '../ledger/sqlite-store';
import { syncLedger } from '../ledger/sync';
import { getUnit } from '../units/store';
import { createRng, fabricateLedgerValues, type Rng } from './fabricate';

export const DEMO_LEDGERS: readonly { villageCode: string; township: string; village: string; rows: number }[] = [
  { villageCode: '532301101201', township: '鹿城镇', village: '示范村', rows: 8 },
  { villageCode: '532301102201', township: '东瓜镇', village: '东瓜示例村', rows: 4 },
];

function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rng() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The demo rows of one village (deterministic for a given today). */
export function demoLedgerRows(villageCode: string, township: string, village: string, count: number, today: string): { rowId: string; values: LedgerValues }[] {
  const rng = createRng(`demo-ledger-${villageCode}`);
  const out: { rowId: string; values: LedgerValues }[] = [];
  for (let attempt = 0; out.length < count && attempt < count * 20; attempt++) {
    const values = fabricateLedgerValues(rng, { region: villageCode.slice(0, 6), township, village, today, maxAgeDays: 60 });
    delete values.seq;
    values.leadNo = null; // demo lead numbers belong to the leads seeder
    const rowId = uuidFrom(rng);
    if (checkRows([values], today, DEFAULT_POLICY)[0].errors === 0) {
      out.push({ rowId, values });
    }
  }
  // cross-row rules too (e.g. duplicate ID numbers): keep the rows that are clean together
  const checks = checkRows(out.map((row) => row.values), today, DEFAULT_POLICY);
  return out.filter((_, index) => checks[index].errors === 0);
}

export async function seedDemoLedger(deps: AppDeps): Promise<number> {
  const store = createSqliteLedgerStore(deps.db);
  const today = chinaDate(deps.now());
  let applied = 0;
  for (const ledger of DEMO_LEDGERS) {
    const unit = await getUnit(deps.db, ledger.villageCode);
    if (!unit) continue;
    const existing = await store.lastSeq(ledger.villageCode);
    if (existing > 0) continue;
    const rows = demoLedgerRows(ledger.villageCode, ledger.township, ledger.village, ledger.rows, today);
    const outcome = await syncLedger(
      { store, audit: deps.audit, now: deps.now, onRowsSynced: deps.onLedgerRowsSynced },
      ledger.villageCode,
      {
        clientId: 'demo-seed',
        requestId: `demo-seed-${ledger.villageCode}`,
        changes: rows.map((row) => ({ rowId: row.rowId, baseVersion: 0, values: row.values as Record<string, never> })),
      },
      { user: null, httpRequestId: 'demo-seed' },
    );
    applied += outcome.response.applied.length;
  }
  return applied;
}
