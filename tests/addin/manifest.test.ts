/**
 * manifest.xml checked offline (validation against Microsoft's service needs the network):
 * structure, locales, every button's page built by webpack, strings identical to addin/strings.ts,
 * icons present at the declared sizes.
 */
import { execFileSync } from 'child_process';
import { readFileSync, existsSync } from 'fs';
import { join, resolve } from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { APP_STRINGS } from '../../addin/app/strings';
import { PANES } from '../../addin/app/panes';
import { manifestXml, normaliseBaseUrl, MIN_EXCEL_API } from '../../addin/app/manifest';
import { manifestProblems } from '../../addin/tools/validate-manifest';

const ROOT = resolve(__dirname, '..', '..');
const MANIFEST = join(ROOT, 'manifest.xml');
const XML = readFileSync(MANIFEST, 'utf8');
const BASE = 'https://localhost:3000/addin/';
const STRINGS = APP_STRINGS;

type Node = Record<string, any>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['Control', 'bt:Image', 'bt:Url', 'bt:String', 'bt:Override', 'Override', 'Group'].includes(name),
});
const app: Node = parser.parse(XML).OfficeApp;
const overrides: Node = app.VersionOverrides;
const resources: Node = overrides.Resources;

const all = (key: string): Node[] => [...(resources[key]?.['bt:String'] ?? []), ...(resources[key]?.['bt:Image'] ?? []), ...(resources[key]?.['bt:Url'] ?? [])];
const byId = (section: string, id: string): Node => {
  const found = all(section).find((node) => node['@id'] === id);
  if (!found) throw new Error(`resid ${id} missing from ${section}`);
  return found;
};
const text = (section: 'bt:ShortStrings' | 'bt:LongStrings', id: string) => {
  const node = byId(section, id);
  return { zh: node['@DefaultValue'] as string, en: (node['bt:Override'] as Node[]).find((o) => o['@Locale'] === 'en-US')?.['@Value'] as string };
};

/** The pages and files webpack emits into dist/addin, from webpack.config.js itself. */
function builtFiles(): Set<string> {
  const config = require(join(ROOT, 'webpack.config.js'))({}, { mode: 'production' });
  const files = new Set<string>();
  for (const plugin of config.plugins) {
    if (plugin.constructor.name === 'HtmlWebpackPlugin') files.add(plugin.userOptions.filename);
  }
  for (const entry of Object.values(config.entry) as string[]) expect(existsSync(join(ROOT, entry))).toBe(true);
  const copy = config.plugins.find((plugin: Node) => plugin.constructor.name === 'CopyPlugin');
  if (copy.patterns.some((p: Node) => p.from === 'addin/assets/*.png' && p.to === 'assets/[name][ext]')) files.add('assets/*.png');
  return files;
}

function pngSize(path: string): number {
  const data = readFileSync(path);
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  const width = data.readUInt32BE(16);
  expect(data.readUInt32BE(20)).toBe(width);
  return width;
}

const buttons: Node[] = overrides.Hosts.Host.DesktopFormFactor.ExtensionPoint.CustomTab.Group[0].Control;

