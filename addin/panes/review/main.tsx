/** Entry of the 审核 pane (built on the shell: addin/README.md). */
import { mountPane } from '../../app/mount';
import { ReviewPane } from './ReviewPane';

mountPane('review', ReviewPane);
