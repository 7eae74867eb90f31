#!/usr/bin/env node
// `node scripts/check-elf.js [<folder> ...]`: checks that the Linux prebuilds load wherever Node
// itself does, by reading their ELF structures (default: prebuilds/linux-x64 and linux-arm64). A
// folder's name says its target. For each of node.napi.node and libtim_emulator.so it checks:
//   - a 64-bit little-endian ELF shared object of the target's machine;
//   - exported dynamic symbols: the addon only the Node-API module entry points, the library exactly
//     the TIM* functions exports.cc defines (exports.map's `TIM*`);
//   - needed symbol versions: only GLIBC_*, none newer than the glibc floor (2.28: Node 18 and 20's
//     own), and no GLIBCXX_, CXXABI_ or GCC_ (the C++ runtime is linked in, not the system's);
//   - NEEDED: only glibc's own libraries (libc, libm, libdl, libpthread, librt, the dynamic loader);
//   - undefined symbols: bound to a glibc version, or (addon only) a Node-API function of binding.gyp's
//     NAPI_VERSION left to the host process; weak references may stay unresolved;
//   - the library's SONAME is libtim_emulator.so; no RPATH/RUNPATH, no text relocations, no static
//     TLS (which can make dlopen fail), a non-executable stack (glibc 2.41 refuses to dlopen a
//     library that asks for an executable one);
//   - stripped: no .symtab, no debug sections.
// Prints one line per file and every problem; exits 1 when any check fails.
'use strict';
const { reportChecks } = require('./check-report');
const fs = require('fs');
const path = require('path');
const { expectedLibraryExports } = require('./check-macho');
const { bindingGypDefines, napiSymbols, ADDON_EXPORTS } = require('./prebuilds/zig');
const { GLIBC_FLOOR } = require('./prebuilds/linux');

const ROOT = path.join(__dirname, '..');

const ET_DYN = 3;
const MACHINES = {
  'linux-x64': { machine: 62, name: 'x86-64', loader: 'ld-linux-x86-64.so.2' },
  'linux-arm64': { machine: 183, name: 'AArch64', loader: 'ld-linux-aarch64.so.1' },
};
const GLIBC_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1'];

const SHT_SYMTAB = 2;
const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_TEXTREL = 22;
const DT_RUNPATH = 29;
const DT_FLAGS = 30;
const DF_TEXTREL = 0x4;
const DF_STATIC_TLS = 0x10;

const PT_GNU_STACK = 0x6474e551;
const PF_X = 0x1;

const STB_LOCAL = 0;
const STB_WEAK = 2;
const STV_DEFAULT = 0;
const STV_PROTECTED = 3;
const SHN_UNDEF = 0;
const VERSYM_HIDDEN = 0x8000;

const ADDON_FILE = 'node.napi.node';
const LIBRARY_FILE = 'libtim_emulator.so';
const ADDON_REQUIRED_EXPORTS = ['napi_register_module_v1'];

/** Reads a NUL-terminated string at `offset`. */
function cString(buf, offset) {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end < 0 ? buf.length : end);
}

/** A u64 field as a number (every offset and size here is far below 2^53). */
function u64(buf, offset) {
  return Number(buf.readBigUInt64LE(offset));
}

