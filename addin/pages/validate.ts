import { startPlaceholder } from './placeholder';

void startPlaceholder('validate');
