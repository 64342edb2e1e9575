import { startPlaceholder } from './placeholder';

void startPlaceholder('handling');
