// linux-x64: the host build, made with node-gyp in a staging copy of the sources and stripped.
'use strict';
const fs = require('fs');
const path = require('path');
const { ADDON_FILE, emulatorLibraryName, run, stageSources } = require('./toolchain');

/** Builds prebuilds/linux-x64 into `outDir`. */
function build(target, outDir) {
  const dir = stageSources(target);
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  run(process.execPath, [nodeGyp, 'rebuild', '-j', 'max', `--directory=${dir}`], { cwd: dir });
  const release = path.join(dir, 'build', 'Release');
  fs.copyFileSync(path.join(release, 'tim_native.node'), path.join(outDir, ADDON_FILE));
  fs.copyFileSync(path.join(release, emulatorLibraryName('linux')), path.join(outDir, emulatorLibraryName('linux')));
  run('strip', ['--strip-unneeded', path.join(outDir, ADDON_FILE), path.join(outDir, emulatorLibraryName('linux'))]);
}

module.exports = { targets: ['linux-x64'], build };
