/**
 * One sync conflict, side by side per field: mine (as sent) and theirs (the server's row now),
 * with keep-mine / keep-theirs for each field in conflict. Nothing is applied until every field
 * has a choice and the user saves.
 */
import { useId, useState } from 'react';
import { Button, Caption1, Radio, RadioGroup, makeStyles, tokens } from '@fluentui/react-components';
import type { SyncConflict } from '../../../ledger/api/sync';
import { LEDGER_COLUMNS } from '../../../ledger/columns';
import { useLedger, useStrings } from '../../app/HostProvider';
import type { FieldChoice } from './engine';
import { SYNC_STRINGS } from './strings';

const useStyles = makeStyles({
  card: {
    border: `1px solid ${tokens.colorPaletteMarigoldBorder2}`,
    background: tokens.colorPaletteYellowBackground1,
    borderRadius: tokens.borderRadiusMedium,
    padding: '6px 8px',
    display: 'flex',
    flexDirection: 'column',
    gap: '6px',
  },
  title: { fontWeight: 600, margin: 0, fontSize: tokens.fontSizeBase300 },
  field: { borderTop: `1px solid ${tokens.colorNeutralStroke2}`, paddingTop: '4px', display: 'flex', flexDirection: 'column', gap: '2px' },
  fieldName: { fontWeight: 600 },
  sides: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '4px' },
  side: { background: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusSmall, padding: '2px 6px', overflowWrap: 'anywhere' },
  sideLabel: { display: 'block', color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase100 },
  radios: { display: 'flex', flexWrap: 'wrap' },
});

function label(key: string, en: boolean): string {
  const column = LEDGER_COLUMNS.find((c) => c.key === key);
  return column ? (en ? column.en : column.header) : key;
}

function show(value: unknown, empty: string): string {
  if (value === null || value === undefined || value === '') return empty;
  if (Array.isArray(value)) return value.length === 0 ? empty : value.join('、');
  return String(value);
}

export interface ConflictCardProps {
  conflict: SyncConflict;
  /** Where the row is on the sheet now (null when it is not). */
  excelRow: number | null;
  onResolve(choices: Record<string, FieldChoice>): Promise<void>;
}

export function ConflictCard({ conflict, excelRow, onResolve }: ConflictCardProps) {
  const styles = useStyles();
  const t = useStrings(SYNC_STRINGS);
  const { locale } = useLedger();
  const en = locale === 'en-US';
  const ids = useId();
  const [choices, setChoices] = useState<Record<string, FieldChoice>>({});
  const [saving, setSaving] = useState(false);
  const name = show(conflict.client.values.name ?? conflict.server.values.name, '—');
  const perField = conflict.reason === 'fields' || conflict.reason === 'unknown_base';
  const needed = perField && conflict.reason === 'fields' ? conflict.fields : ['*'];
  const open = needed.filter((key) => !choices[key]).length;
  const empty = t('conflict.empty');

  async function save() {
    setSaving(true);
    try {
      await onResolve(choices);
    } finally {
      setSaving(false);
    }
  }

  const choose = (key: string, value: string) => setChoices((c) => ({ ...c, [key]: value === 'mine' ? 'mine' : 'theirs' }));

  return (
    <section className={styles.card} aria-labelledby={`${ids}-title`} data-conflict={conflict.rowId}>
      <h4 id={`${ids}-title`} className={styles.title}>
        {excelRow ? t('conflict.row', { name, row: excelRow }) : t('conflict.rowGone', { name })}
      </h4>
      {conflict.reason === 'unknown_base' && <Caption1>{t('conflict.unknownBase')}</Caption1>}
      {conflict.reason === 'fields' &&
        conflict.fields.map((key) => (
          <div key={key} className={styles.field}>
            <span className={styles.fieldName} id={`${ids}-${key}`}>
              {label(key, en)}
            </span>
            <div className={styles.sides}>
              <div className={styles.side}>
                <span className={styles.sideLabel}>{t('conflict.mine')}</span>
                {show(conflict.client.values[key], empty)}
              </div>
              <div className={styles.side}>
                <span className={styles.sideLabel}>{t('conflict.theirs')}</span>
                {show(conflict.server.values[key], empty)}
              </div>
            </div>
            <RadioGroup
              className={styles.radios}
              layout="horizontal"
              aria-label={t('conflict.choiceFor', { field: label(key, en) })}
              value={choices[key] ?? ''}
              onChange={(_, d) => choose(key, d.value)}
            >
              <Radio value="mine" label={t('conflict.keepMine')} />
              <Radio value="theirs" label={t('conflict.keepTheirs')} />
            </RadioGroup>
          </div>
        ))}
      {conflict.reason !== 'fields' && (
        <>
          {conflict.reason === 'deleted' && <Caption1>{t('conflict.deleted')}</Caption1>}
          {conflict.reason === 'delete_edit' && <Caption1>{t('conflict.deleteEdit')}</Caption1>}
          <RadioGroup aria-label={t('conflict.rowChoice')} value={choices['*'] ?? ''} onChange={(_, d) => choose('*', d.value)}>
            <Radio
              value="mine"
              label={conflict.reason === 'deleted' ? t('conflict.deletedMine') : conflict.reason === 'delete_edit' ? t('conflict.deleteEditMine') : t('conflict.keepMine')}
            />
            <Radio
              value="theirs"
              label={conflict.reason === 'deleted' ? t('conflict.deletedTheirs') : conflict.reason === 'delete_edit' ? t('conflict.deleteEditTheirs') : t('conflict.keepTheirs')}
            />
          </RadioGroup>
        </>
      )}
      <Button appearance="primary" size="small" disabled={open > 0 || saving} onClick={() => void save()}>
        {saving ? t('conflict.applying') : open > 0 ? t('conflict.choose', { count: open }) : t('conflict.apply')}
      </Button>
    </section>
  );
}
