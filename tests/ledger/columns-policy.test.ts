/**
 * Help texts take their figures from DEFAULT_POLICY (CONTRACTS: thresholds and time limits are
 * never literals): the 核实时限 help follows leadVerifyWorkingDays.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

describe('columns help text follows the policy', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('../../ledger/policy');
  });

  it('核实时限 (verifyBy) help names DEFAULT_POLICY.leadVerifyWorkingDays, zh and en', () => {
    jest.isolateModules(() => {
      const actual = jest.requireActual('../../ledger/policy') as typeof import('../../ledger/policy');
      const changed = { ...actual.DEFAULT_POLICY, leadVerifyWorkingDays: 7 };
      jest.doMock('../../ledger/policy', () => ({ ...actual, DEFAULT_POLICY: changed }));
      const { columnByKey } = require('../../ledger/columns') as typeof import('../../ledger/columns');
      const help = columnByKey('verifyBy')!.help;
      expect(help.zh).toContain('默认7个工作日');
      expect(help.en).toContain('default 7');
      expect(help.zh).not.toContain('10');
      expect(help.en).not.toContain('10');
    });
  });

  it('with the real defaults the help states the default figure', () => {
    const { DEFAULT_POLICY } = require('../../ledger/policy') as typeof import('../../ledger/policy');
    const { columnByKey } = require('../../ledger/columns') as typeof import('../../ledger/columns');
    expect(columnByKey('verifyBy')!.help.zh).toContain(`默认${DEFAULT_POLICY.leadVerifyWorkingDays}个工作日`);
  });

  it('policy.ts does not import columns.ts (no import cycle)', () => {
    const source = readFileSync(join(__dirname, '../../ledger/policy.ts'), 'utf8');
    expect(source).not.toMatch(/from '\.\/columns'/);
    // zod and the vocabularies (which import nothing) only: the synonym targets are checked against them.
    expect(source.match(/^import .* from '([^']+)';$/gm)).toEqual(["import { z } from 'zod';", "import { VOCABULARIES, type VocabularyName } from './vocabularies';"]);
  });
});
