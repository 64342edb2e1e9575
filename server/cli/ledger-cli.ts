/**
 * `ledger` — the command-line entry (bin/ledger.js → dist/server/cli/ledger-cli.js).
 *
 * main(argv, io) dispatches to a subcommand of the registry and returns the exit code; it never
 * throws and never prints a stack trace: usage and input problems are one Chinese line (English
 * after " / ") on stderr with exit code 2.
 */
import { BUILTIN_COMMANDS } from './commands';
import { CliInputError, CliUsageError, type CliCommand, type CliIO } from './cli-types';

export type { CliCommand, CliIO } from './cli-types';
export { CliInputError, CliUsageError } from './cli-types';

const registry = new Map<string, CliCommand>();

/** Adds a subcommand (e.g. `match` from server/cli/match-command.ts); a later registration replaces an earlier one. */
export function registerCommand(command: CliCommand): void {
  registry.set(command.name, command);
}

for (const command of BUILTIN_COMMANDS) registerCommand(command);

export function listCommands(): CliCommand[] {
  return [...registry.values()];
}

function packageVersion(): string {
  try {
    // package.json is outside the compiled tree (dist/server/cli → ../../../), so it is read at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('../../../package.json') as { version: string }).version;
    } catch {
      return 'unknown';
    }
  }
}

export function generalHelp(): string {
  const commands = listCommands();
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = [
    '楚雄州社会救助主动发现台账 — 命令行工具',
    '',
    '用法：ledger <命令> [参数]',
    '',
    '命令：',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary.zh}`),
    '',
    '运行 ledger <命令> --help 查看各命令的用法。',
    '',
    'Proactive-discovery ledger for social assistance (Chuxiong) — command-line tool',
    '',
    'Usage: ledger <command> [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary.en}`),
    '',
    'Run ledger <command> --help for a command’s usage.',
    '',
  ];
  return lines.join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 problems found, 2 unreadable input / bad usage). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) {
      io.stderr.write(generalHelp());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const command = name === 'help' && rest[0] ? registry.get(rest[0]) : undefined;
      io.stdout.write(command ? command.help : generalHelp());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const command = registry.get(name);
    if (!command) {
      throw new CliUsageError(
        `未知命令：${name}（可用命令：${listCommands().map((c) => c.name).join('、')}；运行 ledger --help 查看用法）`,
        `Unknown command: ${name} (see ledger --help)`,
      );
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof CliInputError) {
      io.stderr.write(`错误：${oneLine(error.zh)} / ${oneLine(error.en)}\n`);
      return 2;
    }
    // Anything else is a bug: one line, no stack trace (and no cell contents: messages only).
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.stderr.write(`内部错误：${oneLine(message)} / Internal error\n`);
    return 2;
  }
}
