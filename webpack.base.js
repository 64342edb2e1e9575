/**
 * What the add-in build (webpack.config.js) and the web page build (webpack.web.config.js) share:
 * ES-module bundles for es2020 browsers, content-hashed names in production, TypeScript through
 * ts-loader compiled as ES modules (module: esnext) so webpack can tree-shake the ledger core,
 * source maps only in development. Each build adds its entries' pages and plugins.
 */
const path = require('path');

/** The mode from the CLI (--mode), the env, or NODE_ENV; production unless told otherwise. */
function modeOf(env = {}, argv = {}) {
  return argv.mode || env.mode || process.env.NODE_ENV || 'production';
}

/**
 * The shared part of a build.
 * @param {{ mode: string, entry: object, outDir: string, extensions: string[], test: RegExp, tsInstance?: string }} options
 *   tsInstance: a ts-loader instance of its own (the add-in and the web builds run in one process with other settings)
 */
function baseConfig({ mode, entry, outDir, extensions, test, tsInstance }) {
  const dev = mode !== 'production';
  return {
    mode,
    context: __dirname,
    entry,
    output: {
      path: path.resolve(__dirname, outDir),
      filename: dev ? '[name].js' : '[name].[contenthash:8].js',
      module: true,
      publicPath: '',
      clean: true,
    },
    experiments: { outputModule: true },
    target: ['web', 'es2020'],
    devtool: dev ? 'source-map' : false,
    resolve: { extensions },
    module: {
      rules: [
        {
          test,
          exclude: /node_modules/,
          loader: 'ts-loader',
          options: {
            // type-check only what is bundled (not the server or tests)
            onlyCompileBundledFiles: true,
            ...(tsInstance ? { instance: tsInstance } : {}),
            compilerOptions: { module: 'esnext', target: 'es2020', sourceMap: dev, types: [] },
          },
        },
      ],
    },
    performance: { hints: false },
  };
}

module.exports = { baseConfig, modeOf };
