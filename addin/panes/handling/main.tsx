/** Entry of the 接办流程 pane. */
import { mountPane } from '../../app/mount';
import { HANDLING_PANE } from './pane';

mountPane('handling', HANDLING_PANE.component, { uses: HANDLING_PANE.uses });
