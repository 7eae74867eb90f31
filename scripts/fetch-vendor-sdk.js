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

/**
 * Where each target's library sits inside the package (under `package/`). The same table, for an
 * installed im_electron_sdk, is `vendorLibraryPath()` in lib/vendor.ts.
 */
const LIBRARY_IN_PACKAGE = {
  'linux-x64': 'lib/linux/lib/libImSDK.so',
  'linux-arm64': 'lib/linux/lib/libImSDK_arm64.so',
  'win32-x64': 'lib/windows/lib/Win64/ImSDK.dll',
  'win32-ia32': 'lib/windows/lib/Win32/ImSDK.dll',
  'darwin-x64': 'lib/mac/Versions/A/ImSDKForMac.dylib',
  'darwin-arm64': 'lib/mac/Versions/A/ImSDKForMac.dylib',
};

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
 * Returns the path of the cached vendor library for `target` (default: this platform), fetching the
 * package once when any library is missing. Cached as `<cache>/<target>/<file name>`.
 */
function fetchVendorSdk(target = hostTarget()) {
  const inPackage = LIBRARY_IN_PACKAGE[target];
  if (!inPackage) {
    throw new Error(`im_electron_sdk ships no library for ${target} (it has ${Object.keys(LIBRARY_IN_PACKAGE).join(', ')})`);
  }
  const lib = cachedPath(target);
  if (!fs.existsSync(lib)) extractAll();
  return lib;
}

function cachedPath(target) {
  return path.join(cacheDir(), target, path.basename(LIBRARY_IN_PACKAGE[target]));
}

/** Packs the vendor package once and moves every target's library into the cache. */
function extractAll() {
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    const out = execFileSync('npm', ['pack', VENDOR_PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = path.join(work, out.trim().split('\n').pop());
    const members = [...new Set(Object.values(LIBRARY_IN_PACKAGE))].map((p) => `package/${p}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...members]);
    for (const target of Object.keys(LIBRARY_IN_PACKAGE)) {
      const dest = cachedPath(target);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      // Copy, then rename: a reader never sees a half-written library.
      fs.copyFileSync(path.join(work, 'package', LIBRARY_IN_PACKAGE[target]), `${dest}.tmp`);
      fs.renameSync(`${dest}.tmp`, dest);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { fetchVendorSdk, cacheDir, LIBRARY_IN_PACKAGE };

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
