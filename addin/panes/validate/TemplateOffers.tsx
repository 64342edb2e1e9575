/**
 * The two offers of the 台账校验 pane that add the county template to a workbook: the 台账 /
 * 填表说明 / 字典 sheets when the workbook has no ledger, the missing columns at the right when the
 * ledger lacks some. Each says what it adds, that nothing existing changes, and which extras this
 * Excel cannot add (older requirement sets).
 */
import { Body1, Button, Caption1, Card, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { columnByKey, type ColumnKey } from '../../../ledger/columns';
import { TEMPLATE_EXTRAS, type AddedColumns, type AddedSheets, type TemplateExtra } from '../../host/ledger-host';
import { useLedger, useStrings } from '../../app/HostProvider';
import { listJoin } from '../../app/i18n';
import { APP_STRINGS } from '../../app/strings';
import { VALIDATE_STRINGS } from './strings';

const useStyles = makeStyles({
  card: { marginTop: '10px', padding: '10px', gap: '6px', backgroundColor: tokens.colorNeutralBackground2 },
  list: { margin: 0, paddingLeft: '18px' },
});

/** The names of extras, in the pane's language (for “cannot add …”). */
function useExtraNames(): (extras: readonly TemplateExtra[]) => string {
  const app = useStrings(APP_STRINGS);
  const { locale } = useLedger();
  return (extras) => listJoin(extras.map((extra) => app(`capability.${extra}`)), locale);
}

/** Extras the host lacks, among those an action uses. */
function useMissingExtras(used: readonly TemplateExtra[]): TemplateExtra[] {
  const { capabilities } = useLedger();
  return used.filter((extra) => !capabilities[extra]);
}

export interface AddLedgerOfferProps {
  onAdded(added: AddedSheets): void;
}

export function AddLedgerOffer({ onAdded }: AddLedgerOfferProps) {
  const styles = useStyles();
  const t = useStrings(VALIDATE_STRINGS);
  const { run } = useLedger();
  const names = useExtraNames();
  const missing = useMissingExtras(TEMPLATE_EXTRAS);
  const add = async () => {
    const added = await run(t('noLedger.busy'), (host) => host.addLedgerSheets());
    if (added) onAdded(added);
  };
  return (
    <Card className={styles.card} role="region" aria-labelledby="no-ledger-title" data-testid="add-ledger-offer">
      <Subtitle2 as="h2" id="no-ledger-title" style={{ margin: 0 }}>
        {t('noLedger.title')}
      </Subtitle2>
      <Body1>{t('noLedger.explain')}</Body1>
      <Caption1>{t('noLedger.nameTaken')}</Caption1>
      {missing.length > 0 && <Caption1 data-testid="extras-missing">{t('extras.missing', { features: names(missing) })}</Caption1>}
      <div>
        <Button appearance="primary" onClick={() => void add()}>
          {t('noLedger.add')}
        </Button>
      </div>
    </Card>
  );
}

export interface AddColumnsOfferProps {
  keys: readonly ColumnKey[];
  onAdd(keys: readonly ColumnKey[]): Promise<AddedColumns | undefined>;
}

/** Extras adding columns uses (no frozen rows or print setup: the sheet keeps its own). */
const COLUMN_EXTRAS: readonly TemplateExtra[] = ['dataValidation', 'headerNotes'];

export function AddColumnsOffer({ keys, onAdd }: AddColumnsOfferProps) {
  const styles = useStyles();
  const t = useStrings(VALIDATE_STRINGS);
  const { locale } = useLedger();
  const names = useExtraNames();
  const missing = useMissingExtras(COLUMN_EXTRAS);
  const label = (key: ColumnKey) => {
    const column = columnByKey(key);
    return `${locale === 'en-US' ? column.en : column.header}${column.required ? t('columns.required') : ''}`;
  };
  return (
    <Card className={styles.card} role="region" aria-labelledby="missing-columns-title" data-testid="add-columns-offer">
      <Subtitle2 as="h2" id="missing-columns-title" style={{ margin: 0 }}>
        {t('columns.title', { count: keys.length })}
      </Subtitle2>
      <Body1>{listJoin(keys.map(label), locale)}</Body1>
      <Caption1>{t('columns.explain')}</Caption1>
      {missing.length > 0 && <Caption1>{t('extras.missing', { features: names(missing) })}</Caption1>}
      <div>
        <Button onClick={() => void onAdd(keys)}>{t('columns.add', { count: keys.length })}</Button>
      </div>
    </Card>
  );
}
