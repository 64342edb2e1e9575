/**
 * A minimal sync client for the tests and benches: keeps rows with their versions, pushes pending
 * changes with their base versions, applies pulled changes (dedupe by version), pages until done.
 */
import { randomUUID } from 'crypto';
import type { SyncConflict, SyncResponse } from '../../ledger/api/sync';

export type Values = Record<string, unknown>;

export interface ClientRow {
  version: number;
  values: Values;
  deleted: boolean;
}

export interface Pending {
  rowId: string;
  baseVersion: number;
  values: Values;
  deleted?: boolean;
}

export type Sender = (body: unknown) => Promise<{ status: number; body: any }>;

export class SyncClient {
  readonly rows = new Map<string, ClientRow>();
  pending = new Map<string, Pending>();
  cursor = 0;
  conflicts: SyncConflict[] = [];

  constructor(
    readonly clientId: string,
    private readonly send: Sender,
  ) {}

  /** A new row made locally (version 0 until the server acknowledges it). */
  create(values: Values): string {
    const rowId = randomUUID();
    this.rows.set(rowId, { version: 0, values: { ...values }, deleted: false });
    this.pending.set(rowId, { rowId, baseVersion: 0, values: { ...values } });
    return rowId;
  }

  /** A local edit of some fields (only the changed fields are pushed). */
  edit(rowId: string, changes: Values): void {
    const row = this.rows.get(rowId)!;
    Object.assign(row.values, changes);
    const pending = this.pending.get(rowId);
    if (pending) Object.assign(pending.values, changes);
    else this.pending.set(rowId, { rowId, baseVersion: row.version, values: { ...changes } });
  }

  remove(rowId: string): void {
    const row = this.rows.get(rowId)!;
    row.deleted = true;
    const pending = this.pending.get(rowId);
    this.pending.set(rowId, { rowId, baseVersion: pending?.baseVersion ?? row.version, values: pending?.values ?? {}, deleted: true });
  }

  /** One round trip; returns the response. */
  async syncOnce(requestId = randomUUID(), pullLimit?: number): Promise<SyncResponse> {
    const changes = [...this.pending.values()];
    const res = await this.send({ clientId: this.clientId, requestId, cursor: this.cursor, changes, ...(pullLimit ? { pullLimit } : {}) });
    if (res.status !== 200) throw new Error(`sync failed: ${res.status} ${JSON.stringify(res.body)}`);
    const body = res.body as SyncResponse;
    this.absorb(changes, body);
    return body;
  }

  absorb(sent: Pending[], body: SyncResponse): void {
    const conflicted = new Set(body.conflicts.map((c) => c.rowId));
    for (const applied of body.applied) {
      this.pending.delete(applied.rowId);
      const row = this.rows.get(applied.rowId);
      if (row && applied.version > row.version) row.version = applied.version;
    }
    // Nothing was written for these: the server's row (pulled) already has what was sent.
    for (const entry of body.unchanged) this.pending.delete(entry.rowId);
    for (const conflict of body.conflicts) this.conflicts.push(conflict);
    for (const change of body.changes) {
      const row = this.rows.get(change.rowId);
      if (conflicted.has(change.rowId) && this.pending.has(change.rowId)) continue; // keep local edits until resolved
      if (!row || row.version <= change.version) {
        this.rows.set(change.rowId, { version: change.version, values: { ...change.values }, deleted: change.deleted });
      }
    }
    this.cursor = body.cursor;
    void sent;
  }

  /** Syncs until nothing more to pull. */
  async syncAll(pullLimit?: number): Promise<SyncResponse[]> {
    const out: SyncResponse[] = [];
    for (let i = 0; i < 1000; i++) {
      const body = await this.syncOnce(undefined, pullLimit);
      out.push(body);
      if (!body.hasMore) break;
    }
    return out;
  }

  /** Resolves every open conflict by keeping the local values, re-based on the server version. */
  keepMine(): void {
    for (const conflict of this.conflicts) {
      const pending = this.pending.get(conflict.rowId);
      if (pending) pending.baseVersion = conflict.serverVersion;
    }
    this.conflicts = [];
  }

  /** Live rows as rowId → values with empty values dropped (for comparisons). */
  snapshot(): Record<string, Values> {
    const out: Record<string, Values> = {};
    for (const [rowId, row] of this.rows) {
      if (row.deleted) continue;
      out[rowId] = Object.fromEntries(Object.entries(row.values).filter(([, v]) => v !== null && v !== '' && v !== undefined));
    }
    return out;
  }
}
