import { startPlaceholder } from './placeholder';

void startPlaceholder('lookup');
