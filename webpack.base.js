/**
 * What the add-in build (webpack.config.js) and the web page build (webpack.web.config.js) share:
 * ES-module bundles for es2020 browsers, content-hashed names in production, TypeScript through
 * ts-loader compiled as ES modules (module: esnext) so webpack can tree-shake the ledger core,
 * source maps only in development. Each build adds its entries' pages and plugins.
 */
const path = require('path');
const zlib = require('zlib');
const { promisify } = require('util');

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside every text asset of a production build, compressed once
 * at the highest levels (brotli 11, gzip 9), which the server sends as they are
 * (server/http/precompressed.ts). Compressing per request (the compression middleware) uses brotli 4
 * for speed: the panes' JavaScript came to ~273 KB that way, ~225 KB at 11 — a quarter of a second
 * on a 1.5 Mbps village line, and no server CPU per request. Files over 1 MB (Office's own
 * host scripts) get brotli 9: level 11 costs ~2 s per MB at build time for ~8 % less.
 */
class PrecompressPlugin {
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('PrecompressPlugin', (compilation) => {
      compilation.hooks.processAssets.tapPromise(
        { name: 'PrecompressPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER },
        async (assets) => {
          const jobs = Object.keys(assets)
            .filter((name) => /\.(?:js|css|html|json|svg)$/.test(name))
            .map(async (name) => {
              const buffer = compilation.getAsset(name).source.buffer();
              if (buffer.length < 1024) return; // the middleware's threshold: headers outweigh the gain
              const quality = buffer.length > 1024 * 1024 ? 9 : 11;
              const [br, gz] = await Promise.all([
                brotli(buffer, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buffer.length } }),
                gzip(buffer, { level: 9 }),
              ]);
              const info = { compressed: true, minimized: true, development: true };
              compilation.emitAsset(`${name}.br`, new RawSource(br), info);
              compilation.emitAsset(`${name}.gz`, new RawSource(gz), info);
            });
          await Promise.all(jobs);
        },
      );
    });
  }
}

/** Build-time compression for production builds only (development serves through the middleware). */
function precompressPlugins(mode) {
  return mode === 'production' ? [new PrecompressPlugin()] : [];
}

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

module.exports = { baseConfig, modeOf, precompressPlugins };
