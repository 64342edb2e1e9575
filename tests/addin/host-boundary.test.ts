/**
 * ARCHITECTURE.md principle 2: only addin/host/ touches Office.js. Panes and pages talk to the
 * LedgerHost interface; addin/ never imports server/.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const ADDIN = join(ROOT, 'addin');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/(?!\/).*$/gm, '$1');

/** Office/Excel globals, office-js types or the office.js package. */
const OFFICE = /\b(Office|Excel|OfficeExtension)\s*\.|types="office-js"|['"]@microsoft\/office-js|['"]@types\/office-js/;

describe('the Office.js boundary', () => {
  const all = files(ADDIN);
  const outside = all.filter((file) => !relative(ADDIN, file).startsWith(`host`));

  it('sees the add-in sources (guards against a walk that finds nothing)', () => {
    expect(all.length).toBeGreaterThan(8);
    expect(outside.length).toBeGreaterThan(3);
    expect(all.some((file) => OFFICE.test(code(file)))).toBe(true); // office-host.ts itself
  });

  it('no file outside addin/host/ references Office, Excel or office-js', () => {
    expect(outside.filter((file) => OFFICE.test(code(file))).map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('outside addin/host/, pages reach a host only through host/index (connectHost) or host/office-ready', () => {
    // The browser preview (addin/preview, not part of the add-in) makes the memory host its panes share.
    const preview = (file: string) => relative(ROOT, file).startsWith(join('addin', 'preview'));
    const direct = outside.filter(
      (file) =>
        /from\s+['"][^'"]*host\/office-host['"]/.test(code(file)) ||
        (!preview(file) && /from\s+['"][^'"]*host\/memory-host['"]/.test(code(file))),
    );
    expect(direct.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('the checker flags a pane that uses Excel directly', () => {
    expect(OFFICE.test('await Excel.run(async (c) => c.sync());')).toBe(true);
    expect(OFFICE.test("import '@microsoft/office-js';")).toBe(true);
    expect(OFFICE.test('// Excel. in a comment'.replace(/(^|[^:])\/\/.*$/gm, '$1'))).toBe(false);
  });
});
