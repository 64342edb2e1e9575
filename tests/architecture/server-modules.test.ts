/**
 * The server's module structure: SQL lives in repositories (store.ts / *-store.ts: one typed
 * interface per module, as the ledger's LedgerStore), never in the services and routes that use
 * them — what lets a second storage engine (PostgreSQL) come in behind the same interfaces.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { basename, join, relative, resolve } from 'path';

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
  const modules = ['server/leads', 'server/imports', 'server/policy'];

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
