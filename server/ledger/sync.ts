/**
 * The sync service: one push-and-pull request of a village ledger, as one transaction.
 *
 *   1. A request id seen before → its stored first answer; nothing is applied again. The same id
 *      with different content is refused (409 request_id_reused): its changes would be lost.
 *   2. Each change is decided by the pure three-way merge (ledger/sync-merge.ts, the deleted flag
 *      merged like a field): applied (a new version), merged field by field, unchanged (nothing to
 *      write — never reported as applied), or a conflict returned with both versions.
 *   3. Applied rows are re-validated with the ledger core; rows with errors are stored anyway
 *      (a working document) and their findings returned — they block the monthly submission.
 *   4. New versions are written in bulk (current row + append-only history with who, when, which
 *      client and request); the leads that follow the ledger are moved on (a row naming another
 *      person's lead gets their finding in the answer); the write is audited.
 *   5. Rows changed after the client's cursor are returned (paged), with the next cursor.
 */
import { createHash } from 'crypto';
import {
  capRowFindings,
  SYNC_LIMITS,
  SyncRequestSchema,
  wholeRow,
  type RowChange,
  type RowFindings,
  type SyncConflict,
  type SyncRequest,
  type SyncResponse,
} from '../../ledger/api/sync';
import { compactValues, decideMerge, storedAsSent, type RowState } from '../../ledger/sync-merge';
import type { Finding, LedgerValues } from '../../ledger/types';
import type { AuditLog, LedgerRowsSynced } from '../app-deps';
import { AppError } from '../http/errors';
import type { AuthUser } from '../http/route-table';
import { checkRows, policyForVillage, villageNameOf, type RowCheck } from './revalidate';
import { chinaDate } from '../../ledger/dates';
import { checkRowsAsync } from './validation-pool';
import { settleAll } from '../db/database';
import { defined } from '../../ledger/defined';
import type { LedgerStore, RowVersionWrite, StoredRow, WriteContext } from './store';

/** Pushes of more changes than this are bulk work for the database queue (TransactionOptions.bulk). */
export const INTERACTIVE_MAX_CHANGES = 20;

export interface SyncEnv {
  store: LedgerStore;
  audit: AuditLog;
  now: () => Date;
  /** The leads that follow the ledger (AppDeps.onLedgerRowsSynced); absent where no module follows it (store tests, benches). */
  onRowsSynced?: LedgerRowsSynced;
}

export interface SyncCaller {
  user: AuthUser | null;
  /** The HTTP request id (audit trail); distinct from the protocol's requestId. */
  httpRequestId: string;
  /** SHA-256 (hex) of the request's body as sent (http/json-body.ts rawBodyHash); absent in-process. */
  bodyHash?: string;
}

export interface SyncOutcome {
  response: SyncResponse;
  /** true when this was a retry answered from the stored first answer. */
  replayed: boolean;
}

export function toRowChange(row: StoredRow): RowChange {
  return { rowId: row.rowId, version: row.version, values: wholeRow(row.values), deleted: row.deleted };
}

/** The lead number a row names, as the leads hook reads it (trimmed, upper case; '' = none). */
function leadNoOf(value: unknown): string {
  const text = Array.isArray(value) ? value.join('、').trim() : value === null || value === undefined ? '' : String(value).trim();
  return text.toUpperCase();
}

function stateOf(row: StoredRow | undefined): RowState | null {
  return row ? { version: row.version, values: row.values, deleted: row.deleted } : null;
}

