/** Entry of the 线索查询 pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { LookupPane } from './LookupPane';

mountPane('lookup', LookupPane);
