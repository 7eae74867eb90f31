#!/usr/bin/env node
// `node scripts/check-macho.js [<folder> ...]`: checks the macOS prebuilds that nothing here can
// run, by reading their Mach-O structures (default: every prebuilds/darwin-* folder). A folder's
// name says its target (darwin-x64, darwin-arm64). For each of node.napi.node and
// libtim_emulator.dylib it checks:
//   - a thin 64-bit Mach-O of the target's CPU; the addon an MH_BUNDLE, the library an MH_DYLIB
//     with install name @rpath/libtim_emulator.dylib; two-level namespace; no weak definitions or
//     weak binds (which dyld would coalesce with the host's libc++);
//   - exported symbols (the export trie dyld reads, and the symbol table): the addon only the
//     Node-API module entry points, the library exactly the TIM* functions exports.cc defines;
//   - undefined symbols: the addon's Node-API functions looked up in the host process (flat
//     namespace), everything else bound to libSystem; no libc++ symbol imported (libc++ is linked
//     in); the library looks nothing up dynamically;
//   - the only linked dylib is /usr/lib/libSystem.B.dylib;
//   - LC_BUILD_VERSION: macOS, minimum version = binding.gyp's MACOSX_DEPLOYMENT_TARGET;
//   - no local symbols left (stripped);
//   - a code signature (required on arm64, checked when present on x64) whose page hashes match
//     the file: arm64 macOS kills a process that maps code with a missing or stale signature.
// Prints one line per file and every problem; exits 1 when any check fails.
'use strict';
const { reportChecks } = require('./check-report');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');

const MH_MAGIC_64 = 0xfeedfacf;
const MH_DYLIB = 6;
const MH_BUNDLE = 8;
const MH_DYLDLINK = 0x4;
const MH_TWOLEVEL = 0x80;
const MH_WEAK_DEFINES = 0x8000;
const MH_BINDS_TO_WEAK = 0x10000;
const CPU_TYPES = { 'darwin-x64': { type: 0x01000007, name: 'x86_64' }, 'darwin-arm64': { type: 0x0100000c, name: 'arm64' } };

const LC_REQ_DYLD = 0x80000000;
const LC_SYMTAB = 0x2;
const LC_DYSYMTAB = 0xb;
const LC_LOAD_DYLIB = 0xc;
const LC_ID_DYLIB = 0xd;
const LC_LOAD_WEAK_DYLIB = (0x18 | LC_REQ_DYLD) >>> 0;
const LC_REEXPORT_DYLIB = (0x1f | LC_REQ_DYLD) >>> 0;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_LOAD_UPWARD_DYLIB = (0x23 | LC_REQ_DYLD) >>> 0;
const LC_CODE_SIGNATURE = 0x1d;
const LC_DYLD_INFO = 0x22;
const LC_DYLD_INFO_ONLY = (0x22 | LC_REQ_DYLD) >>> 0;
const LC_VERSION_MIN_MACOSX = 0x24;
const LC_BUILD_VERSION = 0x32;
const LC_DYLD_EXPORTS_TRIE = (0x33 | LC_REQ_DYLD) >>> 0;
const DYLIB_COMMANDS = new Set([LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB]);
const PLATFORM_MACOS = 1;

const N_STAB = 0xe0;
const N_TYPE = 0x0e;
const N_EXT = 0x01;
const N_UNDF = 0x0;
const DYNAMIC_LOOKUP_ORDINAL = 0xfe;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CS_ADHOC = 0x2;
const CS_HASHTYPE_SHA256 = 2;

const LIBSYSTEM = '/usr/lib/libSystem.B.dylib';
const ADDON_FILE = 'node.napi.node';
const LIBRARY_FILE = 'libtim_emulator.dylib';
const ADDON_REQUIRED_EXPORTS = ['_napi_register_module_v1'];
const ADDON_OPTIONAL_EXPORTS = ['_node_api_module_get_api_version_v1'];

/** Reads a NUL-terminated string at `offset`. */
function cString(buf, offset) {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end < 0 ? buf.length : end);
}

/** Reads an unsigned LEB128 at `pos`; returns [value, next position]. */
function uleb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated ULEB128');
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

/** Names in a Mach-O export trie (what dyld resolves against), with the address-less kinds too. */
function exportTrie(buf, start, size) {
  const names = [];
  const seen = new Set();
  const walk = (offset, prefix) => {
    if (offset >= size || seen.has(offset)) throw new Error(`malformed export trie at ${offset}`);
    seen.add(offset);
    let pos = start + offset;
    let terminalSize;
    [terminalSize, pos] = uleb(buf, pos);
    if (terminalSize > 0) names.push(prefix);
    pos += terminalSize;
    const children = buf[pos++];
    for (let i = 0; i < children; i++) {
      const label = cString(buf, pos);
      pos += Buffer.byteLength(label) + 1;
      let child;
      [child, pos] = uleb(buf, pos);
      walk(child, prefix + label);
    }
  };
  if (size > 0) walk(0, '');
  return names.sort();
}

