/** Renders a pane on a memory host the way mountPane does (StrictMode, the shell's provider and frame). */
import { StrictMode, type ReactNode } from 'react';
import { configure, render, screen, waitFor } from '@testing-library/react';
import { MemoryHost, type MemoryHostOptions } from '../../../addin/host/memory-host';
import { demoWorkbook } from '../../../addin/host/demo-workbook';
import { PaneApp } from '../../../addin/app/mount';
import type { PaneName } from '../../../addin/app/panes';
import type { Capability } from '../../../addin/host/ledger-host';
import type { Connection } from '../../../addin/host/index';

// jsdom has no layout, hence no ResizeObserver; Fluent's MessageBar observes its own width to reflow.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

// The library's default deadline for findBy*/waitFor is 1 s: a pane connecting on a loaded CI machine
// (two jest workers, Chromium suites beside) took longer and failed while working. A deadline, not a
// speed check: speed is measured in npm run bench.
configure({ asyncUtilTimeout: 10_000 });

export function renderPane(
  pane: PaneName,
  children: ReactNode,
  options: { host?: MemoryHost; seed?: Partial<MemoryHostOptions>; displayLanguage?: string; uses?: Capability[]; connect?: () => Promise<Connection> } = {},
) {
  const host = options.host ?? new MemoryHost({ ...demoWorkbook({ plantedDefects: true }), ...options.seed });
  const connect = options.connect ?? (async () => ({ host, displayLanguage: options.displayLanguage ?? 'zh-CN', theme: undefined }));
  const result = render(
    <StrictMode>
      <PaneApp pane={pane} connect={connect} uses={options.uses}>
        {children}
      </PaneApp>
    </StrictMode>,
  );
  return { host, ...result };
}

/** Waits until the shell has connected (the pane's content is shown). */
export async function connected(): Promise<void> {
  await waitFor(() => expect(document.body.dataset.ready).toBe('true'));
  await screen.findByRole('main');
}
