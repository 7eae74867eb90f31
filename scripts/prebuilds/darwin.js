// darwin-x64 and darwin-arm64: built on Linux, never run here. zig 0.11's clang compiles the same
// sources with the same defines as binding.gyp against zig's libc++ headers; lld's Mach-O linker
// (ld64.lld-19, Debian package lld-19) links them, because zig 0.11's own Mach-O linker exports
// every symbol and rejects -exported_symbol. libc++, libc++abi and compiler_rt are linked in statically (zig builds them for
// the target on first use, into its cache); the only dylib a product depends on is libSystem, from
// zig's .tbd stub. Node-API functions stay undefined and are looked up in the host process at load
// time (flat namespace), as node-gyp's `-undefined dynamic_lookup` does, but only the Node-API
// names of NAPI_VERSION may be: anything else undefined is a link error.
//
// Products per target (scripts/check-macho.js verifies them):
//   node.napi.node         MH_BUNDLE: shim + emulator sources, exports only the module entry points
//   libtim_emulator.dylib  MH_DYLIB: emulator sources + exports.cc, exports exactly the TIM* names,
//                          install name @rpath/libtim_emulator.dylib
// Both are ad-hoc code signed by the linker (arm64 macOS refuses unsigned code), carry no local
// symbols, and require macOS 11.0: zig 0.11 ships libSystem stubs for macOS 11, 12 and 13 only, so
// an older minimum could not be checked against the system it claims; binding.gyp's
// MACOSX_DEPLOYMENT_TARGET says 11.0 too.
//
// zig's caches live under the toolchain cache: libc++ (built once per target, ~2 min) and every
// compiled object (keyed by content, so unchanged sources are not recompiled). The output is
// byte-for-byte the same on every build of the same sources.
'use strict';
const fs = require('fs');
const path = require('path');
const { ADDON_FILE, ensureApt, run, stageSources, emulatorLibraryName } = require('./toolchain');
const { ADDON_EXPORTS, compileProducts, napiSymbols, runtimeArchives, zigToolchain } = require('./zig');

/**
 * lld's Mach-O linker, pinned: Debian 12's default lld (14) lacks -x; lld-19 is packaged for
 * Debian 12 and 13 alike.
 */
const LLD_VERSION = 19;
const LD64 = `/usr/bin/ld64.lld-${LLD_VERSION}`;

/** Minimum and SDK version written into LC_BUILD_VERSION; the libSystem stub matches it. */
const MACOS_MIN = '11.0';
const LIBSYSTEM_STUB = 'libSystem.11.tbd';

/** Per target: zig's architecture name and the Mach-O one (ld64's -arch). */
const ARCHES = {
  'darwin-x64': { zig: 'x86_64', macho: 'x86_64' },
  'darwin-arm64': { zig: 'aarch64', macho: 'arm64' },
};

/** What node-gyp defines for every macOS target, besides binding.gyp's own defines. */
const NODE_GYP_DEFINES = ['BUILDING_NODE_EXTENSION', '_DARWIN_USE_64_BIT_INODE=1'];

/** Links a Mach-O with ld64.lld; the linker writes the ad-hoc signature last, after stripping. */
function link(arch, kindArgs, objects, archives, libSystem, output) {
  const args = [
    '-arch', arch.macho,
    '-platform_version', 'macos', MACOS_MIN, MACOS_MIN,
    ...kindArgs,
    // Local symbols are dropped (the equivalent of `strip -x`): lld's -x, done at link time so the
    // code signature covers the final file.
    '-x',
    '-dead_strip',
    '-adhoc_codesign',
    '-fatal_warnings',
    '-o', output,
    ...objects,
    archives['libc++.a'],
    archives['libc++abi.a'],
    libSystem,
    archives['libcompiler_rt.a'],
  ];
  run(LD64, args);
}

/** The Node-API symbols of NAPI_VERSION, as Mach-O names: the only ones allowed to stay undefined. */
function napiUndefinedArgs(napiVersion) {
  return napiSymbols(napiVersion).flatMap((name) => ['-U', `_${name}`]);
}

/** Builds prebuilds/darwin-<arch> into `outDir`. */
function build(target, outDir) {
  const arch = ARCHES[target];
  if (arch === undefined) throw new Error(`darwin.js does not build ${target}`);
  ensureApt([`lld-${LLD_VERSION}`, 'make']);
  const zig = zigToolchain();
  const triple = `${arch.zig}-macos.${MACOS_MIN}`;
  const dir = stageSources(target);
  const work = path.join(dir, 'build-darwin');
  fs.mkdirSync(work, { recursive: true });
  const archives = runtimeArchives(zig, triple, work);
  const libSystem = path.join(zig.lib, 'libc', 'darwin', LIBSYSTEM_STUB);

  const { addonObjects, libraryObjects, napiVersion } = compileProducts(zig, dir, work, { triple, extraDefines: NODE_GYP_DEFINES });

  const addon = path.join(outDir, ADDON_FILE);
  const addonExports = ADDON_EXPORTS.flatMap((name) => ['-exported_symbol', `_${name}`]);
  link(arch, ['-bundle', ...napiUndefinedArgs(napiVersion), ...addonExports], addonObjects, archives, libSystem, addon);

  const library = path.join(outDir, emulatorLibraryName('darwin'));
  // exports.map's `TIM*`: the glob is resolved by the linker against the symbols exports.cc defines.
  const libraryArgs = ['-dylib', '-install_name', `@rpath/${emulatorLibraryName('darwin')}`, '-current_version', '1.0', '-compatibility_version', '1.0', '-exported_symbol', '_TIM*'];
  link(arch, libraryArgs, libraryObjects, archives, libSystem, library);
}

module.exports = { targets: Object.keys(ARCHES), build };