/** The parts of a thin 64-bit little-endian Mach-O that the checks need. */
function parseMachO(buf) {
  if (buf.length < 32 || buf.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new Error(`not a thin 64-bit Mach-O (magic 0x${buf.length >= 4 ? buf.readUInt32LE(0).toString(16) : '?'})`);
  }
  const image = {
    cputype: buf.readUInt32LE(4),
    filetype: buf.readUInt32LE(12),
    flags: buf.readUInt32LE(24),
    dylibs: [],
    idDylib: undefined,
    buildVersions: [],
    versionMin: false,
    exports: undefined,
    symbols: [],
    localSymbols: 0,
    codeSignature: undefined,
  };
  const ncmds = buf.readUInt32LE(16);
  let offset = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(offset);
    const cmdsize = buf.readUInt32LE(offset + 4);
    if (cmdsize < 8 || offset + cmdsize > buf.length) throw new Error(`load command ${i} runs past the file`);
    if (DYLIB_COMMANDS.has(cmd)) image.dylibs.push(cString(buf, offset + buf.readUInt32LE(offset + 8)));
    else if (cmd === LC_ID_DYLIB) image.idDylib = cString(buf, offset + buf.readUInt32LE(offset + 8));
    else if (cmd === LC_BUILD_VERSION) {
      image.buildVersions.push({ platform: buf.readUInt32LE(offset + 8), minos: buf.readUInt32LE(offset + 12), sdk: buf.readUInt32LE(offset + 16) });
    } else if (cmd === LC_VERSION_MIN_MACOSX) image.versionMin = true;
    else if (cmd === LC_DYLD_INFO || cmd === LC_DYLD_INFO_ONLY) {
      image.exports = exportTrie(buf, buf.readUInt32LE(offset + 40), buf.readUInt32LE(offset + 44));
    } else if (cmd === LC_DYLD_EXPORTS_TRIE) {
      image.exports = exportTrie(buf, buf.readUInt32LE(offset + 8), buf.readUInt32LE(offset + 12));
    } else if (cmd === LC_SYMTAB) {
      const symoff = buf.readUInt32LE(offset + 8);
      const nsyms = buf.readUInt32LE(offset + 12);
      const stroff = buf.readUInt32LE(offset + 16);
      for (let s = 0; s < nsyms; s++) {
        const at = symoff + s * 16;
        const type = buf[at + 4];
        const symbol = { name: cString(buf, stroff + buf.readUInt32LE(at)), type, desc: buf.readUInt16LE(at + 6) };
        if ((type & N_STAB) !== 0 || (type & N_EXT) === 0) image.localSymbols++;
        else image.symbols.push(symbol);
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      image.codeSignature = { dataoff: buf.readUInt32LE(offset + 8), datasize: buf.readUInt32LE(offset + 12) };
    } else if (cmd === LC_DYSYMTAB) {
      image.dysymtab = { nlocalsym: buf.readUInt32LE(offset + 12) };
    }
    offset += cmdsize;
  }
  return image;
}

/** "11.0" from LC_BUILD_VERSION's xxxx.yy.zz encoding. */
function formatVersion(v) {
  const patch = v & 0xff;
  return `${v >>> 16}.${(v >>> 8) & 0xff}${patch ? `.${patch}` : ''}`;
}

/**
 * Verifies an embedded ad-hoc signature: a SuperBlob holding a SHA-256 CodeDirectory whose code
 * slots hash every page of the file before the signature. Returns the problems found.
 */
