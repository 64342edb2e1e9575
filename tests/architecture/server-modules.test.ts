/**
 * The server's module structure:
 * - the modules (the folders of server/, and each file at its top level) import each other without
 *   cycles: a module can be understood, tested and replaced from the ones below it;
 * - SQL lives in repositories (store.ts / *-store.ts: one typed interface per module, as the
 *   ledger's LedgerStore), never in the services and routes that use them — what lets a second
 *   storage engine (PostgreSQL) come in behind the same interfaces.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, relative, resolve, sep } from 'path';

const ROOT = resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** String literals ('…', "…", `…` including template parts) of a source text, comments removed. */
function stringLiterals(text: string): string[] {
  const found: string[] = [];
  for (const match of withoutComments(text).matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)) found.push(match[0]);
  return found;
}

const SERVER = join(ROOT, 'server');
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** The module a file of server/ belongs to: its top folder ('leads/'), or the file itself at the top ('app-deps'). */
function moduleOf(file: string): string | undefined {
  const path = relative(SERVER, file);
  if (path.startsWith('..')) return undefined;
  const parts = path.split(sep);
  return parts.length === 1 ? parts[0].replace(/\.tsx?$/, '') : `${parts[0]}/`;
}

/** Module → module → the imports that make the edge (`file → specifier`). */
type ModuleGraph = Map<string, Map<string, string[]>>;

function moduleGraph(files: readonly string[]): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const file of files) {
    const from = moduleOf(file);
    if (!from) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const match of withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (!spec.startsWith('.')) continue;
      const to = moduleOf(resolve(dirname(file), spec));
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), `${relative(ROOT, file)} → ${spec}`]);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan): each is a cycle. */
function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** A cycle with the imports that close it, for the failure message. */
function describeCycle(graph: ModuleGraph, component: readonly string[]): string {
  const inside = new Set(component);
  const edges: string[] = [];
  for (const from of component) {
    for (const [to, via] of graph.get(from) ?? []) if (inside.has(to)) edges.push(`${from} → ${to} (${via.join('; ')})`);
  }
  return `cycle ${component.join(' ')}:\n  ${edges.join('\n  ')}`;
}

describe('server modules: no import cycles', () => {
  const graph = moduleGraph(sourceFiles(SERVER));

  it('sees the modules and their imports', () => {
    expect(graph.get('imports/')?.has('leads/')).toBe(true);
    expect(graph.get('app')?.has('http/')).toBe(true);
    expect(graph.size).toBeGreaterThan(15);
  });

  it('no cycle between the modules of server/ (folders and top-level files)', () => {
    expect(cycles(graph).map((component) => describeCycle(graph, component))).toEqual([]);
  });

  it('the cycle finder finds cycles (guards against a checker that finds nothing)', () => {
    const fake = new Map([
      ['a/', new Map([['b/', []]])],
      ['b/', new Map([['c', []]])],
      ['c', new Map([['a/', []], ['d/', []]])],
      ['d/', new Map<string, never[]>()],
    ]);
    expect(cycles(fake)).toEqual([['a/', 'b/', 'c']]);
    expect(cycles(new Map([['a/', new Map([['b/', []]])], ['b/', new Map()]]))).toEqual([]);
    expect(moduleOf(join(SERVER, 'leads', 'store.ts'))).toBe('leads/');
    expect(moduleOf(join(SERVER, 'app-deps.ts'))).toBe('app-deps');
  });
});

const SQL = /\b(SELECT|INSERT|UPDATE|DELETE)\b/;
/** A statement run on a database handle directly (db.run, tx.all, deps.db.get, …). */
const DIRECT_CALL = /\b(db|tx)\s*\.\s*(run|all|get|exec)\s*(<[^>]*>)?\s*\(/;

function isRepository(file: string): boolean {
  return /(^|-)store\.ts$/.test(basename(file));
}

/** SQL found outside repositories: `file: what`. */
function sqlOutsideRepositories(files: readonly string[]): string[] {
  const offenders: string[] = [];
  for (const file of files) {
    if (isRepository(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const literal of stringLiterals(text)) {
      if (SQL.test(literal)) offenders.push(`${relative(ROOT, file)}: ${literal.slice(0, 80)}`);
    }
    const call = withoutComments(text).match(DIRECT_CALL);
    if (call) offenders.push(`${relative(ROOT, file)}: ${call[0]}`);
  }
  return offenders;
}

describe('server modules: SQL only in repositories', () => {
  const modules = ['server/leads', 'server/imports', 'server/policy', 'server/auth', 'server/audit', 'server/seed'];

  it.each(modules)('%s writes SQL only in its store (repository) file', (module) => {
    const files = sourceFiles(join(ROOT, module));
    expect(files.filter(isRepository).length).toBeGreaterThan(0);
    expect(sqlOutsideRepositories(files)).toEqual([]);
  });

  it('the checker sees SQL and direct calls (guards against patterns that match nothing)', () => {
    expect(stringLiterals("const a = 'SELECT * FROM leads'; // UPDATE in a comment\n/* DELETE */ const b = `INSERT ${x}`;")).toEqual([
      "'SELECT * FROM leads'",
      '`INSERT ${x}`',
    ]);
    expect(SQL.test("'UPDATE leads SET state = ?'")).toBe(true);
    expect(SQL.test("'updated'")).toBe(false);
    expect(DIRECT_CALL.test('await deps.db.all<{ id: string }>(sql)')).toBe(true);
    expect(DIRECT_CALL.test('await tx.run(sql)')).toBe(true);
    expect(DIRECT_CALL.test('progress.get(id)')).toBe(false);
    // The repositories themselves are where the SQL is.
    const stores = sourceFiles(join(ROOT, 'server/leads')).filter(isRepository);
    expect(stores.some((file) => stringLiterals(readFileSync(file, 'utf8')).some((literal) => SQL.test(literal)))).toBe(true);
  });
});
