import { startPlaceholder } from './placeholder';

void startPlaceholder('route');
