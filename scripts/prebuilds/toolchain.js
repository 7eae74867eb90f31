// Shared pieces of the prebuild targets (scripts/prebuilds.js): where toolchains are cached, how
// Debian and npm packages are installed into that cache, a clean copy of the sources per target,
// and running commands loudly. Nothing here runs or loads what it builds.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** The repository root. */
const ROOT = path.join(__dirname, '..', '..');

/**
 * The Node release whose headers (Node-API only) and binaries the cross targets use. Any Node >= 18
 * runs the same Node-API build; pinning one release makes the prebuilds reproducible.
 */
const NODE_VERSION = '20.20.2';

/** Cache of toolchains and staging folders, outside the repository: $TIM_NATIVE_TOOLCHAIN_CACHE, else ~/.cache/tim-native/toolchains. */
function cacheRoot() {
  if (process.env.TIM_NATIVE_TOOLCHAIN_CACHE) return process.env.TIM_NATIVE_TOOLCHAIN_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tim-native', 'toolchains');
}

/** Runs a command with inherited stdio; throws with the command line when it fails. */
function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.error) throw new Error(`${command} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return r;
}

/** Like `run`, returning stdout as a string. */
function capture(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
  if (r.error) throw new Error(`${command} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return r.stdout;
}

/** Installs the Debian packages that are missing (`apt-get`, needs root); a no-op when all are there. */
function ensureApt(packages) {
  const missing = packages.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
  if (missing.length === 0) return;
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(`missing Debian packages (install them as root): apt-get install ${missing.join(' ')}`);
  }
  console.log(`prebuilds: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/**
 * The unpacked contents (`package/`) of an npm package at an exact version, fetched once with
 * `npm pack` into the cache. The folder appears only when complete.
 */
function npmPackage(name, version) {
  const dir = path.join(cacheRoot(), 'npm', `${name.replace('/', '+')}@${version}`);
  const done = path.join(dir, 'package');
  if (fs.existsSync(done)) return done;
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    console.log(`prebuilds: npm pack ${name}@${version}`);
    const out = capture('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', work]);
    run('tar', ['-xzf', path.join(work, out.trim().split('\n').pop()), '-C', work]);
    fs.renameSync(path.join(work, 'package'), done);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return done;
}

/**
 * A fresh copy of what a build needs (binding.gyp, CMakeLists.txt, native/), at a fixed path in the
 * cache so that paths recorded in the binaries are the same on every machine; node_modules is
 * linked from the repository. Building there leaves the repository's own build/ alone.
 */
function stageSources(target) {
  const dir = path.join(cacheRoot(), 'stage', target);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of ['binding.gyp', 'CMakeLists.txt', 'package.json', 'native']) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** File name of the standalone emulator library on `platform` (what lib/binding.ts looks for). */
function emulatorLibraryName(platform) {
  return platform === 'win32' ? 'tim_emulator.dll' : platform === 'darwin' ? 'libtim_emulator.dylib' : 'libtim_emulator.so';
}

/** The name node-gyp-build finds in prebuilds/<platform>-<arch>/ for a Node-API build, in Node and Electron. */
const ADDON_FILE = 'node.napi.node';

module.exports = { ROOT, NODE_VERSION, ADDON_FILE, cacheRoot, run, capture, ensureApt, npmPackage, stageSources, emulatorLibraryName };
