/** Entry of the 台账校验 pane. */
import { mountPane } from '../../app/mount';
import { VALIDATE_PANE } from './pane';

mountPane('validate', VALIDATE_PANE.component, { uses: VALIDATE_PANE.uses });
