/**
 * 线索查询: my unit's leads from the county (filters: source, state, overdue), their due dates and
 * details (ID numbers masked unless the role may see them), and "add to ledger" for the chosen
 * ones — new rows, or a link to the row already holding the person.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import { type LeadDetailResponse, type LeadWire } from '../../../ledger/api/leads';
import { LEAD_STATES, type LeadState } from '../../../ledger/lead-states';
import { LEAD_STATE_EN } from '../../../ledger/lead-states';
import { SOURCE_CODES, sourceByCode, type SourceCode } from '../../../ledger/sources';
import { useLedger, useStrings } from '../../app/HostProvider';
import { actorText } from '../../app/actor';
import { chinaDay } from '../../app/when';
import { SignedIn, useServerCall } from '../signin/SignIn';
import { hostSyncSheet } from '../sync/sheet-rows';
import { applyPullWrites, pullLeads, type PulledLead } from './pull';
import { LOOKUP_STRINGS } from './strings';
import { defined } from '../../../ledger/defined';

const PAGE_SIZE = 200;

/** Read by screen readers, not shown. */
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

const useStyles = makeStyles({
  filters: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '6px 8px', alignItems: 'end', border: 'none', padding: 0, margin: 0 },
  wide: { gridColumn: '1 / span 2', display: 'flex', justifyContent: 'space-between', alignItems: 'center' },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  item: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '6px 8px',
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
  },
  itemTop: { display: 'flex', alignItems: 'flex-start', gap: '4px' },
  itemMain: { flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: '2px' },
  name: { fontWeight: 600 },
  line: { display: 'flex', flexWrap: 'wrap', gap: '4px 8px', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground3 },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: 600 },
  details: { margin: '4px 0 0', display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '2px 8px', fontSize: tokens.fontSizeBase200 },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, overflowWrap: 'anywhere' },
  footer: {
    position: 'sticky',
    bottom: 0,
    background: tokens.colorNeutralBackground1,
    paddingTop: '6px',
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    display: 'flex',
    flexDirection: 'column',
    gap: '4px',
  },
  results: { margin: 0, paddingLeft: '18px' },
});

interface Filter {
  source: SourceCode | '';
  state: LeadState | '';
  overdue: boolean;
}

export function LookupPane() {
  return (
    <SignedIn>{(user) => <Leads user={user} />}</SignedIn>
  );
}

