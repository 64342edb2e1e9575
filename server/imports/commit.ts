/**
 * The commit of a ready import, in one transaction: a roster replaces the county's roster; a
 * departmental file links the people on a lead open at the commit (not as the dry run saw them) and
 * has the leads module create, number and place the new leads.
 */
import type { ImportSummary } from '../../ledger/api/leads';
import { defined } from '../../ledger/defined';
import { buildRosterIndex, linkLeads, type MatchLead, type MatchResult } from '../../ledger/matching';
import type { SourceCode } from '../../ledger/sources';
import type { AppDeps, AuthUser } from '../app-deps';
import type { SqlDatabase } from '../db/database';
import { AppError } from '../http/errors';
import { chinaDate } from '../../ledger/dates';
import { countyPolicy } from '../policy/county-policy';
import { recordFurtherFindings } from '../leads/further-findings';
import { createLeads, formatLeadNo, type Actor } from '../leads/lifecycle';
import { leadStore } from '../leads/store';
import { CountyUnits } from '../units/county-units';
import { openLeadsOf, primeRosterIndex } from './match-context';
import { storeMonthlyTotals } from './monthly-totals';
import { placeLeads } from './placement';
import type { Plan } from './read';
import type { RosterFileRecord } from './read-files';
import { committedSummary, isExpired } from './retention';
import { importStatus, importRow, type ImportStatus } from './status';
import { importStore, type ImportRow } from './store';

/**
 * Writes a ready import in one transaction: roster → replaces the county's roster; source →
 * links the people on a lead open now (linked again, not the dry run's marks), places and numbers
 * the new leads. A committed import returns its summary again; the same file committed earlier
 * returns that earlier summary (duplicateOf) and creates nothing.
 */
export async function commitImport(deps: AppDeps, user: AuthUser, countyCode: string, importId: string, requestId: string): Promise<ImportStatus> {
  const now = deps.now();
  const nowIso = now.toISOString();
  let rosterCommitted: RosterFileRecord[] | undefined;
  await deps.db.transaction(async (tx) => {
    const imports = importStore(tx);
    const row = await importRow(tx, countyCode, importId);
    if (isExpired(deps, row)) throw new AppError('import_not_found');
    if (row.state === 'committed') {
      // A repeated commit changes nothing and returns the earlier result; it is audited all the same.
      await deps.audit.record({ user, action: 'import.commit_repeat', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period } }, tx);
      return;
    }
    if (row.state !== 'ready') {
      throw new AppError(row.state === 'reading' ? 'import_still_reading' : 'import_failed', {}, { extra: { state: row.state } });
    }
    const earlier = await imports.committedWithHash(countyCode, row.sha256, row.id);
    if (earlier) {
      const summary = { ...(JSON.parse(defined(earlier.summary_json, `summary of import ${earlier.id}`)) as ImportSummary), duplicateOf: earlier.id };
      await imports.markCommitted(
        row.id,
        JSON.stringify(committedSummary({ ...summary, importId: row.id, leadsNew: 0, leadsLinked: 0, committedAt: nowIso, duplicateOf: earlier.id })),
        user.username,
        nowIso,
      );
      await deps.audit.record(
        { user, action: 'import.commit', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period, duplicateOf: earlier.id, created: 0, linked: 0 } },
        tx,
      );
      return;
    }
    const plan = JSON.parse(defined(row.plan_json, `plan of import ${row.id}`)) as Plan;
    const summary = JSON.parse(defined(row.summary_json, `summary of import ${row.id}`)) as ImportSummary & Record<string, unknown>;
    let detail: Record<string, number>;
    if (plan.kind === 'roster') {
      detail = await commitRoster(tx, countyCode, row.id, plan.records);
      rosterCommitted = plan.records;
      Object.assign(summary, { rosterPeople: detail.people });
    } else {
      detail = await commitLeads(tx, user, countyCode, row, plan.result, now);
      Object.assign(summary, {
        leadsNew: detail.created,
        leadsLinked: detail.linked,
        unassigned: detail.unassigned,
        firstLeadNo: detail.created > 0 ? formatLeadNo(countyCode, row.period, detail.firstSeq) : null,
        lastLeadNo: detail.created > 0 ? formatLeadNo(countyCode, row.period, detail.firstSeq + detail.created - 1) : null,
      });
    }
    Object.assign(summary, { state: 'committed', committedAt: nowIso });
    await imports.markCommitted(row.id, JSON.stringify(committedSummary(summary)), user.username, nowIso);
    const { firstSeq: _first, ...counts } = detail;
    await deps.audit.record({ user, action: 'import.commit', target: countyCode, requestId, detail: { importId: row.id, source: row.source, period: row.period, ...counts } }, tx);
  });
  if (rosterCommitted) {
    // The new roster is what the next departmental import matches against: index it once now, with
    // this year's county policy (an import of another year's period builds its own).
    const policy = await countyPolicy(deps.db, countyCode, Number(chinaDate(now).slice(0, 4)));
    primeRosterIndex(deps.db, countyCode, importId, policy, buildRosterIndex(rosterCommitted, policy));
  }
  return importStatus(deps, countyCode, importId);
}

