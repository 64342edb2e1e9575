/**
 * A pane's entry (addin/panes/<name>/main.tsx) is one line: mountPane('<name>', ThePane, { uses }).
 * PaneApp is the same tree without the DOM root, for component tests.
 */
import { StrictMode, type ComponentType, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { FluentProvider } from '@fluentui/react-components';
import type { Connection } from '../host/index';
import type { Capability } from '../host/ledger-host';
import { HostProvider, useLedger } from './HostProvider';
import { PaneLayout } from './PaneLayout';
import type { PaneName } from './panes';
import { FONT_FAMILY, fluentTheme } from './theme';

function Themed({ children }: { children: ReactNode }) {
  const { theme, locale } = useLedger();
  const fluent = { ...fluentTheme(theme), fontFamilyBase: FONT_FAMILY };
  return (
    <FluentProvider theme={fluent} lang={locale} style={{ minHeight: '100vh' }}>
      {children}
    </FluentProvider>
  );
}

export interface PaneAppProps {
  pane: PaneName;
  uses?: readonly Capability[];
  connect?: () => Promise<Connection>;
  children: ReactNode;
}

export function PaneApp({ pane, uses, connect, children }: PaneAppProps) {
  return (
    <HostProvider pane={pane} connect={connect}>
      <Themed>
        <PaneLayout uses={uses}>{children}</PaneLayout>
      </Themed>
    </HostProvider>
  );
}

/** A pane as a module exports it (addin/panes/<name>/pane.ts): mounted by main.tsx and by the preview alike. */
export interface PaneModule {
  component: ComponentType;
  uses?: readonly Capability[];
}

export interface MountOptions {
  /** Extras (requirement sets beyond ExcelApi 1.1) the pane uses; missing ones are named in the pane. */
  uses?: readonly Capability[];
}

export function mountPane(pane: PaneName, Pane: ComponentType, options: MountOptions = {}): void {
  const element = document.getElementById('root');
  if (!element) throw new Error('pane page has no #root');
  createRoot(element).render(
    <StrictMode>
      <PaneApp pane={pane} uses={options.uses}>
        <Pane />
      </PaneApp>
    </StrictMode>,
  );
}
