/**
 * npm run validate — checks the add-in manifest offline:
 *   1. generates it for ADDIN_BASE_URL (default https://localhost:3000) from addin/app/manifest.ts;
 *   2. own checks: well-formed XML, every resid defined, every URL under the base URL, one button per pane;
 *   3. `office-addin-manifest info` reads it (Microsoft's online validation needs the network:
 *      `npx office-addin-manifest validate manifest.xml` where the network allows).
 * Options: --write  also rewrite ./manifest.xml (the default-base-URL manifest kept in the repository).
 * Exit code 1 with the problems listed when anything fails.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { XMLValidator } from 'fast-xml-parser';
import { manifestXml, normaliseBaseUrl } from '../app/manifest';
import { PANES } from '../app/panes';

export function manifestProblems(xml: string, baseUrl: string): string[] {
  const problems: string[] = [];
  const valid = XMLValidator.validate(xml);
  if (valid !== true) problems.push(`XML 格式错误 / malformed XML: ${JSON.stringify(valid.err)}`);
  const defined = new Set([...xml.matchAll(/<bt:(?:String|Url|Image) id="([^"]+)"/g)].map((m) => m[1]));
  for (const [, id] of xml.matchAll(/resid="([^"]+)"/g)) if (!defined.has(id)) problems.push(`未定义的资源 / undefined resid: ${id}`);
  const base = `${normaliseBaseUrl(baseUrl)}/addin/`;
  for (const [, url] of xml.matchAll(/DefaultValue="(https?:[^"]+)"/g)) {
    if (!url.startsWith(base)) problems.push(`网址不在 ${base} 下 / URL outside the base: ${url}`);
  }
  const taskpanes = [...xml.matchAll(/<TaskpaneId>([^<]+)<\/TaskpaneId>/g)].map((m) => m[1]);
  if (taskpanes.length !== PANES.length || new Set(taskpanes).size !== PANES.length) {
    problems.push(`应有 ${PANES.length} 个不同的 TaskpaneId / expected ${PANES.length} distinct TaskpaneIds, found ${taskpanes.join(', ')}`);
  }
  return problems;
}

function main(): void {
  const root = resolve(__dirname, '..', '..');
  const baseUrl = normaliseBaseUrl(process.env.ADDIN_BASE_URL);
  const xml = manifestXml(baseUrl);
  const problems = manifestProblems(xml, baseUrl);
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  try {
    const file = join(dir, 'manifest.xml');
    writeFileSync(file, xml);
    const pkg = require.resolve('office-addin-manifest/package.json');
    const cli = join(pkg, '..', (JSON.parse(readFileSync(pkg, 'utf8')) as { bin: Record<string, string> }).bin['office-addin-manifest']);
    const info = execFileSync(process.execPath, [cli, 'info', file], { encoding: 'utf8' });
    if (!/Hosts: Workbook/.test(info)) problems.push(`office-addin-manifest info 未读出宿主 / did not read the host:\n${info}`);
    process.stdout.write(info);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--write')) writeFileSync(join(root, 'manifest.xml'), manifestXml());
  else if (readFileSync(join(root, 'manifest.xml'), 'utf8') !== manifestXml()) {
    problems.push('manifest.xml 与生成结果不一致：运行 npm run validate -- --write / manifest.xml is stale: run npm run validate -- --write');
  }
  if (problems.length > 0) {
    process.stderr.write(`清单检查未通过 / manifest check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`清单检查通过 / manifest OK (${baseUrl})\n`);
}

if (require.main === module) main();