/** The parts of a 64-bit little-endian ELF file that the checks need. */
function parseElf(buf) {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error(`not a 64-bit little-endian ELF (class ${buf[4]}, data ${buf[5]})`);
  const image = { type: buf.readUInt16LE(16), machine: buf.readUInt16LE(18), sections: [], segments: [] };

  const phoff = u64(buf, 32);
  const phentsize = buf.readUInt16LE(54);
  for (let i = 0; i < buf.readUInt16LE(56); i++) {
    const at = phoff + i * phentsize;
    image.segments.push({ type: buf.readUInt32LE(at), flags: buf.readUInt32LE(at + 4) });
  }

  const shoff = u64(buf, 40);
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  if (shoff === 0 || shoff + shnum * shentsize > buf.length) throw new Error('no section headers, or they run past the file');
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    image.sections.push({
      nameOffset: buf.readUInt32LE(at),
      type: buf.readUInt32LE(at + 4),
      offset: u64(buf, at + 24),
      size: u64(buf, at + 32),
      link: buf.readUInt32LE(at + 40),
      info: buf.readUInt32LE(at + 44),
      entsize: u64(buf, at + 56),
    });
  }
  const shstr = image.sections[buf.readUInt16LE(62)];
  for (const s of image.sections) {
    if (s.offset + s.size > buf.length && s.type !== 8 /* SHT_NOBITS */) throw new Error(`section ${s.nameOffset} runs past the file`);
    s.name = shstr ? cString(buf, shstr.offset + s.nameOffset) : '';
  }
  const strings = (index) => (offset) => cString(buf, image.sections[index].offset + offset);

  // Version needs: index (vna_other) -> { file, name }.
  image.versionNeeds = new Map();
  const verneed = image.sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (verneed) {
    const str = strings(verneed.link);
    let at = verneed.offset;
    for (let i = 0; i < verneed.info; i++) {
      const file = str(buf.readUInt32LE(at + 4));
      let aux = at + buf.readUInt32LE(at + 8);
      for (let j = 0; j < buf.readUInt16LE(at + 2); j++) {
        image.versionNeeds.set(buf.readUInt16LE(aux + 6), { file, name: str(buf.readUInt32LE(aux + 8)) });
        aux += buf.readUInt32LE(aux + 12);
      }
      const next = buf.readUInt32LE(at + 12);
      if (next === 0) break;
      at += next;
    }
  }

  // Dynamic symbols with their version.
  image.dynamicSymbols = [];
  const dynsym = image.sections.find((s) => s.type === SHT_DYNSYM);
  const versym = image.sections.find((s) => s.type === SHT_GNU_VERSYM);
  if (dynsym) {
    const str = strings(dynsym.link);
    const count = dynsym.size / 24;
    for (let i = 1; i < count; i++) {
      const at = dynsym.offset + i * 24;
      const version = versym ? buf.readUInt16LE(versym.offset + i * 2) & ~VERSYM_HIDDEN : 1;
      image.dynamicSymbols.push({
        name: str(buf.readUInt32LE(at)),
        bind: buf[at + 4] >> 4,
        visibility: buf[at + 5] & 0x3,
        defined: buf.readUInt16LE(at + 6) !== SHN_UNDEF,
        version,
      });
    }
  }

  // The dynamic section.
  image.needed = [];
  image.soname = undefined;
  image.searchPaths = [];
  image.textrel = false;
  image.staticTls = false;
  const dynamic = image.sections.find((s) => s.type === SHT_DYNAMIC);
  if (dynamic) {
    const str = strings(dynamic.link);
    for (let at = dynamic.offset; at < dynamic.offset + dynamic.size; at += 16) {
      const tag = u64(buf, at);
      const value = u64(buf, at + 8);
      if (tag === DT_NULL) break;
      if (tag === DT_NEEDED) image.needed.push(str(value));
      else if (tag === DT_SONAME) image.soname = str(value);
      else if (tag === DT_RPATH || tag === DT_RUNPATH) image.searchPaths.push(str(value));
      else if (tag === DT_TEXTREL) image.textrel = true;
      else if (tag === DT_FLAGS) {
        if (value & DF_TEXTREL) image.textrel = true;
        if (value & DF_STATIC_TLS) image.staticTls = true;
      }
    }
  }
  return image;
}

