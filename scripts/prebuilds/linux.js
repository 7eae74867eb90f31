// linux-x64 and linux-arm64: zig 0.11's clang and lld, for glibc 2.28 (`<arch>-linux-gnu.2.28`).
//
// Why not the machine's g++ (as node-gyp builds from source): Debian 12's gcc 12 and glibc 2.36
// made binaries that need GLIBC_2.34 (dlopen, dlsym and dladdr moved into libc.so.6) and
// libstdc++'s GLIBCXX_3.4.30, so they failed to load on Ubuntu 20.04, Debian 11 and RHEL 8, where
// Node 18 and 20's own binaries (glibc >= 2.28) run. zig compiles against the glibc headers of the
// version in the triple and links against stubs of exactly that version's libc.so.6, libdl.so.2,
// libpthread.so.0: nothing newer than 2.28 can be referenced. libc++, libc++abi and libunwind are
// linked in statically with every one of their symbols local (the version scripts below), so the
// products need no libstdc++ or libgcc_s and cannot collide with the host's C++ runtime.
//
// Products per target (scripts/check-elf.js verifies them after linking; a failure fails the build):
//   node.napi.node      shim + emulator sources; exports only the module entry points; the Node-API
//                       functions stay undefined and are bound to the host process at load time
//   libtim_emulator.so  emulator sources + exports.cc, exports.map's TIM* names, SONAME
//                       libtim_emulator.so, no undefined symbol outside glibc (-z defs)
// Both are stripped at link time. zig's link has no build id and no timestamps: the output is
// byte-for-byte the same on every build of the same sources.
'use strict';
const fs = require('fs');
const path = require('path');
const { ADDON_FILE, ensureApt, emulatorLibraryName, run, stageSources } = require('./toolchain');
const { ADDON_EXPORTS, compileProducts, zigToolchain } = require('./zig');

/** The oldest glibc the Linux prebuilds load on: Node 18 and 20's own floor (RHEL 8, Debian 10). */
const GLIBC_FLOOR = '2.28';

/** Per target: zig's architecture name. */
const ARCHES = {
  'linux-x64': 'x86_64',
  'linux-arm64': 'aarch64',
};

/** What node-gyp defines for every Linux target, besides binding.gyp's own defines. */
const NODE_GYP_DEFINES = ['BUILDING_NODE_EXTENSION', '_LARGEFILE_SOURCE', '_FILE_OFFSET_BITS=64', '__STDC_FORMAT_MACROS'];

/**
 * Link flags of both products: a shared object, stripped (lld's -s: no .symtab, only the dynamic
 * symbols remain), glibc's libdl and libpthread (separate libraries before glibc 2.34; binding.gyp
 * links them too). zig 0.11 refuses -Wl,--fatal-warnings; check-elf.js judges the result instead.
 */
const LINK_FLAGS = ['-shared', '-Wl,-s', '-ldl', '-lpthread'];

/** Links with zig (its lld, its libc++ for the target, the glibc stubs of the triple's version). */
function link(zig, dir, triple, flags, objects, output) {
  run(zig.zig, ['c++', '-target', triple, ...LINK_FLAGS, ...flags, '-o', output, ...objects], { cwd: dir, env: zig.env });
}

/** Builds prebuilds/linux-<arch> into `outDir`, then checks both products with scripts/check-elf.js. */
function build(target, outDir) {
  const arch = ARCHES[target];
  if (arch === undefined) throw new Error(`linux.js does not build ${target}`);
  ensureApt(['make']);
  const zig = zigToolchain();
  const triple = `${arch}-linux-gnu.${GLIBC_FLOOR}`;
  const dir = stageSources(target);
  const work = path.join(dir, 'build-linux');
  fs.mkdirSync(work, { recursive: true });

  const { addonObjects, libraryObjects } = compileProducts(zig, dir, work, { triple, extraFlags: ['-pthread'], extraDefines: NODE_GYP_DEFINES });

  // The addon's version script: its module entry points global, everything else (libc++ included)
  // local. The Node-API functions it calls are left undefined, as a shared object may.
  const addonMap = path.join(work, 'addon.map');
  fs.writeFileSync(addonMap, `{\n  global:\n${ADDON_EXPORTS.map((name) => `    ${name};\n`).join('')}  local: *;\n};\n`);
  link(zig, dir, triple, [`-Wl,--version-script=${addonMap}`], addonObjects, path.join(outDir, ADDON_FILE));

  const library = emulatorLibraryName('linux');
  const libraryFlags = [`-Wl,--version-script=${path.join(dir, 'native', 'emulator', 'exports.map')}`, `-Wl,-soname,${library}`, '-Wl,-z,defs'];
  link(zig, dir, triple, libraryFlags, libraryObjects, path.join(outDir, library));

  const { checkPrebuild } = require('../check-elf');
  const failed = checkPrebuild(outDir, target).filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    throw new Error(`scripts/check-elf.js rejects the ${target} build:\n${failed.map((r) => `${path.basename(r.file)}:\n  - ${r.problems.join('\n  - ')}`).join('\n')}`);
  }
}

module.exports = { targets: Object.keys(ARCHES), build, GLIBC_FLOOR };
