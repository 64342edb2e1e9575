/**
 * 汇总: a township's or county's summary for a month — key figures, the units below as bars (click
 * one to drill down, the breadcrumb goes back up), leads by source with on-time / overdue /
 * closure rates, ledger rows by each of the five dimensions, the villages' submission states
 * (未提交 shown as such, never as zero), cross-village duplicates (masked), and the consolidated
 * rows pulled into a new worksheet (page by page, one write each, cancellable).
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import type { DuplicatesResponse, SummaryResponse } from '../../../ledger/api/reports';
import { LEDGER_COLUMNS } from '../../../ledger/columns';
import { SUMMARY_DIMENSIONS, type SummaryDimension } from '../../../ledger/reports/facts';
import { SUBMISSION_DISPLAY_STATES } from '../../../ledger/reports/summary';
import { useLedger, useStrings } from '../../app/HostProvider';
import { useSession } from '../signin/session-context';
import { useServerCall } from '../signin/SignIn';
import { StaffOnlyPane } from '../signin/StaffOnlyPane';
import { SubmissionStateBadge } from '../../app/SubmissionStateBadge';
import { REVIEWER_STATE_LABELS, type ReviewerState } from '../../../ledger/review-states';
import { Bars } from './Bars';
import { StackedBars, type StackedItem } from './StackedBars';
import { LEAD_STATE_COLOR } from './state-colors';
import { recentMonths } from './months';
import { pullRowsIntoSheet } from './pull-rows';
import { TABLE_SHEET_PREFIX } from '../../host/sheet-name';
import { SUMMARY_STRINGS } from './strings';

type UnitRef = SummaryResponse['unit'];
type Figures = SummaryResponse['figures'];

/** Villages listed before "show all" (a county has hundreds). */
const VILLAGES_SHOWN = 12;

const useStyles = makeStyles({
  picks: { display: 'flex', gap: '8px', alignItems: 'end' },
  grow: { flex: 1 },
  crumbs: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '2px', margin: '6px 0 2px', padding: 0, listStyle: 'none' },
  crumbSep: { color: tokens.colorNeutralForeground3, padding: '0 2px' },
  current: { fontWeight: 600, padding: '0 4px' },
  kpis: { display: 'grid', gridTemplateColumns: '1fr 1fr 1fr', gap: '6px', margin: '6px 0' },
  kpi: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '4px 6px',
    display: 'flex',
    flexDirection: 'column',
    minWidth: 0,
  },
  kpiValue: { fontSize: '18px', lineHeight: '24px', fontWeight: 600, fontVariantNumeric: 'tabular-nums' },
  kpiWarn: { color: tokens.colorPaletteRedForeground1 },
  kpiLabel: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase100, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
  section: { display: 'flex', flexDirection: 'column', gap: '4px', marginTop: '10px' },
  h2: { fontSize: '14px', fontWeight: 600, margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  children: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  child: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    width: '100%',
    textAlign: 'left',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '4px 8px',
    background: tokens.colorNeutralBackground1,
    cursor: 'pointer',
    font: 'inherit',
    color: 'inherit',
    ':hover': { background: tokens.colorNeutralBackground1Hover, border: `1px solid ${tokens.colorBrandStroke1}` },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  childTop: { display: 'flex', justifyContent: 'space-between', gap: '6px', alignItems: 'baseline' },
  childName: { fontWeight: 600, color: tokens.colorBrandForeground1 },
  childStats: { display: 'flex', flexWrap: 'wrap', gap: '2px 8px', fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  warn: { color: tokens.colorPaletteRedForeground1 },
  track: { height: '6px', background: tokens.colorNeutralBackground3, borderRadius: tokens.borderRadiusSmall, overflow: 'hidden' },
  bar: { display: 'block', height: '100%', background: tokens.colorBrandBackground },
  villages: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gridTemplateColumns: '1fr auto', gap: '2px 8px', fontSize: tokens.fontSizeBase200 },
  villageName: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  dups: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px', fontSize: tokens.fontSizeBase200 },
  dup: { borderLeft: `3px solid ${tokens.colorPaletteRedBorder2}`, paddingLeft: '6px' },
  pull: { display: 'flex', gap: '8px', alignItems: 'center' },
});

export function SummaryPane() {
  return <StaffOnlyPane villageNote={SUMMARY_STRINGS['role.village']}>{(user) => <Summary user={user} />}</StaffOnlyPane>;
}

