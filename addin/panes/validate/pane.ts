/** The 台账校验 pane as the shell and the preview mount it: component + the extras it uses. */
import type { PaneModule } from '../../app/mount';
import { ValidatePane } from './ValidatePane';

export const VALIDATE_PANE: PaneModule = { component: ValidatePane, uses: ['conditionalFormats', 'multiAreas', 'events'] };
