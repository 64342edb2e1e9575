/** Entry of the handling pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { LedgerOverview } from '../../app/LedgerOverview';

mountPane('handling', LedgerOverview);
