/**
 * The frame every pane shares (≈ 350 px wide): title, host line, the extras this Excel cannot
 * offer, the error bar, the busy bar, then the pane's own content.
 */
import type { ReactNode } from 'react';
import {
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  ProgressBar,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useLedger, useStrings } from './HostProvider';
import { listJoin } from './i18n';
import { paneByName } from './panes';
import { APP_STRINGS } from './strings';
import type { Capability } from '../host/ledger-host';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
    padding: '10px 12px 16px',
    minWidth: '280px',
    maxWidth: '520px',
    boxSizing: 'border-box',
    fontFamily: tokens.fontFamilyBase,
    color: tokens.colorNeutralForeground1,
  },
  header: { display: 'flex', flexDirection: 'column', gap: '2px' },
  title: { fontSize: '18px', lineHeight: '24px', fontWeight: 600, margin: 0 },
  hostLine: { color: tokens.colorNeutralForeground3 },
  busy: { display: 'flex', flexDirection: 'column', gap: '2px' },
});

export interface PaneLayoutProps {
  /** Extras the pane uses; those the host lacks are named once under the title. */
  uses?: readonly Capability[];
  children: ReactNode;
}

export function PaneLayout({ uses = [], children }: PaneLayoutProps) {
  const styles = useStyles();
  const { pane, status, host, locale, capabilities, busy, error, clearError } = useLedger();
  const t = useStrings(APP_STRINGS);
  const title = paneByName(pane).title[locale === 'en-US' ? 'en' : 'zh'];
  const missing = uses.filter((capability) => !capabilities[capability]);
  const hostLine = status === 'connecting' ? t('host.connecting') : status === 'failed' ? t('host.failed') : host?.kind === 'excel' ? t('host.excel') : t('host.memory');
  return (
    <div className={styles.root}>
      <header className={styles.header}>
        <h1 className={styles.title} id="pane-title">
          {title}
        </h1>
        <Caption1 className={styles.hostLine} id="host-line">
          {hostLine}
        </Caption1>
      </header>
      {status === 'ready' && missing.length > 0 && (
        <MessageBar intent="info">
          <MessageBarBody>{t('capability.missing', { features: listJoin(missing.map((c) => t(`capability.${c}`)), locale) })}</MessageBarBody>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error" role="alert" data-testid="error-bar">
          <MessageBarBody>{error}</MessageBarBody>
          <MessageBarActions containerAction={<Button appearance="transparent" size="small" aria-label={t('error.dismiss')} onClick={clearError}>×</Button>} />
        </MessageBar>
      )}
      <div className={styles.busy} aria-live="polite">
        {busy && (
          <>
            <ProgressBar value={busy.progress} thickness="medium" aria-label={busy.label} />
            <Caption1>{busy.label}</Caption1>
          </>
        )}
      </div>
      {status === 'connecting' && <Spinner size="small" label={t('host.connecting')} />}
      {status === 'ready' && <main aria-labelledby="pane-title">{children}</main>}
    </div>
  );
}
