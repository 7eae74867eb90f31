/**
 * The macOS prebuilds cannot run here, so scripts/check-macho.js reads their Mach-O structures:
 * CPU and file type, exported and undefined symbols, linked dylibs, minimum macOS (binding.gyp's),
 * stripping and the ad-hoc code signature (see the script's header). This suite runs it on
 * prebuilds/darwin-x64 and prebuilds/darwin-arm64 (`npm run prebuilds -- darwin-x64 darwin-arm64`),
 * and shows on damaged copies that it rejects what it should. Missing prebuilds skip locally and
 * fail on CI.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { skipOrFail } from './helpers/isolate';

const ROOT = path.join(__dirname, '..');
const CHECKER = path.join(ROOT, 'scripts', 'check-macho.js');
const TARGETS = ['darwin-x64', 'darwin-arm64'] as const;
const PRODUCTS = ['node.napi.node', 'libtim_emulator.dylib'];

interface CheckRun {
  status: number | null;
  stdout: string;
}

function check(...dirs: string[]): CheckRun {
  const r = spawnSync(process.execPath, [CHECKER, ...dirs], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout + r.stderr };
}

/** A copy of a prebuild folder under `root`, named `name` (the checker reads the target from it). */
function copyPrebuild(from: string, root: string, name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const product of PRODUCTS) copyFileSync(path.join(from, product), path.join(dir, product));
  return dir;
}

for (const target of TARGETS) {
  const dir = path.join(ROOT, 'prebuilds', target);
  const missing = PRODUCTS.filter((p) => !existsSync(path.join(dir, p)));
  const problem = missing.length > 0 ? `prebuilds/${target} lacks ${missing.join(', ')} (run \`npm run prebuilds -- ${target}\`)` : undefined;
  const mode = skipOrFail(`Mach-O checks of ${target}`, problem);

  if (mode === 'fail') {
    describe(`Mach-O checks: ${target}`, () => {
      test('prerequisites', () => {
        throw new Error(`${problem} (CI=true: missing prerequisites fail)`);
      });
    });
    continue;
  }

  (mode === 'skip' ? describe.skip : describe)(`Mach-O checks: ${target}`, () => {
    let scratch = '';
    beforeAll(() => {
      scratch = mkdtempSync(path.join(tmpdir(), 'tim-macho-'));
    });
    afterAll(() => {
      rmSync(scratch, { recursive: true, force: true });
    });

    test('the addon and the emulator library pass every check', () => {
      const run = check(dir);
      expect(run.stdout).toMatch(new RegExp(`^ok .*${target}/node\\.napi\\.node$`, 'm'));
      expect(run.stdout).toMatch(new RegExp(`^ok .*${target}/libtim_emulator\\.dylib$`, 'm'));
      expect(run.stdout).not.toMatch(/^FAIL/m);
      expect(run.status).toBe(0);
    });

    test('a byte changed in the code breaks the signature and is reported', () => {
      const copy = copyPrebuild(dir, path.join(scratch, 'damaged'), target);
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
      const copy = copyPrebuild(dir, path.join(scratch, 'swapped'), other);
      copyFileSync(path.join(dir, 'node.napi.node'), path.join(copy, 'libtim_emulator.dylib'));
      const run = check(copy);
      expect(run.stdout).toMatch(/^FAIL .*node\.napi\.node\n {2}- CPU type 0x[0-9a-f]+, expected /m);
      expect(run.stdout).toMatch(/^ {2}- file type 8, expected MH_DYLIB \(6\)$/m);
      expect(run.stdout).toMatch(/^ {2}- exports differ from exports\.cc: extra \[_napi_register_module_v1/m);
      expect(run.stdout).toMatch(/^ {2}- \d+ undefined symbols looked up dynamically \(flat namespace\): _napi_/m);
      expect(run.status).toBe(1);
    });
  });
}
