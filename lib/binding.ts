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

/** The raw addon for this JS environment (each worker thread loads its own instance). */
export function loadAddon(): RawAddon {
  if (addon) return addon;
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  const override = buildDirOverride();
  const root = override ?? path.join(__dirname, '..');
  try {
    addon = (override ? require(path.join(override, 'tim_native.node')) : nodeGypBuild(root)) as RawAddon;
  } catch (err) {
    throw new Error(
      `tim-native: could not load the native addon from ${root} ` +
        `(run \`npm install\` or \`npm run build:native\`): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return addon;
}

/**
 * Path of the standalone emulator library built beside the addon, for loading by path like the
 * vendor library. node-gyp and cmake-js put it in build/Release; older gyp make generators in
 * build/Release/lib.target. `TIM_NATIVE_BUILD_DIR` replaces build/Release (see `loadAddon`).
 */
export function emulatorLibraryPath(): string {
  const release = buildDirOverride() ?? path.join(__dirname, '..', 'build', 'Release');
  const file =
    process.platform === 'win32'
      ? 'tim_emulator.dll'
      : process.platform === 'darwin'
        ? 'libtim_emulator.dylib'
        : 'libtim_emulator.so';
  const candidates = [path.join(release, file), path.join(release, 'lib.target', file)];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}
