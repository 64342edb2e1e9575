/**
 * 接办流程: follows the selected row, pre-fills the questionnaire from it (blank cells stay
 * unanswered and are asked), shows the recommended measures (notice 二（三）: clause, why, deadline),
 * asks for 核实日期 / 核实结果 when the row is not verified yet, and writes the chosen measures back
 * (undo-safe) once the answers that decide them are given.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Select,
  Subtitle2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { SPECIAL_NEEDS } from '../../../ledger/handling';
import { columnByKey, type ColumnKey } from '../../../ledger/columns';
import { VOCABULARIES, type HandlingMeasure, type VerifyResult, type Willingness } from '../../../ledger/vocabularies';
import type { ParsedRow } from '../../../ledger/validate';
import type { LedgerSnapshot } from '../../host/ledger-host';
import type { LedgerValues } from '../../../ledger/types';
import { useLedger, useStrings } from '../../app/HostProvider';
import { listJoin } from '../../app/i18n';
import { localToday } from '../validate/model';
import {
  areaOfUnit,
  confirmation,
  currentMeasures,
  needsVerification,
  parseAmount,
  prefill,
  previousValues,
  recommend,
  rowAt,
  statusFor,
  type Answers,
  type DateProblem,
} from './model';
import { HANDLING_STRINGS } from './strings';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '6px', marginTop: '10px' },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: '6px 8px',
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  quote: { color: tokens.colorNeutralForeground3, borderLeft: `3px solid ${tokens.colorNeutralStroke1}`, paddingLeft: '6px' },
  deadline: { color: tokens.colorPaletteRedForeground1, fontWeight: 600 },
  row: { display: 'flex', flexWrap: 'wrap', gap: '6px', alignItems: 'center' },
});

interface Loaded {
  snapshot: LedgerSnapshot;
  row: ParsedRow;
  version: number;
}

interface UndoEntry {
  snapshot: LedgerSnapshot;
  excelRow: number;
  values: LedgerValues;
}

export function HandlingPane() {
  const styles = useStyles();
  const { run, selection, sheetVersion, locale, refreshSelection } = useLedger();
  const t = useStrings(HANDLING_STRINGS);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [noRow, setNoRow] = useState(false);
  const [answers, setAnswers] = useState<Answers | null>(null);
  const [chosen, setChosen] = useState<Set<HandlingMeasure>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoEntry | null>(null);
  const snapshotRef = useRef<{ snapshot: LedgerSnapshot; version: number } | null>(null);
  // read through a ref: a sheet change alone must not reset answers being typed; the next selection re-reads
  const versionRef = useRef(sheetVersion);
  versionRef.current = sheetVersion;
  const today = localToday();

  // follow the cursor: the row under the selection, from the last read while the sheet is unchanged
  const load = useCallback(
    async (sheetName: string, excelRow: number, force = false) => {
      const cached = snapshotRef.current;
      let snapshot = cached && cached.version === versionRef.current && !force ? cached.snapshot : null;
      if (!snapshot) {
        snapshot = (await run(t('busy.reading'), (host) => host.readLedger())) ?? null;
        if (!snapshot) return;
        snapshotRef.current = { snapshot, version: versionRef.current };
      }
      const row = selectionOnLedger(snapshot, sheetName, excelRow) ? rowAt(snapshot, excelRow) : null;
      setNoRow(!row);
      if (!row) {
        setLoaded(null);
        return;
      }
      setLoaded({ snapshot, row, version: versionRef.current });
      const filled = prefill(row.values, today);
      setAnswers(filled);
      setChosen(new Set(recommend(row.values, filled, today).map((r) => r.measure)));
    },
    [run, t, today],
  );

  const excelRow = selection?.excelRow;
  const sheetName = selection?.sheetName;
  useEffect(() => {
    if (excelRow === undefined || sheetName === undefined) {
      setNoRow(true);
      return;
    }
    setNotice(null);
    void load(sheetName, excelRow);
  }, [sheetName, excelRow, load]);

  const recommendations = useMemo(() => (loaded && answers ? recommend(loaded.row.values, answers, today) : []), [loaded, answers, today]);
  // a measure no longer recommended (answers changed) cannot stay chosen
  const chosenNow = recommendations.filter((r) => chosen.has(r.measure)).map((r) => r.measure);
  const incomeInvalid = answers ? Number.isNaN(parseAmount(answers.income) ?? 0) : false;
  const amountInvalid = answers ? Number.isNaN(parseAmount(answers.amountNeeded) ?? 0) : false;
  const outcome = loaded && answers && chosenNow.length > 0 ? confirmation(loaded.row.values, chosenNow, answers, today) : null;
  const asksVerification = loaded ? needsVerification(loaded.row.values) : false;
  const unitArea = loaded ? areaOfUnit(loaded.row.values) : undefined;

  const set = <K extends keyof Answers>(key: K, value: Answers[K]) => {
    setAnswers((a) => {
      if (!a) return a;
      const next = { ...a, [key]: value };
      if (loaded) setChosen(new Set(recommend(loaded.row.values, next, today).map((r) => r.measure)));
      return next;
    });
  };

  const confirm = async () => {
    if (!loaded || !answers || chosenNow.length === 0) return;
    const checked = confirmation(loaded.row.values, chosenNow, answers, today);
    if (!checked.ok) return;
    const values = checked.values;
    const before = previousValues(loaded.row, Object.keys(values) as (keyof LedgerValues)[]);
    const written = await run(t('busy.writing'), async (host) => {
      const [rowNumber] = await host.writeRows([{ excelRow: loaded.row.excelRow, values }], loaded.snapshot);
      // the row now carries a 记录ID: the fresh read lets undo find it wherever it moves
      const after = await host.readLedger();
      return { rowNumber, after };
    });
    if (!written) return;
    snapshotRef.current = null;
    setUndo({ snapshot: written.after, excelRow: written.rowNumber, values: before });
    setNotice(t('confirmed', { row: written.rowNumber }));
    const row = rowAt(written.after, written.rowNumber);
    if (row) setLoaded({ snapshot: written.after, row, version: versionRef.current });
  };

  const undoWrite = async () => {
    if (!undo) return;
    const ok = await run(t('busy.undoing'), (host) => host.writeRows([{ excelRow: undo.excelRow, values: undo.values }], undo.snapshot).then(() => true));
    if (!ok) return;
    setUndo(null);
    setNotice(t('undone'));
    snapshotRef.current = null;
    await load(undo.snapshot.sheetName, undo.excelRow, true);
  };

  const dateMessage = (problem: DateProblem | null): string | undefined =>
    !problem
      ? undefined
      : problem.kind === 'invalid'
        ? t('date.invalid', { today })
        : problem.kind === 'future'
          ? t('date.future', { today })
          : t('date.beforeFound', { date: problem.foundOn });
  // what will be written, as header“value” the way the clerk sees the columns
  // (joined with ， not 、: 处置方式 itself lists its measures with 、)
  const cellsText = (values: Record<string, unknown>) =>
    Object.entries(values)
      .map(([key, value]) => {
        const column = columnByKey(key as ColumnKey);
        return locale === 'en-US' ? `${column.en} “${String(value)}”` : `${column.header}“${String(value)}”`;
      })
      .join(locale === 'en-US' ? ', ' : '，');

  const text = (value: unknown) =>
    Array.isArray(value) && value.length > 0 ? listJoin(value as string[], locale) : typeof value === 'string' && value ? value : t('none');

  return (
    <div>
      <Body1 as="p" style={{ margin: '0 0 6px' }}>
        {t('intro')}
      </Body1>
      <Button onClick={() => void refreshSelection().then(() => (selection ? load(selection.sheetName, selection.excelRow, true) : undefined))}>{t('refresh')}</Button>
      {notice && (
        <MessageBar intent="success" style={{ marginTop: '8px' }}>
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {undo && (
        <div className={styles.row} style={{ marginTop: '6px' }}>
          <Button onClick={() => void undoWrite()}>{t('undo')}</Button>
        </div>
      )}
      {noRow && !loaded && (
        // block: a Caption1 is inline, and the hint would run on beside the button instead of under it
        <Caption1 as="p" block data-testid="no-row" style={{ margin: '6px 0 0' }}>
          {t('noRow')}
        </Caption1>
      )}
      {loaded && answers && (
        <>
          <section className={styles.section} aria-labelledby="row-title">
            <Subtitle2 as="h2" id="row-title" style={{ margin: 0 }}>
              {t('row.title', { row: loaded.row.excelRow, name: text(loaded.row.values.name) })}
            </Subtitle2>
            <Caption1>
              {t('row.facts', { categories: text(loaded.row.values.categories), coverage: text(loaded.row.values.coverage), routes: text(currentMeasures(loaded.row.values)) })}
            </Caption1>
          </section>

          <section className={styles.section} aria-labelledby="rec-title">
            <Subtitle2 as="h2" id="rec-title" style={{ margin: 0 }}>
              {t('rec.title')}
            </Subtitle2>
            {answers.willing === '不愿申请' && <Caption1>{t('rec.declined')}</Caption1>}
            {recommendations.length === 0 && <Caption1>{t('rec.none')}</Caption1>}
            {recommendations.map((rec) => (
              <div key={rec.measure} className={styles.card} data-testid="recommendation">
                <Checkbox
                  checked={chosen.has(rec.measure)}
                  onChange={(_, d) =>
                    setChosen((c) => {
                      const next = new Set(c);
                      if (d.checked) next.add(rec.measure);
                      else next.delete(rec.measure);
                      return next;
                    })
                  }
                  label={<strong>{rec.measure}</strong>}
                  aria-label={t('rec.choose', { measure: rec.measure })}
                />
                <Caption1>
                  {t('rec.why')}
                  {locale === 'en-US' ? rec.reason.en : rec.reason.zh}
                </Caption1>
                <Caption1 className={styles.quote}>
                  {t('rec.clause')}
                  {locale === 'en-US' ? rec.clauseEn : rec.clause}
                </Caption1>
                {rec.deadline && (
                  <Caption1 className={styles.deadline}>
                    {t('rec.deadline', { date: rec.deadline.iso, label: locale === 'en-US' ? rec.deadline.label.en : rec.deadline.label.zh })}
                  </Caption1>
                )}
              </div>
            ))}
          </section>

          {asksVerification && chosenNow.length > 0 && (
            <section className={styles.section} aria-labelledby="verify-title" data-testid="verification">
              <Subtitle2 as="h2" id="verify-title" style={{ margin: 0 }}>
                {t('verify.title')}
              </Subtitle2>
              <Caption1>{statusFor(chosenNow, answers) === '办理中' ? t('verify.needed') : t('verify.optional')}</Caption1>
              <Field
                label={t('q.verifiedOn')}
                validationMessage={outcome && !outcome.ok ? dateMessage(outcome.dateProblem) : undefined}
                validationState={outcome && !outcome.ok && outcome.dateProblem ? 'error' : 'none'}
              >
                <Input
                  type="date"
                  value={answers.verifiedOn}
                  max={today}
                  min={typeof loaded.row.values.foundOn === 'string' ? loaded.row.values.foundOn : undefined}
                  onChange={(_, d) => set('verifiedOn', d.value)}
                />
              </Field>
              <Field
                label={t('q.verifyResult')}
                validationMessage={answers.verifyResult === null ? t('q.verifyResult.unanswered') : undefined}
                validationState={answers.verifyResult === null ? 'warning' : 'none'}
              >
                <Select
                  value={answers.verifyResult ?? ''}
                  onChange={(_, d) => set('verifyResult', d.value === '' ? null : (d.value as VerifyResult))}
                >
                  <option value="">{t('q.verifyResult.choose')}</option>
                  {VOCABULARIES.verifyResult.map((result) => (
                    <option key={result} value={result}>
                      {result}
                    </option>
                  ))}
                </Select>
              </Field>
            </section>
          )}

          {outcome && (
            <section className={styles.section} aria-label={t('confirm')}>
              {outcome.ok ? (
                <Caption1>{t('confirm.what', { cells: cellsText(outcome.values) })}</Caption1>
              ) : (
                <MessageBar intent="warning" data-testid="confirm-missing">
                  <MessageBarBody>
                    {outcome.missing.length > 0
                      ? t('confirm.missing', { questions: listJoin(outcome.missing.map((q) => t(`question.${q}`)), locale) })
                      : t('confirm.fixDate')}
                  </MessageBarBody>
                </MessageBar>
              )}
              <div className={styles.row}>
                <Button appearance="primary" onClick={() => void confirm()} disabledFocusable={!outcome.ok || incomeInvalid || amountInvalid}>
                  {t('confirm')}
                </Button>
              </div>
            </section>
          )}

          <section className={styles.section} aria-labelledby="form-title">
            <Subtitle2 as="h2" id="form-title" style={{ margin: 0 }}>
              {t('form.title')}
            </Subtitle2>
            <Field
              label={t('q.willing')}
              required
              validationMessage={answers.willing === null ? t('q.unanswered') : undefined}
              validationState={answers.willing === null ? 'warning' : 'none'}
            >
              <RadioGroup layout="horizontal" value={answers.willing ?? ''} onChange={(_, d) => set('willing', d.value as Willingness)}>
                {VOCABULARIES.willingness.map((w) => (
                  <Radio key={w} value={w} label={w} />
                ))}
              </RadioGroup>
            </Field>
            {answers.willing !== '不愿申请' && (
              <Field
                label={t('q.ability')}
                required={answers.willing === '愿意申请'}
                validationMessage={answers.ableToApplyAlone === null ? t('q.unanswered') : undefined}
                validationState={answers.ableToApplyAlone === null ? 'warning' : 'none'}
              >
                <RadioGroup
                  layout="horizontal"
                  value={answers.ableToApplyAlone === null ? '' : answers.ableToApplyAlone ? 'yes' : 'no'}
                  onChange={(_, d) => set('ableToApplyAlone', d.value === 'yes')}
                >
                  <Radio value="yes" label={t('q.ability.yes')} />
                  <Radio value="no" label={t('q.ability.no')} />
                </RadioGroup>
              </Field>
            )}
            <Field
              label={t('q.area')}
              hint={
                unitArea && answers.area !== null
                  ? t('q.area.from', { unit: unitArea.unit, area: t(unitArea.area === 'urban' ? 'q.area.urban' : 'q.area.rural') })
                  : undefined
              }
              validationMessage={answers.area === null ? t('q.area.unknown') : undefined}
              validationState={answers.area === null ? 'warning' : 'none'}
            >
              <RadioGroup layout="horizontal" value={answers.area ?? ''} onChange={(_, d) => set('area', d.value === 'urban' ? 'urban' : 'rural')}>
                <Radio value="rural" label={t('q.area.rural')} />
                <Radio value="urban" label={t('q.area.urban')} />
              </RadioGroup>
            </Field>
            <Field label={t('q.income')} validationMessage={incomeInvalid ? t('q.income.invalid') : undefined}>
              <Input inputMode="decimal" value={answers.income} onChange={(_, d) => set('income', d.value)} />
            </Field>
            <Checkbox checked={answers.meetsTekunConditions} onChange={(_, d) => set('meetsTekunConditions', d.checked === true)} label={t('q.tekun')} />
            <Checkbox checked={answers.emergency} onChange={(_, d) => set('emergency', d.checked === true)} label={t('q.emergency')} />
            {answers.emergency && (
              <Field label={t('q.amount')} validationMessage={amountInvalid ? t('q.income.invalid') : undefined}>
                <Input inputMode="decimal" value={answers.amountNeeded} onChange={(_, d) => set('amountNeeded', d.value)} />
              </Field>
            )}
            <Checkbox checked={answers.multipleDepartments} onChange={(_, d) => set('multipleDepartments', d.checked === true)} label={t('q.departments')} />
            <Checkbox checked={answers.complex} onChange={(_, d) => set('complex', d.checked === true)} label={t('q.complex')} />
            <Field label={t('q.needs')}>
              <div className={styles.row} role="group" aria-label={t('q.needs')}>
                {SPECIAL_NEEDS.map((need) => (
                  <Checkbox
                    key={need}
                    label={need}
                    checked={answers.specialNeeds.includes(need)}
                    onChange={(_, d) => set('specialNeeds', d.checked ? [...answers.specialNeeds, need] : answers.specialNeeds.filter((n) => n !== need))}
                  />
                ))}
              </div>
            </Field>
          </section>

        </>
      )}
    </div>
  );
}

/** The selection is on the ledger sheet of the snapshot (another sheet's row 5 is not the ledger's). */
function selectionOnLedger(snapshot: LedgerSnapshot, sheetName: string, excelRow: number): boolean {
  return sheetName === snapshot.sheetName && excelRow > snapshot.header.excelRow;
}