function percent(rate: number | null, none: string): string {
  return rate === null ? none : `${Math.round(rate * 100)}%`;
}

function Summary({ user }: { user: SessionUser }) {
  const styles = useStyles();
  const t = useStrings(SUMMARY_STRINGS);
  const { setProgress, host, locale } = useLedger();
  const { session } = useSession();
  const en = locale === 'en-US';
  const ids = useId();
  const [months] = useState(() => recentMonths());
  const [month, setMonth] = useState(months[0]);
  const [trail, setTrail] = useState<UnitRef[]>([user.unit]);
  const [summary, setSummary] = useState<SummaryResponse | null>(null);
  const [dimension, setDimension] = useState<SummaryDimension>('categories');
  const [allVillages, setAllVillages] = useState(false);
  const [duplicates, setDuplicates] = useState<DuplicatesResponse | null>(null);
  const [pulled, setPulled] = useState<{ sheet: string; rows: number; cancelled: boolean } | null>(null);
  const [pulling, setPulling] = useState<{ rows: number; stopping: boolean } | null>(null);
  const cancel = useRef(false);
  const unit = trail[trail.length - 1];

  /** A server call under the pane's busy bar; a 401 signs out (the form shows again). */
  const serverCall = useServerCall();

  const load = useCallback(async () => {
    if (!session) return;
    const answer = await serverCall(t('loading'), () => session.client.summary(unit.code, month));
    if (answer) {
      setSummary(answer);
      setDuplicates(null);
      setAllVillages(false);
    }
  }, [session, serverCall, t, unit.code, month]);

  useEffect(() => {
    void load();
  }, [load]);

  async function loadDuplicates() {
    if (!session) return;
    const answer = await serverCall(t('dups.loading'), () => session.client.duplicates(unit.code));
    if (answer) setDuplicates(answer);
  }

  async function pull() {
    if (!session || !host) return;
    cancel.current = false;
    setPulled(null);
    setPulling({ rows: 0, stopping: false });
    const result = await serverCall(t('pull.busy', { rows: 0 }), () =>
      pullRowsIntoSheet({
        host,
        fetchPage: (after, limit) => session.client.consolidatedRows(unit.code, after, limit),
        // the stem marks the sheet as consolidated rows, never a ledger (in every locale)
        sheetName: `${TABLE_SHEET_PREFIX} ${unit.name} ${month}`,
        columns: LEDGER_COLUMNS.length,
        cancelled: () => cancel.current,
        onProgress: ({ rows, fraction }) => {
          setProgress(fraction);
          setPulling((previous) => (previous ? { ...previous, rows } : previous));
        },
      }),
    );
    setPulling(null);
    if (result) setPulled({ sheet: result.sheetName, rows: result.rows, cancelled: result.cancelled });
  }

  const none = t('kpi.none');
  const figures: Figures | undefined = summary?.figures;
  const monthKey = summary?.window.to ?? month;
  const tally = figures?.submissions[monthKey];
  const villages = summary?.villages ?? [];
  const shownVillages = allVillages ? villages : villages.slice(0, VILLAGES_SHOWN);
  const label = (entry: { zh: string; en: string } | undefined, fallback: string) => (entry ? (en ? entry.en : entry.zh) : fallback);
  const dimensionValues = figures ? Object.entries(figures.rows.byDimension[dimension] ?? {}).sort((a, b) => b[1] - a[1]) : [];
  const maxChildRows = Math.max(1, ...(summary?.children ?? []).map((child) => child.figures.rows.total));
  // children are one level below the unit (townships of a county, villages of a township)
  const childLevel = summary?.children[0]?.unit.level;
  const overdueTitle = t('overdue.title', { level: t(`level.${childLevel === 'prefecture' || childLevel === undefined ? 'county' : childLevel}`) });

  /** 2026年12月 (en: 2026-12): the month as the picker and the other panes name it. */
  const monthLabel = (m: string) => t('pick.monthOption', { year: m.slice(0, 4), month: en ? m.slice(5) : String(Number(m.slice(5))) });

  return (
    <>
      <div className={styles.picks}>
        <Field label={t('pick.month')} className={styles.grow}>
          <Select value={month} onChange={(_, d) => setMonth(d.value)}>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthLabel(m)}
              </option>
            ))}
          </Select>
        </Field>
        <Button onClick={() => void load()}>{t('pick.refresh')}</Button>
      </div>

      <nav aria-label={t('crumbs.label')}>
        <ol className={styles.crumbs} data-testid="summary-crumbs">
          {trail.map((step, index) => (
            <li key={step.code} style={{ display: 'contents' }}>
              {index > 0 && (
                <span className={styles.crumbSep} aria-hidden="true">
                  ›
                </span>
              )}
              {index === trail.length - 1 ? (
                <span className={styles.current} aria-current="page">
                  {step.name}
                </span>
              ) : (
                <Button size="small" appearance="transparent" onClick={() => setTrail(trail.slice(0, index + 1))}>
                  {step.name}
                </Button>
              )}
            </li>
          ))}
        </ol>
      </nav>

      {summary && figures && (
        <>
          <Caption1 className={styles.muted}>{t('asOf', { unit: summary.unit.name, month: monthLabel(monthKey), asOf: summary.asOf.slice(0, 16).replace('T', ' ') })}</Caption1>
          <div className={styles.kpis} data-testid="summary-kpis">
            <Kpi label={t('kpi.rows')} value={String(figures.rows.total)} />
            <Kpi label={t('kpi.leads')} value={String(figures.leads.all.total)} />
            <Kpi label={t('kpi.onTime')} value={percent(figures.leads.all.onTimeRate, none)} note={figures.leads.all.onTimeRate === null ? t('kpi.onTime.none') : undefined} />
            <Kpi label={t('kpi.overdue')} value={String(figures.leads.all.overdue)} warn={figures.leads.all.overdue > 0} />
            <Kpi label={t('kpi.closure')} value={percent(figures.leads.all.closureRate, none)} note={figures.leads.all.closureRate === null ? t('kpi.closure.none') : undefined} />
            <Kpi label={t('kpi.notSubmitted')} value={tally ? `${tally['未提交']}/${tally.villages}` : none} warn={(tally?.['未提交'] ?? 0) > 0} />
          </div>

          {summary.children.length > 0 && (
            <section className={styles.section} aria-labelledby={`${ids}-children`}>
              <h2 className={styles.h2} id={`${ids}-children`}>
                {t('children.title')}
              </h2>
              <ul className={styles.children} data-testid="summary-children">
                {summary.children.map((child) => {
                  const childTally = child.figures.submissions[monthKey];
                  return (
                    <li key={child.unit.code}>
                      <button
                        type="button"
                        className={styles.child}
                        aria-label={t('children.open', { name: child.unit.name })}
                        data-unit={child.unit.code}
                        onClick={() => setTrail([...trail, child.unit])}
                      >
                        <span className={styles.childTop}>
                          <span className={styles.childName}>{child.unit.name}</span>
                          <span>{t('children.rows', { rows: child.figures.rows.total })}</span>
                        </span>
                        <span className={styles.track} aria-hidden="true">
                          <span className={styles.bar} style={{ width: `${(child.figures.rows.total / maxChildRows) * 100}%` }} />
                        </span>
                        <span className={styles.childStats}>
                          <span className={child.figures.leads.all.overdue > 0 ? styles.warn : undefined}>{t('children.overdue', { count: child.figures.leads.all.overdue })}</span>
                          {childTally && child.unit.level === 'village' && (
                            // a village child: its own state, not a count of one
                            <span className={childTally['未提交'] > 0 ? styles.warn : undefined}>{REVIEWER_STATE_LABELS[villageState(childTally)][locale === 'en-US' ? 'en' : 'zh']}</span>
                          )}
                          {childTally && child.unit.level !== 'village' && (
                            <span className={childTally['未提交'] > 0 ? styles.warn : undefined}>
                              {t('children.notSubmitted', { count: childTally['未提交'], villages: childTally.villages })}
                            </span>
                          )}
                          <span>{t('kpi.onTime')} {percent(child.figures.leads.all.onTimeRate, none)}</span>
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
              {(summary.unitItself.rows.total > 0 || summary.unitItself.leads.all.total > 0) && (
                <Caption1 className={styles.muted}>
                  {t('children.itself', { rows: summary.unitItself.rows.total, leads: summary.unitItself.leads.all.total })}
                </Caption1>
              )}
            </section>
          )}

          <section className={styles.section} aria-labelledby={`${ids}-sources`} data-testid="summary-sources">
            <h2 className={styles.h2} id={`${ids}-sources`}>
              {t('sources.title')}
            </h2>
            {Object.keys(figures.leads.bySource).length === 0 ? (
              <Caption1 className={styles.muted}>{t('sources.empty')}</Caption1>
            ) : (
              <>
                <StackedBars
                  label={t('sources.title')}
                  items={sourceItems(summary, figures, label, t('sources.all'))}
                  totalText={(total) => t('sources.total', { count: total })}
                  describe={(item, total) =>
                    t('sources.describe', {
                      source: item.label,
                      total,
                      parts: item.segments.filter((segment) => segment.value > 0).map((segment) => `${segment.label} ${segment.value}`).join(en ? ', ' : '，'),
                    })
                  }
                />
                <Caption1 className={styles.muted}>{t('sources.asOf', { asOf: summary.asOf.slice(0, 10) })}</Caption1>
                {Object.entries(figures.leads.bySource).map(([code, lead]) => (
                  <Caption1 key={code} className={styles.muted}>
                    {label(summary.labels.sources[code], code)}：
                    {t('sources.line', { onTime: percent(lead.onTimeRate, none), overdue: lead.overdue, closure: percent(lead.closureRate, none) })}
                  </Caption1>
                ))}
              </>
            )}
          </section>

          {summary.children.length > 0 && (
            <section className={styles.section} aria-labelledby={`${ids}-overdue`} data-testid="summary-overdue">
              <h2 className={styles.h2} id={`${ids}-overdue`}>
                {overdueTitle}
              </h2>
              {figures.leads.all.overdue === 0 ? (
                <Caption1 className={styles.muted}>{t('overdue.none')}</Caption1>
              ) : (
                <Bars
                  label={overdueTitle}
                  items={[
                    ...summary.children.map((child) => ({ key: child.unit.code, label: child.unit.name, value: child.figures.leads.all.overdue })),
                    ...(summary.unitItself.leads.all.overdue > 0
                      ? [{ key: 'itself', label: t('overdue.itself', { unit: summary.unit.name }), value: summary.unitItself.leads.all.overdue }]
                      : []),
                  ]
                    .sort((a, b) => b.value - a.value)
                    .map((item) => ({ ...item, tone: item.value > 0 ? ('warning' as const) : undefined, display: t('overdue.count', { count: item.value }) }))}
                />
              )}
            </section>
          )}

          <section className={styles.section} aria-labelledby={`${ids}-dims`}>
            <div className={styles.picks}>
              <h2 className={`${styles.h2} ${styles.grow}`} id={`${ids}-dims`}>
                {t('dims.title')}
              </h2>
              <Select size="small" aria-label={t('dims.pick')} value={dimension} onChange={(_, d) => setDimension(d.value as SummaryDimension)}>
                {SUMMARY_DIMENSIONS.map((key) => (
                  <option key={key} value={key}>
                    {label(summary.labels.dimensions[key], key)}
                  </option>
                ))}
              </Select>
            </div>
            {dimensionValues.length === 0 ? (
              <Caption1 className={styles.muted}>{t('dims.empty')}</Caption1>
            ) : (
              <Bars label={label(summary.labels.dimensions[dimension], dimension)} items={dimensionValues.map(([value, count]) => ({ key: value, label: value, value: count }))} />
            )}
          </section>

          {villages.length > 0 && (
            <section className={styles.section} aria-labelledby={`${ids}-villages`}>
              <h2 className={styles.h2} id={`${ids}-villages`}>
                {t('villages.title', { month: monthLabel(monthKey) })}
              </h2>
              {tally && (
                <Caption1>
                  {t('villages.counts', { notSubmitted: tally['未提交'], submitted: tally['已提交'], returned: tally['已退回'], approved: tally['已审核'] })}
                </Caption1>
              )}
              <ul className={styles.villages} data-testid="summary-villages">
                {shownVillages.map((village) => {
                  const state = village.states[monthKey] ?? '未提交';
                  return (
                    <li key={village.code} style={{ display: 'contents' }}>
                      <span className={styles.villageName} title={`${village.townshipName ?? ''} ${village.name}`}>
                        {village.name}
                        {unit.level !== 'township' && village.townshipName ? <span className={styles.muted}>（{village.townshipName}）</span> : null}
                      </span>
                      <SubmissionStateBadge state={state} />
                    </li>
                  );
                })}
              </ul>
              {!allVillages && villages.length > VILLAGES_SHOWN && (
                <Button size="small" appearance="subtle" onClick={() => setAllVillages(true)}>
                  {t('villages.showAll', { count: villages.length })}
                </Button>
              )}
            </section>
          )}

          <section className={styles.section} aria-labelledby={`${ids}-dups`}>
            <div className={styles.picks}>
              <h2 className={`${styles.h2} ${styles.grow}`} id={`${ids}-dups`}>
                {t('dups.title')}：{figures.duplicates}
              </h2>
              {figures.duplicates > 0 && !duplicates && (
                <Button size="small" onClick={() => void loadDuplicates()}>
                  {t('dups.load')}
                </Button>
              )}
            </div>
            {figures.duplicates === 0 && <Caption1 className={styles.muted}>{t('dups.none')}</Caption1>}
            {duplicates && (
              <>
                <ul className={styles.dups} data-testid="summary-duplicates">
                  {duplicates.groups.map((group) => (
                    <li key={group.key} className={styles.dup}>
                      <Body1 as="span">{t('dups.group', { id: group.idNumberMasked, villages: group.villages.map((v) => v.name).join('、') })}</Body1>
                      <br />
                      <Caption1 className={styles.muted}>
                        {group.rows.map((row) => `${row.name ?? '***'}${row.status ? `（${row.status}）` : ''}`).join('；')} · {t('dups.at', { unit: group.lowestCommonUnit.name })}
                      </Caption1>
                    </li>
                  ))}
                </ul>
                <Caption1 className={styles.muted}>{duplicates.namesMasked ? t('dups.namesMasked') : t('dups.masked')}</Caption1>
              </>
            )}
          </section>

          <section className={styles.section} aria-labelledby={`${ids}-pull`}>
            <h2 className={styles.h2} id={`${ids}-pull`}>
              {t('pull.title')}
            </h2>
            <Caption1 className={styles.muted}>{t('pull.hint', { unit: unit.name })}</Caption1>
            <div className={styles.pull}>
              <Button appearance="primary" disabled={pulling !== null} onClick={() => void pull()}>
                {t('pull.button')}
              </Button>
              {pulling && (
                <Button
                  disabled={pulling.stopping}
                  onClick={() => {
                    cancel.current = true;
                    setPulling({ ...pulling, stopping: true });
                  }}
                >
                  {t('pull.cancel')}
                </Button>
              )}
            </div>
            <div role="status" data-testid="pull-status">
              {pulling && <Caption1>{pulling.stopping ? t('pull.stopping') : t('pull.busy', { rows: pulling.rows })}</Caption1>}
              {pulled && (
                <MessageBar intent={pulled.cancelled ? 'warning' : 'success'}>
                  <MessageBarBody>
                    {pulled.cancelled ? t('pull.cancelled', { sheet: pulled.sheet, rows: pulled.rows }) : t('pull.done', { sheet: pulled.sheet, rows: pulled.rows })}
                  </MessageBarBody>
                </MessageBar>
              )}
            </div>
          </section>
        </>
      )}
    </>
  );
}

type Tally = Figures['submissions'][string];
type LeadFigures = Figures['leads']['all'];

/** One stacked bar per source (all sources first when there are several), segments in life-cycle order. */
function sourceItems(
  summary: SummaryResponse,
  figures: Figures,
  label: (entry: { zh: string; en: string } | undefined, fallback: string) => string,
  allLabel: string,
): StackedItem[] {
  const item = (key: string, name: string, lead: LeadFigures): StackedItem => ({
    key,
    label: name,
    segments: summary.labels.states.map((entry) => ({ key: entry.state, label: label(entry, entry.state), value: lead.byState[entry.state], color: LEAD_STATE_COLOR[entry.state] })),
  });
  const sources = Object.entries(figures.leads.bySource).map(([code, lead]) => item(code, label(summary.labels.sources[code], code), lead));
  return sources.length > 1 ? [item('*', allLabel, figures.leads.all), ...sources] : sources;
}

/** The one village's state from its tally (exactly one state counts 1). */
function villageState(tally: Tally): ReviewerState {
  return SUBMISSION_DISPLAY_STATES.find((state) => tally[state] > 0) ?? '未提交';
}

/** One key figure; `note` says why a rate has no value (no lead verified yet), under its label. */
function Kpi({ label, value, warn = false, note }: { label: string; value: string; warn?: boolean; note?: string }) {
  const styles = useStyles();
  return (
    <div className={styles.kpi}>
      <span className={`${styles.kpiValue} ${warn ? styles.kpiWarn : ''}`}>{value}</span>
      <span className={styles.kpiLabel} title={label}>
        {label}
      </span>
      {note && (
        <span className={styles.kpiLabel} title={note}>
          {note}
        </span>
      )}
    </div>
  );
}
