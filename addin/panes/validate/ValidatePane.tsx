/**
 * 台账校验: validate the whole ledger or the selected rows offline with the core's rules, summary
 * first, then findings by row (click → the cell is selected), marks as removable conditional
 * formats, safe one-click fixes with undo.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Caption1Strong,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Radio,
  RadioGroup,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { validateSheet, type SheetValidation } from '../../../ledger/validate';
import type { Finding } from '../../../ledger/types';
import { LedgerHostError, type AddedSheets, type LedgerSnapshot, type RowWrite, type TemplateExtra } from '../../host/ledger-host';
import type { ColumnKey } from '../../../ledger/columns';
import { APP_STRINGS } from '../../app/strings';
import { listJoin } from '../../app/i18n';
import { AddColumnsOffer, AddLedgerOffer } from './TemplateOffers';
import { useLedger, useStrings } from '../../app/HostProvider';
import { buildView, localToday, missingColumns, proposeFixes, synonymFix, type CellFix, type SeverityFilter } from './model';
import { FINDING_LABELS } from '../../../ledger/validation/messages';
import { VALIDATE_STRINGS } from './strings';

const PAGE_ROWS = 50;
/** Fixes listed before 显示全部: the apply button stays close to what it changes. */
const FIXES_SHOWN = 5;
/** Fixes listed at most (a big sheet may have thousands; 全部修正 fixes them all). */
const FIXES_LISTED = 100;
/** Sheet events that arrive this soon after the pane's own write are the write's own echo. */
const OWN_WRITE_ECHO_MS = 1500;

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '6px', marginTop: '10px' },
  row: { display: 'flex', flexWrap: 'wrap', gap: '6px', alignItems: 'center' },
  summaryList: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  summaryItem: {
    display: 'flex',
    gap: '6px',
    alignItems: 'flex-start',
    padding: '4px 6px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  grow: { flexGrow: 1, minWidth: 0, overflowWrap: 'anywhere' },
  /** Badges and counts keep their words on one line (CJK text would otherwise break per character). */
  fixed: { flexShrink: 0, whiteSpace: 'nowrap' },
  rowGroup: { borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: '6px' },
  rowTitle: { fontWeight: 600 },
  finding: {
    display: 'flex',
    width: '100%',
    justifyContent: 'flex-start',
    textAlign: 'left',
    gap: '6px',
    padding: '4px 6px',
    minHeight: '32px',
    height: 'auto',
    fontWeight: 'normal',
    whiteSpace: 'normal',
  },
  hint: { color: tokens.colorNeutralForeground3, paddingLeft: '8px', display: 'block' },
  synonym: { marginLeft: '8px', marginTop: '2px' },
  /** Every fix in full, two lines each (where and what; old and new value): no inner scroll box that cuts lines. */
  fixList: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  fixItem: { display: 'flex', flexDirection: 'column', borderLeft: `3px solid ${tokens.colorBrandStroke1}`, paddingLeft: '6px' },
  /** Old and new values as typed: spaces kept visible (a trim fix shows the spaces it removes), long ID numbers may break. */
  fixChange: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
});

interface Result {
  snapshot: LedgerSnapshot;
  validation: SheetValidation;
  /** Excel rows checked: undefined = the whole sheet. */
  rows?: { from: number; to: number };
  today: string;
}

interface UndoEntry {
  snapshot: LedgerSnapshot;
  fixes: CellFix[];
}

