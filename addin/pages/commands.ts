/**
 * The ribbon's function file (manifest FunctionFile). Every button opens a task pane, so there
 * are no ExecuteFunction commands yet; the page only has to initialise Office.
 */
import { officeReady } from '../host/office-ready';

void officeReady();
