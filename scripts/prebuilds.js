#!/usr/bin/env node
// `npm run prebuilds [-- <target> ...]`: builds the prebuilt binaries that `npm pack` ships, from a
// clean Debian x64 machine, for every desktop platform (default) or the targets named:
//
//   linux-x64      zig's clang and libc++, for glibc 2.28 (loads wherever Node 18+ does)
//   linux-arm64    the same for aarch64
//   win32-x64      MinGW-w64 (a delay-loaded node.exe import library: loads in Electron too)
//   darwin-x64     zig's clang and libc++, linked by lld's ld64
//   darwin-arm64   the same for Apple silicon
//
// Each lands in prebuilds/<target>/: `node.napi.node` (the addon, emulator backend inside), where
// node-gyp-build finds it, and the standalone emulator library beside it. Toolchains (Debian and
// npm packages) are installed when missing and cached outside the repository (scripts/prebuilds/
// toolchain.js). A target is built into a temporary folder and replaces its old folder only when
// complete.
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./prebuilds/toolchain');

const MODULES = ['linux-x64', 'linux-arm64', 'win32-x64', 'darwin'];

function loadTargets() {
  const byTarget = new Map();
  for (const name of MODULES) {
    const file = path.join(__dirname, 'prebuilds', `${name}.js`);
    if (!fs.existsSync(file)) continue;
    const mod = require(file);
    for (const target of mod.targets) byTarget.set(target, mod);
  }
  return byTarget;
}

function main() {
  const byTarget = loadTargets();
  const wanted = process.argv.slice(2);
  const targets = wanted.length > 0 ? wanted : [...byTarget.keys()];
  const unknown = targets.filter((t) => !byTarget.has(t));
  if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')} (known: ${[...byTarget.keys()].join(', ')})`);
  const prebuilds = path.join(ROOT, 'prebuilds');
  const failed = [];
  for (const target of targets) {
    const started = Date.now();
    const outDir = path.join(prebuilds, `.${target}.tmp`);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    console.log(`prebuilds: building ${target}`);
    try {
      byTarget.get(target).build(target, outDir);
    } catch (err) {
      // The other targets still build: one broken toolchain should not hide the state of the rest.
      console.error(`prebuilds: ${target} FAILED: ${err.message}`);
      fs.rmSync(outDir, { recursive: true, force: true });
      failed.push(target);
      continue;
    }
    const finalDir = path.join(prebuilds, target);
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(outDir, finalDir);
    const files = fs.readdirSync(finalDir).map((f) => `${f} (${Math.round(fs.statSync(path.join(finalDir, f)).size / 1024)} KB)`);
    console.log(`prebuilds: ${target} done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${files.join(', ')}`);
  }
  if (failed.length > 0) throw new Error(`${failed.join(', ')} failed (see above)`);
}

try {
  main();
} catch (err) {
  console.error(`prebuilds: ${err.message}`);
  process.exit(1);
}
