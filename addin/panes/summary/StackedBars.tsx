/**
 * Small stacked bars drawn with plain elements and Fluent tokens (no chart library: the pane stays
 * far under its bundle budget). One line per item: its label and total, a bar split into segments
 * scaled to the largest total, and below it every non-empty segment as swatch + name + number —
 * so the figures are read as text, never from colour alone. Screen readers get each bar as one
 * sentence ("医保：共 5 条；待分派 1，已派至乡镇 2…") and skip the drawn segments.
 */
import { makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  item: { display: 'flex', flexDirection: 'column', gap: '2px', fontSize: tokens.fontSizeBase200, minWidth: 0 },
  top: { display: 'flex', justifyContent: 'space-between', gap: '6px', alignItems: 'baseline' },
  label: { fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  total: { fontVariantNumeric: 'tabular-nums', flexShrink: 0 },
  track: { display: 'flex', height: '12px', background: tokens.colorNeutralBackground3, borderRadius: tokens.borderRadiusSmall, overflow: 'hidden' },
  segment: { height: '100%', minWidth: '2px', boxShadow: `inset -1px 0 0 ${tokens.colorNeutralBackground1}` },
  parts: { display: 'flex', flexWrap: 'wrap', gap: '0 10px', color: tokens.colorNeutralForeground2 },
  part: { display: 'inline-flex', alignItems: 'center', gap: '3px', whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' },
  swatch: { width: '8px', height: '8px', borderRadius: '2px', flexShrink: 0 },
});

export interface StackedSegment {
  key: string;
  label: string;
  value: number;
  /** A Fluent token (CSS variable) for the segment and its swatch. */
  color: string;
}

export interface StackedItem {
  key: string;
  label: string;
  /** In the order to draw them (e.g. the life cycle's). */
  segments: readonly StackedSegment[];
}

export interface StackedBarsProps {
  items: readonly StackedItem[];
  /** Names the list for screen readers. */
  label: string;
  /** "{label}：共 {total} 条" as the pane words it. */
  totalText(total: number): string;
  /** One bar as a sentence for screen readers. */
  describe(item: StackedItem, total: number): string;
}

export function StackedBars({ items, label, totalText, describe }: StackedBarsProps) {
  const styles = useStyles();
  const totals = items.map((item) => item.segments.reduce((sum, segment) => sum + segment.value, 0));
  const max = Math.max(1, ...totals);
  return (
    <ul className={styles.list} aria-label={label}>
      {items.map((item, index) => {
        const total = totals[index];
        const shown = item.segments.filter((segment) => segment.value > 0);
        return (
          <li key={item.key} className={styles.item} data-item={item.key}>
            <span className={styles.top}>
              <span className={styles.label} title={item.label}>
                {item.label}
              </span>
              <span className={styles.total}>{totalText(total)}</span>
            </span>
            <span className={styles.track} role="img" aria-label={describe(item, total)}>
              {/* the bar's length is the item's share of the largest total; segments split it */}
              <span style={{ display: 'flex', width: `${(total / max) * 100}%` }}>
                {shown.map((segment) => (
                  <span key={segment.key} className={styles.segment} style={{ flex: `${segment.value} 0 0`, background: segment.color }} title={`${segment.label} ${segment.value}`} />
                ))}
              </span>
            </span>
            <span className={styles.parts} aria-hidden="true">
              {shown.map((segment) => (
                <span key={segment.key} className={styles.part} data-part={segment.key}>
                  <span className={styles.swatch} style={{ background: segment.color }} />
                  {segment.label} {segment.value}
                </span>
              ))}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
