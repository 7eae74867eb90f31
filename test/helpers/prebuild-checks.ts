/**
 * What the suites of the prebuilds that cannot be loaded here (test/prebuilds-elf.test.ts,
 * test/prebuilds-macho.test.ts) share: running their checker script (scripts/check-elf.js,
 * scripts/check-macho.js) on a prebuild folder, copies of a prebuild to damage, and one `describe`
 * per target that skips locally and fails on CI when the prebuild is missing, gives the tests a
 * scratch folder, and first shows that the real prebuild passes.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { skipOrFail } from './isolate';

const ROOT = path.join(__dirname, '..', '..');

/** What a checker run printed and how it exited. */
export interface CheckRun {
  status: number | null;
  stdout: string;
}

/** The checks of one kind of binary: its checker and the files of a prebuild folder. */
export interface PrebuildChecks {
  /** `ELF` or `Mach-O`, for suite names. */
  kind: string;
  /** Path of the checker script. */
  checker: string;
  /** The files of a prebuild folder: the addon first, then the emulator library. */
  products: readonly [string, string];
}

/** Runs the checker on prebuild folders. */
export function runCheck(checks: PrebuildChecks, ...dirs: string[]): CheckRun {
  const r = spawnSync(process.execPath, [checks.checker, ...dirs], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout + r.stderr };
}

/** A copy of a prebuild folder under `root`, named `name` (the checkers read the target from it). */
export function copyPrebuild(checks: PrebuildChecks, from: string, root: string, name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const product of checks.products) copyFileSync(path.join(from, product), path.join(dir, product));
  return dir;
}

/** What {@link describePrebuild} gives each target's own tests. */
export interface TargetContext {
  target: string;
  /** prebuilds/<target>. */
  dir: string;
  /** A scratch folder for damaged copies, removed after the target's tests. */
  scratch(): string;
}

/**
 * One `describe` per target: missing prebuilds skip locally and fail on CI; otherwise the real
 * prebuild must pass every check, then `more` adds the target's own tests.
 */
export function describePrebuild(checks: PrebuildChecks, targets: readonly string[], more: (ctx: TargetContext) => void): void {
  for (const target of targets) {
    const dir = path.join(ROOT, 'prebuilds', target);
    const missing = checks.products.filter((p) => !existsSync(path.join(dir, p)));
    const problem = missing.length > 0 ? `prebuilds/${target} lacks ${missing.join(', ')} (run \`npm run prebuilds -- ${target}\`)` : undefined;
    const mode = skipOrFail(`${checks.kind} checks of ${target}`, problem);
    if (mode === 'fail') {
      describe(`${checks.kind} checks: ${target}`, () => {
        test('prerequisites', () => {
          throw new Error(`${problem} (CI=true: missing prerequisites fail)`);
        });
      });
      continue;
    }
    (mode === 'skip' ? describe.skip : describe)(`${checks.kind} checks: ${target}`, () => {
      let scratch = '';
      beforeAll(() => {
        scratch = mkdtempSync(path.join(tmpdir(), 'tim-prebuild-check-'));
      });
      afterAll(() => {
        rmSync(scratch, { recursive: true, force: true });
      });

      test('the addon and the emulator library pass every check', () => {
        const run = runCheck(checks, dir);
        for (const product of checks.products) {
          expect(run.stdout).toMatch(new RegExp(`^ok .*${target}/${product.replace(/\./g, '\\.')}$`, 'm'));
        }
        expect(run.stdout).not.toMatch(/^FAIL/m);
        expect(run.status).toBe(0);
      });

      more({ target, dir, scratch: () => scratch });
    });
  }
}
