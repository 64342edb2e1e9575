/** Entry of the 汇总 pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { SummaryPane } from './SummaryPane';

mountPane('summary', SummaryPane);
