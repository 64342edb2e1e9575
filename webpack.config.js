/**
 * Builds the Excel add-in's pages into dist/addin/ (served at /addin by the server):
 *   npm run build:addin                      production (minified, no source maps)
 *   npx webpack --mode development           development (source maps, office.debug.js too)
 *   ADDIN_BASE_URL=https://addin.example.gov.cn npm run build:addin   manifest for another server
 * One entry per task pane (from addin/app/panes.ts) plus the ribbon's function file; what it shares
 * with the web page's build (ES modules, ts-loader, hashing) is in webpack.base.js. office.js is served from this add-in (copied from
 * node_modules/@microsoft/office-js/dist to dist/addin/office-js/), never from a CDN.
 */
const fs = require('fs');
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { baseConfig, modeOf, precompressPlugins } = require('./webpack.base');

/**
 * Loads a TypeScript module of the add-in (bundled with its imports by esbuild, which is already
 * installed for tsx) so that the pane list and the manifest generator exist once, in TypeScript.
 */
function loadTs(file) {
  const { buildSync } = require('esbuild');
  const out = buildSync({ entryPoints: [path.join(__dirname, file)], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

/** THE pane list (addin/app/panes.ts): entries, pages, manifest buttons and the preview index come from it. */
const { PANES } = loadTs('addin/app/panes.ts');
const { manifestXml, normaliseBaseUrl } = loadTs('addin/app/manifest.ts');

/** Emits dist/addin/manifest.xml for ADDIN_BASE_URL and dist/addin/panes.json (the preview index reads it). */
class AddinFilesPlugin {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('AddinFilesPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'AddinFilesPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        compilation.emitAsset('manifest.xml', new RawSource(manifestXml(this.baseUrl)));
        const index = PANES.map((pane) => ({ name: pane.name, file: `${pane.name}.html`, zh: pane.title.zh, en: pane.title.en }));
        compilation.emitAsset('panes.json', new RawSource(JSON.stringify(index, null, 2)));
      });
    });
  }
}

const OFFICE_JS = path.dirname(require.resolve('@microsoft/office-js/dist/office.js'));

/**
 * Page templates are plain HTML with {{pane}} / {{title}} tokens, filled here: html-webpack-plugin's
 * own lodash templates compile with `with`, which ES-module output (strict mode) rejects.
 */
function page(file, tokens) {
  const html = fs.readFileSync(path.join(__dirname, 'addin/pages', file), 'utf8');
  return ({ compilation }) => {
    const all = { ...tokens, hostChunks: hostChunkMetas(compilation) };
    return html.replace(/\{\{(\w+)\}\}/g, (whole, name) => (name in all ? all[name] : whole));
  };
}

/**
 * `<meta name="addin-host-office|demo" content="<files>">`: the chunks of each host kind (named in
 * addin/host/index.ts), which addin/pages/boot.ts preloads once office.js says where the page runs.
 */
function hostChunkMetas(compilation) {
  return ['office', 'demo']
    .map((kind) => {
      const group = compilation.namedChunkGroups.get(`host-${kind}`);
      if (!group) throw new Error(`no chunk group host-${kind}: addin/host/index.ts names its host imports with webpackChunkName`);
      const files = group.chunks.flatMap((chunk) => [...chunk.files].filter((f) => f.endsWith('.js')));
      return `<meta name="addin-host-${kind}" content="${files.join(' ')}" />`;
    })
    .join('');
}

/** Initial chunks that take part in the vendor/common split: the panes and the preview, not boot or the ribbon's commands. */
const sharesChunks = (chunk) => chunk.canBeInitial() && chunk.name !== 'boot' && chunk.name !== 'commands';

module.exports = (env = {}, argv = {}) => {
  const mode = modeOf(env, argv);
  const dev = mode !== 'production';
  const debugFiles = dev ? [] : ['**/*.debug.js'];
  const baseUrl = normaliseBaseUrl(env.ADDIN_BASE_URL ?? process.env.ADDIN_BASE_URL);
  return {
    ...baseConfig({
      mode,
      entry: {
        ...Object.fromEntries(PANES.map((pane) => [pane.name, `./addin/panes/${pane.name}/main.tsx`])),
        // each pane page's first script, without dependencies: preloads the host's chunks early
        boot: './addin/pages/boot.ts',
        commands: './addin/pages/commands.ts',
        // the browser preview (/preview): grid + the pane pages in frames; not part of the add-in itself
        preview: './addin/preview/main.tsx',
      },
      outDir: 'dist/addin',
      extensions: ['.ts', '.tsx', '.js'],
      test: /\.tsx?$/,
    }),
    optimization: {
      // What every pane uses — React, Fluent's core, the shell, most of the ledger core — in one
      // vendor and one common chunk, cached once for all panes; what only some panes use stays in
      // each pane's own chunk. A union of all panes' needs (as before) made every pane download the
      // others' components: 225 KB brotli per pane where it needs 158–180 (on a 1.5 Mbps line, a
      // quarter of a second at first open; a second pane then fetches its own ~55 KB). Two shared
      // files + the pane's + boot: all named in the page, requested in its first round trip.
      // The preview's demo host stays an async chunk; boot runs before (and without) the shared chunks.
      splitChunks: {
        cacheGroups: {
          vendor: { test: /[\\/]node_modules[\\/]/, name: 'vendor', chunks: sharesChunks, minChunks: PANES.length, priority: 20, enforce: true },
          common: { name: 'common', chunks: sharesChunks, minChunks: PANES.length, priority: 10, enforce: true },
          default: false,
          defaultVendors: false,
        },
      },
    },
    plugins: [
      ...PANES.map(
        (pane) =>
          new HtmlWebpackPlugin({
            filename: `${pane.name}.html`,
            templateContent: page('pane.html', { pane: pane.name, title: pane.title.zh }),
            chunks: ['boot', pane.name],
            chunksSortMode: 'manual', // boot first: module scripts run in page order
            scriptLoading: 'module',
          }),
      ),
      new HtmlWebpackPlugin({
        filename: 'preview.html',
        // plain HTML read as is, like the panes' pages (a `template:` compiles with `with`: a warning)
        templateContent: fs.readFileSync(path.join(__dirname, 'addin/preview/preview.html'), 'utf8'),
        chunks: ['preview'],
        scriptLoading: 'module',
      }),
      new HtmlWebpackPlugin({
        filename: 'commands.html',
        templateContent: page('commands.html', {}),
        chunks: ['commands'],
        scriptLoading: 'module',
      }),
      new AddinFilesPlugin(baseUrl),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'addin/assets/*.png', to: 'assets/[name][ext]' },
          {
            // office.js, the Excel host scripts it loads, and the zh-CN/en-US strings
            context: OFFICE_JS,
            from: '{office,o15apptofilemappingtable,es6-promise,excel*}.js',
            to: 'office-js/',
            globOptions: { ignore: debugFiles },
            info: { minimized: true }, // already minified by Microsoft: keep Terser off 9 MB
          },
          ...(dev ? [{ context: OFFICE_JS, from: 'office.debug.js', to: 'office-js/', info: { minimized: true } }] : []),
          { context: OFFICE_JS, from: '{zh-cn,en-us}/office_strings*.js', to: 'office-js/', globOptions: { ignore: debugFiles }, info: { minimized: true } },
          { context: OFFICE_JS, from: '{telemetry,ariatelemetry}/*.js', to: 'office-js/', globOptions: { ignore: debugFiles }, info: { minimized: true } },
        ],
      }),
      ...precompressPlugins(mode),
    ],
  };
};
