#!/usr/bin/env node
// `npm run bench`: fetches the vendor library (scripts/fetch-vendor-sdk.js, cached outside the
// repository), compiles the TypeScript (`tsc -p tsconfig.build.json`, skipped with --no-build; the
// native addon is built by `npm install` / `npm run build:native`), the raw C client and the wake
// round-trip probe into bench/tmp (git-ignored), then runs bench/run.js, which writes
// bench/RESULTS.md. Other options are passed through: `npm run bench -- --quick`,
// `npm run bench -- --parts 1 --windows 64`; see bench/run.js.
//
// SAFETY: nothing in this process loads libImSDK.so. Every process that does is started under
// `unshare -n` (bench/lib/spawn.js), because the library connects to public internet addresses as
// soon as it is initialised.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function prepareLibrary() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { library: null, libraryError: `the vendor library is benchmarked on linux-x64 only, not ${process.platform}-${process.arch}` };
  }
  const probe = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    return { library: null, libraryError: '`unshare -n` is not permitted here, and the vendor library must never load outside an empty network namespace' };
  }
  try {
    return { library: require('./fetch-vendor-sdk').fetchVendorSdk() };
  } catch (err) {
    return { library: null, libraryError: `could not fetch the vendor library: ${err.message}` };
  }
}

/** Compiles bench/<name>.c into bench/tmp/<name>; returns its path, or why it could not. */
function compileC(name) {
  const out = path.join(root, 'bench', 'tmp', name);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const src = path.join(root, 'bench', `${name}.c`);
  const r = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-o', out, src, '-ldl', '-lpthread'], { encoding: 'utf8' });
  if (r.status !== 0) return { path: null, error: `cc failed: ${(r.stderr || r.error?.message || '').trim()}` };
  return { path: out, error: null };
}

function compileCPrograms() {
  const raw = compileC('raw_client');
  const wake = compileC('wake_rtt');
  return { rawClient: raw.path, rawClientError: raw.error, wakeRtt: wake.path, wakeRttError: wake.error };
}

function buildTypeScript() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`bench: tsc reported errors; measuring what was emitted:\n${r.stdout}${r.stderr}`);
}

async function main() {
  const args = process.argv.slice(2);
  const noBuild = args.includes('--no-build');
  if (!noBuild) buildTypeScript();
  const prepared = { ...prepareLibrary(), ...compileCPrograms() };
  if (!prepared.library) process.stderr.write(`bench: ${prepared.libraryError}; parts 1 and 2 will be skipped\n`);
  await require(path.join(root, 'bench', 'run.js')).main(args.filter((a) => a !== '--no-build'), prepared);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err.stack || err}\n`);
  process.exitCode = 1;
});
