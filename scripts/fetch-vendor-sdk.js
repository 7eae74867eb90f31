#!/usr/bin/env node
// Fetches Tencent's libImSDK.so from the npm package im_electron_sdk@8.0.5906 into a cache OUTSIDE
// the repository and prints its path. Nothing here loads the library.
//
// SAFETY: libImSDK connects to public internet addresses as soon as it is initialised. Every
// process that loads it must run under `unshare -n` (an empty network namespace); see
// test/helpers/isolate.ts. Never load it in this process or by hand.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const VENDOR_PACKAGE = 'im_electron_sdk@8.0.5906';
const LIBRARY_IN_PACKAGE = 'package/lib/linux/lib/libImSDK.so';

/** Folder of the cache: $TIM_NATIVE_VENDOR_CACHE, else ~/.cache/tim-native/vendor/<version>. */
function cacheDir() {
  if (process.env.TIM_NATIVE_VENDOR_CACHE) return process.env.TIM_NATIVE_VENDOR_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tim-native', 'vendor', VENDOR_PACKAGE.split('@')[1]);
}

/** Returns the path of the cached libImSDK.so, fetching it first when missing. */
function fetchVendorSdk() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the vendor conformance library is fetched for linux-x64 only, not ${process.platform}-${process.arch}`);
  }
  const dir = cacheDir();
  const lib = path.join(dir, 'libImSDK.so');
  if (fs.existsSync(lib)) return lib;
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    const out = execFileSync('npm', ['pack', VENDOR_PACKAGE, '--silent', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = path.join(work, out.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tarball, '-C', work, LIBRARY_IN_PACKAGE]);
    fs.renameSync(path.join(work, LIBRARY_IN_PACKAGE), lib);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return lib;
}

module.exports = { fetchVendorSdk, cacheDir };

if (require.main === module) {
  try {
    console.log(fetchVendorSdk());
  } catch (err) {
    console.error(`fetch-vendor-sdk: ${err.message}`);
    process.exit(1);
  }
}
