/**
 * One person, one lead: when a later import finds a person who is already on an open lead (another
 * source in the same period — 医保 + 重特大疾病 + 信访 — or an earlier period), no lead is made; the
 * open lead records the new finding in its history and in its list of findings (source, period,
 * rule, reason), so the village visits once knowing every reason.
 */
import { MATCH_RULE_CODES, type MatchLead, type MatchRuleCode } from '../../ledger/matching';
import { isSourceCode, periodLabel, sourceByCode, type SourceCode } from '../../ledger/sources';
import type { SqlDatabase } from '../db/database';
import { addHistory, type Actor } from './lifecycle';
import { leadStore } from './store';
import type { LocalizedText } from '../../ledger/text';

function isMatchRuleCode(code: string): code is MatchRuleCode {
  return (MATCH_RULE_CODES as readonly string[]).includes(code);
}

export interface LeadFinding {
  source: string;
  period: string;
  rule: string;
  reason: LocalizedText;
  importId: string;
  at: string;
}

/** Adds each linked finding to its open lead (history entry + detail_json.findings); returns how many. */
export async function recordFurtherFindings(
  tx: SqlDatabase,
  links: readonly { lead: MatchLead; target: string }[],
  from: { source: SourceCode; period: string; importId: string },
  actor: Actor,
  at: Date,
): Promise<number> {
  const name = sourceByCode(from.source).name;
  const label = periodLabel(from.period);
  const leads = leadStore(tx);
  let recorded = 0;
  for (const { lead, target } of links) {
    const row = await leads.get(target);
    if (!row) continue;
    const detail = row.detail_json ? (JSON.parse(row.detail_json) as { findings?: LeadFinding[] } & Record<string, unknown>) : {};
    const findings = detail.findings ?? [];
    findings.push({ source: from.source, period: from.period, rule: lead.rule, reason: lead.reason, importId: from.importId, at: at.toISOString() });
    await leads.setDetail(target, JSON.stringify({ ...detail, findings }), at.toISOString());
    const same = row.source === from.source && row.period === from.period;
    const note = same
      ? `再次导入发现（${label.zh}${name.zh}数据）：${lead.reason.zh}`
      : `另经${label.zh}${name.zh}数据发现：${lead.reason.zh}（同一人只保留一条线索）`;
    await addHistory(tx, target, row.state, row.state, actor, at, note);
    recorded++;
  }
  return recorded;
}

/** Every source and reason behind a lead: its own first, then those recorded by later imports. */
export function leadFindings(row: { source: string; period: string; rule: string; reason_zh: string; reason_en: string; detail_json: string | null }): {
  source: SourceCode;
  period: string;
  rule: MatchRuleCode;
  reason: LocalizedText;
}[] {
  const later = row.detail_json ? ((JSON.parse(row.detail_json) as { findings?: LeadFinding[] }).findings ?? []) : [];
  return [{ source: row.source, period: row.period, rule: row.rule, reason: { zh: row.reason_zh, en: row.reason_en } }, ...later]
    .filter((f): f is typeof f & { source: SourceCode; rule: MatchRuleCode } => isSourceCode(f.source) && isMatchRuleCode(f.rule))
    .map((f) => ({ source: f.source, period: f.period, rule: f.rule, reason: f.reason }));
}
