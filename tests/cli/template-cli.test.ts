import { existsSync, statSync } from 'fs';
import { LEDGER_COLUMNS, ledgerTitle } from '../../ledger/columns';
import { main } from '../../server/cli/ledger-cli';
import { readTableFile } from '../../server/io/read-table';
import { makeTestDir } from '../temp-dirs';

const tmp = makeTestDir('template-cli');
afterAll(() => tmp.remove());

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd: tmp.dir });
  return { code, stdout, stderr };
}

describe('ledger template', () => {
  it('writes a blank ledger the validator recognises, and will not overwrite without --force', async () => {
    const first = await cli('template', '十月台账.xlsx');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('已生成台账模板');
    const [sheet] = await readTableFile(tmp.path('十月台账.xlsx'));
    expect(sheet.values[0][0]).toBe(ledgerTitle());
    expect(sheet.values[1]).toEqual(LEDGER_COLUMNS.map((c) => c.header));
    const validated = await cli('validate', '十月台账.xlsx', '--json', '--today', '2026-10-31');
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout)).toMatchObject({ rows: 0, errors: 0, headerRow: 2 });

    const again = await cli('template', '十月台账.xlsx');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^错误：十月台账\.xlsx 已存在；如要覆盖请加 --force/);
    const forced = await cli('template', '十月台账.xlsx', '--force');
    expect(forced.code).toBe(0);
    expect(statSync(tmp.path('十月台账.xlsx')).size).toBeGreaterThan(1000);
  });

  it('defaults to village-ledger.xlsx in the current folder and rejects other extensions', async () => {
    expect((await cli('template')).code).toBe(0);
    expect(existsSync(tmp.path('village-ledger.xlsx'))).toBe(true);
    const bad = await cli('template', 'ledger.xls');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('.xlsx');
  });
});
