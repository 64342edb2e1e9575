/** The 接办流程 pane as the shell and the preview mount it: component + the extras it uses. */
import type { PaneModule } from '../../app/mount';
import { HandlingPane } from './HandlingPane';

export const HANDLING_PANE: PaneModule = { component: HandlingPane, uses: ['events'] };
