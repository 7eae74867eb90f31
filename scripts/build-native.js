#!/usr/bin/env node
// Builds the addon and the standalone emulator library with node-gyp. Incremental: configures only
// when there is no build folder yet or binding.gyp changed, so `npm test` after a first build recompiles only what changed.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const makefile = path.join(root, 'build', 'config.gypi');
const configured =
  fs.existsSync(makefile) &&
  fs.statSync(makefile).mtimeMs >= fs.statSync(path.join(root, 'binding.gyp')).mtimeMs;

function run(args) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!configured) run(['configure']);
run(['build', '-j', 'max']);
