/**
 * What the ledger looks like from the pane: sheet, header row, columns, data rows, missing
 * required columns. Panes show it above their own content.
 */
import { useEffect, useState } from 'react';
import { Body1, Button, Caption1 } from '@fluentui/react-components';
import { columnByKey } from '../../ledger/columns';
import type { LedgerSnapshot } from '../host/ledger-host';
import { useLedger, useStrings } from './HostProvider';
import { defineStrings, listJoin } from './i18n';

const STRINGS = defineStrings({
  'overview.summary': {
    zh: '工作表“{sheet}”：表头在第{headerRow}行，识别出{columns}列，共{rows}行数据。',
    en: 'Sheet “{sheet}”: header on row {headerRow}, {columns} columns recognised, {rows} data rows.',
  },
  'overview.missing': { zh: '缺少必填列：{columns}', en: 'Required columns missing: {columns}' },
  'overview.read': { zh: '读取台账', en: 'Read the ledger' },
  'overview.reading': { zh: '正在读取台账…', en: 'Reading the ledger…' },
});

export function dataRowCount(snapshot: LedgerSnapshot): number {
  const lastRow = (snapshot.sheet.firstRow ?? 1) + snapshot.sheet.values.length - 1;
  return Math.max(0, lastRow - snapshot.header.excelRow);
}

export function LedgerOverview() {
  const { run, locale } = useLedger();
  const t = useStrings(STRINGS);
  const [snapshot, setSnapshot] = useState<LedgerSnapshot | null>(null);
  const read = () => run(t('overview.reading'), (host) => host.readLedger()).then((s) => s && setSnapshot(s));
  useEffect(() => {
    void read();
    // read once when the pane opens
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <section>
      {snapshot && (
        <Body1 as="p" id="ledger-summary">
          {t('overview.summary', {
            sheet: snapshot.sheetName,
            headerRow: snapshot.header.excelRow,
            columns: snapshot.header.columns.length,
            rows: dataRowCount(snapshot),
          })}
        </Body1>
      )}
      {snapshot && snapshot.header.missingRequired.length > 0 && (
        <Caption1 as="p">
          {t('overview.missing', {
            columns: listJoin(snapshot.header.missingRequired.map((key) => (locale === 'en-US' ? columnByKey(key).en : columnByKey(key).header)), locale),
          })}
        </Caption1>
      )}
      <Button onClick={() => void read()}>{t('overview.read')}</Button>
    </section>
  );
}
