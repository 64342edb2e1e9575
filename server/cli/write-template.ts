/**
 * `npm run template` — writes templates/village-ledger.xlsx from the column list (LEDGER_COLUMNS).
 * Optional argument: another output path.
 */
import { mkdirSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { writeLedgerTemplate } from '../io/ledger-template';
import { projectRoot } from '../project-root';

export const DEFAULT_TEMPLATE_PATH = join('templates', 'village-ledger.xlsx');

export async function writeTemplate(out?: string): Promise<string> {
  const path = out ? resolve(out) : join(projectRoot(), DEFAULT_TEMPLATE_PATH);
  mkdirSync(dirname(path), { recursive: true });
  await writeLedgerTemplate(path);
  return path;
}

if (require.main === module) {
  writeTemplate(process.argv[2]).then(
    (path) => process.stdout.write(`已生成台账模板 / template written: ${path}\n`),
    (error: unknown) => {
      process.stderr.write(`生成模板失败 / could not write the template: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
