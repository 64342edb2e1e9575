/**
 * No import cycles in the code that runs (ledger/, server/, addin/, web/, bench/), read with the
 * TypeScript parser rather than a regex, so `import type`, inline `type` specifiers and
 * `export … from` are told apart:
 * - between files, no cycle of value imports (what loads at run time: a cycle makes the load order
 *   decide whether a constant is still undefined where it is used). Type-only imports leave nothing
 *   at run time; dynamic `import()` loads lazily; neither can make such a cycle.
 * - between ledger/'s modules (each subfolder, and each file at its top), no cycle of value imports
 *   either: the core's layers (columns → sheet → validation/matching/reports → api) stay one way.
 *   (The type-only edge types.ts → validation/messages.ts is deliberate: FindingCode is derived
 *   from the message table.)
 * The server's modules are held to the same by server-modules.test.ts (every import counts there).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import * as ts from 'typescript';
import { cycles } from './cycles';

const ROOT = resolve(__dirname, '..', '..');
const CODE_FOLDERS = ['ledger', 'server', 'addin', 'web', 'bench'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface ImportEdge {
  to: string;
  typeOnly: boolean;
}

/** The relative imports and re-exports of one source text, each marked type-only or not (dynamic import() left out). */
function importsOf(fileName: string, text: string): { spec: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const typeOnly = node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly));
      found.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ spec: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    }
  }
  return found;
}

/** File → the files it imports (relative imports that land on a source file of the set). */
function fileGraph(files: readonly string[]): Map<string, ImportEdge[]> {
  const known = new Set(files);
  const resolveSpec = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const base = resolve(dirname(from), spec);
    return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((candidate) => known.has(candidate));
  };
  const graph = new Map<string, ImportEdge[]>();
  for (const file of files) {
    const edges: ImportEdge[] = [];
    for (const { spec, typeOnly } of importsOf(file, readFileSync(file, 'utf8'))) {
      const to = resolveSpec(file, spec);
      if (to) edges.push({ to, typeOnly });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** The graph of value imports only, with nodes renamed by `nodeOf` (files → modules); self-edges dropped. */
function valueGraph(graph: ReadonlyMap<string, readonly ImportEdge[]>, nodeOf: (file: string) => string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [file, edges] of graph) {
    const from = nodeOf(file);
    const targets = out.get(from) ?? new Set<string>();
    out.set(from, targets);
    for (const edge of edges) {
      const to = nodeOf(edge.to);
      if (!edge.typeOnly && to !== from) targets.add(to);
    }
  }
  return out;
}


/** A file's module in ledger/: its subfolder ('ledger/validation/') or the file itself ('ledger/columns'). */
function ledgerModuleOf(file: string): string {
  const parts = relative(ROOT, file).split(sep);
  return parts.length <= 2 ? parts.join('/').replace(/\.tsx?$/, '') : `${parts[0]}/${parts[1]}/`;
}

describe('import cycles', () => {
  const files = CODE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
  const graph = fileGraph(files);
  const byPath = (file: string): string => relative(ROOT, file).split(sep).join('/');

  it('reads every code folder and its imports', () => {
    for (const folder of CODE_FOLDERS) expect(files.some((file) => byPath(file).startsWith(`${folder}/`))).toBe(true);
    expect(graph.get(join(ROOT, 'ledger', 'sheet.ts'))?.some((edge) => byPath(edge.to) === 'ledger/columns.ts' && !edge.typeOnly)).toBe(true);
    expect(graph.get(join(ROOT, 'ledger', 'types.ts'))?.some((edge) => byPath(edge.to) === 'ledger/columns.ts' && edge.typeOnly)).toBe(true);
  });

  it('no cycle of value imports between files of ledger/, server/, addin/, web/, bench/', () => {
    expect(cycles(valueGraph(graph, byPath))).toEqual([]);
  });

  it('no cycle of value imports between the modules of ledger/ (its subfolders and top-level files)', () => {
    expect(cycles(valueGraph(new Map([...graph].filter(([file]) => byPath(file).startsWith('ledger/'))), ledgerModuleOf))).toEqual([]);
  });

  it('the checker tells value from type imports and finds a cycle (guards against a checker that finds nothing)', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "import { type E, f } from './e';",
      "export { g } from './g';",
      "export type { H } from './h';",
      "export * from './i';",
      "import j = require('./j');",
      "const k = import('./k');",
    ].join('\n');
    expect(importsOf('x.ts', text)).toEqual([
      { spec: './a', typeOnly: false },
      { spec: './b', typeOnly: true },
      { spec: './c', typeOnly: true },
      { spec: './e', typeOnly: false },
      { spec: './g', typeOnly: false },
      { spec: './h', typeOnly: true },
      { spec: './i', typeOnly: false },
      { spec: './j', typeOnly: false },
    ]);
    const fake = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
    ]);
    expect(cycles(fake)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set<string>()]]))).toEqual([]);
    // a type-only edge closes no cycle; a value edge does
    const twoFiles = new Map<string, ImportEdge[]>([
      ['p.ts', [{ to: 'q.ts', typeOnly: false }]],
      ['q.ts', [{ to: 'p.ts', typeOnly: true }]],
    ]);
    expect(cycles(valueGraph(twoFiles, (file) => file))).toEqual([]);
    twoFiles.set('q.ts', [{ to: 'p.ts', typeOnly: false }]);
    expect(cycles(valueGraph(twoFiles, (file) => file))).toEqual([['p.ts', 'q.ts']]);
    expect(ledgerModuleOf(join(ROOT, 'ledger', 'validation', 'rules.ts'))).toBe('ledger/validation/');
    expect(ledgerModuleOf(join(ROOT, 'ledger', 'columns.ts'))).toBe('ledger/columns');
  });
});
