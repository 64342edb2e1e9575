/**
 * 同步提交: sync now (push changed rows with their base versions, pull others' changes into the
 * sheet), conflicts side by side with keep-mine / keep-theirs per field, rows that cannot be sent,
 * rows removed or deleted elsewhere, the server's findings; then the monthly submission (synced
 * first, refused with the findings while errors remain), its state and a township's return reason.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { SessionUser } from '../../../ledger/api/auth';
import type { SubmissionRefused, SubmissionWire } from '../../../ledger/api/submissions';
import type { SyncConflict } from '../../../ledger/api/sync';
import { LEDGER_COLUMNS } from '../../../ledger/columns';
import type { Finding } from '../../../ledger/types';
import { validateSheet } from '../../../ledger/validate';
import { useLedger, useStrings } from '../../app/HostProvider';
import { ApiError } from '../../api/errors';
import { useSession } from '../signin/session-context';
import { SignedIn, useServerCall } from '../signin/SignIn';
import { ConflictCard } from './ConflictCard';
import { OtherVillageError, SyncEngine, WrongVillageError, type FieldChoice, type SyncOutcome, type SyncProgress, type WireRowFindings } from './engine';
import { indexSheet, type SheetIndex } from './locate';
import { hostSyncSheet } from './sheet-rows';
import { chinaDay } from '../../app/when';
import { SYNC_STRINGS } from './strings';
import { defined } from '../../../ledger/defined';
import { monthsToOffer, submittableMonths as monthsToSubmit } from '../../../ledger/submission-months';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '6px' },
  heading: { fontSize: '15px', fontWeight: 600, margin: '6px 0 0' },
  muted: { color: tokens.colorNeutralForeground3 },
  list: { margin: 0, paddingLeft: '18px', display: 'flex', flexDirection: 'column', gap: '2px' },
  plain: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  // Fluent's Text components are inline: a record's state, return reason and decision each get a line
  record: { display: 'flex', flexDirection: 'column', gap: '2px', '& > p': { margin: 0 } },
  returned: { color: tokens.colorPaletteRedForeground1 },
  row: { display: 'flex', gap: '8px', alignItems: 'end' },
  grow: { flex: 1 },
});

/** YYYY-MM-DD of today in China (UTC+8). */
export function chinaDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The months the pane offers (ledger/submission-months.ts, the web page's rule too), for today in China (UTC+8). */
export function submittableMonths(now: Date = new Date()): string[] {
  return monthsToSubmit(chinaDate(now));
}

/**
 * The township decided (or the month was submitted again) since this pane's 已报送 message: the list
 * below shows the newer state, and a success line still saying “等待乡镇审核” beside 已退回 would contradict it.
 */
function decidedSince(submitted: SubmissionWire, submissions: readonly SubmissionWire[] | null): boolean {
  const now = submissions?.find((s) => s.month === submitted.month);
  return now !== undefined && (now.revision !== submitted.revision || now.state !== submitted.state);
}

function columnLabel(key: string, en: boolean): string {
  const column = LEDGER_COLUMNS.find((c) => c.key === key);
  return column ? (en ? column.en : column.header) : key;
}

export function SyncPane() {
  return (
    <SignedIn>{(user) => <SyncAndSubmit user={user} />}</SignedIn>
  );
}

function SyncAndSubmit({ user }: { user: SessionUser }) {
  const styles = useStyles();
  const t = useStrings(SYNC_STRINGS);
  const { host, run, setProgress, locale, sheetVersion, reportError } = useLedger();
  const { session } = useSession();
  const en = locale === 'en-US';
  /** 2026年11月 (en: 2026-11), as the 审核 pane names months. */
  const monthLabel = (m: string) => t('month', { year: m.slice(0, 4), month: en ? m.slice(5) : String(Number(m.slice(5))) });
  const villageCode = user.unit.code;
  const isVillage = user.role === 'village';

  // One engine per server and village for the pane's life: it remembers a request whose answer was lost.
  const engineRef = useRef<{ key: string; engine: SyncEngine } | null>(null);
  const engine = useMemo(() => {
    if (!host || !session || !isVillage) return null;
    const key = `${session.client.baseUrl}|${villageCode}`;
    if (engineRef.current?.key !== key) engineRef.current = { key, engine: new SyncEngine(hostSyncSheet(host), session.client, { villageCode, villageName: user.unit.name }) };
    return engineRef.current.engine;
  }, [host, session, isVillage, villageCode, user.unit.name]);

  const [pending, setPending] = useState<{ changes: number; never: boolean } | null>(null);
  /** The sheet's own errors by the same rules as the server (the month cannot be submitted while any remain). */
  const [sheetErrors, setSheetErrors] = useState<{ errors: Finding[]; warnings: number } | null>(null);
  const [outcome, setOutcome] = useState<SyncOutcome | null>(null);
  const [conflicts, setConflicts] = useState<SyncConflict[]>([]);
  const [index, setIndex] = useState<SheetIndex | null>(null);
  const [confirmDeletes, setConfirmDeletes] = useState<ReadonlySet<string>>(new Set());
  const [retryPending, setRetryPending] = useState(false);
  const [wrongVillage, setWrongVillage] = useState<string | null>(null);
  /** The sheet names another village (title / 村（社区）): nothing is synced until the user confirms, naming both. */
  const [otherVillage, setOtherVillage] = useState<OtherVillageError | null>(null);
  const [otherConfirmed, setOtherConfirmed] = useState(false);
  /** The names the tick was given for: other names shown (the sheet changed, or the engine found more) need a tick of their own. */
  const otherNames = useRef('');
  const showOtherVillage = useCallback((next: OtherVillageError | null) => {
    const names = next?.sheetVillages.join('\u0000') ?? '';
    if (names !== otherNames.current) {
      otherNames.current = names;
      setOtherConfirmed(false);
    }
    setOtherVillage(next);
  }, []);
  const [submissions, setSubmissions] = useState<SubmissionWire[] | null>(null);
  // the previous and the current month, then any older month the township returned (to submit it again)
  const returnedMonths = useMemo(() => new Set((submissions ?? []).filter((s) => s.state === '已退回').map((s) => s.month)), [submissions]);
  const months = useMemo(() => monthsToOffer(chinaDate(new Date()), returnedMonths), [returnedMonths]);
  const [month, setMonth] = useState(months[0]);
  const [refused, setRefused] = useState<{ refused: SubmissionRefused; error: ApiError } | null>(null);
  const [submitted, setSubmitted] = useState<SubmissionWire | null>(null);
  const [phase, setPhase] = useState<string | null>(null);
  /** Finished syncs (the result line carries it, so a reader can tell a new result from the last one). */
  const [runs, setRuns] = useState(0);

  /** Beyond the shared handling (401 → sign-in form, error bar): a lost answer, a workbook of another village. */
  const noteError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.offline) setRetryPending(engine?.retryPending ?? false);
      if (error instanceof WrongVillageError) setWrongVillage(en ? error.en : error.zh);
      // the engine asks only about names not yet confirmed: a tick given for the names shown before does not cover these
      if (error instanceof OtherVillageError) showOtherVillage(error);
    },
    [engine, en, showOtherVillage],
  );
  const serverCall = useServerCall(noteError);

  const refreshPending = useCallback(async () => {
    if (!engine) return;
    try {
      const plan = await engine.preview();
      const stored = await defined(host, 'the workbook host').readSettings();
      setPending({ changes: plan.changes.length, never: stored.sync === undefined });
      const snapshot = await defined(host, 'the workbook host').readLedger();
      const findings = validateSheet(snapshot.sheet, { today: chinaDate() }).findings;
      setSheetErrors({ errors: findings.filter((f) => f.severity === 'error'), warnings: findings.filter((f) => f.severity === 'warning').length });
      setWrongVillage(null);
      const others = await engine.otherVillages();
      showOtherVillage(others.length > 0 ? new OtherVillageError(others, user.unit.name) : null);
    } catch (error) {
      if (error instanceof WrongVillageError) setWrongVillage(en ? error.en : error.zh);
      else reportError(error);
    }
  }, [engine, host, en, reportError, user.unit.name, showOtherVillage]);

  useEffect(() => {
    void refreshPending();
  }, [refreshPending, sheetVersion]);

  const loadSubmissions = useCallback(async () => {
    if (!isVillage) return;
    const list = await serverCall(t('submit.refresh'), (client) => client.listSubmissions(villageCode));
    if (list) setSubmissions(list);
  }, [isVillage, serverCall, t, villageCode]);

  useEffect(() => {
    void loadSubmissions();
  }, [loadSubmissions]);

  const progressLabel = (p: SyncProgress) =>
    p.phase === 'pushing' ? t('sync.phase.pushing', { done: p.done + 1, total: p.total }) : t(`sync.phase.${p.phase}`);

  async function syncNow(): Promise<SyncOutcome | undefined> {
    if (!engine || !host) return undefined;
    // only what the user saw and ticked is confirmed (a name typed since is asked about again)
    const confirmVillage = otherVillage && otherConfirmed ? otherVillage.sheetVillages : [];
    const result = await serverCall(t('sync.phase.reading'), async () => {
      const done = await engine.syncNow({
        confirmDeletes: [...confirmDeletes],
        confirmVillage,
        onProgress: (p) => {
          setProgress(p.total > 0 ? p.done / p.total : undefined);
          setPhase(progressLabel(p));
        },
      });
      return { done, index: await indexSheet(host) };
    });
    setPhase(null);
    setRetryPending(engine.retryPending);
    if (!result) return undefined;
    setOutcome(result.done);
    setSubmitted(null);
    setRuns((n) => n + 1);
    setConflicts(engine.conflicts);
    setIndex(result.index);
    setConfirmDeletes(new Set());
    await refreshPending();
    return result.done;
  }

  async function resolve(conflict: SyncConflict, choices: Record<string, FieldChoice>) {
    if (!engine || !host) return;
    const result = await serverCall(t('conflict.applying'), async () => {
      const done = await engine.resolve(conflict, choices);
      return { done, index: await indexSheet(host) };
    });
    if (!result) return;
    setConflicts(engine.conflicts);
    setIndex(result.index);
    await refreshPending();
  }

  async function submit() {
    setRefused(null);
    const synced = await syncNow();
    if (!synced) return;
    if (synced.conflicts.length > 0 || synced.unsendable.length > 0) return; // the blocking reason is shown below
    const answer = await serverCall(t('submit.busy'), (client) => client.submitMonth(villageCode, month));
    if (!answer) return;
    if (answer.ok) setSubmitted(answer.response.submission);
    else setRefused({ refused: answer.refused, error: answer.error });
    await loadSubmissions();
  }

  async function goTo(cell: string) {
    await run(t('findings.goTo', { cell }), (h) => h.selectCell(cell));
  }

  if (!isVillage) {
    return (
      <MessageBar intent="info">
        <MessageBarBody>{t('sync.notVillage')}</MessageBarBody>
      </MessageBar>
    );
  }

  const findingsList = (rows: readonly WireRowFindings[], onlyErrors: boolean) => (
    <ul className={styles.plain}>
      {rows.flatMap((row) =>
        row.findings
          .filter((finding) => !onlyErrors || finding.severity === 'error')
          .map((finding, i) => {
            const cell = index?.cellOf(row.rowId, finding.key ?? '') ?? null;
            const excelRow = index?.rowOf(row.rowId);
            const text = t('findings.item', {
              row: excelRow ?? t('findings.rowGone'),
              message: en ? finding.en.message : finding.message,
            });
            return (
              <li key={`${row.rowId}-${i}`}>
                {cell ? (
                  <Link as="button" onClick={() => void goTo(cell)} aria-label={`${text} — ${t('findings.goTo', { cell })}`}>
                    {text}
                  </Link>
                ) : (
                  text
                )}
              </li>
            );
          }),
      )}
    </ul>
  );

  const blockedBy = conflicts.length > 0 ? t('submit.blockedConflicts') : outcome && outcome.unsendable.length > 0 ? t('submit.blockedUnsendable') : null;

  return (
    <>
      <section className={styles.section} aria-labelledby="sync-heading">
        <h2 id="sync-heading" className={styles.heading}>
          {t('sync.heading')}
        </h2>
        {wrongVillage && (
          <MessageBar intent="error">
            <MessageBarBody>{wrongVillage}</MessageBarBody>
          </MessageBar>
        )}
        {otherVillage && (
          <MessageBar intent="error" data-testid="sync-other-village">
            <MessageBarBody>
              {en ? otherVillage.en : otherVillage.zh}
              <Checkbox
                checked={otherConfirmed}
                onChange={(_, d) => setOtherConfirmed(d.checked === true)}
                label={t('sync.otherVillage.confirm', { sheet: otherVillage.sheetVillages.join(en ? ', ' : '、'), user: user.unit.name })}
              />
            </MessageBarBody>
          </MessageBar>
        )}
        {pending && (
          <Body1 as="p" role="status" data-testid="sync-pending">
            {pending.never ? t('sync.never') : pending.changes > 0 ? t('sync.pending', { count: pending.changes }) : t('sync.upToDate')}
          </Body1>
        )}
        {retryPending && (
          <MessageBar intent="warning">
            <MessageBarBody>{t('sync.retryPending')}</MessageBarBody>
          </MessageBar>
        )}
        <Button appearance="primary" onClick={() => void syncNow()} disabled={!engine || wrongVillage !== null || (otherVillage !== null && !otherConfirmed)}>
          {otherVillage && otherConfirmed ? t('sync.otherVillage.proceed', { user: user.unit.name }) : retryPending ? t('sync.retry') : t('sync.now')}
        </Button>
        {phase && <Caption1 aria-live="polite">{phase}</Caption1>}
        {outcome && (
          <Body1 as="p" role="status" data-testid="sync-result" data-run={runs}>
            {outcome.applied === 0 && outcome.pulled === 0 && outcome.conflicts.length === 0
              ? t('sync.nothing')
              : t('sync.result', { applied: outcome.applied, pulled: outcome.pulled }) +
                (outcome.merged > 0 ? t('sync.merged', { merged: outcome.merged }) : '') +
                (outcome.conflicts.length > 0 ? t('sync.conflicts', { count: outcome.conflicts.length }) : '')}
          </Body1>
        )}
        {outcome && outcome.pairedById > 0 && (
          <MessageBar intent="info">
            <MessageBarBody data-testid="sync-paired">{t('sync.paired', { count: outcome.pairedById })}</MessageBarBody>
          </MessageBar>
        )}
      </section>

      {conflicts.length > 0 && (
        <section className={styles.section} aria-labelledby="conflict-heading">
          <h3 id="conflict-heading" className={styles.heading}>
            {t('conflict.heading', { count: conflicts.length })}
          </h3>
          <Caption1>{t('conflict.intro')}</Caption1>
          {conflicts.map((conflict) => (
            <ConflictCard key={`${conflict.rowId}-${conflict.server.version}`} conflict={conflict} excelRow={index?.rowOf(conflict.rowId) ?? null} onResolve={(choices) => resolve(conflict, choices)} />
          ))}
        </section>
      )}

      {outcome && outcome.unsendable.length > 0 && (
        <section className={styles.section} aria-labelledby="unsendable-heading">
          <h3 id="unsendable-heading" className={styles.heading}>
            {t('unsendable.heading', { count: outcome.unsendable.length })}
          </h3>
          <Caption1>{t('unsendable.intro')}</Caption1>
          <ul className={styles.list}>
            {outcome.unsendable.flatMap((row) =>
              row.problems.map((problem) => {
                const cell = index?.cellOf(row.rowId, problem.key) ?? null;
                const text = t('unsendable.item', { row: row.excelRow, name: row.name ?? '', column: columnLabel(problem.key, en), message: problem.message });
                return <li key={`${row.rowId}-${problem.key}`}>{cell ? <Link as="button" onClick={() => void goTo(cell)}>{text}</Link> : text}</li>;
              }),
            )}
          </ul>
        </section>
      )}

      {outcome && outcome.missing.length > 0 && (
        <section className={styles.section} aria-labelledby="missing-heading">
          <h3 id="missing-heading" className={styles.heading}>
            {t('missing.heading', { count: outcome.missing.length })}
          </h3>
          <Caption1>{t('missing.intro')}</Caption1>
          <ul className={styles.plain}>
            {outcome.missing.map((rowId) => (
              <li key={rowId}>
                <Checkbox
                  label={t('missing.confirm', { name: rowId.slice(0, 8) })}
                  checked={confirmDeletes.has(rowId)}
                  onChange={(_, d) =>
                    setConfirmDeletes((previous) => {
                      const next = new Set(previous);
                      if (d.checked === true) next.add(rowId);
                      else next.delete(rowId);
                      return next;
                    })
                  }
                />
              </li>
            ))}
          </ul>
        </section>
      )}

      {outcome && outcome.deletedElsewhere.length > 0 && (
        <section className={styles.section} aria-labelledby="elsewhere-heading">
          <h3 id="elsewhere-heading" className={styles.heading}>
            {t('elsewhere.heading', { count: outcome.deletedElsewhere.length })}
          </h3>
          <ul className={styles.list}>
            {outcome.deletedElsewhere.map((row) => (
              <li key={row.rowId}>{t('elsewhere.item', { row: row.excelRow ?? '—', name: row.name ?? '' })}</li>
            ))}
          </ul>
        </section>
      )}

      {sheetErrors && sheetErrors.errors.length > 0 && (
        <section className={styles.section} aria-labelledby="errors-heading">
          <h3 id="errors-heading" className={styles.heading}>
            {t('errors.heading', { count: sheetErrors.errors.length })}
          </h3>
          <Caption1>{t('errors.intro', { warnings: sheetErrors.warnings })}</Caption1>
          <ul className={styles.plain} data-testid="sheet-errors">
            {sheetErrors.errors.slice(0, 50).map((finding) => {
              const text = t('findings.item', { row: finding.row, message: en ? finding.en.message : finding.message });
              return (
                <li key={`${finding.cell}-${finding.code}`}>
                  <Link as="button" onClick={() => void goTo(finding.cell)} aria-label={`${text} — ${t('findings.goTo', { cell: finding.cell })}`}>
                    {text}
                  </Link>
                </li>
              );
            })}
          </ul>
          {sheetErrors.errors.length > 50 && <Caption1>{t('findings.truncated')}</Caption1>}
        </section>
      )}

      <section className={styles.section} aria-labelledby="submit-heading">
        <h2 id="submit-heading" className={styles.heading}>
          {t('submit.heading')}
        </h2>
        <div className={styles.row}>
          <Field label={t('submit.month')} className={styles.grow}>
            <Select value={month} onChange={(_, d) => setMonth(d.value)}>
              {months.map((m) => (
                <option key={m} value={m}>
                  {returnedMonths.has(m) ? t('submit.monthReturned', { month: monthLabel(m) }) : monthLabel(m)}
                </option>
              ))}
            </Select>
          </Field>
          <Button appearance="primary" onClick={() => void submit()} disabled={!engine || wrongVillage !== null || (otherVillage !== null && !otherConfirmed)}>
            {t('submit.button', { month: monthLabel(month) })}
          </Button>
        </div>
        <Caption1 className={styles.muted}>{t('submit.syncFirst')}</Caption1>
        {blockedBy && (
          <MessageBar intent="warning">
            <MessageBarBody>{blockedBy}</MessageBarBody>
          </MessageBar>
        )}
        {refused && (
          <div role="alert" data-testid="submit-refused">
            <MessageBar intent="error">
              <MessageBarBody>
                {t((sheetErrors?.errors.length ?? 0) > 0 ? 'submit.refusedAbove' : 'submit.refused', { message: en ? refused.error.en : refused.error.zh })}
              </MessageBarBody>
            </MessageBar>
            {/* the sheet's own errors are listed above; the server's list matters when it found more (e.g. rows not on this sheet) */}
            {(sheetErrors?.errors.length ?? 0) === 0 && findingsList(refused.refused.findings, true)}
            {refused.refused.findingsTruncated && <Caption1>{t('findings.truncated')}</Caption1>}
          </div>
        )}
        {submitted && !decidedSince(submitted, submissions) && (
          <MessageBar intent="success">
            <MessageBarBody data-testid="submit-done">{t('submit.done', { month: monthLabel(submitted.month), revision: submitted.revision })}</MessageBarBody>
          </MessageBar>
        )}
        <h3 className={styles.heading}>{t('submit.list')}</h3>
        {submissions && submissions.length === 0 && <Caption1>{t('submit.none')}</Caption1>}
        {submissions && submissions.length > 0 && (
          <ul className={styles.plain} data-testid="submission-list">
            {submissions.map((s) => (
              <li key={s.month} className={styles.record}>
                <Body1>{t('submit.state', { month: monthLabel(s.month), state: en ? s.stateEn : s.state, revision: s.revision, rows: s.rowCount })}</Body1>
                {s.state === '已退回' && s.returnReason && (
                  <Caption1 as="p" className={styles.returned}>
                    {t('submit.returned', { reason: s.returnReason })}
                  </Caption1>
                )}
                {/* decided by the village's township (only it may): said so, not by a login name */}
                {s.decidedAt && (s.state === '已审核' || s.state === '已退回') && (
                  <Caption1 as="p" className={styles.muted}>
                    {t(s.state === '已审核' ? 'submit.approvedOn' : 'submit.returnedOn', { at: chinaDay(s.decidedAt) })}
                  </Caption1>
                )}
              </li>
            ))}
          </ul>
        )}
        <Button size="small" appearance="subtle" onClick={() => void loadSubmissions()}>
          {t('submit.refresh')}
        </Button>
      </section>
    </>
  );
}