describe('manifest.xml', () => {
  it('is well-formed XML that `office-addin-manifest info` reads', () => {
    expect(XMLValidator.validate(XML)).toBe(true);
    // the CLI, as a person runs it (its library is ESM-only under jest)
    const pkg = require.resolve('office-addin-manifest/package.json');
    const cli = join(pkg, '..', require(pkg).bin['office-addin-manifest']);
    const out = execFileSync(process.execPath, [cli, 'info', MANIFEST], { encoding: 'utf8' });
    expect(out).toContain(`Id: ${app.Id}`);
    expect(out).toMatch(/Hosts: Workbook/);
    expect(out).toMatch(/Default Locale: zh-CN/);
    expect(out).toMatch(/Permissions: ReadWriteDocument/);
  });

  it('is a task pane add-in for workbooks, zh-CN by default, with a stable GUID and least privilege', () => {
    expect(app['@xsi:type']).toBe('TaskPaneApp');
    expect(app.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(app.DefaultLocale).toBe('zh-CN');
    expect(app.Hosts.Host['@Name']).toBe('Workbook');
    expect(app.Permissions).toBe('ReadWriteDocument');
    expect(overrides.Hosts.Host['@xsi:type']).toBe('Workbook');
    for (const element of [app.DisplayName, app.Description]) {
      expect(element['@DefaultValue']).toMatch(/[\u4e00-\u9fff]/);
      expect(element.Override.find((o: Node) => o['@Locale'] === 'en-US')['@Value']).toMatch(/^[\x20-\x7e’]+$/);
    }
  });

  it('is the generator’s output for the default base URL (regenerate: npm run validate -- --write)', () => {
    expect(XML).toBe(manifestXml());
  });

  it('asks for ExcelApi 1.1 only (newer sets are gated at run time)', () => {
    const sets = app.Requirements.Sets;
    expect(sets['@DefaultMinVersion']).toBe('1.1');
    expect(sets.Set['@Name']).toBe('ExcelApi');
    expect(sets.Set['@MinVersion']).toBe(MIN_EXCEL_API);
    expect(MIN_EXCEL_API).toBe('1.1');
  });

  it('has the custom tab 主动发现 with one button per pane of the pane list, each opening its own pane page', () => {
    const tab = overrides.Hosts.Host.DesktopFormFactor.ExtensionPoint.CustomTab;
    expect(text('bt:ShortStrings', tab.Label['@resid']).zh).toBe('主动发现');
    expect(buttons.map((b) => text('bt:ShortStrings', b.Label['@resid']).zh)).toEqual(['台账校验', '线索查询', '接办流程', '同步提交', '汇总', '审核']);
    expect(buttons.map((b) => text('bt:ShortStrings', b.Label['@resid']))).toEqual(PANES.map((p) => p.title));
    expect(buttons.map((b) => text('bt:LongStrings', b.Supertip.Description['@resid']))).toEqual(PANES.map((p) => p.tooltip));
    const urls = buttons.map((b) => {
      expect(b.Action['@xsi:type']).toBe('ShowTaskpane');
      return byId('bt:Urls', b.Action.SourceLocation['@resid'])['@DefaultValue'];
    });
    expect(urls).toEqual(PANES.map((p) => `${BASE}${p.name}.html`));
    expect(new Set(buttons.map((b) => b.Action.TaskpaneId)).size).toBe(PANES.length);
  });

  it('takes every URL from ADDIN_BASE_URL and refuses a base URL Office would not load', () => {
    const other = manifestXml('https://addin.cxmz.example.gov.cn/ledger/');
    expect(other).not.toContain('localhost');
    expect(other).toContain('<AppDomain>https://addin.cxmz.example.gov.cn</AppDomain>');
    expect(other).toContain('DefaultValue="https://addin.cxmz.example.gov.cn/ledger/addin/validate.html"');
    expect(XMLValidator.validate(other)).toBe(true);
    expect(() => normaliseBaseUrl('http://addin.example.gov.cn')).toThrow(/https/);
    expect(() => normaliseBaseUrl('not a url')).toThrow(/ADDIN_BASE_URL/);
    expect(normaliseBaseUrl(undefined)).toBe('https://localhost:3000');
  });

  it('npm run validate’s own checks pass on the manifest and catch a broken one', () => {
    expect(manifestProblems(XML, 'https://localhost:3000')).toEqual([]);
    const broken = XML.replace('resid="Handling.Url"', 'resid="Nope.Url"').replace('https://localhost:3000/addin/sync.html', 'https://evil.example/sync.html');
    const problems = manifestProblems(broken, 'https://localhost:3000');
    expect(problems.some((p) => p.includes('Nope.Url'))).toBe(true);
    expect(problems.some((p) => p.includes('evil.example'))).toBe(true);
  });

  it('says nothing about the development process to users', () => {
    expect(XML.replace(/<!--[\s\S]*?-->/g, '')).not.toMatch(/issue|议题|placeholder|占位|TODO/i);
  });

  it('points every page URL at a page webpack builds, and webpack copies the icons', () => {
    const built = builtFiles();
    const urls = [
      ...all('bt:Urls').map((u) => u['@DefaultValue']),
      app.DefaultSettings.SourceLocation['@DefaultValue'],
      app.SupportUrl['@DefaultValue'],
    ];
    for (const url of urls) {
      expect(url.startsWith(BASE)).toBe(true);
      expect(built).toContain(url.slice(BASE.length));
    }
    expect(built).toContain('assets/*.png');
  });

  it('gives every label and tooltip in zh-CN and en-US, within Office length limits, equal to addin/strings.ts', () => {
    for (const [section, max] of [['bt:ShortStrings', 125], ['bt:LongStrings', 250]] as const) {
      for (const node of all(section)) {
        const { zh, en } = text(section, node['@id']);
        expect([node['@id'], zh.length > 0, zh.length <= max]).toEqual([node['@id'], true, true]);
        expect([node['@id'], typeof en, (en ?? '').length <= max]).toEqual([node['@id'], 'string', true]);
      }
    }
    const pairs: [string, keyof typeof STRINGS][] = [
      ['Tab.Label', 'ribbon.tab'],
      ['Group.Label', 'ribbon.group'],
      ['GetStarted.Title', 'app.name'],
    ];
    for (const [id, key] of pairs) expect(text('bt:ShortStrings', id)).toEqual(STRINGS[key]);
    expect(text('bt:LongStrings', 'GetStarted.Description')).toEqual(STRINGS['app.description']);
    expect(app.DisplayName['@DefaultValue']).toBe(STRINGS['app.name'].zh);
  });

  it('uses icons that exist in addin/assets at the declared sizes', () => {
    const images = [
      ...all('bt:Images').map((i) => ({ url: i['@DefaultValue'] as string, size: Number(/(\d+)x\1$/.exec(i['@id'])![1]) })),
      { url: app.IconUrl['@DefaultValue'], size: 32 },
      { url: app.HighResolutionIconUrl['@DefaultValue'], size: 64 },
    ];
    expect(images.map((i) => i.size).sort((a, b) => a - b)).toEqual([16, 32, 32, 64, 80]);
    // every button has the 16/32/80 px icons
    for (const button of buttons) expect(button.Icon['bt:Image'].map((i: Node) => Number(i['@size']))).toEqual([16, 32, 80]);
    for (const { url, size } of images) {
      const match = /\/addin\/assets\/(icon-\d+\.png)$/.exec(url);
      expect(match).not.toBeNull();
      const file = join(ROOT, 'addin', 'assets', match![1]);
      expect(existsSync(file)).toBe(true);
      expect(pngSize(file)).toBe(size);
    }
  });

  it('references only resource ids that exist', () => {
    const resids = [...XML.matchAll(/resid="([^"]+)"/g)].map((m) => m[1]);
    const defined = new Set(['bt:Images', 'bt:Urls', 'bt:ShortStrings', 'bt:LongStrings'].flatMap((s) => all(s).map((n) => n['@id'])));
    expect(resids.filter((id) => !defined.has(id))).toEqual([]);
  });
});
