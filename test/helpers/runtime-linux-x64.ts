/**
 * `TIM_TEST_RUNTIME=linux-x64`: test children run this host's Node, but load the package's prebuild
 * prebuilds/linux-x64/node.napi.node (`PREBUILDS_ONLY=1`: node-gyp-build skips build/Release) and
 * its libtim_emulator.so, as on a user's machine after `npm install`. The host runtime tests the
 * node-gyp build of the same sources; this one tests the binaries that ship, which come from
 * another compiler and C++ runtime (zig's clang and libc++, for glibc 2.28: scripts/prebuilds/linux.js).
 *
 * PREBUILDS_ONLY is in the children's environment, so a child they fork loads the prebuild too.
 * With `isolate`, the child runs inside `unshare -n`, as on the host runtime.
 */
import { existsSync } from 'fs';
import * as path from 'path';
import type { NodeRuntime } from './runtime';

const TARGET = 'linux-x64';
const PREBUILD_DIR = path.join(__dirname, '..', '..', 'prebuilds', TARGET);
const PRODUCTS = ['node.napi.node', 'libtim_emulator.so'];
const ENV: Record<string, string> = { PREBUILDS_ONLY: '1' };

/** What this machine lacks to run the linux-x64 prebuild, or undefined. */
function problem(): string | undefined {
  const host = `${process.platform}-${process.arch}`;
  if (host !== TARGET) return `the ${TARGET} prebuild runs on a ${TARGET} host (this is ${host})`;
  const missing = PRODUCTS.filter((file) => !existsSync(path.join(PREBUILD_DIR, file)));
  if (missing.length > 0) return `prebuilds/${TARGET} lacks ${missing.join(', ')} (run \`node scripts/prebuilds.js ${TARGET}\`)`;
  return undefined;
}

/** The host's Node with prebuilds/linux-x64. */
export const runtime: NodeRuntime = {
  name: TARGET,
  stdioPipes: true,
  problem,
  emulatorLibrary: () => path.join(PREBUILD_DIR, 'libtim_emulator.so'),
  nodeCommand(nodeArgv, { isolate }) {
    return isolate
      ? { command: 'unshare', args: ['-n', process.execPath, ...nodeArgv], env: { ...ENV } }
      : { command: process.execPath, args: nodeArgv, env: { ...ENV } };
  },
  hostParentEnv: () => ({ ...ENV }),
};
