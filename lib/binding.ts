/**
 * Loads the addon: a prebuild that fits this platform, else the local node-gyp build. Load errors
 * are rethrown with their cause, never swallowed.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RawAddon } from './native';

let addon: RawAddon | undefined;

/**
 * `TIM_NATIVE_BUILD_DIR`: a directory holding another build of `tim_native.node` and the emulator
 * library, used instead of the prebuild or build/Release. For test runs of instrumented builds
 * (`npm run test:sanitize` sets it to build-sanitize/Release); unset in normal use.
 */
function buildDirOverride(): string | undefined {
  return process.env.TIM_NATIVE_BUILD_DIR || undefined;
}

/** The package root: node-gyp-build looks for build/Release and prebuilds/<platform>-<arch> there. */
const PACKAGE_ROOT = path.join(__dirname, '..');

/**
 * Path of the addon this process loads: `TIM_NATIVE_BUILD_DIR`'s, else what node-gyp-build picks
 * (build/Release, then the prebuild for this platform; `PREBUILDS_ONLY=1` skips build/Release).
 */
function addonPath(): string {
  const override = buildDirOverride();
  if (override) return path.join(override, 'tim_native.node');
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  return nodeGypBuild.resolve(PACKAGE_ROOT);
}

/** The raw addon for this JS environment (each worker thread loads its own instance). */
export function loadAddon(): RawAddon {
  if (addon) return addon;
  try {
    addon = require(addonPath()) as RawAddon;
  } catch (err) {
    throw new Error(
      `tim-native: could not load the native addon from ${buildDirOverride() ?? PACKAGE_ROOT} ` +
        `(run \`npm install\` or \`npm run build:native\`): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return addon;
}

/**
 * Path of the standalone emulator library, for loading by path like the vendor library. It is
 * built and shipped beside the addon: build/Release (older gyp make generators: its lib.target),
 * prebuilds/<platform>-<arch>, or `TIM_NATIVE_BUILD_DIR` (see `loadAddon`).
 */
export function emulatorLibraryPath(): string {
  let dir: string;
  try {
    dir = path.dirname(addonPath());
  } catch {
    dir = path.join(PACKAGE_ROOT, 'build', 'Release'); // nothing built: name where it would be
  }
  const file =
    process.platform === 'win32'
      ? 'tim_emulator.dll'
      : process.platform === 'darwin'
        ? 'libtim_emulator.dylib'
        : 'libtim_emulator.so';
  const candidates = [path.join(dir, file), path.join(dir, 'lib.target', file)];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}