/** [major, minor, patch] of "GLIBC_2.2.5", or undefined for any other version name. */
function glibcVersion(name) {
  const m = /^GLIBC_(\d+)\.(\d+)(?:\.(\d+))?$/.exec(name);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function listSome(names, max = 8) {
  return `${names.slice(0, max).join(', ')}${names.length > max ? `, ... (${names.length})` : ''}`;
}

/** Checks one ELF file of `target`; `kind` is 'addon' or 'library'. Returns its problems. */
function checkFile(file, target, kind, expect) {
  let image;
  try {
    image = parseElf(fs.readFileSync(file));
  } catch (err) {
    return [err.message];
  }
  const problems = [];
  const machine = MACHINES[target];
  if (image.machine !== machine.machine) problems.push(`machine ${image.machine}, expected ${machine.name} (${machine.machine})`);
  if (image.type !== ET_DYN) problems.push(`ELF type ${image.type}, expected a shared object (ET_DYN, ${ET_DYN})`);

  // Exports: what the dynamic linker resolves against.
  const exported = image.dynamicSymbols
    .filter((s) => s.defined && s.bind !== STB_LOCAL && (s.visibility === STV_DEFAULT || s.visibility === STV_PROTECTED))
    .map((s) => s.name)
    .sort();
  if (kind === 'addon') {
    const extra = exported.filter((n) => !ADDON_EXPORTS.includes(n));
    const missing = ADDON_REQUIRED_EXPORTS.filter((n) => !exported.includes(n));
    if (extra.length > 0) problems.push(`exports ${extra.length} unexpected symbols: ${listSome(extra)}`);
    if (missing.length > 0) problems.push(`does not export ${missing.join(', ')}`);
  } else if (!sameList(exported, expect.libraryExports)) {
    const extra = exported.filter((n) => !expect.libraryExports.includes(n));
    const missing = expect.libraryExports.filter((n) => !exported.includes(n));
    problems.push(`exports differ from exports.cc: extra [${listSome(extra)}], missing [${missing.join(', ')}]`);
  }

  // Symbol versions needed from other objects.
  const floor = glibcVersion(`GLIBC_${expect.glibcFloor}`);
  const newer = [];
  const foreign = [];
  for (const need of image.versionNeeds.values()) {
    const v = glibcVersion(need.name);
    if (v === undefined) foreign.push(`${need.name} (${need.file})`);
    else if (compareVersions(v, floor) > 0) newer.push(need.name);
  }
  if (newer.length > 0) problems.push(`needs glibc newer than ${expect.glibcFloor}: ${[...new Set(newer)].join(', ')}`);
  if (foreign.length > 0) problems.push(`needs versions outside glibc (libstdc++, libgcc or another library): ${listSome(foreign)}`);

  const allowedNeeded = [...GLIBC_LIBRARIES, machine.loader];
  const extraNeeded = image.needed.filter((n) => !allowedNeeded.includes(n));
  if (extraNeeded.length > 0) problems.push(`NEEDED ${extraNeeded.join(', ')}: only glibc's own libraries may be (${allowedNeeded.join(', ')})`);

  // Undefined symbols: bound to a glibc version, or Node-API functions from the host.
  const unbound = [];
  const napiBound = [];
  for (const s of image.dynamicSymbols.filter((sym) => !sym.defined && sym.name !== '')) {
    const napi = kind === 'addon' && expect.napiSymbols.has(s.name);
    if (s.version > 1) {
      if (napi) napiBound.push(s.name);
    } else if (!napi && s.bind !== STB_WEAK) {
      unbound.push(s.name);
    }
  }
  if (unbound.length > 0) {
    const what = kind === 'addon' ? `neither bound to a glibc version nor Node-API functions of NAPI_VERSION ${expect.napiVersion}` : 'not bound to a glibc version';
    problems.push(`${unbound.length} undefined symbols ${what}: ${listSome(unbound)}`);
  }
  if (napiBound.length > 0) problems.push(`Node-API functions bound to a versioned library instead of the host: ${listSome(napiBound)}`);

  if (kind === 'library' && image.soname !== LIBRARY_FILE) problems.push(`SONAME ${image.soname}, expected ${LIBRARY_FILE}`);
  if (image.searchPaths.length > 0) problems.push(`RPATH/RUNPATH ${image.searchPaths.join(', ')}`);
  if (image.textrel) problems.push('has text relocations');
  if (image.staticTls) problems.push('uses the static TLS model (DF_STATIC_TLS): dlopen can fail');
  const stack = image.segments.find((s) => s.type === PT_GNU_STACK);
  if (stack === undefined) problems.push('no PT_GNU_STACK: the loader assumes an executable stack');
  else if (stack.flags & PF_X) problems.push('asks for an executable stack (PT_GNU_STACK has PF_X)');

  const unstripped = image.sections.filter((s) => s.type === SHT_SYMTAB || s.name.startsWith('.debug')).map((s) => s.name);
  if (unstripped.length > 0) problems.push(`not stripped: ${unstripped.join(', ')}`);
  return problems;
}

/** What the products must match, from the repository's own files. */
function expectations() {
  const { napiVersion } = bindingGypDefines(ROOT);
  return {
    libraryExports: expectedLibraryExports().map((name) => name.slice(1)),
    napiSymbols: new Set(napiSymbols(napiVersion)),
    napiVersion,
    glibcFloor: GLIBC_FLOOR,
  };
}

/**
 * Checks one prebuild folder; `target` defaults to the folder's name. Returns `{ file, problems }`
 * per product.
 */
function checkPrebuild(dir, target = path.basename(dir)) {
  if (MACHINES[target] === undefined) return [{ file: dir, problems: [`${target} is not a Linux target (${Object.keys(MACHINES).join(', ')})`] }];
  const expect = expectations();
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
  reportChecks(dirs.length > 0 ? dirs : Object.keys(MACHINES).map((t) => path.join(ROOT, 'prebuilds', t)), checkPrebuild);
}

if (require.main === module) main();

module.exports = { checkPrebuild, parseElf };