function signatureProblems(buf, sig) {
  const problems = [];
  if (sig.dataoff + sig.datasize > buf.length) return ['code signature runs past the end of the file'];
  const blob = buf.subarray(sig.dataoff, sig.dataoff + sig.datasize);
  if (blob.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE) return ['code signature is not an embedded signature SuperBlob'];
  const count = blob.readUInt32BE(8);
  let directory;
  for (let i = 0; i < count; i++) {
    const at = blob.readUInt32BE(12 + i * 8 + 4);
    if (blob.readUInt32BE(at) === CSMAGIC_CODEDIRECTORY) directory = blob.subarray(at);
  }
  if (directory === undefined) return ['code signature has no CodeDirectory'];
  const flags = directory.readUInt32BE(12);
  const hashOffset = directory.readUInt32BE(16);
  const nCodeSlots = directory.readUInt32BE(28);
  const codeLimit = directory.readUInt32BE(32);
  const hashSize = directory[36];
  const hashType = directory[37];
  const pageSize = 2 ** directory[39];
  if ((flags & CS_ADHOC) === 0) problems.push('code signature is not ad-hoc');
  if (hashType !== CS_HASHTYPE_SHA256 || hashSize !== 32) problems.push(`code signature hash type ${hashType} (size ${hashSize}), expected SHA-256`);
  if (codeLimit !== sig.dataoff) problems.push(`code signature covers ${codeLimit} bytes, the signature starts at ${sig.dataoff}`);
  if (nCodeSlots !== Math.ceil(codeLimit / pageSize)) problems.push(`code signature has ${nCodeSlots} page hashes for ${codeLimit} bytes`);
  if (problems.length > 0) return problems;
  for (let page = 0; page < nCodeSlots; page++) {
    const data = buf.subarray(page * pageSize, Math.min((page + 1) * pageSize, codeLimit));
    const expected = directory.subarray(hashOffset + page * hashSize, hashOffset + (page + 1) * hashSize);
    if (!crypto.createHash('sha256').update(data).digest().equals(expected)) {
      problems.push(`code signature hash of page ${page} does not match the file`);
      break;
    }
  }
  return problems;
}

