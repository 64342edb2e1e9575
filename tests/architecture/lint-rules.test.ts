/**
 * The lint rules that carry the architecture (eslint.config.mjs), checked on code that breaks them:
 * a config that stopped matching would let every violation through silently.
 */
import { spawnSync } from 'child_process';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const ESLINT = resolve(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** The rule ids ESLint reports for `code` as if it were the file at `path`. */
function violations(path: string, code: string): string[] {
  const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', path], { cwd: ROOT, input: code, encoding: 'utf8' });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.map((message) => message.ruleId ?? message.message);
}

describe('lint rules of the architecture', () => {
  it('ledger/ imports only itself and zod', () => {
    const code = "import { z } from 'zod';\nimport { readFileSync } from 'fs';\nimport { createApp } from '../server/app';\nimport { t } from '../addin/strings';\nimport { LEDGER_COLUMNS } from './columns';\nexport const x = [z, readFileSync, createApp, t, LEDGER_COLUMNS];\n";
    expect(violations('ledger/example.ts', code)).toEqual(['no-restricted-imports', 'no-restricted-imports', 'no-restricted-imports']);
  });

  it('addin/ and server/ never import each other; both may import ledger/', () => {
    expect(violations('addin/panes/example.ts', "import { ALL_ROUTES } from '../../server/routes';\nimport { VOCABULARIES } from '../../ledger/vocabularies';\nexport const x = [ALL_ROUTES, VOCABULARIES];\n")).toEqual([
      'no-restricted-imports',
    ]);
    expect(violations('server/example.ts', "import { t } from '../addin/strings';\nimport { VOCABULARIES } from '../ledger/vocabularies';\nexport const x = [t, VOCABULARIES];\n")).toEqual([
      'no-restricted-imports',
    ]);
  });

  it('no any and no non-null assertion in the shells and the core', () => {
    const code = 'export function f(a: any, m: Map<string, number>): number {\n  return m.get(String(a))!;\n}\n';
    for (const path of ['ledger/example.ts', 'server/example.ts', 'addin/example.ts']) {
      expect(violations(path, code).sort()).toEqual(['@typescript-eslint/no-explicit-any', '@typescript-eslint/no-non-null-assertion']);
    }
  });

  it('hooks follow the rules of hooks in the panes', () => {
    const code = "import { useState } from 'react';\nexport function Pane({ on }: { on: boolean }) {\n  if (on) {\n    const [v] = useState(0);\n    return v;\n  }\n  return 0;\n}\n";
    expect(violations('addin/panes/Example.tsx', code)).toEqual(['react-hooks/rules-of-hooks']);
  });
});
