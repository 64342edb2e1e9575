/**
 * The pane components the preview shows, one per entry of THE pane list (addin/app/panes.ts):
 * a Record over PaneName, so adding a pane without showing it here does not compile. The preview
 * renders them in this page (not the pane pages in frames: office.js in a frame waits for an
 * Office host that never answers), each in its own PaneApp on the page's one memory host.
 */
import type { ComponentType } from 'react';
import type { PaneName } from '../app/panes';
import type { Capability } from '../host/ledger-host';
import { LookupPane } from '../panes/lookup/LookupPane';
import { SyncPane } from '../panes/sync/SyncPane';
import { VALIDATE_PANE } from '../panes/validate/pane';
import { HANDLING_PANE } from '../panes/handling/pane';
import { SummaryPane } from '../panes/summary/SummaryPane';
import { ReviewPane } from '../panes/review/ReviewPane';

export const PREVIEW_PANES: Record<PaneName, { component: ComponentType; uses?: readonly Capability[] }> = {
  validate: VALIDATE_PANE,
  lookup: { component: LookupPane },
  handling: HANDLING_PANE,
  sync: { component: SyncPane },
  summary: { component: SummaryPane },
  review: { component: ReviewPane },
};
