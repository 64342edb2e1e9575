/**
 * Builds the Excel add-in's pages into dist/addin/ (served at /addin by the server):
 *   npm run build:addin                      production (minified, no source maps)
 *   npx webpack --mode development           development (source maps, office.debug.js too)
 * One entry per task pane page plus the ribbon's function file. TypeScript is compiled as ES
 * modules (module: esnext) so webpack can tree-shake the ledger core, and the bundles are
 * emitted as ES modules. office.js is served from this add-in (copied from
 * node_modules/@microsoft/office-js/dist to dist/addin/office-js/), never from a CDN.
 */
const fs = require('fs');
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');

/** Pane pages: each manifest button's ShowTaskpane URL is https://localhost:3000/addin/<name>.html. */
const PANES = [
  { name: 'lookup', title: '线索查询' },
  { name: 'validate', title: '台账校验' },
  { name: 'handling', title: '接办流程' },
];
const OFFICE_JS = path.dirname(require.resolve('@microsoft/office-js/dist/office.js'));

/**
 * Page templates are plain HTML with {{pane}} / {{title}} tokens, filled here: html-webpack-plugin's
 * own lodash templates compile with `with`, which ES-module output (strict mode) rejects.
 */
function page(file, tokens) {
  const html = fs.readFileSync(path.join(__dirname, 'addin/pages', file), 'utf8');
  return () => html.replace(/\{\{(\w+)\}\}/g, (whole, name) => (name in tokens ? tokens[name] : whole));
}

module.exports = (env = {}, argv = {}) => {
  const mode = argv.mode || env.mode || process.env.NODE_ENV || 'production';
  const dev = mode !== 'production';
  const debugFiles = dev ? [] : ['**/*.debug.js'];
  return {
    mode,
    context: __dirname,
    entry: Object.fromEntries([...PANES.map((pane) => pane.name), 'commands'].map((name) => [name, `./addin/pages/${name}.ts`])),
    output: {
      path: path.resolve(__dirname, 'dist/addin'),
      filename: dev ? '[name].js' : '[name].[contenthash:8].js',
      module: true,
      publicPath: '',
      clean: true,
    },
    experiments: { outputModule: true },
    target: ['web', 'es2020'],
    devtool: dev ? 'source-map' : false,
    resolve: { extensions: ['.ts', '.tsx', '.js'] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          loader: 'ts-loader',
          options: {
            // type-check only what the add-in bundles (not the server or tests)
            onlyCompileBundledFiles: true,
            compilerOptions: { module: 'esnext', target: 'es2020', sourceMap: dev, types: [] },
          },
        },
      ],
    },
    optimization: { splitChunks: { chunks: 'all', name: 'shared' } },
    performance: { hints: false },
    plugins: [
      ...PANES.map(
        (pane) =>
          new HtmlWebpackPlugin({
            filename: `${pane.name}.html`,
            templateContent: page('pane.html', { pane: pane.name, title: pane.title }),
            chunks: [pane.name],
            scriptLoading: 'module',
          }),
      ),
      new HtmlWebpackPlugin({
        filename: 'commands.html',
        templateContent: page('commands.html', {}),
        chunks: ['commands'],
        scriptLoading: 'module',
      }),
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
    ],
  };
};