/** SHA-256 of a request's content as given (without its requestId). */
function contentHashOf(request: SyncRequest): string {
  const { requestId: _requestId, ...content } = request;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/**
 * The content hash answers were kept with before bodies were hashed as sent: of the request as
 * the schema gives it (its key order, whatever order the sender used), without the requestId.
 */
export function requestHashOf(request: SyncRequest): string {
  return contentHashOf(SyncRequestSchema.parse(request));
}

/** How a kept answer's hash says what it is of: the body sent over HTTP, or the content an in-process caller gave. */
const BODY_HASH_PREFIX = 'body:';
const CONTENT_HASH_PREFIX = 'content:';

/** The hash kept with a request's answer: of its body as sent, else of its content. */
function keptHashOf(request: SyncRequest, caller: SyncCaller): string {
  return caller.bodyHash !== undefined ? `${BODY_HASH_PREFIX}${caller.bodyHash}` : `${CONTENT_HASH_PREFIX}${contentHashOf(request)}`;
}

/**
 * Whether a retry (`requestHash`: its keptHashOf) is the request whose answer was kept. A client
 * retries by sending its request again, byte for byte: over HTTP the body's hash must match; an
 * in-process caller gives the same content again. Answers kept by older servers: with a content hash in the schema's key order
 * (requestHashOf), or with none (null), which replay as before. Anything else under the same
 * requestId is a client bug that would otherwise lose the new changes.
 */
function isSameRequest(keptHash: string | null, requestHash: string, request: SyncRequest): boolean {
  if (keptHash === null) return true;
  if (keptHash.startsWith(BODY_HASH_PREFIX) || keptHash.startsWith(CONTENT_HASH_PREFIX)) return keptHash === requestHash;
  return keptHash === requestHashOf(request);
}

function requestIdReused(requestId: string): AppError {
  return new AppError('request_id_reused', {}, {
    issues: [{ path: 'body.requestId', message: `请求编号已被另一内容使用 (requestId already used for other content): ${requestId.slice(0, 100)}` }],
  });
}

export async function syncLedger(env: SyncEnv, villageCode: string, request: SyncRequest, caller: SyncCaller): Promise<SyncOutcome> {
  const changes = request.changes.map((change) => ({ ...change, rowId: change.rowId.toLowerCase() }));
  const seen = new Set<string>();
  changes.forEach((change, index) => {
    if (seen.has(change.rowId)) {
      // A row may appear only once per request.
      throw new AppError('invalid_request', {}, {
        issues: [{ path: `body.changes.${index}.rowId`, message: '同一请求中同一记录只能出现一次 (duplicate rowId)' }],
      });
    }
    seen.add(change.rowId);
  });

  const requestHash = keptHashOf(request, caller);
  const now = env.now();
  const at = now.toISOString();
  const today = chinaDate(now);
  const [policy, villageName] = await Promise.all([policyForVillage(env.store.db, villageCode, today), villageNameOf(env.store.db, villageCode)]);

  // Validation is the costly CPU part: done before the transaction (so it overlaps other requests'
  // database work) for the rows that will be created as sent — nearly every row of a first push —
  // and, for a large push, on a worker thread (validation-pool.ts) so the event loop stays free.
  // Rows whose values depend on the server's current row are validated inside the transaction.
  const fresh = changes.filter((change) => change.baseVersion === 0 && change.deleted !== true);
  const freshValues = fresh.map((change) => compactValues(change.values as LedgerValues));
  const freshChecks = await checkRowsAsync(freshValues, today, policy, villageName);
  const prechecked = new Map(fresh.map((change, index) => [change.rowId, { values: freshValues[index], check: freshChecks[index] }]));

  return env.store.transaction(
    async (store) => {
      const ctx: WriteContext = {
        villageCode,
        userId: caller.user?.id ?? null,
        userName: caller.user?.username ?? null,
        clientId: request.clientId,
        requestId: request.requestId,
        at,
      };
      const cursorIn = request.cursor ?? 0;
      const limit = request.pullLimit ?? SYNC_LIMITS.defaultPullLimit;

      // Every read the request needs, issued at once (one round trip to the database thread instead
      // of one per statement; the transaction holds the connection, so they see one state). The pull
      // page is read before the writes with room for the rows this request rewrites; it is completed
      // with the new versions below (they take the highest sequence numbers).
      const [previous, current, seqBefore, pageBefore] = await settleAll([
        store.findSyncResponse(villageCode, request.requestId),
        store.getRows(
          villageCode,
          changes.map((change) => change.rowId),
        ),
        store.lastSeq(villageCode),
        store.changesAfter(villageCode, cursorIn, limit + 1 + changes.length),
      ] as const);
      if (previous) {
        if (!isSameRequest(previous.requestHash, requestHash, request)) throw requestIdReused(request.requestId);
        return { response: previous.response, replayed: true };
      }

      // History of the rows changed on an older version (field merge), all fetched together.
      const history = new Map<string, { base: Omit<RowState, 'version'> | null; changedSinceBase: Set<string> }>();
      const stale = changes.filter((change) => {
        const row = current.get(change.rowId);
        return row !== undefined && change.baseVersion < row.version;
      });
      if (stale.length > 0) {
        const fetched = await settleAll(
          stale.map(async (change) => {
            const [base, changedSinceBase] = await settleAll([
              change.baseVersion > 0 ? store.getVersion(villageCode, change.rowId, change.baseVersion) : Promise.resolve(undefined),
              store.changedFieldsSince(villageCode, change.rowId, change.baseVersion),
            ] as const);
            return { rowId: change.rowId, base: base ?? null, changedSinceBase };
          }),
        );
        for (const entry of fetched) history.set(entry.rowId, { base: entry.base, changedSinceBase: entry.changedSinceBase });
      }

      const applied: SyncResponse['applied'] = [];
      const unchanged: SyncResponse['unchanged'] = [];
      const conflicts: SyncConflict[] = [];
      const writes: Omit<RowVersionWrite, 'seq' | 'errors' | 'warnings' | 'findings'>[] = [];

      for (const change of changes) {
        const row = current.get(change.rowId);
        const state = stateOf(row);
        const past = history.get(change.rowId);
        const decision = decideMerge({
          current: state,
          base: past?.base ?? null,
          changedSinceBase: past?.changedSinceBase ?? new Set<string>(),
          change: { baseVersion: change.baseVersion, values: change.values as LedgerValues, deleted: change.deleted },
        });
        if (decision.kind === 'noop') {
          unchanged.push({ rowId: change.rowId, serverVersion: row?.version ?? 0 });
        } else if (decision.kind === 'conflict') {
          conflicts.push({
            rowId: change.rowId,
            reason: decision.reason,
            baseVersion: change.baseVersion,
            serverVersion: row?.version ?? 0,
            fields: decision.fields,
            server: { version: row?.version ?? 0, values: wholeRow(row?.values ?? {}), deleted: row?.deleted ?? false },
            client: { baseVersion: change.baseVersion, values: change.values, deleted: change.deleted === true },
          });
        } else {
          const version = (row?.version ?? 0) + 1;
          writes.push({
            rowId: change.rowId,
            version,
            deleted: decision.deleted,
            values: decision.values,
            changed: decision.changed,
            merged: decision.merged,
            isNew: row === undefined,
          });
          applied.push({ rowId: change.rowId, version, merged: decision.merged });
        }
      }

      // Findings by row, in the order of the writes (the answer lists them in request order).
      const findingsByRow = new Map<string, RowFindings>();
      let written: RowVersionWrite[] = [];
      if (writes.length > 0) {
        const checkByRow = new Map<string, RowCheck>();
        const rest: typeof writes = [];
        for (const write of writes) {
          if (write.deleted) continue;
          const pre = write.isNew ? prechecked.get(write.rowId) : undefined;
          if (pre) {
            write.values = pre.values; // the same content as the decision's (a new row is stored as sent)
            checkByRow.set(write.rowId, pre.check);
          } else rest.push(write);
        }
        const restChecks = checkRows(
          rest.map((write) => write.values),
          today,
          policy,
          villageName,
        );
        rest.forEach((write, index) => checkByRow.set(write.rowId, restChecks[index]));
        const firstSeq = seqBefore + 1;
        written = writes.map((write, index) => {
          const check = checkByRow.get(write.rowId);
          if (check && check.findings.length > 0) {
            findingsByRow.set(write.rowId, { rowId: write.rowId, errors: check.errors, warnings: check.warnings, findings: check.findings });
          }
          return {
            ...write,
            seq: firstSeq + index,
            errors: check?.errors ?? 0,
            warnings: check?.warnings ?? 0,
            findings: check?.findings ?? [],
          };
        });
      }

      // The pull page: the rows changed after the cursor as read before the writes, less those this
      // request rewrites, then the new versions (their sequence numbers come after every other) —
      // except those stored exactly as sent: `applied` gives their version, and the client already
      // shows their values (for a village's push of new rows, echoing them was most of the answer).
      const rewritten = new Set(written.map((write) => write.rowId));
      const page: StoredRow[] = pageBefore.filter((row) => !rewritten.has(row.rowId)).slice(0, limit + 1);
      const sentById = new Map(changes.map((change) => [change.rowId, change]));
      for (const write of written) {
        if (page.length > limit) break;
        const sent = sentById.get(write.rowId);
        if (sent && storedAsSent(write, { values: sent.values as LedgerValues, deleted: sent.deleted })) continue;
        page.push({ ...write, updatedAt: at, updatedBy: ctx.userName });
      }
      const hasMore = page.length > limit;
      const pulled = hasMore ? page.slice(0, limit) : page;
      // With more to come, the next page starts after this one. Otherwise every change up to this
      // request's last version was pulled or is the client's own as sent. A cursor ahead of the
      // server (e.g. restored from a backup) falls back to the server's last change.
      const cursor = hasMore
        ? pulled[pulled.length - 1].seq
        : written.length > 0
          ? seqBefore + written.length
          : pulled.length > 0
            ? pulled[pulled.length - 1].seq
            : Math.min(cursorIn, seqBefore);

      const findings = (): RowFindings[] => written.flatMap((write) => findingsByRow.get(write.rowId) ?? []);
      const answer = (): SyncResponse => ({
        applied,
        unchanged,
        conflicts,
        changes: pulled.map(toRowChange),
        cursor,
        hasMore,
        ...capRowFindings(findings()),
      });

      // Only rows that can concern a lead: a lead of this village has the number they name, or
      // points at them without one being named — exactly the rows onLedgerRowsSynced acts on
      // (it skips unknown numbers and other villages' leads), found in one indexed query.
      const named = new Map<string, string>();
      for (const write of written) {
        if (write.deleted) continue;
        const leadNo = leadNoOf((write.values as Record<string, unknown>).leadNo);
        if (leadNo) named.set(write.rowId, leadNo);
      }
      // The writes, the answer kept for retries and the audit entry, all issued at once: one round
      // trip to the database thread. Nothing is answered before the transaction commits, so the
      // answer may be kept beside the rows it reports; each write is guarded (writeGuard), so none
      // is kept on its own should the database roll the transaction back under the others.
      // When a row names a lead, the leads may add a finding (lead.id_mismatch): then the answer
      // is kept once they have been moved on — one more round trip, only for such pushes.
      const early = named.size === 0 ? answer() : undefined;
      const keep = [
        early ? store.saveSyncResponse(ctx, early, requestHash) : Promise.resolve(),
        env.audit.record(
          {
            user: caller.user,
            action: 'ledger.sync',
            target: villageCode,
            requestId: caller.httpRequestId,
            detail: {
              written: writes.length,
              applied: applied.length,
              unchanged: unchanged.length,
              conflicts: conflicts.length,
              pulled: pulled.length,
              rowsWithErrors: findings().filter((entry) => entry.errors > 0).length,
            },
          },
          store.db,
        ),
      ] as const;
      if (written.length === 0) {
        await settleAll(keep);
        return { response: defined(early, 'the answer of a push that wrote nothing'), replayed: false };
      }
      const [reserved, , links] = await settleAll([
        store.reserveSeq(villageCode, written.length),
        store.writeRows(ctx, written),
        store.leadLinks(
          villageCode,
          // every row, naming a lead or not: a later lead may have been pulled onto a row that names an earlier one
          written.filter((write) => !write.deleted).map((write) => write.rowId),
          [...new Set(named.values())],
        ),
        ...keep,
      ] as const);
      // The transaction holds the write lock: the sequence read above is still the last one.
      if (reserved !== seqBefore + 1) throw new Error(`ledger sequence moved during the transaction (${reserved} ≠ ${seqBefore + 1})`);
      const forLeads = written.filter((write) => {
        if (write.deleted) return false;
        const leadNo = named.get(write.rowId);
        return (leadNo !== undefined && links.leadNos.has(leadNo)) || links.rowIds.has(write.rowId);
      });
      // Findings the leads give on the rows (only while the answer is still to be kept). They go in
      // the answer, not into the row's stored findings: they depend on a lead, not on the row alone.
      const report = (rowId: string, finding: Finding): void => {
        const entry = findingsByRow.get(rowId) ?? { rowId, errors: 0, warnings: 0, findings: [] };
        entry.findings = [...entry.findings, finding];
        if (finding.severity === 'error') entry.errors++;
        else entry.warnings++;
        findingsByRow.set(rowId, entry);
      };
      if (forLeads.length > 0 && env.onRowsSynced) {
        await env.onRowsSynced(
          store.db,
          villageCode,
          forLeads.map((write) => ({ rowId: write.rowId, values: write.values as Record<string, unknown>, deleted: write.deleted, findings: write.findings })),
          { now, user: caller.user, ...(early ? {} : { report }) },
        );
      }
      if (early) return { response: early, replayed: false };
      const response = answer();
      await store.saveSyncResponse(ctx, response, requestHash);
      return { response, replayed: false };
    },
    // A large push waits behind other users' short requests (a sign-in, a one-row push).
    { bulk: changes.length > INTERACTIVE_MAX_CHANGES },
  );
}
