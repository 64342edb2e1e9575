/** Entry of the 同步提交 pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { SyncPane } from './SyncPane';

mountPane('sync', SyncPane);
