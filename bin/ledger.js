#!/usr/bin/env node
/**
 * `ledger` command (package.json "bin"). The TypeScript sources are compiled to dist/ by
 * `npm run build`, which `npm ci` / `npm install` run through the "prepare" script.
 */
'use strict';
const path = require('path');

const entry = path.join(__dirname, '..', 'dist', 'server', 'cli', 'ledger-cli.js');

// Piping into `head` etc. closes stdout early: stop quietly.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(process.exitCode || 0);
});

let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('错误：命令行工具尚未编译，请先在项目文件夹运行 npm run build（npm ci 会自动编译） / The CLI is not built yet: run npm run build\n');
  } else {
    process.stderr.write(`错误：无法加载命令行工具：${error && error.message ? String(error.message).split('\n')[0] : error} / Cannot load the CLI\n`);
  }
  process.exit(2);
}

cli
  .main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`内部错误：${error && error.message ? error.message : error} / Internal error\n`);
      process.exitCode = 2;
    },
  );
