/**
 * The pane components the preview shows, one per entry of THE pane list (addin/app/panes.ts):
 * a Record over PaneName, so adding a pane without showing it here does not compile. The preview
 * renders them in this page (not the pane pages in frames: office.js in a frame waits for an
 * Office host that never answers), each in its own PaneApp on the page's one memory host.
 */
import type { ComponentType } from 'react';
import type { PaneName } from '../app/panes';
import type { Capability } from '../host/ledger-host';
import { HandlingPane } from '../panes/handling/HandlingPane';
import { LookupPane } from '../panes/lookup/LookupPane';
import { SyncPane } from '../panes/sync/SyncPane';
import { ValidatePane } from '../panes/validate/ValidatePane';

export const PREVIEW_PANES: Record<PaneName, { component: ComponentType; uses?: readonly Capability[] }> = {
  // `uses` as in each pane's main.tsx
  validate: { component: ValidatePane, uses: ['conditionalFormats', 'multiAreas', 'events'] },
  lookup: { component: LookupPane },
  handling: { component: HandlingPane, uses: ['events'] },
  sync: { component: SyncPane },
};