export function ValidatePane() {
  const styles = useStyles();
  const { run, selection, sheetVersion, locale, capabilities } = useLedger();
  const t = useStrings(VALIDATE_STRINGS);
  const app = useStrings(APP_STRINGS);
  /** Whether the workbook has a ledger: looked up when the pane opens, so 开始校验 is offered only where there is something to check. */
  const [noLedger, setNoLedger] = useState<boolean | undefined>(undefined);
  const [scope, setScope] = useState<'sheet' | 'selection'>('sheet');
  const [filter, setFilter] = useState<SeverityFilter>('all');
  const [result, setResult] = useState<Result | null>(null);
  const [shownRows, setShownRows] = useState(PAGE_ROWS);
  const [allFixesShown, setAllFixesShown] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoEntry | null>(null);
  const [validatedVersion, setValidatedVersion] = useState(0);
  /**
   * The sheet this pane has coloured (null: no marks, or removed). While set, every re-check re-marks
   * from its findings: colours left on cells a fix has corrected would contradict the list.
   */
  const [markedSheet, setMarkedSheet] = useState<string | null>(null);
  const ownWriteAt = useRef(0);
  const versionRef = useRef(sheetVersion);
  versionRef.current = sheetVersion;

  const selectedRows = selection && selection.rows >= 1 ? { from: selection.excelRow, to: selection.excelRow + selection.rows - 1 } : undefined;

  const validate = useCallback(
    async (rows: { from: number; to: number } | undefined) => {
      const outcome = await run(t('busy.validating'), async (host) => {
        let snapshot: LedgerSnapshot;
        try {
          snapshot = await host.readLedger();
        } catch (e) {
          // no ledger in the workbook: not an error here, the pane offers to add the template's sheets
          if (e instanceof LedgerHostError && e.code === 'ledger.not_found') return 'noLedger' as const;
          throw e;
        }
        const today = localToday();
        return { snapshot, validation: validateSheet(snapshot.sheet, { today }), rows, today };
      });
      setNoLedger(outcome === 'noLedger');
      if (outcome === 'noLedger') {
        setResult(null);
        return undefined;
      }
      if (outcome) {
        setResult(outcome);
        setShownRows(PAGE_ROWS);
        setValidatedVersion(versionRef.current);
      }
      return outcome;
    },
    [run, t],
  );

  /** Looks for the ledger without validating (the pane opening; 重新查找台账): true when there is none. */
  const findLedger = useCallback(
    () =>
      run(t('noLedger.finding'), (host) =>
        host.readLedger().then(
          () => false,
          (e: unknown) => {
            if (e instanceof LedgerHostError && e.code === 'ledger.not_found') return true;
            throw e;
          },
        ),
      ),
    [run, t],
  );

  useEffect(() => {
    let current = true;
    void findLedger().then((none) => {
      // an error other than "no ledger" is in the error bar: offer 开始校验 (it says the same again or works)
      if (current) setNoLedger((known) => known ?? none ?? false);
    });
    return () => {
      current = false;
    };
  }, [findLedger]);

  const [lookedAgain, setLookedAgain] = useState(0);
  const lookAgain = async () => {
    setNotice(null);
    const none = await findLedger();
    if (none === undefined) return;
    setNoLedger(none);
    setLookedAgain((n) => n + 1);
  };

  const view = useMemo(() => (result ? buildView(result.validation, { filter, rows: result.rows }) : null), [result, filter]);
  const fixes = useMemo(() => (result ? proposeFixes(result.snapshot, result.today, result.rows) : []), [result]);

  // stale: the sheet changed after the check, other than by this pane's own write
  const echo = Date.now() - ownWriteAt.current < OWN_WRITE_ECHO_MS;
  const stale = result !== null && sheetVersion !== validatedVersion && !echo;

  const scopeRows = scope === 'selection' ? selectedRows : undefined;

  /** The findings the pane lists for a result (the checked rows only): what the marks show. */
  const listedFindings = (checked: Result) => checked.validation.findings.filter((f) => !checked.rows || (f.row >= checked.rows.from && f.row <= checked.rows.to));

  /**
   * After a re-check with marks on: the marks follow the new findings. markFindings replaces the
   * pane's old marks in the same batch (no separate clear: the bench counts syncs). Returns what to
   * tell the user, with a leading space to append to the notice; '' when nothing was marked.
   */
  const remark = async (checked: Result | undefined): Promise<string> => {
    if (!checked || markedSheet === null || markedSheet !== checked.snapshot.sheetName) return '';
    const findings = listedFindings(checked);
    const done = await run(t('busy.marking'), (host) => host.markFindings(checked.snapshot, findings).then(() => true));
    if (!done) return '';
    const cells = new Set(findings.map((f) => f.cell)).size;
    return ` ${cells > 0 ? t('marks.refreshed', { count: cells }) : t('marks.refreshedNone')}`;
  };

  const start = async () => {
    setNotice(null);
    const note = await remark(await validate(scopeRows));
    if (note) setNotice(note.trim());
  };

  const goTo = (finding: Finding) => {
    if (!result) return;
    void run(t('busy.selecting'), (host) => host.selectCell(finding.cell, result.snapshot));
  };

  const mark = async () => {
    if (!result) return;
    const findings = listedFindings(result);
    const done = await run(t('busy.marking'), (host) => host.markFindings(result.snapshot, findings).then(() => true));
    if (!done) return;
    setMarkedSheet(result.snapshot.sheetName);
    setNotice(t('marks.done', { count: new Set(findings.map((f) => f.cell)).size }));
  };

  const clearMarks = async () => {
    const done = await run(t('busy.clearing'), (host) => host.clearMarks(result?.snapshot).then(() => true));
    if (!done) return;
    setMarkedSheet(null);
    setNotice(t('marks.cleared'));
  };

  const writeCells = async (label: string, snapshot: LedgerSnapshot, cells: { excelRow: number; key: CellFix['key']; value: string }[]) =>
    run(label, async (host) => {
      const byRow = new Map<number, RowWrite>();
      for (const cell of cells) {
        const row = byRow.get(cell.excelRow) ?? { excelRow: cell.excelRow, values: {} };
        row.values[cell.key] = cell.value;
        byRow.set(cell.excelRow, row);
      }
      await host.writeRows([...byRow.values()], snapshot);
      ownWriteAt.current = Date.now();
      return true;
    });

  const applyFixes = async () => {
    if (!result || fixes.length === 0) return;
    const applied = fixes;
    const ok = await writeCells(t('busy.fixing'), result.snapshot, applied.map((f) => ({ excelRow: f.excelRow, key: f.key, value: f.after })));
    if (!ok) return;
    const next = await validate(result.rows);
    // undo refers to the sheet as it is after the fix (every fixed row now carries a 记录ID)
    if (next) setUndo({ snapshot: next.snapshot, fixes: applied });
    const marks = await remark(next);
    setNotice(`${t('fix.applied', { count: applied.length })}${marks}`);
  };

  const undoFixes = async () => {
    if (!undo) return;
    const ok = await writeCells(t('busy.undoing'), undo.snapshot, undo.fixes.map((f) => ({ excelRow: f.excelRow, key: f.key, value: f.before })));
    if (!ok) return;
    setUndo(null);
    const marks = await remark(await validate(result?.rows));
    setNotice(`${t('fix.undone')}${marks}`);
  };

  const skippedText = (skipped: readonly TemplateExtra[]) =>
    skipped.length > 0 ? ` ${t('extras.skipped', { features: listJoin(skipped.map((extra) => app(`capability.${extra}`)), locale) })}` : '';

  const ledgerAdded = async (added: AddedSheets) => {
    ownWriteAt.current = Date.now();
    await validate(undefined);
    setNotice(`${t('noLedger.added', added.names)}${skippedText(added.skipped)}`);
  };

  const addColumns = async (keys: readonly ColumnKey[]) => {
    if (!result) return undefined;
    const added = await run(t('columns.busy'), (host) => host.addMissingColumns(result.snapshot, keys));
    if (!added) return undefined;
    ownWriteAt.current = Date.now();
    const marks = await remark(await validate(result.rows));
    const from = added.columns[0]?.cell.replace(/\d+$/, '') ?? '';
    setNotice(`${t('columns.added', { count: added.columns.length, from, columns: listJoin(added.columns.map((c) => c.header), locale) })}${skippedText(added.skipped)}${marks}`);
    return added;
  };

  const applySynonym = async (finding: Finding) => {
    if (!result) return;
    const fix = synonymFix(result.snapshot, finding);
    if (!fix) return;
    const ok = await writeCells(t('busy.synonym'), result.snapshot, [{ excelRow: fix.excelRow, key: fix.key, value: fix.after }]);
    if (!ok) return;
    const next = await validate(result.rows);
    if (next) setUndo({ snapshot: next.snapshot, fixes: [fix] });
    const marks = await remark(next);
    setNotice(`${t('synonym.applied', { cell: fix.cell, value: fix.after })}${marks}`);
  };

  const missing = result ? missingColumns(result.snapshot) : [];

  const severityBadge = (severity: Finding['severity']) => (
    <Badge className={styles.fixed} appearance="filled" color={severity === 'error' ? 'danger' : 'warning'} shape="rounded" size="small">
      {t(severity === 'error' ? 'severity.error' : 'severity.warning')}
    </Badge>
  );
  const message = (f: Finding) => (locale === 'en-US' ? f.en.message : f.message);
  const hint = (f: Finding) => (locale === 'en-US' ? f.en.hint : f.hint);

  /** Scope and 开始校验: only where the workbook has a ledger. */
  function scopeAndStart() {
    return (
      <>
        <RadioGroup aria-label={t('scope.label')} value={scope} onChange={(_, data) => setScope(data.value === 'selection' ? 'selection' : 'sheet')}>
          <Radio value="sheet" label={t('scope.sheet')} />
          <Radio
            value="selection"
            disabled={!selectedRows}
            label={selectedRows ? t('scope.selection', { from: selectedRows.from, to: selectedRows.to }) : t('scope.selectionNone')}
          />
        </RadioGroup>
        <div className={styles.row}>
          <Button appearance="primary" onClick={() => void start()} disabled={scope === 'selection' && !selectedRows}>
            {result ? t('rerun') : t('run')}
          </Button>
        </div>
      </>
    );
  }

  return (
    <div>
      <Body1 as="p" style={{ margin: '0 0 6px' }}>
        {t('intro')}
      </Body1>
      {noLedger === true && !result ? (
        <>
          <AddLedgerOffer onAdded={(added) => void ledgerAdded(added)} />
          <section className={styles.section} aria-labelledby="have-ledger-title">
            <Subtitle2 as="h2" id="have-ledger-title" style={{ margin: 0 }}>
              {t('noLedger.haveOne')}
            </Subtitle2>
            <Body1>{t('noLedger.elsewhere')}</Body1>
          </section>
          <div className={styles.row} style={{ marginTop: '6px' }}>
            <Button onClick={() => void lookAgain()}>{t('noLedger.retry')}</Button>
            {lookedAgain > 0 && (
              <Caption1 role="status" key={lookedAgain}>
                {t('noLedger.stillNone')}
              </Caption1>
            )}
          </div>
        </>
      ) : (
        noLedger === false && scopeAndStart()
      )}

      {notice && (
        // multiline: a notice that grows in place (the fix, then the re-marked cells) wraps; the auto
        // layout measures only when the bar resizes, so it stayed on one line wider than the pane
        <MessageBar intent="success" layout="multiline" style={{ marginTop: '8px' }}>
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {stale && (
        <MessageBar intent="warning" style={{ marginTop: '8px' }}>
          <MessageBarBody>{t('stale')}</MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => void start()}>
              {t('rerun')}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}

      {result && missing.length > 0 && <AddColumnsOffer keys={missing} onAdd={addColumns} />}

      {result && view && (
        <>
          <section className={styles.section} aria-labelledby="summary-title">
            <Subtitle2 as="h2" id="summary-title" style={{ margin: 0 }}>
              {t('summary.title')}
            </Subtitle2>
            <Body1 as="p" style={{ margin: 0 }} data-testid="summary-counts">
              {view.errors + view.warnings === 0 ? `${t('summary.counts', { rows: view.dataRows, errors: 0, warnings: 0 })}${t('summary.clean')}` : t('summary.counts', { rows: view.dataRows, errors: view.errors, warnings: view.warnings })}
            </Body1>
            {view.summary.length > 0 && (
              <ul className={styles.summaryList} aria-label={t('summary.title')}>
                {view.summary.map((line) => (
                  <li key={`${line.severity}${line.code}${line.column}`} className={styles.summaryItem}>
                    {severityBadge(line.severity)}
                    <span className={styles.grow}>
                      <Body1>
                        {line.wholeColumn || line.count === 1
                          ? message(line.example)
                          : t('summary.line', { column: line.column, message: FINDING_LABELS[line.code][locale === 'en-US' ? 'en' : 'zh'] })}
                      </Body1>
                      {line.wholeColumn && (
                        <Caption1 className={styles.hint} style={{ paddingLeft: 0 }}>
                          {t('hint.label')}
                          {hint(line.example)}
                        </Caption1>
                      )}
                    </span>
                    <Caption1 className={styles.fixed}>{line.wholeColumn && line.code !== 'header.missing' ? t('summary.wholeColumn') : t('summary.count', { count: line.count })}</Caption1>
                  </li>
                ))}
              </ul>
            )}
            <div className={styles.row}>
              <Button onClick={() => void mark()} disabled={!capabilities.conditionalFormats || view.errors + view.warnings === 0}>
                {t('marks.add')}
              </Button>
              <Button onClick={() => void clearMarks()} disabled={!capabilities.conditionalFormats}>
                {t('marks.clear')}
              </Button>
            </div>
            {capabilities.conditionalFormats && <Caption1>{t('marks.hint')}</Caption1>}
          </section>

          {(fixes.length > 0 || undo) && (
            <section className={styles.section} aria-labelledby="fix-title">
              <Subtitle2 as="h2" id="fix-title" style={{ margin: 0 }}>
                {fixes.length > 0 ? t('fix.title', { count: fixes.length }) : t('fix.undoTitle')}
              </Subtitle2>
              {fixes.length > 0 && <Caption1>{t('fix.explain')}</Caption1>}
              {fixes.length > 0 && (
                <ul className={styles.fixList} aria-label={t('fix.title', { count: fixes.length })} data-testid="fix-list">
                  {fixes.slice(0, allFixesShown ? FIXES_LISTED : FIXES_SHOWN).map((fix) => (
                    <li key={`${fix.cell}`} className={styles.fixItem}>
                      <Caption1Strong>{t('fix.where', { cell: fix.cell, column: fix.column, kind: t(`fix.kind.${fix.kind}`) })}</Caption1Strong>
                      <Caption1 className={styles.fixChange}>{t('fix.change', { before: fix.before, after: fix.after })}</Caption1>
                    </li>
                  ))}
                </ul>
              )}
              {fixes.length > FIXES_SHOWN && (
                <div>
                  <Button size="small" appearance="subtle" aria-expanded={allFixesShown} onClick={() => setAllFixesShown((shown) => !shown)}>
                    {allFixesShown ? t('fix.showFewer', { count: FIXES_SHOWN }) : t('fix.showAll', { count: fixes.length })}
                  </Button>
                </div>
              )}
              {allFixesShown && fixes.length > FIXES_LISTED && <Caption1>{t('fix.listCapped', { shown: FIXES_LISTED, count: fixes.length })}</Caption1>}
              <div className={styles.row}>
                {fixes.length > 0 && (
                  <Button appearance="primary" onClick={() => void applyFixes()}>
                    {t('fix.apply')}
                  </Button>
                )}
                {undo && <Button onClick={() => void undoFixes()}>{t('fix.undo')}</Button>}
              </div>
            </section>
          )}

          {view.errors + view.warnings > 0 && (
            <section className={styles.section} aria-labelledby="rows-title">
              <Subtitle2 as="h2" id="rows-title" style={{ margin: 0 }}>
                {t('rows.title')}
              </Subtitle2>
              <RadioGroup layout="horizontal" aria-label={t('filter.label')} value={filter} onChange={(_, data) => setFilter(data.value as SeverityFilter)}>
                <Radio value="all" label={t('filter.all')} />
                <Radio value="error" label={t('filter.error')} />
                <Radio value="warning" label={t('filter.warning')} />
              </RadioGroup>
              {view.rows.length === 0 && <Caption1>{t('rows.none')}</Caption1>}
              {view.rows.slice(0, shownRows).map((group) => (
                <div key={group.excelRow} className={styles.rowGroup} role="group" aria-label={group.excelRow === result.snapshot.header.excelRow ? t('rows.header') : `${t('rows.row', { row: group.excelRow })} ${group.name}`}>
                  <Body1 className={styles.rowTitle}>
                    {group.excelRow === result.snapshot.header.excelRow ? t('rows.header') : t('rows.row', { row: group.excelRow })}
                    {group.name ? ` · ${group.name}` : ''}
                  </Body1>
                  {group.findings.map((finding, i) => (
                    <div key={`${finding.cell}${finding.code}${i}`}>
                      <Button
                        appearance="subtle"
                        className={styles.finding}
                        aria-label={t('finding.go', { cell: finding.cell, message: message(finding) })}
                        onClick={() => goTo(finding)}
                      >
                        {severityBadge(finding.severity)}
                        <span className={styles.grow}>
                          {finding.cell} · {message(finding)}
                        </span>
                      </Button>
                      <Caption1 className={styles.hint}>
                        {t('hint.label')}
                        {hint(finding)}
                      </Caption1>
                      {synonymFix(result.snapshot, finding) && (
                        <Button
                          size="small"
                          className={styles.synonym}
                          aria-label={t('synonym.label', { cell: finding.cell, value: finding.fix ?? '' })}
                          onClick={() => void applySynonym(finding)}
                        >
                          {t('synonym.apply', { value: finding.fix ?? '' })}
                        </Button>
                      )}
                    </div>
                  ))}
                </div>
              ))}
              {view.rows.length > shownRows && (
                <Button onClick={() => setShownRows((n) => n + PAGE_ROWS)}>{t('rows.more', { count: Math.min(PAGE_ROWS, view.rows.length - shownRows) })}</Button>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}

