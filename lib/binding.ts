/**
 * Loads the addon: a prebuild that fits this platform, else the local node-gyp build. Load errors
 * are rethrown with their cause, never swallowed.
 * @packageDocumentation
 */
import * as path from 'path';
import type { RawAddon } from './native';

let addon: RawAddon | undefined;

/** The raw addon for this JS environment (each worker thread loads its own instance). */
export function loadAddon(): RawAddon {
  if (addon) return addon;
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  const root = path.join(__dirname, '..');
  try {
    addon = nodeGypBuild(root) as RawAddon;
  } catch (err) {
    throw new Error(
      `tim-native: could not load the native addon from ${root} ` +
        `(run \`npm install\` or \`npm run build:native\`): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return addon;
}

/** Path of the standalone emulator library built beside the addon (for loading by path). */
export function emulatorLibraryPath(): string {
  const root = path.join(__dirname, '..');
  const file =
    process.platform === 'win32'
      ? 'tim_emulator.dll'
      : process.platform === 'darwin'
        ? 'libtim_emulator.dylib'
        : path.join('lib.target', 'libtim_emulator.so');
  return path.join(root, 'build', 'Release', file);
}
