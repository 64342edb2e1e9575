/**
 * The server's module structure:
 * - the modules (the folders of server/, and each file at its top level) import each other without
 *   cycles: a module can be understood, tested and replaced from the ones below it;
 * - SQL lives in repositories (store.ts / *-store.ts: one typed interface per module, as the
 *   ledger's LedgerStore), never in the services and routes that use them — what lets a second
 *   storage engine (PostgreSQL) come in behind the same interfaces. Besides them only server/db/
 *   (the storage layer) and the two operator tools that copy a whole database (backup, migrate-to-pg).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, relative, resolve, sep } from 'path';
import { cycles } from './cycles';

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


/** The modules each module imports (the graph's edges carry where; cycle finding needs only whom). */
function targetsOf(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): Map<string, string[]> {
  return new Map([...graph].map(([module, imports]) => [module, [...imports.keys()]]));
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
    expect(cycles(targetsOf(graph)).map((component) => describeCycle(graph, component))).toEqual([]);
  });

  it('the cycle finder finds cycles (guards against a checker that finds nothing)', () => {
    const fake = new Map([
      ['a/', new Map([['b/', []]])],
      ['b/', new Map([['c', []]])],
      ['c', new Map([['a/', []], ['d/', []]])],
      ['d/', new Map<string, never[]>()],
    ]);
    expect(cycles(targetsOf(fake))).toEqual([['a/', 'b/', 'c']]);
    expect(cycles(targetsOf(new Map([['a/', new Map([['b/', []]])], ['b/', new Map()]])))).toEqual([]);
    expect(moduleOf(join(SERVER, 'leads', 'store.ts'))).toBe('leads/');
    expect(moduleOf(join(SERVER, 'app-deps.ts'))).toBe('app-deps');
  });
});

/**
 * SQL as code writes it: a statement's shape, not a lone keyword ('GET, POST, PUT, PATCH, DELETE' is
 * an HTTP header, not SQL).
 */
const SQL = /\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\S+\s+SET\b|\bDELETE\s+FROM\b|\bVACUUM\b|\bPRAGMA\s+\w/;
/** A statement run on a database handle directly (db.run, tx.all, deps.db.get, …). */
const DIRECT_CALL = /\b(db|tx|source|target)\s*\.\s*(run|all|get|exec)\s*(<[^>]*>)?\s*\(/;

function isRepository(file: string): boolean {
  return /(^|-)store\.ts$/.test(basename(file));
}

/**
 * Where SQL may stand besides the repositories: server/db/ is the storage layer itself (the two
 * engines, the migrations, the integrity check, the readiness probe), and two operator tools work on
 * a database as a whole, by table and by engine, knowing no domain data:
 */
const STORAGE_LAYER = 'server/db/';
const ENGINE_TOOLS: Record<string, string> = {
  'server/cli/backup.ts': "SQLite's VACUUM INTO and PRAGMA integrity_check of the copy (PostgreSQL: pg_dump)",
  'server/cli/migrate-to-pg.ts': 'copies every table found in the SQLite schema into PostgreSQL, column by column',
};

function allowedSql(file: string): boolean {
  const path = relative(ROOT, file).split(sep).join('/');
  return isRepository(file) || path.startsWith(STORAGE_LAYER) || path in ENGINE_TOOLS;
}

/** SQL found outside repositories: `file: what`. */
function sqlOutsideRepositories(files: readonly string[]): string[] {
  const offenders: string[] = [];
  for (const file of files) {
    if (allowedSql(file)) continue;
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
  const files = sourceFiles(SERVER);

  it('every module of server/ writes SQL only in its store (repository) files, server/db/ and the two engine tools', () => {
    expect(sqlOutsideRepositories(files)).toEqual([]);
  });

  it.each(['server/leads', 'server/imports', 'server/policy', 'server/auth', 'server/audit', 'server/seed', 'server/ledger', 'server/reports', 'server/units'])(
    '%s has a repository',
    (module) => {
      expect(sourceFiles(join(ROOT, module)).filter(isRepository).length).toBeGreaterThan(0);
    },
  );

  it('the engine tools named still exist and still hold SQL (the list is not stale)', () => {
    for (const path of Object.keys(ENGINE_TOOLS)) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      expect([path, stringLiterals(text).some((literal) => SQL.test(literal)) || DIRECT_CALL.test(withoutComments(text))]).toEqual([path, true]);
    }
  });

  it('the checker sees SQL and direct calls (guards against patterns that match nothing)', () => {
    expect(stringLiterals("const a = 'SELECT * FROM leads'; // UPDATE in a comment\n/* DELETE */ const b = `INSERT ${x}`;")).toEqual([
      "'SELECT * FROM leads'",
      '`INSERT ${x}`',
    ]);
    expect(SQL.test("'UPDATE leads SET state = ?'")).toBe(true);
    expect(SQL.test('`SELECT id FROM imports WHERE state = ${state}`')).toBe(true);
    expect(SQL.test("'INSERT INTO audit_log (at) VALUES (?)'")).toBe(true);
    expect(SQL.test("'DELETE FROM sessions WHERE token_hash = ?'")).toBe(true);
    expect(SQL.test("'VACUUM INTO ?'")).toBe(true);
    expect(SQL.test("'updated'")).toBe(false);
    expect(SQL.test("'GET, POST, PUT, PATCH, DELETE'")).toBe(false);
    expect(DIRECT_CALL.test('await deps.db.all<{ id: string }>(sql)')).toBe(true);
    expect(DIRECT_CALL.test('await tx.run(sql)')).toBe(true);
    expect(DIRECT_CALL.test('progress.get(id)')).toBe(false);
    expect(allowedSql(join(ROOT, 'server/leads/store.ts'))).toBe(true);
    expect(allowedSql(join(ROOT, 'server/auth/account-store.ts'))).toBe(true);
    expect(allowedSql(join(ROOT, 'server/app.ts'))).toBe(false);
    // The repositories themselves are where the SQL is.
    const stores = files.filter(isRepository);
    expect(stores.some((file) => stringLiterals(readFileSync(file, 'utf8')).some((literal) => SQL.test(literal)))).toBe(true);
  });
});
