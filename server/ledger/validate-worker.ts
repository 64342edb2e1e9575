/**
 * Worker body of the validation pool (validation-pool.ts): re-validates a push's rows off the
 * event loop. Only the ledger core; arguments and results are plain data (structured clone).
 */
import { DEFAULT_CALENDAR } from '../../ledger/calendar';
import type { Policy } from '../../ledger/policy';
import type { Finding, LedgerValues } from '../../ledger/types';
import { validateRecords } from '../../ledger/validate';

export interface ValidateTask {
  records: LedgerValues[];
  today: string;
  policy: Policy;
  villageName?: string;
}

export default function validateTask(task: ValidateTask): Finding[][] {
  return validateRecords(task.records, {
    today: task.today,
    policy: task.policy,
    calendar: DEFAULT_CALENDAR,
    ...(task.villageName !== undefined ? { villageName: task.villageName } : {}),
  });
}