function Leads({ user }: { user: SessionUser }) {
  const styles = useStyles();
  const t = useStrings(LOOKUP_STRINGS);
  const { setProgress, locale, host } = useLedger();
  const [filter, setFilter] = useState<Filter>({ source: '', state: '', overdue: false });
  const [leads, setLeads] = useState<LeadWire[] | null>(null);
  const [total, setTotal] = useState(0);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  const [details, setDetails] = useState<Record<string, LeadDetailResponse>>({});
  const [results, setResults] = useState<{ items: PulledLead[]; offline: boolean; run: number } | null>(null);
  const mayPull = user.role === 'village';
  const ids = useId();
  const en = locale === 'en-US';

  const serverCall = useServerCall();

  const load = useCallback(async () => {
    const response = await serverCall(t('list.loading'), (client) =>
      client.listLeads(user.unit.code, {
        source: filter.source || undefined,
        state: filter.state || undefined,
        overdue: filter.overdue || undefined,
        pageSize: PAGE_SIZE,
        // the nearest time limit first: a long list's first page holds what must be verified first
        order: 'due',
      }),
    );
    if (!response) return;
    setLeads(response.leads);
    setTotal(response.total);
    setChosen((previous) => new Set(response.leads.filter((lead) => previous.has(lead.leadNo)).map((lead) => lead.leadNo)));
  }, [serverCall, t, user.unit.code, filter]);

  useEffect(() => {
    void load();
  }, [load]);

  async function toggleDetails(leadNo: string) {
    if (open === leadNo) return setOpen(null);
    setOpen(leadNo);
    if (details[leadNo]) return;
    const detail = await serverCall(t('detail.loading'), (client) => client.leadDetail(leadNo));
    if (detail) setDetails((d) => ({ ...d, [leadNo]: detail }));
  }

  async function pull() {
    if (!leads) return;
    const picked = leads.filter((lead) => chosen.has(lead.leadNo));
    const total = picked.length;
    const outcome = await serverCall(t('pull.busy', { done: 0, total }), async (client) => {
      const sheet = hostSyncSheet(defined(host, 'the workbook host'));
      const rows = await sheet.readRows();
      const pulled = await pullLeads(client, rows, picked, {
        newId: () => globalThis.crypto.randomUUID(),
        onProgress: (done) => setProgress(total > 0 ? done / total : undefined),
      });
      // Whatever the server accepted goes on the sheet, even when a later lead failed.
      await applyPullWrites(sheet, pulled.writes);
      return pulled;
    });
    if (!outcome) return;
    setResults((previous) => ({ items: outcome.results, offline: outcome.stoppedOffline, run: (previous?.run ?? 0) + 1 }));
    setChosen(new Set());
    await load();
  }

  /** A lead's state: the word itself in Chinese, the English beside it in English. */
  const stateText = (state: LeadState) => (en ? LEAD_STATE_EN[state] : state);
  const sources = useMemo(() => SOURCE_CODES.map((code) => ({ code, label: sourceByCode(code).name[en ? 'en' : 'zh'] })), [en]);
  const pullable = (lead: LeadWire) => mayPull && lead.state === '已下发村' && !lead.ledgerRowId;

  return (
    <>
      <fieldset className={styles.filters}>
        <legend style={VISUALLY_HIDDEN}>
          {t('filter.legend')}
        </legend>
        <Field label={t('filter.source')}>
          <Select value={filter.source} onChange={(_, d) => setFilter((f) => ({ ...f, source: d.value as SourceCode | '' }))}>
            <option value="">{t('filter.any')}</option>
            {sources.map((source) => (
              <option key={source.code} value={source.code}>
                {source.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('filter.state')}>
          <Select value={filter.state} onChange={(_, d) => setFilter((f) => ({ ...f, state: d.value as LeadState | '' }))}>
            <option value="">{t('filter.any')}</option>
            {LEAD_STATES.map((state) => (
              <option key={state} value={state}>
                {en ? LEAD_STATE_EN[state] : state}
              </option>
            ))}
          </Select>
        </Field>
        <div className={styles.wide}>
          <Checkbox label={t('filter.overdue')} checked={filter.overdue} onChange={(_, d) => setFilter((f) => ({ ...f, overdue: d.checked === true }))} />
          <Button size="small" onClick={() => void load()}>
            {t('list.refresh')}
          </Button>
        </div>
      </fieldset>

      {!mayPull && (
        <MessageBar intent="info">
          <MessageBarBody>{t('role.notVillage')}</MessageBarBody>
        </MessageBar>
      )}

      {leads && (
        <Body1 as="p" id={`${ids}-count`} role="status">
          {leads.length === 0 ? t('list.empty') : t('list.count', { total })}
        </Body1>
      )}
      {leads && total > leads.length && <Caption1 className={styles.muted}>{t('list.more', { shown: leads.length })}</Caption1>}

      {results && (
        <section aria-label={t('pull.resultTitle')} role="status" data-testid="pull-results" data-run={results.run}>
          <ul className={styles.results}>
            {results.items.map((item) => (
              <li key={item.leadNo}>
                {item.outcome === 'added'
                  ? t('pull.added', { name: item.name })
                  : item.outcome === 'linked'
                    ? item.excelRow > 0
                      ? t('pull.linked', { name: item.name, row: item.excelRow })
                      : t('pull.linkedNew', { name: item.name })
                    : t('pull.failed', { name: item.name, message: en ? item.error.en : item.error.zh })}
              </li>
            ))}
          </ul>
          {results.offline && <Caption1>{t('pull.offline')}</Caption1>}
          {results.items.some((item) => item.outcome === 'added') && <Caption1 className={styles.muted}>{t('pull.syncHint')}</Caption1>}
        </section>
      )}

      {leads && leads.length > 0 && (
        <ul className={styles.list} aria-label={t('list.label')} data-testid="lead-list">
          {leads.map((lead) => {
            const detail = details[lead.leadNo];
            const source = sourceByCode(lead.source).name[en ? 'en' : 'zh'];
            return (
              <li key={lead.leadNo} className={styles.item} data-lead={lead.leadNo}>
                <div className={styles.itemTop}>
                  {pullable(lead) && (
                    <Checkbox
                      aria-label={t('lead.select', { name: lead.name, leadNo: lead.leadNo })}
                      checked={chosen.has(lead.leadNo)}
                      onChange={(_, d) =>
                        setChosen((previous) => {
                          const next = new Set(previous);
                          if (d.checked === true) next.add(lead.leadNo);
                          else next.delete(lead.leadNo);
                          return next;
                        })
                      }
                    />
                  )}
                  <div className={styles.itemMain}>
                    <div className={styles.line}>
                      <span className={styles.name}>{lead.name}</span>
                      <Caption1 className={styles.muted}>{lead.idNumber}</Caption1>
                    </div>
                    <div className={styles.line}>
                      <Badge appearance="tint" color="informative">
                        {source}
                      </Badge>
                      <Badge appearance="outline" color={lead.state === '已下发村' ? 'brand' : 'informative'}>
                        {en && lead.stateEn ? lead.stateEn : lead.state}
                      </Badge>
                      {lead.ledgerRowId && <Badge appearance="tint" color="success">{t('lead.onLedger')}</Badge>}
                    </div>
                    <div className={styles.line}>
                      <Caption1 className={lead.overdue ? styles.overdue : undefined}>
                        {lead.dueOn ? t('lead.due', { date: lead.dueOn }) : t('lead.noDue')}
                        {lead.overdue ? ` · ${t('lead.overdue')}` : ''}
                      </Caption1>
                      <Caption1 className={styles.muted}>{lead.leadNo}</Caption1>
                    </div>
                  </div>
                  <Button
                    size="small"
                    appearance="subtle"
                    aria-expanded={open === lead.leadNo}
                    aria-controls={`${ids}-${lead.leadNo}`}
                    onClick={() => void toggleDetails(lead.leadNo)}
                  >
                    {open === lead.leadNo ? t('lead.hide') : t('lead.details')}
                  </Button>
                </div>
                {open === lead.leadNo && detail && (
                  <dl className={styles.details} id={`${ids}-${lead.leadNo}`}>
                    <dt className={styles.dt}>{t('detail.id')}</dt>
                    <dd className={styles.dd}>
                      {detail.lead.idNumber}
                      {detail.lead.idNumberMasked ? t('detail.idMasked') : ''}
                    </dd>
                    <dt className={styles.dt}>{t('detail.reason')}</dt>
                    <dd className={styles.dd}>{en ? detail.lead.reason.en : detail.lead.reason.zh}</dd>
                    <dt className={styles.dt}>{t('detail.source')}</dt>
                    <dd className={styles.dd}>
                      {source} · {t('detail.period')} {detail.lead.period}
                    </dd>
                    <dt className={styles.dt}>{t('detail.found')}</dt>
                    <dd className={styles.dd}>{detail.lead.foundOn}</dd>
                    {detail.lead.dispatchedOn && (
                      <>
                        <dt className={styles.dt}>{t('detail.dispatched')}</dt>
                        <dd className={styles.dd}>{detail.lead.dispatchedOn}</dd>
                      </>
                    )}
                    <dt className={styles.dt}>{t('detail.history')}</dt>
                    <dd className={styles.dd}>
                      {detail.history.map((entry, i) => (
                        <div key={i}>
                          {t(entry.fromState ? 'detail.historyStep' : 'detail.historyFirstStep', { at: chinaDay(entry.at), from: entry.fromState ? stateText(entry.fromState) : '', to: stateText(entry.toState) })}
                          {/* who, kept whole on one line (楚雄市 经办人 broke as 楚雄市 经⏎办人 in the narrow column) */}
                          <span style={{ whiteSpace: 'nowrap' }}>{t('detail.historyWho', { who: actorText(entry, locale) })}</span>
                        </div>
                      ))}
                    </dd>
                  </dl>
                )}
              </li>
            );
          })}
        </ul>
      )}

      {mayPull && (
        <div className={styles.footer}>
          <Button appearance="primary" disabled={chosen.size === 0} onClick={() => void pull()} aria-describedby={`${ids}-pull-hint`}>
            {t('pull.button', { count: chosen.size })}
          </Button>
          <Caption1 className={styles.muted} id={`${ids}-pull-hint`}>
            {t('pull.hint')}
          </Caption1>
        </div>
      )}
    </>
  );
}
