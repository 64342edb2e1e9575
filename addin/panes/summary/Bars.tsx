/**
 * A small horizontal bar chart drawn with plain elements (no chart library: the pane stays far
 * under its bundle budget): one line per item, label, bar scaled to the largest value, figure.
 * Screen readers get each line as "label: value".
 */
import type { ReactNode } from 'react';
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '3px' },
  item: { display: 'grid', gridTemplateColumns: 'minmax(0, 38%) 1fr auto', alignItems: 'center', gap: '6px', fontSize: tokens.fontSizeBase200 },
  label: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  track: { height: '10px', background: tokens.colorNeutralBackground3, borderRadius: tokens.borderRadiusSmall, overflow: 'hidden' },
  bar: { height: '100%', background: tokens.colorBrandBackground, borderRadius: tokens.borderRadiusSmall },
  warning: { background: tokens.colorPaletteRedBackground3 },
  value: { fontVariantNumeric: 'tabular-nums', minWidth: '2.5em', textAlign: 'right' },
});

export interface BarItem {
  key: string;
  label: string;
  value: number;
  /** Shown instead of the bare value (e.g. "12 · 75%"). */
  display?: ReactNode;
  tone?: 'brand' | 'warning';
}

export function Bars({ items, label }: { items: readonly BarItem[]; label: string }) {
  const styles = useStyles();
  const max = Math.max(1, ...items.map((item) => item.value));
  return (
    <ul className={styles.list} aria-label={label}>
      {items.map((item) => (
        <li key={item.key} className={styles.item}>
          <span className={styles.label} title={item.label}>
            {item.label}
          </span>
          <span className={styles.track} aria-hidden="true">
            <span
              className={mergeClasses(styles.bar, item.tone === 'warning' && styles.warning)}
              style={{ display: 'block', width: `${(item.value / max) * 100}%` }}
            />
          </span>
          <span className={styles.value}>{item.display ?? item.value}</span>
        </li>
      ))}
    </ul>
  );
}
