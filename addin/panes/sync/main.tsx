/** Entry of the sync pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { LedgerOverview } from '../../app/LedgerOverview';

mountPane('sync', LedgerOverview);
