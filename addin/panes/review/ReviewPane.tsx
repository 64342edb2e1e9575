/**
 * 审核: a township reviews its villages' monthly submissions. First the queue: every village month
 * submitted and waiting (待审核) across months, oldest first; or, by month, every village's state
 * (待审核 first, 未提交 shown as such). Open a submitted month — its frozen rows and the
 * findings the rules give on them, read from the server — then approve it, or return it with a
 * reason (required) that the village reads in its 同步提交 pane. County and prefecture accounts
 * read the same, without the actions (the server refuses them too).
 */
import { Fragment, useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Tab,
  TabList,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import { SUBMISSION_STATE_EN } from '../../../ledger/api/submissions';
import { REVIEWER_STATE_ORDER } from '../../../ledger/review-states';
import type {
  PendingSubmission,
  PendingSubmissionsResponse,
  SubmissionDetailResponse,
  SubmissionFindingsResponse,
  SubmissionWire,
  UnitSubmissionsResponse,
} from '../../../ledger/api/submissions';
import { useLedger, useStrings } from '../../app/HostProvider';
import { useSession } from '../signin/session-context';
import { useServerCall } from '../signin/SignIn';
import { StaffOnlyPane } from '../signin/StaffOnlyPane';
import { SubmissionStateBadge } from '../../app/SubmissionStateBadge';
import { recentMonths } from '../summary/months';
import { actorText } from '../../app/actor';
import { chinaDay, chinaMinute } from '../../app/when';
import { chinaDate } from '../../../ledger/dates';
import { REVIEW_STRINGS } from './strings';

type VillageState = UnitSubmissionsResponse['villages'][number];

const ROWS_PAGE = 100;
/** Order of the list: what waits for the township first. */

const useStyles = makeStyles({
  picks: { display: 'flex', gap: '8px', alignItems: 'end' },
  grow: { flex: 1 },
  list: { listStyle: 'none', margin: '6px 0 0', padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: '6px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '4px 8px',
  },
  itemMain: { flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' },
  name: { fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  section: { display: 'flex', flexDirection: 'column', gap: '4px', marginTop: '10px' },
  h2: { fontSize: '15px', fontWeight: 600, margin: '4px 0 0' },
  h3: { fontSize: '14px', fontWeight: 600, margin: 0 },
  findings: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px', fontSize: tokens.fontSizeBase200 },
  finding: { borderLeft: `3px solid ${tokens.colorPaletteYellowBorder2}`, paddingLeft: '6px' },
  error: { borderLeft: `3px solid ${tokens.colorPaletteRedBorder2}` },
  rows: { width: '100%', borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200, tableLayout: 'fixed' },
  cell: { borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, padding: '2px 4px', textAlign: 'left', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  actions: {
    position: 'sticky',
    bottom: 0,
    background: tokens.colorNeutralBackground1,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    paddingTop: '6px',
    marginTop: '10px',
    display: 'flex',
    flexDirection: 'column',
    gap: '6px',
  },
  buttons: { display: 'flex', gap: '8px' },
  waited: { color: tokens.colorNeutralForeground2, fontWeight: 600 },
});

/** Whole days from a submission to `now`, by the China calendar (0: submitted today). */
export function daysWaited(submittedAt: string, now: Date): number {
  const from = Date.parse(chinaDate(new Date(submittedAt)));
  const to = Date.parse(chinaDate(now));
  return Math.max(0, Math.round((to - from) / 86_400_000));
}

/** Short facts joined by " · ", each kept on one line (a date never breaks as 2026-12-⏎01): lines wrap between them only. */
function Pieces({ pieces }: { pieces: readonly ReactNode[] }) {
  const shown = pieces.filter((piece) => piece !== false && piece !== null && piece !== undefined && piece !== '');
  return (
    <>
      {shown.map((piece, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          <span style={{ whiteSpace: 'nowrap' }}>{piece}</span>
        </Fragment>
      ))}
    </>
  );
}

/** A village as the list names it: with its township in brackets for accounts above township level (a county reads many townships' villages). */
function VillageName({ village, user }: { village: { villageName: string; townshipName?: string | null }; user: SessionUser }) {
  const styles = useStyles();
  return (
    <>
      {village.villageName}
      {user.unit.level !== 'township' && village.townshipName ? <span className={styles.muted}>（{village.townshipName}）</span> : null}
    </>
  );
}

export function ReviewPane() {
  return <StaffOnlyPane villageNote={REVIEW_STRINGS['role.village']}>{(user) => <Review user={user} />}</StaffOnlyPane>;
}

/** What opening a month needs of a village (from the month list or the queue). */
type VillageRef = Pick<VillageState, 'villageCode' | 'villageName'>;

interface Opened {
  village: VillageRef;
  month: string;
  detail: SubmissionDetailResponse;
  findings: SubmissionFindingsResponse;
}

type View = 'queue' | 'month';

function Review({ user }: { user: SessionUser }) {
  const styles = useStyles();
  const t = useStrings(REVIEW_STRINGS);
  const { locale } = useLedger();
  const { session } = useSession();
  const en = locale === 'en-US';
  const ids = useId();
  const [months] = useState(() => recentMonths());
  const [month, setMonth] = useState(months[0]);
  const [view, setView] = useState<View>('queue');
  const [list, setList] = useState<UnitSubmissionsResponse | null>(null);
  const [queue, setQueue] = useState<PendingSubmissionsResponse | null>(null);
  const [opened, setOpened] = useState<Opened | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mayDecide = user.role === 'township';

  const serverCall = useServerCall();

  const load = useCallback(async () => {
    if (!session) return;
    const answer = await serverCall(t('list.loading'), () => session.client.unitSubmissions(user.unit.code, month));
    if (answer) setList(answer);
  }, [session, serverCall, t, user.unit.code, month]);

  const loadQueue = useCallback(async () => {
    if (!session) return;
    const answer = await serverCall(t('queue.loading'), () => session.client.pendingSubmissions(user.unit.code));
    if (answer) setQueue(answer);
  }, [session, serverCall, t, user.unit.code]);

  useEffect(() => {
    setOpened(null);
    void load();
  }, [load]);

  useEffect(() => {
    void loadQueue();
  }, [loadQueue]);

  async function open(village: VillageRef, monthOpened: string, pages = 1) {
    if (!session) return;
    const answer = await serverCall(t('detail.loading', { village: village.villageName, month: monthLabel(monthOpened) }), () =>
      Promise.all([session.client.submissionDetail(village.villageCode, monthOpened, 1, ROWS_PAGE * pages), session.client.submissionFindings(village.villageCode, monthOpened)]),
    );
    if (!answer) return;
    setOpened({ village, month: monthOpened, detail: answer[0], findings: answer[1] });
    if (pages === 1) {
      setReason('');
      setReasonError(null);
      setDone(null);
    }
  }

  async function decide(kind: 'approve' | 'return') {
    if (!session || !opened) return;
    const { villageCode, villageName } = opened.village;
    const month = opened.month;
    if (kind === 'return' && reason.trim() === '') {
      setReasonError(t('action.reasonRequired'));
      return;
    }
    setReasonError(null);
    const answer = await serverCall(kind === 'approve' ? t('action.approving') : t('action.returning'), () =>
      kind === 'approve' ? session.client.approveSubmission(villageCode, month) : session.client.returnSubmission(villageCode, month, reason.trim()),
    );
    if (!answer) return;
    setDone(t(kind === 'approve' ? 'action.approved' : 'action.returned', { village: villageName, month: monthLabel(month) }));
    setOpened((previous) => (previous ? { ...previous, detail: { ...previous.detail, submission: answer.submission, history: answer.history } } : previous));
    setReason('');
    void load();
    void loadQueue();
  }

  const monthPicker = (
    <div className={styles.picks}>
      <Field label={t('pick.month')} className={styles.grow}>
        <Select value={month} onChange={(_, d) => setMonth(d.value)}>
          {months.map((m) => (
            <option key={m} value={m}>
              {t('pick.monthOption', { year: m.slice(0, 4), month: en ? m.slice(5) : String(Number(m.slice(5))) })}
            </option>
          ))}
        </Select>
      </Field>
      <Button onClick={() => void load()}>{t('pick.refresh')}</Button>
    </div>
  );

  /** How long a submitted month has waited for the township, in days (China calendar). */
  const waitedText = (submittedAt: string) => {
    const days = daysWaited(submittedAt, new Date());
    return days === 0 ? t('queue.waitedToday') : t('queue.waited', { days });
  };
  /** A history's state: the word itself in Chinese, the English beside it in English. */
  const stateText = (state: SubmissionWire['state']) => (en ? SUBMISSION_STATE_EN[state] : state);
  const monthLabel = (m: string) => t('queue.month', { year: m.slice(0, 4), month: en ? m.slice(5) : String(Number(m.slice(5))) });
  if (opened) return detailView(opened);

  const villages = [...(list?.villages ?? [])].sort((a, b) => REVIEWER_STATE_ORDER[a.state] - REVIEWER_STATE_ORDER[b.state] || a.villageCode.localeCompare(b.villageCode));
  return (
    <>
      <TabList size="small" selectedValue={view} onTabSelect={(_, d) => setView(d.value as View)} aria-label={t('view.label')}>
        <Tab value="queue">{queue ? t('view.queue', { count: queue.pending.length }) : t('view.queueLoading')}</Tab>
        <Tab value="month">{t('view.month')}</Tab>
      </TabList>
      {!mayDecide && (
        <MessageBar intent="info">
          <MessageBarBody>{t('role.readOnly')}</MessageBarBody>
        </MessageBar>
      )}
      {done && (
        <MessageBar intent="success">
          <MessageBarBody>{done}</MessageBarBody>
        </MessageBar>
      )}
      {view === 'queue' ? queueView() : monthView()}
    </>
  );

  /** Every waiting month of the unit's villages, oldest first (render function: see detailView). */
  function queueView() {
    return (
      <>
        {queue && (
          <>
            <Body1 as="p" role="status" style={{ margin: '6px 0 0' }}>
              {queue.pending.length === 0 ? t('queue.empty') : t('queue.counts', { count: queue.pending.length })}
            </Body1>
            <ul className={styles.list} aria-label={t('queue.label')} data-testid="review-queue">
              {queue.pending.map((entry: PendingSubmission) => (
                <li key={`${entry.villageCode}|${entry.month}`} className={styles.item} data-village={entry.villageCode} data-month={entry.month}>
                  <div className={styles.itemMain}>
                    <span className={styles.name}>
                      {monthLabel(entry.month)} · <VillageName village={entry} user={user} />
                    </span>
                    <Caption1 className={styles.muted}>
                      <Pieces
                        pieces={[
                          <span key="waited" className={styles.waited}>
                            {waitedText(entry.submittedAt)}
                          </span>,
                          daysWaited(entry.submittedAt, new Date()) > 0 && t('list.submittedAt', { at: chinaDay(entry.submittedAt) }),
                          t('list.revision', { revision: entry.revision }),
                          t('queue.rows', { rows: entry.rowCount }),
                        ]}
                      />
                    </Caption1>
                  </div>
                  {/* no state badge: everything in the queue waits (the tab says 待审核), the row keeps its width for the text */}
                  <Button size="small" onClick={() => void open(entry, entry.month)} aria-label={t('queue.open', { village: entry.villageName, month: monthLabel(entry.month) })}>
                    {t('list.open')}
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </>
    );
  }

  function monthView() {
    return (
      <>
        {monthPicker}
        {list && (
          <>
            <Body1 as="p" role="status" style={{ margin: '6px 0 0' }}>
              {t('list.counts', { submitted: list.counts.submitted, returned: list.counts.returned, approved: list.counts.approved, notSubmitted: list.counts.notSubmitted })}
            </Body1>
            {villages.length === 0 && <Caption1 className={styles.muted}>{t('list.empty')}</Caption1>}
            <ul className={styles.list} aria-label={t('list.label')} data-testid="review-list">
              {villages.map((village) => (
                <li key={village.villageCode} className={styles.item} data-village={village.villageCode}>
                  <div className={styles.itemMain}>
                    <span className={styles.name}>
                      <VillageName village={village} user={user} />
                    </span>
                    {village.revision !== null && village.submittedAt && (
                      <Caption1 className={styles.muted}>
                        <Pieces
                          pieces={[
                            village.state === '已提交' && (
                              <span key="waited" className={styles.waited}>
                                {waitedText(village.submittedAt)}
                              </span>
                            ),
                            (village.state !== '已提交' || daysWaited(village.submittedAt, new Date()) > 0) && t('list.submittedAt', { at: chinaDay(village.submittedAt) }),
                            t('list.revision', { revision: village.revision }),
                          ]}
                        />
                      </Caption1>
                    )}
                  </div>
                  <SubmissionStateBadge state={village.state} />
                  {village.state !== '未提交' && (
                    <Button size="small" onClick={() => void open(village, month)} aria-label={`${t('list.open')} ${village.villageName}`}>
                      {t('list.open')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </>
    );
  }

  /** A render function, not a component: a component declared in here would remount (and lose the reason's focus) on every keystroke. */
  function detailView({ village, month: openedMonth, detail, findings }: Opened) {
    const submission: SubmissionWire = detail.submission;
    const names = new Map(detail.rows.map((row, index) => [row.rowId, { index: index + 1, name: String(row.values.name ?? '') }]));
    const canApprove = mayDecide && submission.state === '已提交';
    const canReturn = mayDecide && submission.state !== '已退回';
    return (
      <>
        <div>
          <Button size="small" appearance="transparent" onClick={() => setOpened(null)}>
            {t('detail.back')}
          </Button>
        </div>
        <h2 className={styles.h2}>{t('detail.title', { village: village.villageName, month: monthLabel(submission.month) })}</h2>
        <div className={styles.picks}>
          <SubmissionStateBadge state={submission.state} />
          <Caption1 className={styles.muted} data-testid="detail-meta">
            <Pieces
              pieces={[
                t('list.revision', { revision: submission.revision }),
                t('queue.rows', { rows: submission.rowCount }),
                t('list.submittedAt', { at: chinaMinute(submission.submittedAt) }),
                submission.state === '已提交' && daysWaited(submission.submittedAt, new Date()) > 0 && waitedText(submission.submittedAt),
              ]}
            />
          </Caption1>
        </div>
        {done && (
          <MessageBar intent="success">
            <MessageBarBody>{done}</MessageBarBody>
          </MessageBar>
        )}
        {submission.returnReason && submission.state === '已退回' && <Caption1>{t('detail.returnedBecause', { reason: submission.returnReason })}</Caption1>}

        <section className={styles.section} aria-labelledby={`${ids}-findings`}>
          <h3 className={styles.h3} id={`${ids}-findings`}>
            {findings.findingCounts.rows === 0
              ? t('detail.findingsNone')
              : t('detail.findings', { rows: findings.findingCounts.rows, warnings: findings.findingCounts.warnings, errors: findings.findingCounts.errors })}
          </h3>
          {findings.findings.length === 0 ? (
            <Caption1 className={styles.muted}>{t('detail.noFindings')}</Caption1>
          ) : (
            <ul className={styles.findings} data-testid="review-findings">
              {findings.findings.map((entry) => {
                const row = names.get(entry.rowId);
                return (
                  <li key={entry.rowId} className={`${styles.finding} ${entry.errors > 0 ? styles.error : ''}`}>
                    <strong>{row ? t('detail.rowLabel', { row: row.index, name: row.name }) : entry.rowId.slice(0, 8)}</strong>
                    {entry.findings.map((finding, i) => (
                      <div key={i}>
                        {finding.column}：{en ? finding.en.message : finding.message}
                      </div>
                    ))}
                  </li>
                );
              })}
            </ul>
          )}
          {findings.findingsTruncated && <Caption1 className={styles.muted}>{t('detail.findingsTruncated')}</Caption1>}
        </section>

        <section className={styles.section} aria-labelledby={`${ids}-rows`}>
          <h3 className={styles.h3} id={`${ids}-rows`}>
            {t('detail.rows', { shown: detail.rows.length, total: submission.rowCount })}
          </h3>
          <table className={styles.rows} data-testid="review-rows">
            <colgroup>
              <col style={{ width: '2.5em' }} />
              <col style={{ width: '22%' }} />
              <col style={{ width: '40%' }} />
              <col />
            </colgroup>
            <tbody>
              {detail.rows.map((row, index) => (
                <tr key={row.rowId}>
                  <td className={styles.cell}>{index + 1}</td>
                  <td className={styles.cell}>{String(row.values.name ?? '')}</td>
                  <td className={styles.cell}>{String(row.values.idNumber ?? '')}</td>
                  <td className={styles.cell} title={String(row.values.status ?? '')}>
                    {String(row.values.status ?? '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail.masked && <Caption1 className={styles.muted}>{t('detail.masked')}</Caption1>}
          {detail.rows.length < submission.rowCount && (
            <Button size="small" appearance="subtle" onClick={() => void open(village, openedMonth, Math.floor(detail.rows.length / ROWS_PAGE) + 1)}>
              {t('detail.moreRows', { count: Math.min(ROWS_PAGE, submission.rowCount - detail.rows.length) })}
            </Button>
          )}
        </section>

        <section className={styles.section} aria-labelledby={`${ids}-history`}>
          <h3 className={styles.h3} id={`${ids}-history`}>
            {t('detail.history')}
          </h3>
          {detail.history.map((entry, i) => (
            <Caption1 key={i} className={styles.muted}>
              {t(entry.fromState ? 'detail.historyEntry' : 'detail.historyFirst', {
                at: chinaMinute(entry.at),
                from: entry.fromState ? stateText(entry.fromState) : '',
                to: stateText(entry.toState),
                who: actorText(entry, locale),
                reason: entry.reason ? `${en ? ': ' : '：'}${entry.reason}` : '',
              })}
            </Caption1>
          ))}
        </section>

        {(canApprove || canReturn) && (
          <div className={styles.actions}>
            {canReturn && (
              <Field label={t('action.reason')} validationMessage={reasonError ?? undefined} required>
                <Textarea value={reason} onChange={(_, d) => setReason(d.value)} resize="vertical" maxLength={500} rows={2} />
              </Field>
            )}
            <div className={styles.buttons}>
              {canApprove && (
                <Button appearance="primary" onClick={() => void decide('approve')}>
                  {t('action.approve')}
                </Button>
              )}
              {canReturn && <Button onClick={() => void decide('return')}>{t('action.return')}</Button>}
            </div>
          </div>
        )}
      </>
    );
  }
}

