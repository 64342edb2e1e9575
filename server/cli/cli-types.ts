/**
 * Shapes shared by the `ledger` subcommands: the I/O a command gets (so tests run it in-process),
 * the command interface of the registry, and argument parsing with Chinese usage errors.
 */
import { parseArgs, type ParseArgsConfig } from 'util';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIO {
  stdout: TextSink;
  stderr: TextSink;
  /** Relative file arguments are resolved against this folder. */
  cwd: string;
  /** YYYY-MM-DD used as "today" (future dates, deadlines); default the local date. */
  today?: string;
}

export type { LocalizedText } from '../../ledger/text';
import type { LocalizedText } from '../../ledger/text';

export interface CliCommand {
  /** Subcommand name: `ledger <name> …`. */
  name: string;
  /** One line for the command list. */
  summary: LocalizedText;
  /** Full help (`ledger <name> --help`): usage lines, options, exit codes; zh-CN then en-US. */
  help: string;
  /** Exit code: 0 success, 1 problems found (where that applies), 2 unreadable input / bad usage. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Bad usage: printed as one line (zh, then en after " / "), exit code 2. */
export class CliUsageError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(zh);
    this.name = 'CliUsageError';
  }
}

/** A failure the user can act on (unreadable file, not a ledger…): one line, exit code 2. */
export class CliInputError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(zh);
    this.name = 'CliInputError';
  }
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with errors turned into CliUsageError; `--help`/`-h` is always accepted.
 * Returns the option values and the positional arguments.
 */
export function parseCommandArgs<O extends CommandOptions>(
  command: string,
  args: string[],
  options: O,
): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean }; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return parsed as never;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = (error as Error).message;
    const option = /'([^']+)'/.exec(text)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new CliUsageError(`未知选项 ${option}（运行 ledger ${command} --help 查看用法）`, `Unknown option ${option} (see ledger ${command} --help)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new CliUsageError(`选项 ${option.split(/[ ,]/)[0]} 需要一个值`, `Option ${option.split(/[ ,]/)[0]} needs a value`);
    }
    throw new CliUsageError(`参数有误（运行 ledger ${command} --help 查看用法）`, `Bad arguments (see ledger ${command} --help)`);
  }
}

/** Today's date on the machine's local clock as YYYY-MM-DD. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

