/** Entry of the 台账校验 pane. */
import { mountPane } from '../../app/mount';
import { ValidatePane } from './ValidatePane';

mountPane('validate', ValidatePane, { uses: ['conditionalFormats', 'multiAreas', 'events'] });
