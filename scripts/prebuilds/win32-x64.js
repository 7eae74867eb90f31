// win32-x64: MinGW-w64 (Debian's posix-threads g++), compiling what binding.gyp compiles with its
// defines and its Windows settings (WIN32_LEAN_AND_MEAN, NOMINMAX, ws2_32).
//
// The addon imports Node-API from a delay-load import library made by dlltool from
// node-api-headers' node_api.def (DLL name node.exe), and native/win/delay_load_hook.cc points the
// delayed load at the host executable: the addon then loads in node.exe and in a renamed host
// (Electron, MyChatApp.exe) alike. libstdc++, libgcc and winpthread are linked statically, so
// neither binary needs MinGW's DLLs on the user's machine. Nothing here runs what it builds.
'use strict';
const fs = require('fs');
const path = require('path');
const { ADDON_FILE, emulatorLibraryName, ensureApt, npmPackage, run, capture, stageSources } = require('./toolchain');

/**
 * Debian packages: the compiler with dlltool and objdump (binutils-mingw-w64, pulled by g++), the
 * MinGW tools, and Wine, which runs this target's tests (test/helpers/runtime-win32-x64.ts).
 */
const APT_PACKAGES = ['g++-mingw-w64-x86-64-posix', 'mingw-w64-tools', 'wine', 'wine64'];
/** Used only when node-api-headers is not in node_modules (it comes with cmake-js and node-gyp). */
const NODE_API_HEADERS_VERSION = '1.9.0';

const TRIPLE = 'x86_64-w64-mingw32';
const CXX = `${TRIPLE}-g++-posix`;

/** binding.gyp's defines for every target, plus its `OS=="win"` ones. */
const DEFINES = ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS', 'WIN32_LEAN_AND_MEAN', 'NOMINMAX'];
const CXXFLAGS = ['-std=c++17', '-O2', '-fexceptions', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror'];
/** Static runtime: the binaries depend on system DLLs only (checked after linking); no link time in the PE header, so a rebuild is byte-identical. */
const LDFLAGS = ['-shared', '-s', '-static', '-static-libgcc', '-static-libstdc++', '-Wl,--no-insert-timestamp'];
/**
 * The only DLLs the binaries may import at load time. node.exe is not one of them: the addon
 * imports it delay-loaded (GNU ld keeps those descriptors out of the import table objdump lists).
 */
const SYSTEM_DLLS = new Set(['kernel32.dll', 'ws2_32.dll', 'msvcrt.dll', 'user32.dll', 'advapi32.dll']);

function nodeApiHeaders() {
  try {
    return path.dirname(require.resolve('node-api-headers/package.json'));
  } catch {
    return npmPackage('node-api-headers', NODE_API_HEADERS_VERSION);
  }
}

function sourcesIn(dir, exclude = []) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cc') && !exclude.includes(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Compiles `sources` into `objDir` with `extraDefines`; returns the object files. */
function compile(sources, objDir, includes, extraDefines) {
  fs.mkdirSync(objDir, { recursive: true });
  const flags = [...CXXFLAGS, ...[...DEFINES, ...extraDefines].map((d) => `-D${d}`), ...includes.map((i) => `-I${i}`)];
  return sources.map((source) => {
    const object = path.join(objDir, `${path.basename(path.dirname(source))}_${path.basename(source, '.cc')}.o`);
    run(CXX, [...flags, '-c', source, '-o', object]);
    return object;
  });
}

/** The DLL names `file` imports (objdump's import table). */
function importedDlls(file) {
  const dump = capture(`${TRIPLE}-objdump`, ['-p', file]);
  return [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase());
}

/** The names `file` exports (objdump's export table). */
function exportedNames(file) {
  const dump = capture(`${TRIPLE}-objdump`, ['-p', file]);
  const table = dump.split('[Ordinal/Name Pointer] Table')[1] ?? '';
  return [...table.matchAll(/^\s+\[\s*\d+\]\s+(\S+)$/gm)].map((m) => m[1]);
}

function check(file, { exports }) {
  const unexpected = importedDlls(file).filter((dll) => !SYSTEM_DLLS.has(dll));
  if (unexpected.length > 0) throw new Error(`${file} imports ${unexpected.join(', ')}: not linked statically, or node.exe not delay-loaded`);
  const names = exportedNames(file);
  const wrong = names.filter((n) => !exports(n));
  if (names.length === 0 || wrong.length > 0) throw new Error(`${file} exports ${names.join(', ') || 'nothing'}`);
}

/** Builds prebuilds/win32-x64 into `outDir`. */
function build(target, outDir) {
  ensureApt(APT_PACKAGES);
  const dir = stageSources(target);
  const work = path.join(dir, 'build-mingw');
  const headers = nodeApiHeaders();
  const includes = [path.join(dir, 'native', 'include'), path.resolve(require('node-addon-api').include_dir), path.join(headers, 'include')];

  // The delay-load import library: node.exe's Node-API exports, bound on first use (see top).
  const importLib = path.join(work, 'libnode_delay.a');
  fs.mkdirSync(work, { recursive: true });
  run(`${TRIPLE}-dlltool`, ['-d', path.join(headers, 'def', 'node_api.def'), '-D', 'node.exe', '-y', importLib]);

  // TIM_EMULATOR_EXPORTS only marks the standalone library's build (no source tests it), so the
  // emulator's objects are compiled once and linked into both products.
  const native = path.join(dir, 'native');
  const emulator = compile(sourcesIn(path.join(native, 'emulator'), ['exports.cc']), path.join(work, 'emulator'), includes, []);
  const shim = compile(
    [...sourcesIn(path.join(native, 'shim')), path.join(native, 'win', 'delay_load_hook.cc')],
    path.join(work, 'shim'),
    includes,
    [],
  );
  const exportsObj = compile([path.join(native, 'emulator', 'exports.cc')], path.join(work, 'exports'), includes, ['TIM_EMULATOR_EXPORTS']);

  const addon = path.join(outDir, ADDON_FILE);
  run(CXX, [...LDFLAGS, '-o', addon, ...shim, ...emulator, importLib, '-lws2_32']);
  check(addon, { exports: (n) => /^(napi_register_module_v1|node_api_module_get_api_version_v1)$/.test(n) });

  const library = path.join(outDir, emulatorLibraryName('win32'));
  run(CXX, [...LDFLAGS, '-o', library, ...exportsObj, ...emulator, '-lws2_32']);
  check(library, { exports: (n) => n.startsWith('TIM') });
}

module.exports = { targets: ['win32-x64'], build };
