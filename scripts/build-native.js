#!/usr/bin/env node
// Builds the addon and the standalone emulator library with node-gyp. Incremental: configures only
// when there is no build folder yet, binding.gyp changed, or a source folder changed (binding.gyp
// lists native/emulator's files when configuring: a file added there needs a new configure), so
// `npm test` after a first build recompiles only what changed.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const makefile = path.join(root, 'build', 'config.gypi');
const configureInputs = ['binding.gyp', 'native/emulator', 'native/shim'].map((p) => path.join(root, p));
const configured =
  fs.existsSync(makefile) && configureInputs.every((p) => fs.statSync(makefile).mtimeMs >= fs.statSync(p).mtimeMs);

function run(args) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!configured) run(['configure']);
run(['build', '-j', 'max']);
