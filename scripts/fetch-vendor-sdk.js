#!/usr/bin/env node
// Fetches Tencent's TIM C SDK libraries from the npm package im_electron_sdk@8.0.5906 into a cache
// OUTSIDE the repository and prints their paths. Nothing here loads a library.
//
//   npm run fetch-vendor                 the library of this platform (prints its path)
//   npm run fetch-vendor -- win32-x64    one target (linux-x64, linux-arm64, win32-x64,
//                                        win32-ia32, darwin-x64, darwin-arm64)
//   npm run fetch-vendor -- all          every target (prints `<target>\t<path>` lines)
//
// SAFETY: the vendor library connects to public internet addresses as soon as it is initialised.
// Every process that loads one must run under `unshare -n` (an empty network namespace; under Wine
// the whole Wine session, wineserver included); see test/helpers/isolate.ts. Never load it in this
// process or by hand.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const VENDOR_PACKAGE = 'im_electron_sdk@8.0.5906';

/** Where each target's library sits inside the package (the table lib/vendor.ts uses too). */
const LIBRARY_IN_PACKAGE = require('../lib/vendor-libraries.json');

/** Folder of the cache: $TIM_NATIVE_VENDOR_CACHE, else ~/.cache/tim-native/vendor/<version>. */
function cacheDir() {
  if (process.env.TIM_NATIVE_VENDOR_CACHE) return process.env.TIM_NATIVE_VENDOR_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tim-native', 'vendor', VENDOR_PACKAGE.split('@')[1]);
}

/** `<platform>-<arch>` of this process. */
function hostTarget() {
  return `${process.platform}-${process.arch}`;
}

/**
 * The cached copy of the package: its package.json and every platform's library, at their paths in
 * the package (so `vendorLibraryPath({ packageDir })` of lib/vendor.ts finds them there too).
 */
function packageDir() {
  return path.join(cacheDir(), 'package');
}

/** Returns the path of the cached vendor library for `target` (default: this platform), fetching the package once. */
function fetchVendorSdk(target = hostTarget()) {
  const inPackage = LIBRARY_IN_PACKAGE[target];
  if (!inPackage) {
    throw new Error(`im_electron_sdk ships no library for ${target} (it has ${Object.keys(LIBRARY_IN_PACKAGE).join(', ')})`);
  }
  if (!fs.existsSync(packageDir())) extractPackage();
  return path.join(packageDir(), inPackage);
}

/** Packs the vendor package and keeps its package.json and libraries; the folder appears only when complete. */
function extractPackage() {
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    const out = execFileSync('npm', ['pack', VENDOR_PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = path.join(work, out.trim().split('\n').pop());
    const members = ['package.json', ...new Set(Object.values(LIBRARY_IN_PACKAGE))].map((p) => `package/${p}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...members]);
    fs.renameSync(path.join(work, 'package'), packageDir());
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { fetchVendorSdk, cacheDir, packageDir };

if (require.main === module) {
  try {
    const arg = process.argv[2];
    if (arg === 'all') for (const target of Object.keys(LIBRARY_IN_PACKAGE)) console.log(`${target}\t${fetchVendorSdk(target)}`);
    else console.log(fetchVendorSdk(arg || hostTarget()));
  } catch (err) {
    console.error(`fetch-vendor-sdk: ${err.message}`);
    process.exit(1);
  }
}