async function commitRoster(tx: SqlDatabase, countyCode: string, importId: string, records: readonly RosterFileRecord[]): Promise<Record<string, number>> {
  const units = await CountyUnits.load(tx, countyCode);
  const cache = new Map<string, string | null>();
  const people = records.map((r) => {
    const key = `${r.township ?? ''}\u0000${r.village ?? ''}`;
    let unit = cache.get(key);
    if (unit === undefined) {
      const found = units.resolve(r.township, r.village);
      unit = found.village?.code ?? found.township?.code ?? null;
      cache.set(key, unit);
    }
    return {
      idNumber: r.idNumber,
      name: r.name,
      category: r.category,
      status: r.status ?? '在保',
      townshipName: r.township ?? null,
      villageName: r.village ?? null,
      unitCode: unit,
    };
  });
  await importStore(tx).replaceRoster(countyCode, importId, people);
  return { people: records.length, firstSeq: 0 };
}

async function commitLeads(
  tx: SqlDatabase,
  user: AuthUser,
  countyCode: string,
  row: ImportRow,
  result: MatchResult,
  now: Date,
): Promise<{ created: number; linked: number; unassigned: number; firstSeq: number }> {
  const nowIso = now.toISOString();
  const actor: Actor = { username: user.username, unitCode: user.unit.code };
  // Link again against the leads open now (any source and period: one person, one lead), not the dry
  // run's marks: a lead committed since then takes the person, and a lead closed since then no longer
  // does (the finding becomes a new lead instead of history on a finished one).
  const fresh: MatchLead[] = [];
  const links: { lead: MatchLead; target: string }[] = [];
  for (const lead of linkLeads(result, { openLeads: await openLeadsOf(tx, countyCode) }).leads) {
    if (lead.linkedTo) links.push({ lead, target: lead.linkedTo.target });
    else fresh.push(lead);
  }
  const units = await CountyUnits.load(tx, countyCode);
  const placed = await placeLeads(tx, units, fresh);
  const created = await createLeads(
    tx,
    { countyCode, source: row.source, period: row.period, importId: row.id, note: `由导入生成（${row.file_name}）` },
    fresh.map((lead, i) => ({
      rule: lead.rule,
      reason: lead.reason,
      category: lead.category,
      channel: lead.channel,
      coverage: lead.coverage,
      idNumber: lead.idNumber,
      name: lead.name,
      detail: { sourceRows: lead.sourceRows, ...(lead.rosterName !== undefined ? { rosterName: lead.rosterName } : {}) },
      township: placed[i].township,
      village: placed[i].village,
      assignedBy: placed[i].by,
      excelRow: lead.sourceRows[0] ?? null,
    })),
    actor,
    now,
  );
  // The open lead a person was linked to lists this source and reason too (history says so).
  await recordFurtherFindings(tx, links, { source: row.source as SourceCode, period: row.period, importId: row.id }, actor, now);
  if (result.monthlyTotals) await storeMonthlyTotals(tx, countyCode, row.id, result.monthlyTotals);
  await leadStore(tx).insertLinks(
    links.map((link) => ({ importId: row.id, excelRow: link.lead.sourceRows[0] ?? null, kind: 'lead' as const, target: link.target, rule: link.lead.rule, at: nowIso })),
  );
  return { created: created.created, linked: links.length, unassigned: created.unassigned, firstSeq: created.firstSeq };
}