/** The TIM* functions exports.cc defines: what the standalone library must export, no more. */
function expectedLibraryExports() {
  const source = fs.readFileSync(path.join(ROOT, 'native', 'emulator', 'exports.cc'), 'utf8');
  const names = [...source.matchAll(/TIM_EMULATOR_API[^;{(]*?\b(TIM\w+)\s*\(/g)].map((m) => `_${m[1]}`);
  if (names.length === 0) throw new Error('found no TIM_EMULATOR_API function in native/emulator/exports.cc');
  return [...new Set(names)].sort();
}

/** binding.gyp's MACOSX_DEPLOYMENT_TARGET: the documented minimum macOS. */
function expectedMinimumMacOS() {
  const gyp = fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8');
  const m = /'MACOSX_DEPLOYMENT_TARGET':\s*'([\d.]+)'/.exec(gyp);
  if (!m) throw new Error('binding.gyp sets no MACOSX_DEPLOYMENT_TARGET');
  return m[1];
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Checks one Mach-O file of `target`; `kind` is 'addon' or 'library'. Returns its problems. */
function checkFile(file, target, kind, expect) {
  const buf = fs.readFileSync(file);
  let image;
  try {
    image = parseMachO(buf);
  } catch (err) {
    return [err.message];
  }
  const problems = [];
  const cpu = CPU_TYPES[target];
  if (image.cputype !== cpu.type) problems.push(`CPU type 0x${image.cputype.toString(16)}, expected ${cpu.name} (0x${cpu.type.toString(16)})`);
  const filetype = kind === 'addon' ? MH_BUNDLE : MH_DYLIB;
  if (image.filetype !== filetype) problems.push(`file type ${image.filetype}, expected ${kind === 'addon' ? 'MH_BUNDLE' : 'MH_DYLIB'} (${filetype})`);
  if ((image.flags & MH_DYLDLINK) === 0 || (image.flags & MH_TWOLEVEL) === 0) problems.push(`flags 0x${image.flags.toString(16)} lack MH_DYLDLINK or MH_TWOLEVEL`);
  // Weak definitions or weak binds would let dyld coalesce C++ symbols (operator new, typeinfo,
  // inline statics) with the host's libc++: two runtimes mixing. Ours are all private.
  if ((image.flags & (MH_WEAK_DEFINES | MH_BINDS_TO_WEAK)) !== 0) problems.push(`flags 0x${image.flags.toString(16)} have MH_WEAK_DEFINES or MH_BINDS_TO_WEAK`);
  if (kind === 'library' && image.idDylib !== `@rpath/${LIBRARY_FILE}`) problems.push(`install name ${image.idDylib}, expected @rpath/${LIBRARY_FILE}`);

  // Exports: the trie is what dyld resolves; the symbol table must say the same.
  const definedExternal = image.symbols.filter((s) => (s.type & N_TYPE) !== N_UNDF).map((s) => s.name).sort();
  if (image.exports === undefined) problems.push('no export trie (LC_DYLD_INFO or LC_DYLD_EXPORTS_TRIE)');
  else if (!sameList(image.exports, definedExternal)) problems.push(`export trie [${image.exports}] differs from the symbol table's external definitions [${definedExternal}]`);
  const exported = image.exports ?? [];
  if (kind === 'addon') {
    const allowed = new Set([...ADDON_REQUIRED_EXPORTS, ...ADDON_OPTIONAL_EXPORTS]);
    const extra = exported.filter((n) => !allowed.has(n));
    const missing = ADDON_REQUIRED_EXPORTS.filter((n) => !exported.includes(n));
    if (extra.length > 0) problems.push(`exports ${extra.length} unexpected symbols: ${extra.slice(0, 10).join(', ')}`);
    if (missing.length > 0) problems.push(`does not export ${missing.join(', ')}`);
  } else if (!sameList(exported, expect.libraryExports)) {
    const extra = exported.filter((n) => !expect.libraryExports.includes(n));
    const missing = expect.libraryExports.filter((n) => !exported.includes(n));
    problems.push(`exports differ from exports.cc: extra [${extra.slice(0, 10).join(', ')}], missing [${missing.join(', ')}]`);
  }

  // Imports: by library ordinal (two-level namespace), or looked up in the host (flat).
  const libSystemOrdinal = image.dylibs.indexOf(LIBSYSTEM) + 1;
  const wrongImports = { 'looked up dynamically (flat namespace)': [], 'not bound to libSystem': [], 'imported from libSystem (Node-API must be a host lookup, libc++ linked in)': [] };
  for (const s of image.symbols.filter((sym) => (sym.type & N_TYPE) === N_UNDF)) {
    const ordinal = (s.desc >> 8) & 0xff;
    const nodeApi = /^_(napi|node_api)_/.test(s.name);
    if (ordinal === DYNAMIC_LOOKUP_ORDINAL) {
      if (kind !== 'addon' || !nodeApi) wrongImports['looked up dynamically (flat namespace)'].push(s.name);
    } else if (ordinal === 0 || ordinal !== libSystemOrdinal) {
      wrongImports['not bound to libSystem'].push(`${s.name} (ordinal ${ordinal})`);
    } else if (nodeApi || /^__ZN[KS]?St3__1/.test(s.name)) {
      wrongImports['imported from libSystem (Node-API must be a host lookup, libc++ linked in)'].push(s.name);
    }
  }
  for (const [what, names] of Object.entries(wrongImports)) {
    if (names.length > 0) problems.push(`${names.length} undefined symbols ${what}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`);
  }
  if (!sameList(image.dylibs, [LIBSYSTEM])) problems.push(`links [${image.dylibs.join(', ')}], expected only ${LIBSYSTEM}`);

  if (image.versionMin) problems.push('has LC_VERSION_MIN_MACOSX (expected LC_BUILD_VERSION only)');
  if (image.buildVersions.length !== 1) problems.push(`${image.buildVersions.length} LC_BUILD_VERSION commands, expected 1`);
  for (const v of image.buildVersions) {
    if (v.platform !== PLATFORM_MACOS) problems.push(`LC_BUILD_VERSION platform ${v.platform}, expected macOS (${PLATFORM_MACOS})`);
    if (formatVersion(v.minos) !== expect.minimumMacOS) problems.push(`minimum macOS ${formatVersion(v.minos)}, binding.gyp says ${expect.minimumMacOS}`);
  }

  if (image.localSymbols > 0 || (image.dysymtab && image.dysymtab.nlocalsym > 0)) problems.push(`${image.localSymbols} local symbols left (not stripped)`);

  if (image.codeSignature === undefined) {
    if (target === 'darwin-arm64') problems.push('no code signature (LC_CODE_SIGNATURE): arm64 macOS refuses to load it');
  } else {
    problems.push(...signatureProblems(buf, image.codeSignature));
  }
  return problems;
}

/** Checks one prebuild folder (named after its target); returns `{ file, problems }` per product. */
function checkPrebuild(dir) {
  const target = path.basename(dir);
  if (CPU_TYPES[target] === undefined) return [{ file: dir, problems: [`folder name ${target} is not a darwin target (${Object.keys(CPU_TYPES).join(', ')})`] }];
  const expect = { libraryExports: expectedLibraryExports(), minimumMacOS: expectedMinimumMacOS() };
  return [
    [ADDON_FILE, 'addon'],
    [LIBRARY_FILE, 'library'],
  ].map(([name, kind]) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) return { file, problems: ['missing'] };
    return { file, problems: checkFile(file, target, kind, expect) };
  });
}

function main() {
  const dirs = process.argv.slice(2);
  reportChecks(dirs.length > 0 ? dirs : Object.keys(CPU_TYPES).map((t) => path.join(ROOT, 'prebuilds', t)), checkPrebuild);
}

if (require.main === module) main();

module.exports = { checkPrebuild, parseMachO, expectedLibraryExports };
