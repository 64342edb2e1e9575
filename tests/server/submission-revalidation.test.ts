/**
 * Submission-time re-validation happens before the transaction (on a worker thread for a large
 * ledger), so the database connection does not wait for it — and a write landing between that check
 * and the transaction is still caught: the rows are read and checked again inside it.
 */
import { randomUUID } from 'crypto';
import * as revalidate from '../../server/ledger/revalidate';
import { ledgerStoreOf } from '../../server/ledger/routes';
import type { LedgerStore } from '../../server/ledger/store';
import { submitMonth, type SubmissionEnv } from '../../server/ledger/submissions';
import { syncLedger } from '../../server/ledger/sync';
import type { AuthUser } from '../../server/app-deps';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201'; // 示范村 (demo rows, all valid)
const VILLAGE_USER: AuthUser = { id: 1, username: 'demo-village', role: 'village', unit: { code: VILLAGE, name: '示范村', level: 'village' } };

describe('submission re-validation outside the transaction', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
  });

  function env(store: LedgerStore): SubmissionEnv {
    return { store, audit: server.deps.audit, now: server.deps.now };
  }

  it('validates the ledger once, before the transaction, when nothing changes meanwhile', async () => {
    const store = ledgerStoreOf(server.deps);
    let inTransaction = false;
    const watched: LedgerStore = Object.create(store) as LedgerStore;
    watched.transaction = (fn, options) =>
      store.transaction(async (tx) => {
        inTransaction = true;
        try {
          return await fn(tx);
        } finally {
          inTransaction = false;
        }
      }, options);
    const validatedInTransaction: boolean[] = [];
    const original = revalidate.checkRows;
    jest.spyOn(revalidate, 'checkRows').mockImplementation((...args) => {
      validatedInTransaction.push(inTransaction);
      return original(...args);
    });
    const answer = await submitMonth(env(watched), VILLAGE, '2026-10', { user: VILLAGE_USER, httpRequestId: 'test-1' });
    expect(answer.submission.state).toBe('已提交');
    expect(validatedInTransaction).toEqual([false]);
  });

  it('a row with an error pushed between the check and the transaction still blocks the submission', async () => {
    const store = ledgerStoreOf(server.deps);
    // the push lands right before the submission's transaction begins
    const racing: LedgerStore = Object.create(store) as LedgerStore;
    racing.transaction = async (fn, options) => {
      await syncLedger(
        { store, audit: server.deps.audit, now: server.deps.now },
        VILLAGE,
        { clientId: 'racer', requestId: randomUUID(), changes: [{ rowId: randomUUID(), baseVersion: 0, values: { name: '张三', idNumber: '123' } }] },
        { user: VILLAGE_USER, httpRequestId: 'test-racer' },
      );
      return store.transaction(fn, options);
    };
    const refused = submitMonth(env(racing), VILLAGE, '2026-10', { user: VILLAGE_USER, httpRequestId: 'test-2' });
    await expect(refused).rejects.toMatchObject({ code: 'ledger_has_errors' });
    expect(await store.getSubmission(VILLAGE, '2026-10')).toBeUndefined();
  });
});
