/**
 * Issue 8 part 1: one village user pushing many rows that share an ID number must not make the
 * answer (or its stored replay, or a refused submission) grow with the square of the rows.
 * Before the fix each of n rows named the n − 1 others: 10,000 rows exhausted the heap.
 */
import { randomUUID } from 'crypto';
import { SYNC_LIMITS } from '../../ledger/api/sync';
import { startTestServer, type TestServer } from './helpers';

const VILLAGE = '532301101201';
const SYNC = `/api/v1/ledgers/${VILLAGE}/sync`;
/** One (valid) ID number on every row. */
const ID = '532301198001010011';

describe('sync findings stay linear in the request', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    // a fixed day so the submission month below has begun
    server = await startTestServer({ seed: 'all', now: () => new Date('2026-10-30T04:00:00Z') });
    token = await server.login('demo-village');
  });
  afterAll(() => server.close());

  it('answers 10,000 rows with one ID number in fewer bytes than 4× the request, and replays the same', async () => {
    const n = SYNC_LIMITS.maxChangesPerRequest;
    const body = {
      clientId: 'flood',
      requestId: randomUUID(),
      changes: Array.from({ length: n }, () => ({ rowId: randomUUID(), baseVersion: 0, values: { name: '张三', idNumber: ID } })),
    };
    const requestBytes = Buffer.byteLength(JSON.stringify(body));
    const res = await server.request('POST', SYNC, { token, body });
    expect(res.status).toBe(200);
    expect(res.body.applied).toHaveLength(n);
    const responseBytes = Buffer.byteLength(res.text);
    expect(responseBytes).toBeLessThan(4 * requestBytes);

    // the totals cover every row; the list is capped at whole rows
    expect(res.body.findingsTruncated).toBe(true);
    expect(res.body.findingCounts.rows).toBe(n);
    expect(res.body.findingCounts.byCode['id.duplicate']).toBe(n);
    const listed = res.body.findings.reduce((sum: number, entry: { findings: unknown[] }) => sum + entry.findings.length, 0);
    expect(listed).toBeLessThanOrEqual(SYNC_LIMITS.maxFindingsPerResponse);
    expect(res.body.findings.length).toBeGreaterThan(0);
    const duplicate = res.body.findings[0].findings.find((f: { code: string }) => f.code === 'id.duplicate');
    expect(duplicate.message).toContain(`等其他${n - 1}行相同（共${n}行）`);
    expect(duplicate.message).not.toContain(ID);

    // the stored idempotent answer is the same, not a bigger one
    const replay = await server.request('POST', SYNC, { token, body });
    expect(replay.status).toBe(200);
    expect(Buffer.byteLength(replay.text)).toBe(responseBytes);
    expect(replay.body.findingCounts).toEqual(res.body.findingCounts);
  }, 60_000);

  it('refuses the submission with capped findings and a count of every blocking row', async () => {
    const res = await server.request('POST', `/api/v1/ledgers/${VILLAGE}/submissions`, { token, body: { month: '2026-10' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ledger_has_errors');
    expect(res.body.error.findingsTruncated).toBe(true);
    expect(res.body.error.findingCounts.byCode['id.duplicate']).toBeGreaterThanOrEqual(SYNC_LIMITS.maxChangesPerRequest);
    expect(res.body.error.errorRows).toBe(res.body.error.findingCounts.rows);
    expect(Buffer.byteLength(res.text)).toBeLessThan(2_000_000);
  }, 60_000);
});
