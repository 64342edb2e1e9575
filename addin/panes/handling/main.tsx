/** Entry of the 接办流程 pane. */
import { mountPane } from '../../app/mount';
import { HandlingPane } from './HandlingPane';

mountPane('handling', HandlingPane, { uses: ['events'] });
