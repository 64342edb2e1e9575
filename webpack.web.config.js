/**
 * Builds the web page for staff without the add-in (web/) into dist/web/, served at /web by the
 * server (npm start):   npm run build:web
 * Plain TypeScript and the DOM, no UI framework: the page must load fast on a village PC or a
 * phone, and it only needs forms, tables and fetch. The ledger core is bundled (tree-shaken) so
 * the page compares values with exactly the rules the server uses.
 */
const fs = require('fs');
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = (env = {}, argv = {}) => {
  const mode = argv.mode || env.mode || process.env.NODE_ENV || 'production';
  const dev = mode !== 'production';
  return {
    mode,
    context: __dirname,
    entry: { web: './web/main.ts' },
    output: {
      path: path.resolve(__dirname, 'dist/web'),
      filename: dev ? '[name].js' : '[name].[contenthash:8].js',
      module: true,
      publicPath: '',
      clean: true,
    },
    experiments: { outputModule: true },
    target: ['web', 'es2020'],
    devtool: dev ? 'source-map' : false,
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          loader: 'ts-loader',
          options: {
            onlyCompileBundledFiles: true,
            // its own instance: the add-in build in the same process has other settings
            instance: 'web',
            compilerOptions: { module: 'esnext', target: 'es2020', sourceMap: dev, types: [] },
          },
        },
      ],
    },
    performance: { hints: false },
    plugins: [
      new HtmlWebpackPlugin({
        filename: 'index.html',
        templateContent: () => fs.readFileSync(path.join(__dirname, 'web/index.html'), 'utf8'),
        scriptLoading: 'module',
      }),
    ],
  };
};
