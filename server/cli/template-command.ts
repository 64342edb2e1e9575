/** `ledger template [OUT.xlsx] [--force]` — writes a blank village ledger template (same as templates/village-ledger.xlsx). */
import { existsSync } from 'fs';
import { basename, resolve } from 'path';
import { writeLedgerTemplate } from '../io/ledger-template';
import { CliInputError, CliUsageError, parseCommandArgs, type CliCommand, type CliIO } from './cli-types';

const DEFAULT_OUT = 'village-ledger.xlsx';

const HELP = `用法：ledger template [输出文件.xlsx] [--force]

生成空白的村（社区）社会救助主动发现监测工作台账模板（含填表说明和下拉选项）。
默认写到当前文件夹的 ${DEFAULT_OUT}；文件已存在时须加 --force 才会覆盖。

Usage: ledger template [OUT.xlsx] [--force]
Writes a blank village ledger template (default ./${DEFAULT_OUT}); --force overwrites an existing file.
`;

export const templateCommand: CliCommand = {
  name: 'template',
  summary: { zh: '生成空白台账模板', en: 'write a blank ledger template' },
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('template', args, { force: { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 1) throw new CliUsageError('只能指定一个输出文件', 'Only one output file');
    const out = resolve(io.cwd, positionals[0] ?? DEFAULT_OUT);
    if (!out.toLowerCase().endsWith('.xlsx')) throw new CliUsageError('输出文件须以 .xlsx 结尾', 'The output file must end in .xlsx');
    if (existsSync(out) && !values.force) {
      throw new CliInputError(`${basename(out)} 已存在；如要覆盖请加 --force`, `${basename(out)} exists; add --force to overwrite it`);
    }
    try {
      await writeLedgerTemplate(out);
    } catch {
      throw new CliInputError(`无法写入 ${out}`, `Cannot write ${out}`);
    }
    io.stdout.write(`已生成台账模板：${out}\nTemplate written: ${out}\n`);
    return 0;
  },
};
