/**
 * The macOS prebuilds cannot run here, so scripts/check-macho.js reads their Mach-O structures:
 * CPU and file type, exported and undefined symbols, linked dylibs, minimum macOS (binding.gyp's),
 * stripping and the ad-hoc code signature (see the script's header). This suite runs it on
 * prebuilds/darwin-x64 and prebuilds/darwin-arm64 (`npm run prebuilds -- darwin-x64 darwin-arm64`),
 * and shows on damaged copies that it rejects what it should. Missing prebuilds skip locally and
 * fail on CI.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { copyPrebuild as copyOf, describePrebuild, runCheck, type PrebuildChecks } from './helpers/prebuild-checks';

const ROOT = path.join(__dirname, '..');
const CHECKS: PrebuildChecks = { kind: 'Mach-O', checker: path.join(ROOT, 'scripts', 'check-macho.js'), products: ['node.napi.node', 'libtim_emulator.dylib'] };
const TARGETS = ['darwin-x64', 'darwin-arm64'] as const;
const check = (...dirs: string[]): ReturnType<typeof runCheck> => runCheck(CHECKS, ...dirs);
const copyPrebuild = (from: string, root: string, name: string): string => copyOf(CHECKS, from, root, name);

describePrebuild(CHECKS, TARGETS, ({ target, dir, scratch }) => {
  test('a byte changed in the code breaks the signature and is reported', () => {
    const copy = copyPrebuild(dir, path.join(scratch(), 'damaged'), target);
    const addon = path.join(copy, 'node.napi.node');
    const bytes = readFileSync(addon);
    // Inside the second page: __TEXT's code, covered by the code directory's page hashes.
    bytes[4096 + 17] ^= 0xff;
    writeFileSync(addon, bytes);
    const run = check(copy);
    expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node\n {2}- code signature hash of page 1 does not match the file$/m);
    expect(run.stdout).toMatch(/^ok .*libtim_emulator\.dylib$/m);
    expect(run.status).toBe(1);
  });

  test('the other architecture, or the addon in place of the library, is rejected', () => {
    const other = TARGETS.find((t) => t !== target) as string;
    const copy = copyPrebuild(dir, path.join(scratch(), 'swapped'), other);
    copyFileSync(path.join(dir, 'node.napi.node'), path.join(copy, 'libtim_emulator.dylib'));
    const run = check(copy);
    expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node\n {2}- CPU type 0x[0-9a-f]+, expected /m);
    expect(run.stdout).toMatch(/^ {2}- file type 8, expected MH_DYLIB \(6\)$/m);
    expect(run.stdout).toMatch(/^ {2}- exports differ from exports\.cc: extra \[_napi_register_module_v1/m);
    expect(run.stdout).toMatch(/^ {2}- \d+ undefined symbols looked up dynamically \(flat namespace\): _napi_/m);
    expect(run.status).toBe(1);
  });
});
