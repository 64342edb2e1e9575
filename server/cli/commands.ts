/**
 * The `ledger` subcommands. To add one: import it here and append it to the list (one line each);
 * or call registerCommand() from server/cli/ledger-cli.ts.
 */
import type { CliCommand } from './cli-types';
import { matchCommand } from './match-command';
import { templateCommand } from './template-command';
import { validateCommand } from './validate-command';

export const BUILTIN_COMMANDS: CliCommand[] = [
  validateCommand,
  templateCommand,
  matchCommand,
];
