/**
 * The Linux prebuilds must load wherever Node itself does (glibc 2.28 and later, no particular
 * libstdc++), and that cannot be seen by loading them on this Debian 12 machine, whose glibc and
 * libstdc++ are new. scripts/check-elf.js reads their ELF structures instead: machine, exports,
 * needed symbol versions, NEEDED libraries, undefined symbols, stack, stripping (see the script's
 * header). This suite runs it on prebuilds/linux-x64 and prebuilds/linux-arm64
 * (`npm run prebuilds -- linux-x64 linux-arm64`), and shows on damaged copies, and on the host's own
 * g++ build, that it rejects what it should. Missing prebuilds skip locally and fail on CI.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { skipOrFail } from './helpers/isolate';
import { copyPrebuild as copyOf, describePrebuild, runCheck, type PrebuildChecks } from './helpers/prebuild-checks';

const ROOT = path.join(__dirname, '..');
const CHECKS: PrebuildChecks = { kind: 'ELF', checker: path.join(ROOT, 'scripts', 'check-elf.js'), products: ['node.napi.node', 'libtim_emulator.so'] };
const TARGETS = ['linux-x64', 'linux-arm64'] as const;
const PRODUCTS = CHECKS.products;
const PT_GNU_STACK = 0x6474e551;
const check = (...dirs: string[]): ReturnType<typeof runCheck> => runCheck(CHECKS, ...dirs);
const copyPrebuild = (from: string, root: string, name: string): string => copyOf(CHECKS, from, root, name);

/** Rewrites the NUL-terminated string `from` in `file` to `to` (no longer than `from`), once. */
function patchString(file: string, from: string, to: string): void {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(`${from}\0`));
  if (at < 0) throw new Error(`${file} holds no string ${from}`);
  if (to.length > from.length) throw new Error(`${to} is longer than ${from}`);
  Buffer.from(`${to}\0`.padEnd(from.length + 1, '\0')).copy(bytes, at);
  writeFileSync(file, bytes);
}

/** Sets PF_X on the PT_GNU_STACK program header of `file`: the object asks for an executable stack. */
function makeStackExecutable(file: string): void {
  const bytes = readFileSync(file);
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phentsize = bytes.readUInt16LE(54);
  for (let i = 0; i < bytes.readUInt16LE(56); i++) {
    const at = phoff + i * phentsize;
    if (bytes.readUInt32LE(at) !== PT_GNU_STACK) continue;
    bytes.writeUInt32LE(bytes.readUInt32LE(at + 4) | 0x1, at + 4);
    writeFileSync(file, bytes);
    return;
  }
  throw new Error(`${file} has no PT_GNU_STACK`);
}

describePrebuild(CHECKS, TARGETS, ({ target, dir, scratch }) => {
  test('a newer glibc version, a libstdc++ dependency or an executable stack is reported', () => {
    const copy = copyPrebuild(dir, path.join(scratch(), 'damaged'), target);
    const addon = path.join(copy, 'node.napi.node');
    const library = path.join(copy, 'libtim_emulator.so');
    // The version name the addon's fcntl64 is bound to, read as a newer one.
    patchString(addon, 'GLIBC_2.28', 'GLIBC_2.34');
    // "libpthread.so.0" and "libstdc++.so.6" fit in the same bytes of the dynamic string table.
    patchString(library, 'libpthread.so.0', 'libstdc++.so.6');
    makeStackExecutable(library);
    const run = check(copy);
    expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node\n {2}- needs glibc newer than 2\.28: GLIBC_2\.34$/m);
    expect(run.stdout).toMatch(/^FAIL .*libtim_emulator\.so$/m);
    expect(run.stdout).toMatch(/^ {2}- NEEDED libstdc\+\+\.so\.6: only glibc's own libraries may be /m);
    expect(run.stdout).toMatch(/^ {2}- asks for an executable stack \(PT_GNU_STACK has PF_X\)$/m);
    expect(run.status).toBe(1);
  });

  test('the other architecture, or the addon in place of the library, is rejected', () => {
    const other = TARGETS.find((t) => t !== target) as string;
    const copy = copyPrebuild(dir, path.join(scratch(), 'swapped'), other);
    copyFileSync(path.join(dir, 'node.napi.node'), path.join(copy, 'libtim_emulator.so'));
    const run = check(copy);
    expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node\n {2}- machine \d+, expected /m);
    expect(run.stdout).toMatch(/^ {2}- exports differ from exports\.cc: extra \[napi_register_module_v1/m);
    expect(run.stdout).toMatch(/^ {2}- \d+ undefined symbols not bound to a glibc version: napi_/m);
    expect(run.stdout).toMatch(/^ {2}- SONAME undefined, expected libtim_emulator\.so$/m);
    expect(run.status).toBe(1);
  });
});

// node-gyp with the machine's g++ (build/Release, what `npm install` compiles from source) links
// libstdc++ dynamically: exactly what the prebuilds must not do, found by the same check.
const hostBuild = path.join(ROOT, 'build', 'Release');
const hostMissing = PRODUCTS.filter((p) => !existsSync(path.join(hostBuild, p === 'node.napi.node' ? 'tim_native.node' : p)));
const hostMode = skipOrFail('ELF checks of the host g++ build', hostMissing.length > 0 ? `build/Release lacks ${hostMissing.join(', ')} (run \`npm run build\`)` : undefined);
(hostMode === 'skip' ? describe.skip : describe)('ELF checks: the host g++ build', () => {
  test(`node-gyp's g++ build needs libstdc++ and is rejected`, () => {
    if (hostMode === 'fail') throw new Error(`build/Release lacks ${hostMissing.join(', ')} (CI=true: missing prerequisites fail)`);
    const scratch = mkdtempSync(path.join(tmpdir(), 'tim-elf-host-'));
    try {
      const copy = path.join(scratch, `${process.platform}-${process.arch}`);
      mkdirSync(copy);
      copyFileSync(path.join(hostBuild, 'tim_native.node'), path.join(copy, 'node.napi.node'));
      copyFileSync(path.join(hostBuild, 'libtim_emulator.so'), path.join(copy, 'libtim_emulator.so'));
      const run = check(copy);
      expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node$/m);
      expect(run.stdout).toMatch(/^FAIL .*libtim_emulator\.so$/m);
      expect(run.stdout).toMatch(/^ {2}- needs versions outside glibc \(libstdc\+\+, libgcc or another library\): .*GLIBCXX_3\.4/m);
      expect(run.stdout).toMatch(/^ {2}- NEEDED libstdc\+\+\.so\.6/m);
      expect(run.status).toBe(1);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
