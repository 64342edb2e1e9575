/**
 * What the lint rules do not say (eslint.config.mjs says the import direction): web/ imports no
 * packages and ledger/ touches no I/O globals. Import cycles: import-cycles.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(folder: string): string[] {
  const dir = join(ROOT, folder);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(ROOT, path));
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) found.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  return found;
}

/** Top-level folder a relative import lands in, or the package name of a bare import. */
function target(file: string, spec: string): { folder?: string; pkg?: string } {
  if (spec.startsWith('.')) {
    const abs = resolve(dirname(file), spec);
    return { folder: relative(ROOT, abs).split(sep)[0] };
  }
  const parts = spec.split('/');
  return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

describe('dependency direction', () => {
  const ledgerFiles = sourceFiles('ledger');

  it('finds the core', () => {
    expect(ledgerFiles.length).toBeGreaterThan(5);
  });

  // ledger/ → only ledger/ and zod, addin/ ↔ server/ never: no-restricted-imports in eslint.config.mjs
  // (npm run lint), its rules checked on violating code in lint-rules.test.ts.

  it('web/ (the page for staff without the add-in) imports only ledger/ and itself: never server/ or addin/, no packages', () => {
    const files = sourceFiles('web');
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const { folder } = target(file, spec);
        if (folder !== 'web' && folder !== 'ledger') offenders.push(`${relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('ledger/ does not touch globals of I/O (fs, process, Office, Excel, fetch)', () => {
    const offenders = ledgerFiles.filter((file) =>
      /\b(process\.|Office\.|Excel\.|fetch\(|localStorage|document\.)/.test(withoutComments(readFileSync(file, 'utf8'))),
    );
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('the checker itself sees a forbidden import (guards against a regex that matches nothing)', () => {
    const fake = join(ROOT, 'ledger', 'x.ts');
    expect(target(fake, 'fs').pkg).toBe('fs');
    expect(target(fake, '../server/app').folder).toBe('server');
    const sample = "import { a } from '../server/app';\nimport fs = require('fs');\nconst x = require(\"node:path\");";
    const found = [...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
    expect(found).toEqual(['../server/app', 'fs', 'node:path']);
  });
});
