/**
 * Builds the web page for staff without the add-in (web/) into dist/web/, served at /web by the
 * server (npm start):   npm run build:web
 * Plain TypeScript and the DOM, no UI framework: the page must load fast on a village PC or a
 * phone, and it only needs forms, tables and fetch. The ledger core is bundled (tree-shaken) so
 * the page compares values with exactly the rules the server uses. Shared build settings: webpack.base.js.
 */
const fs = require('fs');
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const { baseConfig, modeOf, precompressPlugins } = require('./webpack.base');

module.exports = (env = {}, argv = {}) => ({
  ...baseConfig({
    mode: modeOf(env, argv),
    entry: { web: './web/main.ts' },
    outDir: 'dist/web',
    extensions: ['.ts', '.js'],
    test: /\.ts$/,
    // its own instance: the add-in build in the same process has other settings
    tsInstance: 'web',
  }),
  plugins: [
    new HtmlWebpackPlugin({
      filename: 'index.html',
      templateContent: () => fs.readFileSync(path.join(__dirname, 'web/index.html'), 'utf8'),
      scriptLoading: 'module',
    }),
    ...precompressPlugins(modeOf(env, argv)),
  ],
});
